"""crosscheck report: the main job — validate and compare every spec, write report.md/.json.

Each spec is compared in a process of its own (`--workers` at a time, one by default), which
exits when its spec is done: TensorFlow keeps what its allocator took until the process ends,
so a report over the zoo would otherwise grow to the sum of its largest specs. `--ray ADDRESS`
runs the specs on a Ray cluster instead, one worker process per spec (`crosscheck.runs`), and each
finished spec is kept in OUT/.store (or `--store DIR`): a rerun compares only the specs not there.
"""
from pathlib import Path

from .common import add_device, add_runs, add_seed, add_threads, compare_need, run_options

NAME = "report"
HELP = "validate + compare every spec of the zoo and write report.md and report.json"
ORDER = 6


def add_arguments(parser):
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default ./reports)")
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID", help="default: every spec of the zoo")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX export and ORT parity checks")
    parser.add_argument("--strict", action="store_true", help="exit 1 also when a spec is float32-limited")
    add_runs(parser, "OUT/.store", always_own_process=True)
    add_seed(parser)
    add_device(parser)
    add_threads(parser)


def compare_in_worker(spec, seed: int, device: str, onnx: bool) -> dict:
    """One spec, in a process of its own (a task of `crosscheck.runs`): the SpecResult's fields
    and the environment that produced it."""
    from dataclasses import asdict

    from crosscheck import environment
    from crosscheck.compare import compare_spec
    from tf_impl.twin import tf_device
    from torch_impl.twin import torch_device

    env = environment.describe(tf_device(device), str(torch_device(device)))
    result = compare_spec(spec, seed=seed, device=device, onnx=onnx)
    result.peak_rss_bytes = environment.peak_rss_bytes()
    return {"result": asdict(result), "environment": env}


def run(args) -> int:
    from tqdm import tqdm

    from crosscheck import runs
    from crosscheck.compare import SpecResult
    from crosscheck.conformance_inputs import conformance_batch
    from crosscheck.report import format_result, write_report
    from spec import SpecError, load_spec, memory, spec_ids

    engine = run_options(args)
    if args.ray is None:
        engine["workers"] = args.workers or 1  # never in this process: see the module's docstring
    rows, tasks = [], []  # rows: a SpecResult, or None where a task's result goes
    for item in args.specs or spec_ids():
        try:
            spec = load_spec(item)
        except SpecError as e:
            rows.append(SpecResult(item, error="; ".join(e.lines())))  # an invalid spec is a failed row of the report
            continue
        # one too large for this machine refuses the report before any twin is built
        memory.ensure_fits(spec, compare_need(spec, conformance_batch(spec)))
        rows.append(None)
        tasks.append(runs.Task(spec.id, {"command": NAME, "spec": spec.id, "spec_digest": runs.spec_digest(spec),
                                         "seed": args.seed, "device": args.device, "onnx": not args.no_onnx,
                                         "threads": args.threads or 1},
                               compare_in_worker, (spec, args.seed, args.device, not args.no_onnx)))
    env = {}

    def show(task, res):
        nonlocal env
        env = res["environment"]
        tqdm.write(format_result(SpecResult.from_fields(res["result"])))

    for r in rows:
        if r is not None:
            tqdm.write(format_result(r))
    done = runs.run_tasks(tasks, store=runs.Store(args.store or args.out / ".store"), desc="specs", on_done=show,
                          **engine)
    computed = iter(SpecResult.from_fields(res["result"]) for res in done)
    results = [r if r is not None else next(computed) for r in rows]
    md, js = write_report(results, env, args.out)
    failed = sum(r.failed for r in results)
    limited = sum(r.verdict == "float32-limited" for r in results)
    print(f"wrote {md} and {js}: {len(results)} specs, {sum(r.passed for r in results)} pass, "
          f"{limited} float32-limited, {failed} fail or float32-defect")
    return 1 if failed or (args.strict and limited) else 0
