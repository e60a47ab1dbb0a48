"""crosscheck report: the main job — validate and compare every spec, write report.md/.json."""
from pathlib import Path

from .common import add_device, add_seed, compare_need
from .compare import DEFAULT_BATCH

NAME = "report"
HELP = "validate + compare every spec of the zoo and write report.md and report.json"
ORDER = 6


def add_arguments(parser):
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default ./reports)")
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID", help="default: every spec of the zoo")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX export and ORT parity checks")
    add_seed(parser)
    add_device(parser)


def run(args) -> int:
    from tqdm import tqdm

    from crosscheck import environment
    from crosscheck.compare import SpecResult, compare_spec
    from crosscheck.report import format_result, write_report
    from spec import SpecError, load_spec, memory, spec_ids
    from tf_impl.twin import tf_device
    from torch_impl.twin import torch_device

    loaded = []  # (id or path, spec or None, its SpecError or None)
    for item in args.specs or spec_ids():
        try:
            loaded.append((item, load_spec(item), None))
        except SpecError as e:  # an invalid spec is a failed row of the report
            loaded.append((item, None, e))
    for _, spec, _ in loaded:  # one too large for this machine refuses the report before any twin is built
        if spec:
            memory.ensure_fits(spec, compare_need(spec, DEFAULT_BATCH))
    environment.conformance_mode()
    results = []
    for item, spec, error in tqdm(loaded, desc="specs", unit="spec"):
        if error:
            results.append(SpecResult(item, False, error="; ".join(error.lines())))
            continue
        r = compare_spec(spec, seed=args.seed, device=args.device, batch=DEFAULT_BATCH, onnx=not args.no_onnx)
        tqdm.write(format_result(r))
        results.append(r)
    env = environment.describe(tf_device(args.device), str(torch_device(args.device)))
    md, js = write_report(results, env, args.out)
    print(f"wrote {md} and {js}: {sum(r.passed for r in results)}/{len(results)} specs pass")
    return 0 if all(r.passed for r in results) else 1
