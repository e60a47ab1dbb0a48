"""Write docs/onnx_ops.md: every spec layer type × exporter → the ONNX ops it becomes and the
lowest opset that works, from real exports of one-layer specs.

The one-layer spec of a type is its own `example` (spec/layers; `spec.reference.one_layer_spec`),
so a new layer type appears here without touching this script. "Works" at an opset means the
example exports at exactly that opset, passes `onnx.checker` (full check) and matches the native
twin in ONNX Runtime within the project's 1e-5 output tolerance. The lowest such opset is found by
bisection between MIN_OPSET and the default, assuming an exporter that works at an opset also
works above it.

    .venv/bin/python scripts/onnx_op_table.py [--out docs/onnx_ops.md] [--types conv2d dense ...]
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import crosscheck  # noqa: E402,F401  (triton before TensorFlow)
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from tqdm import tqdm  # noqa: E402

from crosscheck import environment  # noqa: E402
from crosscheck.conformance_inputs import make_batch  # noqa: E402
from crosscheck.onnx_export import DEFAULT_OPSET, export_model, run_session, session  # noqa: E402
from crosscheck.twins import make_twin  # noqa: E402
from crosscheck.tolerance import TOL_OUTPUT, compare_arrays  # noqa: E402
from spec import build_spec, init_weights  # noqa: E402
from spec.atomic import write_text_atomic  # noqa: E402
from spec.layers import registry  # noqa: E402
from spec.reference import one_layer_spec  # noqa: E402

MIN_OPSET = 7  # the oldest opset ONNX Runtime 1.32 still runs
EXPORTERS = {"tf": "tf2onnx", "torch": "torch.onnx (dynamo)"}


def nonzero_weights(spec):
    """The spec's initial weights plus noise: zero biases would let an exporter drop their Add."""
    rng = np.random.default_rng(0)
    return {k: (v + rng.normal(0, 0.1, v.shape)).astype(np.float32) for k, v in init_weights(spec, 0).items()}


def try_export(spec, framework: str, weights, opset: int, tmp: Path):
    """The exported model's op types, or None when it does not work at this opset."""
    twin = make_twin(spec, framework, "cpu", weights)
    path = tmp / f"{spec.id}_{framework}_{opset}.onnx"
    try:
        export_model(spec, framework, twin, path, opset)
        x, _ = make_batch(spec, 2, seed=1)
        if not compare_arrays("ort", run_session(session(path, "cpu"), x), twin.forward(x), TOL_OUTPUT).passed:
            return None
        model = onnx.load(str(path))
    except Exception:  # any exporter, checker or runtime failure means "does not work at this opset"
        return None
    finally:
        path.unlink(missing_ok=True)
    return {n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}" for n in model.graph.node}


def works(specs, framework, opset, tmp) -> bool:
    return all(try_export(s, framework, w, opset, tmp) is not None for s, w in specs)


def lowest_opset(specs, framework, tmp) -> int | None:
    if not works(specs, framework, DEFAULT_OPSET, tmp):
        return None
    lo, hi = MIN_OPSET, DEFAULT_OPSET  # hi works; find the lowest that does
    while lo < hi:
        mid = (lo + hi) // 2
        if works(specs, framework, mid, tmp):
            hi = mid
        else:
            lo = mid + 1
    return lo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "onnx_ops.md")
    parser.add_argument("--types", nargs="*", help="only these layer types (default: every registered type)")
    args = parser.parse_args(argv)
    environment.conformance_mode()
    logging.disable(logging.WARNING)  # exporters log every failed low-opset attempt
    warnings.simplefilter("ignore")

    by_type = defaultdict(list)
    for layer_type, definition in registry().items():
        if not args.types or layer_type in args.types:
            fields, shape = definition.example
            spec = build_spec(one_layer_spec(layer_type, fields, shape), f"{layer_type} example")
            by_type[layer_type].append((spec, nonzero_weights(spec)))

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for layer_type in tqdm(sorted(by_type), desc="layer types", unit="type"):
            specs = by_type[layer_type]
            for fw in EXPORTERS:
                ops = set()
                for spec, weights in specs:
                    ops |= try_export(spec, fw, weights, DEFAULT_OPSET, Path(tmp)) or set()
                rows.append((layer_type, fw, len(specs), sorted(ops), lowest_opset(specs, fw, Path(tmp))))
                tqdm.write(f"{layer_type:12s} {fw:6s} {rows[-1][4]} {' '.join(rows[-1][3])}")

    import onnxruntime
    import tensorflow as tf
    import tf2onnx
    import torch

    lines = [
        "# ONNX ops per spec layer type",
        "",
        "Generated by `scripts/onnx_op_table.py` from real exports of each layer type's `example` (its",
        "one-layer spec, `spec/layers`); do not edit by hand. *ONNX ops*: the op types in the exported",
        f"one-layer model at opset {DEFAULT_OPSET} (the torch export's `Transpose` ops are its",
        "NHWC boundary; tf2onnx's are its NHWC↔NCHW conversions around Conv and pooling). *Lowest opset*:",
        f"the lowest opset ≥ {MIN_OPSET} at which the example exports at exactly that opset, passes",
        "`onnx.checker` (full check) and matches the native twin in ONNX Runtime within 1e-5 (bisection,",
        "assuming an opset that works keeps working above it). Multi-input types (add, concat) are exported",
        "with a `tanh` and a `sigmoid` branch in front of them, so those ops appear in their rows.",
        "",
        f"Versions: tensorflow {tf.__version__}, tf2onnx {tf2onnx.__version__}, torch {torch.__version__}, "
        f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}.",
        "",
        "| layer type | exporter | example | ONNX ops | lowest opset |",
        "|---|---|---|---|---|",
    ]
    for layer_type, fw, _, ops, lowest in rows:
        fields, shape = registry()[layer_type].example
        lines.append(f"| `{layer_type}` | {EXPORTERS[fw]} | {fields or '-'} on {list(shape)} | {', '.join(ops) or '-'} | "
                     f"{lowest if lowest is not None else f'fails at {DEFAULT_OPSET}'} |")
    write_text_atomic(args.out, "\n".join(lines) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(r[4] is not None for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
