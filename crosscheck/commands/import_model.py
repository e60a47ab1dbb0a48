"""crosscheck import: a Keras or ONNX model file → a spec and its weights in the neutral format,
checked on the spot: the spec's generated twins, holding the imported weights, must compute what
the user's model computes (Keras: our Keras twin against Keras; ONNX: both twins against ONNX
Runtime on the file), or nothing is written."""
from pathlib import Path

NAME = "import"
HELP = ("import a Keras (.keras, .h5) or ONNX (.onnx) model as a spec plus neutral weights; "
        "then `compare SPEC --weights W` proves the twins equal")
ORDER = 14
KERAS_AGREEMENT = 1e-6  # the user's model and our Keras twin run the same Keras ops: only op order may differ
ONNX_AGREEMENT = 1e-5  # ONNX Runtime and a twin are different float32 kernels: the output tolerance
TWIN = {"tf": "Keras", "torch": "torch"}


def add_arguments(parser):
    parser.add_argument("model", type=Path, metavar="MODEL", help="a Keras model file (.keras, legacy .h5) or an ONNX file (.onnx)")
    parser.add_argument("--out", type=Path, required=True, metavar="SPEC.json", help="the spec to write")
    parser.add_argument("--weights", type=Path, metavar="W.npz", help="the weights to write (default: SPEC.npz beside it)")
    parser.add_argument("--id", help="the spec's id (default: the --out file's stem)")


def run(args) -> int:
    from crosscheck import spec_import

    weights_path = args.weights or args.out.with_suffix(".npz")
    spec_id = args.id or args.out.stem
    convert = _onnx if args.model.suffix == ".onnx" else _keras
    raw, weights, original, frameworks, tolerance, notes = convert(args.model, spec_id)
    spec = spec_import.validated(raw, weights, args.model, args.out)
    found = spec_import.agreement(spec, weights, original, frameworks, args.model, tolerance)
    spec_import.write(raw, spec, weights, args.out, weights_path)
    reproduced = "; ".join(f"the spec's {TWIN[fw]} twin reproduces the model to {d:.1e} of scale" for fw, d in found.items())
    print(f"{args.model} → {args.out} ({len(spec.nodes)} layers) and {weights_path} ({len(weights)} arrays); "
          f"{reproduced}{''.join(f'; {n}' for n in notes)}. Next: crosscheck compare {args.out} --weights {weights_path}")
    return 0


def _keras(path: Path, spec_id: str):
    import numpy as np

    from crosscheck.errors import UserError
    from crosscheck.keras_import import import_model, load_model

    model = load_model(path)
    try:
        raw, weights = import_model(model, spec_id)
    except UserError as e:
        raise UserError(f"{path}: {e}") from None
    return raw, weights, lambda x: np.asarray(model(x, training=False)), ("tf",), KERAS_AGREEMENT, []


def _onnx(path: Path, spec_id: str):
    from crosscheck import onnx_import
    from crosscheck.onnx_export import run_session, session

    imported = onnx_import.convert(onnx_import.load(path), spec_id, str(path))
    sess = session(path, "cpu")

    def original(x):
        return imported.from_file(run_session(sess, imported.to_file(x)))

    return imported.raw, imported.weights, original, ("tf", "torch"), ONNX_AGREEMENT, imported.notes
