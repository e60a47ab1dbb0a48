"""crosscheck compare: forward + gradient conformance of each spec's twins."""
import json
import sys

from .common import add_device, add_seed, load_specs

NAME = "compare"
HELP = "compare the TF and torch twins (logits, loss, every gradient); exit 0 when all pass, 1 otherwise"
ORDER = 5


def add_arguments(parser):
    parser.add_argument("specs", nargs="+", metavar="PATH_OR_ID")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--batch", type=int, default=8, help="batch size of the random inputs (default 8)")
    parser.add_argument("--onnx", action="store_true",
                        help="also export both twins to ONNX and check ORT vs native at batch 1 and 32 (onnx:* checks)")
    add_seed(parser)
    add_device(parser)


def run(args) -> int:
    from crosscheck import environment
    from crosscheck.compare import compare_spec
    from crosscheck.report import format_result

    specs = load_specs(args.specs)
    environment.conformance_mode()
    results = [compare_spec(s, seed=args.seed, device=args.device, batch=args.batch, onnx=args.onnx) for s in specs]
    if args.json:
        json.dump({"results": [r.as_dict() for r in results]}, sys.stdout, indent=1)
        print()
    else:
        for r in results:
            print(format_result(r))
    return 0 if all(r.passed for r in results) else 1
