"""crosscheck equivalence: statistical equivalence of the twins under their *native* behaviour.

Each twin is trained K times, with seeds 0..K−1, from its framework's own initialisers (Keras
seeded by `keras.utils.set_random_seed`, torch by `torch.manual_seed`) and its own dropout; the
batch order is the neutral one for that seed. Reported: final test accuracy mean ± sample std per
framework, the difference of means, the pooled std √((s²_tf + s²_torch)/2), and whether
|difference| ≤ pooled std (the twins' seed-to-seed spread covers their difference).

The 2K runs are independent (`crosscheck.runs`): `--workers N` or `--ray ADDRESS` spread them,
`--store DIR` keeps each finished one and a rerun carries on from there.
"""
import json
import math
import sys

from .common import (add_runs, add_training_run, apply_threads, check_training_memory, load_data, load_specs,
                     run_options, task_threads)

NAME = "equivalence"
HELP = "train each twin from K seeds with native initialisers; compare final test accuracy distributions"
ORDER = 12


def add_arguments(parser):
    parser.add_argument("spec", metavar="PATH_OR_ID")
    parser.add_argument("--seeds", type=int, default=5, metavar="K")
    parser.add_argument("--steps", type=int, help="training steps (default: the spec's schedule)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_training_run(parser)
    add_runs(parser, None)


_DATA = {}  # one load per process for all of its runs


def _data(spec, source):
    if (spec.id, source) not in _DATA:
        _DATA[spec.id, source] = load_data(spec, source)
    return _DATA[spec.id, source]


def train_native(spec, framework: str, seed: int, steps: int, batch_size: int, source, device: str,
                 progress: bool) -> dict:
    """One twin from its framework's own initialisers and dropout, seeded by `seed` (a task of
    `crosscheck.runs`)."""
    import keras
    import torch

    from crosscheck import training

    keras.utils.set_random_seed(seed)
    torch.manual_seed(seed)
    r = training.train(spec, framework, _data(spec, source), total_steps=steps, batch_size=batch_size, seed=seed,
                       device=device, weights="native", neutral_dropout=False, eval_every=steps, progress=progress)
    return {"test_accuracy": r.final_accuracy, "stopped": r.stopped, "seconds": r.seconds, "device": r.device}


def run(args) -> int:
    import numpy as np

    from crosscheck import environment, runs, training, twins
    from crosscheck.errors import UserError

    if args.seeds < 2:
        raise UserError("--seeds must be at least 2 (a spread needs two runs)")
    engine = run_options(args)
    (spec,) = load_specs([args.spec])
    check_training_memory(spec, args.data, spec.optimizer)
    in_process = args.workers is None and args.ray is None
    if in_process:
        apply_threads(args)
        environment.conformance_mode()
    data = _data(spec, args.data)
    if not training.is_class_ids(data.y_test):
        raise UserError(f"spec {spec.id!r}: equivalence compares test accuracy, which needs class labels; "
                        f"its {(spec.loss or {}).get('type', 'missing')} loss has none")
    bs, total = training.schedule(spec, len(data.x_train), args.steps)
    inner_progress = in_process and not args.no_progress
    tasks = [runs.Task(f"{spec.id} {fw} seed {seed}",
                       {"command": NAME, "spec": spec.id, "spec_digest": runs.spec_digest(spec), "framework": fw,
                        "seed": seed, "steps": total, "batch_size": bs, "data": args.data, "device": args.device,
                        "threads": task_threads(args)},
                       train_native, (spec, fw, seed, total, bs, args.data, args.device, inner_progress))
             for seed in range(args.seeds) for fw in twins.FRAMEWORKS]

    def report_stop(task, r):
        if r["stopped"]:
            print(f"{task.name}: {r['stopped']}", file=sys.stderr)

    results = runs.run_tasks(tasks, store=runs.Store(args.store) if args.store else None, desc=spec.id,
                             progress=not args.no_progress, on_done=report_stop, **engine)
    acc = {fw: [] for fw in twins.FRAMEWORKS}
    for task, r in zip(tasks, results):
        acc[task.key["framework"]].append(r["test_accuracy"] if r["test_accuracy"] is not None else math.nan)
    stats = {fw: {"accuracies": a, "mean": float(np.mean(a)), "std": float(np.std(a, ddof=1))} for fw, a in acc.items()}
    diff = stats["tf"]["mean"] - stats["torch"]["mean"]
    pooled = math.sqrt((stats["tf"]["std"] ** 2 + stats["torch"]["std"] ** 2) / 2)
    within = bool(abs(diff) <= pooled)
    out = {"spec": spec.id, "seeds": args.seeds, "steps": total, "batch_size": bs, "data": data.source, **stats,
           "difference_of_means": diff, "pooled_std": pooled, "within_pooled_spread": within}
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        print()
    else:
        print(f"{spec.id}: {args.seeds} seeds × {total} steps (batch {bs}) on {data.summary()}, native initialisers and dropout")
        for fw in twins.FRAMEWORKS:
            print(f"  {fw:5s} test accuracy {100 * stats[fw]['mean']:.2f} ± {100 * stats[fw]['std']:.2f} %  "
                  f"({', '.join(f'{100 * a:.2f}' for a in acc[fw])})")
        print(f"  difference of means {100 * diff:+.2f} pts, pooled std {100 * pooled:.2f} pts: "
              f"{'within' if within else 'OUTSIDE'} the pooled spread")
    return 0 if within else 1
