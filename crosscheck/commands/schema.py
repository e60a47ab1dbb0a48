"""crosscheck schema: print the spec JSON Schema (for editors and other validators)."""
import json

NAME = "schema"
HELP = "print the JSON Schema every spec is validated against"
ORDER = 90


def add_arguments(parser):
    pass


def run(args) -> int:
    from spec.schema import schema

    print(json.dumps(schema(), indent=2))
    return 0
