"""crosscheck functions: the posts' softmax, cross entropies, entropy and KL in both frameworks against numpy."""
NAME = "functions"
HELP = ("print softmax, the spec's cross entropies, entropy and KL divergence (bits, nats) computed by "
        "TensorFlow and PyTorch in float32 against numpy float64, on the posts' examples and random inputs")
ORDER = 13


def add_arguments(parser):
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    parser.add_argument("--json", action="store_true", help="the table as JSON")


def run(args) -> int:
    import json

    from crosscheck import environment, functions

    environment.conformance_mode()
    table = functions.rows(args.seed)
    if args.json:
        print(json.dumps([r.as_dict() for r in table], indent=2))
    else:
        print(functions.markdown(table))
        failed = [r.function for r in table if not r.passed]
        print(f"\n{len(table) - len(failed)} of {len(table)} within {functions.TOL_OUTPUT:g} of the float64 reference"
              + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 0 if all(r.passed for r in table) else 1
