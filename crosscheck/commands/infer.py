"""crosscheck infer: run one ONNX file (either twin's export) with ONNX Runtime on .npy arrays or
PNG/JPEG images and print the top-k classes with their probabilities.

The spec comes from the model's `spec_id` metadata (or --spec): it says how images are resized
and scaled (`data` section, through `crosscheck.datasets.preprocessing`) and whether the output is
logits (softmax applied here), probabilities, or one sigmoid unit (classes 0 and 1).
"""
from pathlib import Path

from .common import add_device

NAME = "infer"
HELP = "run an exported .onnx model on .npy arrays or PNG/JPEG images; print the top-k classes"
ORDER = 9

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


def add_arguments(parser):
    parser.add_argument("model", type=Path, metavar="MODEL.onnx")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help=".npy (one example (H, W, C) or a batch (N, H, W, C), already preprocessed) or a PNG/JPEG image")
    parser.add_argument("--top-k", type=int, default=3, help="classes to print per example (default 3)")
    parser.add_argument("--spec", metavar="PATH_OR_ID", help="the model's spec (default: its spec_id metadata)")
    add_device(parser)


def _load_model(path: Path):
    import onnx

    from crosscheck.errors import UserError

    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as e:  # protobuf DecodeError, ValidationError, truncated external data...
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"{path}: not a valid ONNX model ({msg})") from None
    return model


def _spec_for(model, path: Path, override: str | None):
    from crosscheck.errors import UserError
    from crosscheck.onnx_export import metadata
    from spec import load_spec

    meta = metadata(model)
    spec_ref = override or meta.get("spec_id")
    if not spec_ref:
        raise UserError(f"{path}: no spec_id in the model's metadata; pass --spec")
    spec = load_spec(spec_ref)
    if meta.get("spec_sha256") not in (None, spec.sha256()):
        raise UserError(f"{path}: exported from a different version of spec {spec.id!r} (spec_sha256 differs); pass --spec")
    return spec


def _load_image(path: Path, spec):
    """PIL → uint8 (1, H, W, C) (grayscale for a 1-channel input) → the spec's `data` steps
    (`crosscheck.datasets.preprocessing`); an image of another size is resized to the input's
    H×W when the data section names no `resize`."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    from crosscheck.errors import UserError
    from crosscheck.datasets.preprocessing import preprocess

    if len(spec.input_shape) != 3 or spec.input_shape[2] not in (1, 3):
        raise UserError(f"{path}: spec {spec.id} takes input {spec.input_shape}, not an image")
    h, w, c = spec.input_shape
    try:
        with Image.open(path) as img:
            pixels = np.asarray(img.convert("L" if c == 1 else "RGB"), dtype=np.uint8)
    except (OSError, UnidentifiedImageError) as e:
        raise UserError(f"{path}: cannot read as an image ({str(e).splitlines()[0]})") from None
    data = {"resize": [h, w], **spec.data}
    x = preprocess(pixels.reshape(1, *pixels.shape[:2], c), data)
    if x.shape[1:] != spec.input_shape:
        raise UserError(f"{path}: preprocessed to {x.shape[1:]}, but spec {spec.id} takes {spec.input_shape}")
    return x


def _read_input(path: Path, spec):
    import numpy as np

    from crosscheck.errors import UserError

    if path.suffix.lower() == ".npy":
        try:
            x = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise UserError(f"{path}: cannot read as .npy ({str(e).splitlines()[0]})") from None
        if x.shape == spec.input_shape:
            x = x[None]
        if x.shape[1:] != spec.input_shape:
            raise UserError(f"{path}: shape {x.shape}, expected {spec.input_shape} or (N, {', '.join(map(str, spec.input_shape))})")
        return x.astype(np.float32)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _load_image(path, spec)
    raise UserError(f"{path}: unsupported input type {path.suffix!r} (.npy, .png, .jpg, .jpeg)")


def run(args) -> int:
    import numpy as np

    from crosscheck.errors import UserError
    from crosscheck.onnx_export import class_probabilities, run_session, session
    from spec import memory

    if args.top_k < 1:
        raise UserError("--top-k must be at least 1")
    model = _load_model(args.model)
    spec = _spec_for(model, args.model, args.spec)
    batches = [(p, _read_input(p, spec)) for p in args.inputs]
    # ONNX Runtime holds the weights once and runs the batches one at a time
    memory.ensure_fits(spec, memory.need(spec, max(len(x) for _, x in batches), gradients=False))
    try:
        sess = session(args.model, args.device)
    except Exception as e:  # ORT rejects what onnx accepted (e.g. an op it lacks)
        raise UserError(f"{args.model}: ONNX Runtime cannot load it ({str(e).strip().splitlines()[0]})") from None
    for path, x in batches:
        out = class_probabilities(spec, run_session(sess, x))
        k = min(args.top_k, out.shape[1])
        for i, probs in enumerate(out):
            top = np.argsort(-probs, kind="stable")[:k]
            label = f"{path}[{i}]" if len(x) > 1 else str(path)
            print(f"{label}: " + ", ".join(f"{c} ({probs[c]:.4f})" for c in top))
    return 0
