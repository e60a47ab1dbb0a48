"""crosscheck experiments: the posts' regression experiments, both twins, into docs/experiments.md."""
from pathlib import Path

from .common import add_device, add_threads, apply_threads

NAME = "experiments"
HELP = ("train the specs that make their own data (the posts' regressions) and the RL specs (deep Q learning) in both "
        "twins; write docs/experiments.md and its plots")
ORDER = 16


def add_arguments(parser):
    parser.add_argument("specs", nargs="*", metavar="ID", help="default: every zoo spec with data.generate or rl")
    parser.add_argument("--episodes", type=int, metavar="N",
                        help="train an RL spec N episodes instead of its schedule's (the doc says so)")
    parser.add_argument("--out", type=Path, default=Path("docs") / "experiments.md")
    parser.add_argument("--source-epochs", type=int, metavar="E",
                        help="train the specs whose trained weights a spec takes (weights_from) for E epochs "
                             "instead of their own schedules")
    parser.add_argument("--no-progress", action="store_true")
    add_device(parser)
    add_threads(parser)


def run(args) -> int:
    from crosscheck import environment, experiments
    from crosscheck.errors import UserError

    ids = args.specs or experiments.experiment_ids()
    known = set(experiments.experiment_ids())
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UserError(f"not an experiment (a zoo spec with data.generate or rl): {', '.join(unknown)}")
    if args.episodes is not None and args.episodes < 1:
        raise UserError("--episodes must be at least 1")
    if args.source_epochs is not None and args.source_epochs < 1:
        raise UserError(f"--source-epochs: {args.source_epochs} is not a positive number of epochs")
    apply_threads(args)
    environment.conformance_mode()
    command = "crosscheck experiments" + (f" {' '.join(args.specs)}" if args.specs else "")
    if args.episodes:
        command += f" --episodes {args.episodes}"
    if args.source_epochs is not None:
        command += f" --source-epochs {args.source_epochs}"
    experiments.write(args.out, ids, command, device=args.device, progress=not args.no_progress, episodes=args.episodes,
                      source_epochs=args.source_epochs)
    print(f"wrote {args.out}")
    return 0
