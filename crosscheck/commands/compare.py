"""crosscheck compare: forward + gradient conformance of each spec's twins."""
import json
import sys
from pathlib import Path

from .common import (add_data, add_device, add_seed, add_threads, apply_threads, check_training_memory, compare_need,
                     load_data, load_specs)

NAME = "compare"
HELP = ("compare the TF and torch twins (logits, loss, every gradient); exit 0 when no check fails "
        "(pass or float32-limited), 1 when one fails or shows a float32 defect")
ORDER = 5


def add_arguments(parser):
    parser.add_argument("specs", nargs="+", metavar="PATH_OR_ID")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--batch", type=int, help="batch size of the random inputs (default 8, fewer for a model "
                                                  "whose float64 runs would not fit in memory)")
    parser.add_argument("--strict", action="store_true", help="exit 1 also when a check is float32-limited")
    parser.add_argument("--weights", type=Path, metavar="W.npz",
                        help="compare at these neutral weights (one spec; e.g. from `crosscheck import`) instead of "
                             "the conformance weights")
    parser.add_argument("--junit", type=Path, metavar="FILE",
                        help="also write JUnit XML: one test case per check, failures with their numbers")
    parser.add_argument("--onnx", action="store_true",
                        help="also export both twins to ONNX and check ORT vs native at batch 1 and 32 (onnx:* checks)")
    parser.add_argument("--train-steps", type=int, metavar="N",
                        help="also train both twins N steps in lockstep on the spec's training data (see --data; same "
                             "weights, batches, dropout masks) and compare every step's loss and all parameters after N steps; "
                             "for a spec with an rl section, N deep Q learning updates on the same transitions and replay "
                             "samples (Q-values, TD targets, losses, online and target network)")
    parser.add_argument("--train-lr", type=float, metavar="LR",
                        help="with --train-steps: plain SGD at this learning rate instead of the spec's optimizer")
    add_data(parser)
    add_seed(parser)
    add_device(parser)
    add_threads(parser)


def run(args) -> int:
    from crosscheck import environment
    from crosscheck.errors import UserError
    from crosscheck.compare import compare_spec
    from crosscheck.conformance_inputs import conformance_batch
    from crosscheck.report import format_result, format_training
    from spec import memory

    if args.batch is not None and args.batch < 1:
        raise UserError("--batch must be at least 1")
    if args.train_steps is not None and args.train_steps < 1:
        raise UserError("--train-steps must be at least 1")
    specs = load_specs(args.specs)
    weights = None
    if args.weights:
        from spec import load_weights

        if len(specs) != 1:
            raise UserError("--weights belongs to one spec: compare one at a time")
        weights = load_weights(args.weights, specs[0])
    batches = {s.id: args.batch or conformance_batch(s) for s in specs}
    for s in specs:  # every refusal before the first twin is built
        memory.ensure_fits(s, compare_need(s, batches[s.id]))
        if args.train_steps and s.rl and (args.train_lr or args.data):
            raise UserError(f"spec {s.id!r} learns from its environment (rl): --train-lr and --data do not apply")
        if args.train_steps:
            check_training_memory(s, args.data, _train_optimizer(s, args), lockstep=True)
    apply_threads(args)
    environment.conformance_mode()
    results = [compare_spec(s, seed=args.seed, device=args.device, batch=batches[s.id], onnx=args.onnx, weights=weights)
               for s in specs]
    trained = [_train_conformance(s, args) for s in specs] if args.train_steps else []
    if args.json:
        json.dump({"results": [r.as_dict() for r in results], "training": [t.as_dict() for t in trained]},
                  sys.stdout, indent=1)
        print()
    else:
        for r in results:
            print(format_result(r))
        for t in trained:
            print(format_training(t))
    if args.junit:
        from crosscheck import junit

        junit.write(args.junit, results, trained, strict=args.strict)
    outcomes = results + trained
    if any(o.failed for o in outcomes):
        return 1
    return 1 if args.strict and any(o.verdict != "pass" for o in outcomes) else 0


def _train_optimizer(spec, args) -> dict:
    from crosscheck.errors import UserError

    if args.train_lr:
        return {"type": "sgd", "learning_rate": args.train_lr}
    if not spec.optimizer:
        raise UserError(f"spec {spec.id!r} has no optimizer section: --train-steps needs --train-lr")
    return spec.optimizer


def _train_conformance(spec, args):
    from crosscheck import dqn_lockstep, lockstep

    if spec.rl:
        return dqn_lockstep.dqn_conformance(spec, args.train_steps, seed=args.seed, device=args.device)
    return lockstep.train_conformance(spec, load_data(spec, args.data, synthetic_if_missing=True), args.train_steps, seed=args.seed,
                                      device=args.device, optimizer=_train_optimizer(spec, args),
                                      progress=True)  # a bar only on a terminal


