"""crosscheck summary: the Keras-style layer table of a spec, and its memory estimate."""
from .common import compare_need, load_specs

NAME = "summary"
HELP = "print the layer table (output shapes, parameter counts) and the memory estimate"
ORDER = 3


def add_arguments(parser):
    parser.add_argument("specs", nargs="+", metavar="PATH_OR_ID")


def memory_lines(spec) -> list[str]:
    """The estimate of `spec.memory`, and whether `compare` at its default batch fits here."""
    from crosscheck.conformance_inputs import conformance_batch
    from spec import memory

    fmt = memory.format_bytes
    batch = conformance_batch(spec)
    p, a = memory.parameter_count(spec), memory.activation_count(spec)
    alone = memory.need(spec, batch, copies=2)
    full = compare_need(spec, batch)
    have, how = memory.available_memory()
    verdict = "fits" if full.total <= have else "exceeds"
    return [
        "Memory estimate (spec/memory.py; a floor, framework overhead comes on top):",
        f"  parameters: {fmt(4 * p)} in float32, {fmt(8 * p)} in float64",
        f"  activations per sample (input and every layer's output): {fmt(4 * a)} in float32, {fmt(8 * a)} in float64",
        f"  compare at batch {batch}: ~{fmt(alone.total)} for the float32 twins, "
        f"~{fmt(full.total)} with their float64 reference; {verdict} the {fmt(have)} {how}",
    ]


def run(args) -> int:
    from spec import summary_text

    print("\n\n".join("\n".join([summary_text(s), *memory_lines(s)]) for s in load_specs(args.specs)))
    return 0
