"""crosscheck summary: the Keras-style layer table of a spec."""
from .common import load_specs

NAME = "summary"
HELP = "print the layer table: output shapes and parameter counts"
ORDER = 3


def add_arguments(parser):
    parser.add_argument("specs", nargs="+", metavar="PATH_OR_ID")


def run(args) -> int:
    from spec import summary_text

    print("\n\n".join(summary_text(s) for s in load_specs(args.specs)))
    return 0
