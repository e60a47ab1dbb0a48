"""crosscheck choose: the facts for picking a backend for one spec, measured side by side in one run."""
from pathlib import Path

from .common import add_device, add_threads, apply_threads, load_specs

NAME = "choose"
HELP = ("training steps/s, inference latency (native, torch.compile, ORT), peak memory, ONNX export size and "
        "float32 error of each framework for one spec, measured in one interleaved run; a table, --json, and a PNG chart")
ORDER = 15


def add_arguments(parser):
    parser.add_argument("spec", metavar="PATH_OR_ID")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved timing rounds (default 7)")
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds per runner per round (default 0.05)")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64], help="inference batch sizes (default 1 64)")
    parser.add_argument("--json", action="store_true", help="print the measurements as one JSON object")
    parser.add_argument("--chart", type=Path, help="the PNG bar chart (default reports/choose/ID.png)")
    add_device(parser)
    add_threads(parser)


def run(args) -> int:
    import json

    from crosscheck import choose
    from crosscheck.errors import UserError
    from spec import memory

    for name in ("rounds", "min_time"):
        if getattr(args, name) <= 0:
            raise UserError(f"--{name.replace('_', '-')} must be positive")
    if min(args.batches) < 1:
        raise UserError("--batches must be at least 1")
    (spec,) = load_specs([args.spec])
    memory.ensure_fits(spec, memory.need(spec, max(args.batches), dtypes=("float32", "float64"), copies=2))
    apply_threads(args)
    m = choose.measure(spec, device=args.device, rounds=args.rounds, min_time=args.min_time, batches=args.batches,
                       threads=args.threads)
    path = args.chart or Path("reports") / "choose" / f"{spec.id}.png"
    choose.chart(m, path)
    if args.json:
        print(json.dumps({**m, "chart": str(path)}, indent=1))
    else:
        print(choose.table(m))
        print(f"chart: {path}")
    return 0
