"""crosscheck schema: print the spec JSON Schema (for editors and other validators), or rewrite
the committed copy `spec/spec.schema.json` that every spec names in its `$schema`."""
import json

NAME = "schema"
HELP = "print the JSON Schema every spec is validated against (--update: rewrite spec/spec.schema.json)"
ORDER = 90


def add_arguments(parser):
    parser.add_argument("--update", action="store_true", help="rewrite the committed spec/spec.schema.json")


def schema_text() -> str:
    from spec.schema import schema

    return json.dumps(schema(), indent=2) + "\n"


def run(args) -> int:
    if args.update:
        from spec.atomic import write_text_atomic
        from spec.model import MODELS_DIR

        path = MODELS_DIR.parent / "spec.schema.json"
        write_text_atomic(path, schema_text())
        print(f"wrote {path}")
        return 0
    print(schema_text(), end="")
    return 0
