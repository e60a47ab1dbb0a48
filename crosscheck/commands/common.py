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
