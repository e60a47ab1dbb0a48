"""crosscheck import: a Keras model file → a spec and its weights in the neutral format, checked on
the spot: the spec's generated Keras twin, holding the imported weights, must compute what the
user's model computes."""
from pathlib import Path

NAME = "import"
HELP = "import a Keras model (.keras or .h5) as a spec plus neutral weights; then `compare SPEC --weights W` proves the torch twin equal"
ORDER = 14
AGREEMENT = 1e-6  # the user's model and our Keras twin run the same Keras ops: only op order may differ


def add_arguments(parser):
    parser.add_argument("model", type=Path, metavar="MODEL", help="a Keras model file: .keras (Keras 3) or legacy .h5")
    parser.add_argument("--out", type=Path, required=True, metavar="SPEC.json", help="the spec to write")
    parser.add_argument("--weights", type=Path, metavar="W.npz", help="the weights to write (default: SPEC.npz beside it)")
    parser.add_argument("--id", help="the spec's id (default: the --out file's stem)")


def run(args) -> int:
    import json

    import numpy as np

    from crosscheck.errors import UserError
    from crosscheck.keras_import import import_model, load_model
    from crosscheck.twins import make_twin
    from spec import SpecError, WeightsError, build_spec, save_weights
    from spec.weights import check_weights
    from spec.atomic import write_text_atomic

    weights_path = args.weights or args.out.with_suffix(".npz")
    spec_id = args.id or args.out.stem
    model = load_model(args.model)
    try:
        raw, weights = import_model(model, spec_id)
    except UserError as e:
        raise UserError(f"{args.model}: {e}") from None
    try:
        spec = build_spec(raw, str(args.out))
        check_weights(spec, weights, str(args.model))
    except SpecError as e:
        raise UserError(f"{args.model}: the imported spec does not validate: {'; '.join(e.lines())}") from None
    except WeightsError as e:
        raise UserError(f"{args.model}: the imported weights do not fit the spec: {e}") from None
    x = np.random.default_rng(0).random((4, *spec.input_shape), dtype=np.float32)
    theirs = np.asarray(model(x, training=False))
    ours = make_twin(spec, "tf", "cpu", weights).forward(x)
    if theirs.shape != ours.shape:
        raise UserError(f"{args.model}: the imported spec's output is {ours.shape[1:]}, the model's {theirs.shape[1:]}")
    scale = max(float(np.abs(theirs).max()), 1e-30)
    d = float(np.abs(theirs - ours).max()) / scale
    if not d <= AGREEMENT:
        print(f"{args.model}: the imported spec computes something else: max |Δ| / scale {d:.1e} > {AGREEMENT:g} "
              "on 4 random inputs; nothing written")
        return 1
    save_weights(weights_path, spec, weights)
    write_text_atomic(args.out, json.dumps(raw, indent=2) + "\n")
    print(f"{args.model} → {args.out} ({len(spec.nodes)} layers) and {weights_path} ({len(weights)} arrays); "
          f"the spec's Keras twin reproduces the model to {d:.1e} of scale. Next: crosscheck compare {args.out} "
          f"--weights {weights_path}")
    return 0
