"""crosscheck train: train a spec's twins on MNIST (or synthetic data) from shared initial weights, with logs,
TensorBoard events, checkpoints (resumable) and a plot overlaying the TF and torch curves."""
import math
from pathlib import Path

from .common import add_training_run, apply_threads, check_training_memory, load_data, load_specs

NAME = "train"
HELP = "train the TF and/or torch twin of a spec on MNIST or synthetic data; exit 1 when a loss goes NaN/inf"
ORDER = 10


def add_arguments(parser):
    parser.add_argument("spec", metavar="PATH_OR_ID")
    parser.add_argument("--framework", choices=["tf", "torch", "both"], default="both")
    parser.add_argument("--steps", type=int, help="training steps (default: the spec's training section)")
    parser.add_argument("--epochs", type=int, help="epochs, when --steps is not given")
    parser.add_argument("--batch-size", type=int, help="default: the spec's training.batch_size")
    parser.add_argument("--lr", type=float, help="override the spec optimizer's learning_rate")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights, batch order and dropout masks")
    parser.add_argument("--eval-every", type=int, help="test-set evaluation and checkpoint period (default: steps/20)")
    parser.add_argument("--dropout", choices=["neutral", "native"], default="neutral",
                        help="neutral: masks from one numpy RNG fed to both twins (identical curves); "
                             "native: each framework's own dropout")
    parser.add_argument("--out", type=Path, default=Path("runs"), help="output directory (default runs/); files go to OUT/ID/")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/ID/FRAMEWORK/checkpoint.*")
    add_training_run(parser)


def run(args) -> int:
    from crosscheck import environment, run_artifacts, training, twins
    from crosscheck.conformance_inputs import starting_weights
    from crosscheck.errors import UserError

    for name in ("steps", "epochs", "batch_size", "eval_every"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1")
    (spec,) = load_specs([args.spec])
    if not spec.optimizer:
        raise UserError(f"spec {spec.id!r} has no optimizer section: nothing to train with")
    if args.lr is not None:
        if args.lr <= 0:
            raise UserError("--lr must be positive")
        spec.raw["optimizer"] = {**spec.raw["optimizer"], "learning_rate": args.lr}
    check_training_memory(spec, args.data, spec.optimizer, args.batch_size)
    apply_threads(args)
    environment.conformance_mode()
    data = load_data(spec, args.data)
    bs, total = training.schedule(spec, len(data.x_train), args.steps, args.epochs, args.batch_size)
    out = args.out / spec.id
    frameworks = twins.FRAMEWORKS if args.framework == "both" else (args.framework,)
    results = {}
    weights, origin = starting_weights(spec, args.seed)
    print(f"{spec.id}: {total} steps of batch {bs} on {data.summary()}; writing {out}/")
    print(f"  starting from: {origin}")
    for fw in frameworks:
        r = training.train(spec, fw, data, total_steps=total, batch_size=bs, seed=args.seed, device=args.device,
                           out=out, eval_every=args.eval_every, neutral_dropout=args.dropout == "neutral",
                           resume=args.resume, weights=weights, origin=origin,
                           progress=not args.no_progress)
        results[fw] = r
        acc = f"test loss {r.final_test_loss:.5g}" if r.evals else "no evaluation"
        if r.evals and not math.isnan(r.final_accuracy):
            acc = f"test accuracy {r.final_accuracy:.4f}, {acc}"
        print(f"  {fw}: {r.steps_done} steps in {r.seconds:.1f} s; {acc}"
              + (f"; STOPPED: {r.stopped}" if r.stopped else ""))
    run_artifacts.plot(results, out / "curves.png", spec.id)
    print(f"  plot: {out / 'curves.png'}")
    return 1 if any(r.stopped for r in results.values()) else 0
