"""crosscheck reproduce: train every MNIST-family spec on the full MNIST with its post's schedule
in both frameworks, and tabulate the post's reported numbers next to the TF and torch results.

Results accumulate in OUT/reproduce.json (one entry per spec and framework, replaced when rerun;
updated under a file lock, so several processes — e.g. one per framework — can fill one table),
and OUT/reproduce.md and OUT/curves/ID.png are regenerated after every run, so an interrupted
run keeps what it finished; a hand-written OUT/reproduce_explained.md (the analysis of the rows) is
appended to the generated table each time, so it survives regeneration (`--skip-done` with every
row done only rewrites reproduce.md). Curves are kept in OUT/curves/ID.FRAMEWORK.npz. With `--runs DIR`
every run also checkpoints to DIR/ID/FRAMEWORK (the `crosscheck train` layout) at each evaluation
and continues from a checkpoint found there: an hours-long run survives an interruption, and a
`crosscheck train` run with the same settings can be carried on to the spec's schedule.

The runs are independent (`crosscheck.runs`): `--workers N` or `--ray ADDRESS` spread them over
processes or machines (with `--runs`, DIR must then be a path every machine sees). Each finished
run is kept in OUT/.store (or `--store DIR`), so a rerun carries on with the runs not there yet.
"""
import json
import time
from pathlib import Path

import numpy as np

from spec.atomic import atomic_path

from .common import (add_runs, add_training_run, apply_threads, check_training_memory, load_data, load_specs,
                     run_options, task_threads)

NAME = "reproduce"
EXPLAINED = "reproduce_explained.md"
HELP = "train each MNIST spec with its post's schedule in both twins; table of post vs TF vs torch"
ORDER = 11


def add_arguments(parser):
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID", help="default: every spec whose data.dataset is mnist")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where reproduce.md/.json and curves/ go (default docs/)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shared initial weights, batch order, dropout masks")
    parser.add_argument("--skip-done", action="store_true", help="skip runs already in OUT/reproduce.json")
    parser.add_argument("--framework", choices=["tf", "torch", "both"], default="both")
    parser.add_argument("--evals", type=int, default=5, help="test-set evaluations per run (default 5; the last after the final step)")
    parser.add_argument("--runs", type=Path, metavar="DIR",
                        help="checkpoint each run to DIR/ID/FRAMEWORK and resume from a checkpoint found there")
    add_training_run(parser)
    add_runs(parser, "OUT/.store")


_DATA = {}  # one load per process for all of its runs (the data depends on the spec only by its scale)


def _data(spec, source):
    scale = spec.data.get("scale", "unit")
    if (scale, source) not in _DATA:
        _DATA[scale, source] = load_data(spec, source)
    return _DATA[scale, source]


def train_schedule(spec, framework: str, seed: int, source, device: str, evals: int, run_dir: Path | None,
                   threads: int | None, progress: bool) -> dict:
    """One twin trained with its spec's schedule (a task of `crosscheck.runs`): its table entry,
    its curves and the environment that produced them."""
    from crosscheck import environment, training

    data = _data(spec, source)
    bs, total = training.schedule(spec, len(data.x_train))
    resume = bool(run_dir and (run_dir / framework / "checkpoint.state.npz").exists())
    r = training.train(spec, framework, data, total_steps=total, batch_size=bs, seed=seed, device=device,
                       eval_every=max(1, total // evals), progress=progress, out=run_dir, resume=resume)
    entry = {"test_accuracy": r.final_accuracy, "test_loss": r.final_test_loss, "seconds": round(r.seconds, 1),
             "steps_done": r.steps_done, "stopped": r.stopped,
             "steps_per_s": round(r.steps_done / max(r.seconds, 1e-9), 2), "device": r.device,
             "threads": threads, "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    return {"entry": entry, "batch_size": bs, "steps": total, "data": data.source, "losses": list(r.losses),
            "evals": [list(e) for e in r.evals], "environment": {**environment.describe("", ""), "cpu_count": _cpus()}}


def run(args) -> int:
    from tqdm import tqdm

    from crosscheck import environment, run_artifacts, runs, twins
    from crosscheck.errors import UserError

    if args.evals < 1:
        raise UserError("--evals must be at least 1")
    if args.data == "synthetic":
        raise UserError("reproduce compares with the posts' MNIST results; --data synthetic cannot reproduce them")
    engine = run_options(args)
    specs = [s for s in load_specs(args.specs) if s.raw.get("data", {}).get("dataset") == "mnist" and s.optimizer]
    for spec in specs:
        check_training_memory(spec, args.data, spec.optimizer)
    in_process = args.workers is None and args.ray is None
    if in_process:
        apply_threads(args)
        environment.conformance_mode()
    frameworks = twins.FRAMEWORKS if args.framework == "both" else (args.framework,)
    args.out.mkdir(parents=True, exist_ok=True)
    done = _update(args.out)["results"]
    threads = task_threads(args)
    tasks = [runs.Task(f"{spec.id} {fw}",
                       {"command": NAME, "spec": spec.id, "spec_digest": runs.spec_digest(spec), "framework": fw,
                        "seed": args.seed, "data": args.data, "device": args.device, "evals": args.evals,
                        "threads": threads},
                       train_schedule, (spec, fw, args.seed, args.data, args.device, args.evals,
                                        args.runs / spec.id if args.runs else None, threads,
                                        in_process and not args.no_progress))
             for spec in specs for fw in frameworks if not (args.skip_done and fw in done.get(spec.id, {}))]
    by_id = {spec.id: spec for spec in specs}
    curves = args.out / "curves"
    stopped = []

    def record_run(task, res):
        spec, fw, entry = by_id[task.key["spec"]], task.key["framework"], res["entry"]
        stopped.append(bool(entry["stopped"]))
        curves.mkdir(exist_ok=True)
        with atomic_path(curves / f"{spec.id}.{fw}.npz") as tmp, open(tmp, "wb") as f:
            np.savez(f, losses=np.asarray(res["losses"]), evals=np.asarray(res["evals"], np.float64).reshape(-1, 3))

        def record(doc):
            doc["environment"] = res["environment"]
            e = doc["results"].setdefault(spec.id, {})
            e.update({"batch_size": res["batch_size"], "steps": res["steps"], "optimizer": spec.optimizer,
                      "reported": spec.raw.get("reported", {}), "data": res["data"], "seed": args.seed, fw: entry})

        _update(args.out, record)
        curve_runs = {}
        for f2 in twins.FRAMEWORKS:
            if (curves / f"{spec.id}.{f2}.npz").exists():
                with np.load(curves / f"{spec.id}.{f2}.npz") as z:
                    curve_runs[f2] = run_artifacts.RunResult(f2, len(z["losses"]), list(z["losses"]),
                                                             [tuple(e) for e in z["evals"]])
        run_artifacts.plot(curve_runs, curves / f"{spec.id}.png", spec.id)
        tqdm.write(f"{spec.id} {fw}: test accuracy {_pct(entry['test_accuracy'])}, test loss "
                   f"{_num(entry['test_loss'])}, {entry['seconds']:.0f} s"
                   + (f"; stopped: {entry['stopped']}" if entry["stopped"] else ""))

    runs.run_tasks(tasks, store=runs.Store(args.store or args.out / ".store"), desc="reproduce",
                   progress=not args.no_progress, on_done=record_run, **engine)
    return 1 if any(stopped) else 0


def _update(out: Path, change=None) -> dict:
    """Read-modify-write OUT/reproduce.json under an exclusive lock; rewrite reproduce.md from it
    and OUT/reproduce_explained.md."""
    import fcntl

    from spec.atomic import write_text_atomic

    with open(out / ".reproduce.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = out / "reproduce.json"
        doc = json.loads(path.read_text()) if path.exists() else {"results": {}}
        if change is not None:
            change(doc)
            write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
        if "environment" in doc:
            explained = out / EXPLAINED
            write_text_atomic(out / "reproduce.md", table(doc, explained.read_text() if explained.exists() else ""))
        return doc


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _pct(v):
    return "—" if v is None else f"{100 * v:.2f} %"


def _num(v):
    return "—" if v is None else f"{v:.4g}"


def _secs(e, fw) -> str:
    return f"{e[fw]['seconds']:.0f} s" if fw in e else "—"


def table(doc: dict, explained: str = "") -> str:
    env = doc["environment"]
    rows = ["| spec | steps × batch | optimizer | post: accuracy / cost | TF accuracy / test loss | torch accuracy / test loss "
            "| TF − torch (accuracy pts) | wall time TF / torch |",
            "|---|---|---|---|---|---|---|---|"]
    for sid, e in sorted(doc["results"].items()):
        rep = e["reported"]
        post = f"{_pct(rep.get('test_accuracy'))} / {_num(rep.get('test_cost'))}"
        cells = []
        for fw in ("tf", "torch"):
            r = e.get(fw, {"test_accuracy": None, "test_loss": None, "stopped": "not run yet", "seconds": float("nan")})
            cell = f"{_pct(r['test_accuracy'])} / {_num(r['test_loss'])}"
            if r["stopped"]:
                cell += f" (stopped: {r['stopped']})"
            cells.append(cell)
        ta, pa = (e.get(fw, {}).get("test_accuracy") for fw in ("tf", "torch"))
        diff = "—" if ta is None or pa is None else f"{100 * (ta - pa):+.2f}"
        opt = e["optimizer"]
        rows.append(f"| {sid} | {e['steps']} × {e['batch_size']} | {opt['type']} lr {opt['learning_rate']} | {post} | "
                    f"{cells[0]} | {cells[1]} | {diff} | {_secs(e, 'tf')} / {_secs(e, 'torch')} |")
    return "\n".join([
        "# Reproducing the seeds' MNIST results in both twins",
        "",
        "Generated by `crosscheck reproduce` (`crosscheck/commands/reproduce.py`); numbers in `reproduce.json`, "
        "curves in `curves/ID.png`. Every run starts from the same neutral initial weights "
        f"(`init_weights(spec, seed={next(iter(doc['results'].values()))['seed'] if doc['results'] else 0})`), sees the "
        "same batches in the same order and, for dropout, the same masks; accuracy and loss are on the full "
        "10,000-image test set after the last step (loss without L2 terms).",
        "",
        "Command: `crosscheck reproduce --threads 1` (all MNIST specs, both frameworks; `--framework tf|torch` "
        "and `--skip-done` let several processes fill one table). Schedules are the specs' `training` sections; "
        "where a post is silent the spec uses the defaults of the API the post used — see `docs/training.md`.  ",
        f"Machine: {env['platform']}, {env['cpu_count']} CPU cores (shared with other jobs, so wall times are "
        f"indicative), TF {env['tensorflow']} / Keras {env['keras']}, torch {env['torch']}, numpy {env['numpy']}, "
        f"threads per framework: {env['threads']}.",
        "",
        *rows,
        "",
        *([explained.rstrip("\n"), ""] if explained else []),
    ])
