"""crosscheck report: the main job — validate and compare every spec, write report.md/.json.

Each spec is compared in a process of its own (`--workers` at a time, one by default), which
exits when its spec is done: TensorFlow keeps what its allocator took until the process ends,
so a report over the zoo would otherwise grow to the sum of its largest specs.
"""
from pathlib import Path

from .common import add_device, add_seed, add_threads, compare_need

NAME = "report"
HELP = "validate + compare every spec of the zoo and write report.md and report.json"
ORDER = 6


def add_arguments(parser):
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default ./reports)")
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID", help="default: every spec of the zoo")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX export and ORT parity checks")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="specs compared at the same time, each in its own process (default 1)")
    parser.add_argument("--strict", action="store_true", help="exit 1 also when a spec is float32-limited")
    add_seed(parser)
    add_device(parser)
    add_threads(parser)


def compare_in_worker(item: str, seed: int, device: str, onnx: bool, threads: int | None, verbose: bool):
    """One spec, in a fresh process: (SpecResult, environment description)."""
    import crosscheck  # noqa: F401  (torch's triton before TensorFlow)
    from crosscheck import quiet

    if not verbose:
        quiet.silence_frameworks()
    from crosscheck import environment

    environment.large_allocations_returned()  # before TensorFlow is imported
    from crosscheck.compare import SpecResult, compare_spec
    from spec import SpecError, load_spec
    from tf_impl.twin import tf_device
    from torch_impl.twin import torch_device

    if threads:
        environment.set_threads(threads)
    environment.conformance_mode()
    env = environment.describe(tf_device(device), str(torch_device(device)))
    try:
        spec = load_spec(item)
    except SpecError as e:
        return SpecResult(item, error="; ".join(e.lines())), env
    result = compare_spec(spec, seed=seed, device=device, onnx=onnx)
    result.peak_rss_bytes = environment.peak_rss_bytes()
    return result, env


def run(args) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    from crosscheck.errors import UserError
    from crosscheck.conformance_inputs import conformance_batch
    from crosscheck.report import format_result, write_report
    from spec import SpecError, load_spec, memory, spec_ids

    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    items = args.specs or spec_ids()
    for item in items:  # one too large for this machine refuses the report before any twin is built
        try:
            spec = load_spec(item)
        except SpecError:
            continue  # an invalid spec is a failed row of the report
        memory.ensure_fits(spec, compare_need(spec, conformance_batch(spec)))
    pool = ProcessPoolExecutor(max_workers=args.workers, mp_context=multiprocessing.get_context("spawn"),
                               max_tasks_per_child=1)
    with pool:
        futures = [pool.submit(compare_in_worker, item, args.seed, args.device, not args.no_onnx, args.threads,
                               args.verbose) for item in items]
        results, env = [], {}
        for future in tqdm(futures, desc="specs", unit="spec"):
            r, env = future.result()
            tqdm.write(format_result(r))
            results.append(r)
    md, js = write_report(results, env, args.out)
    failed = sum(r.failed for r in results)
    limited = sum(r.verdict == "float32-limited" for r in results)
    print(f"wrote {md} and {js}: {len(results)} specs, {sum(r.passed for r in results)} pass, "
          f"{limited} float32-limited, {failed} fail or float32-defect")
    return 1 if failed or (args.strict and limited) else 0
