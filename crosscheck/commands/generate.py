"""crosscheck generate: emit a twin's source (stdout, a folder, or the packages' generated/)."""
from pathlib import Path

from crosscheck.generation import committed_path, sources
from spec.atomic import write_text_atomic

from .common import load_specs

NAME = "generate"
HELP = "emit the Keras and/or PyTorch source of specs"
ORDER = 4


def add_arguments(parser):
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID", help="ids or paths (all with --update)")
    parser.add_argument("--framework", choices=["tf", "torch", "both"], default="both")
    parser.add_argument("--out", type=Path, help="write <out>/<id>_<framework>.py instead of printing")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the committed sources in tf_impl/generated and torch_impl/generated")


def run(args) -> int:
    specs = load_specs(args.specs if (args.specs or not args.update) else [])
    if not specs:
        return 0
    for s in specs:
        for fw, src in sources(s, args.framework).items():
            if args.update:
                write_text_atomic(committed_path(s.id, fw), src)
            elif args.out:
                write_text_atomic(args.out / f"{s.id}_{fw}.py", src)
            else:
                print(src)
    return 0
