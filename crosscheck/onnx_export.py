"""ONNX export of either twin, and ONNX Runtime parity with the native twins.

Both exports of a spec present one interface (see the ONNX section of `spec/SEMANTICS.md`):
input named as the spec's `input.name`, channels last (NHWC), dynamic batch dimension; one output
named as the spec's output layer; inference mode. The TF twin goes through tf2onnx (a
`tf.function` calling the generated Keras model with `training=False`), the torch twin through
`torch.onnx.export(dynamo=True)` on the generated module in `eval()` mode. Nothing is built by
hand. Each file carries metadata (spec id and sha256, source framework and version, exporter and
version, opset), passes `onnx.checker.check_model(full_check=True)`, and is written atomically:
an exporter or checker failure leaves no file behind.

Parity (`parity_checks`): ORT on each export, native TF and native torch on the same inputs at
batch 1 and 32, every pair compared with the project's tolerance policy (1e-5, outputs).
"""
from __future__ import annotations

import dataclasses
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from spec import Spec
from spec.atomic import atomic_path

from .compare import FLOOR_FACTOR, make_batch
from .tolerance import TOL_OUTPUT, Check, compare_arrays

DEFAULT_OPSET = 18  # the newest tf2onnx 1.17 supports; torch's exporter emits 18 natively
FRAMEWORKS = ("tf", "torch")
PARITY_BATCHES = (1, 32)
# Four runners of one spec (ORT on each export, each native twin); every pair is a check.
PAIR_NAMES = {
    ("ort-tf", "native-tf"): "onnx:tf-vs-native",
    ("ort-torch", "native-torch"): "onnx:torch-vs-native",
    ("ort-tf", "ort-torch"): "onnx:tf-vs-torch",
    ("ort-tf", "native-torch"): "onnx:tf-vs-native-torch",
    ("ort-torch", "native-tf"): "onnx:torch-vs-native-tf",
    ("native-tf", "native-torch"): "onnx:native-tf-vs-native-torch",
}


class ExportError(Exception):
    """An exporter produced no model or one the ONNX checker rejects."""


def output_name(spec: Spec) -> str:
    """The one output of both exports: the spec's output layer name (e.g. `logits`)."""
    return spec.output


def class_probabilities(spec: Spec, outputs: np.ndarray) -> np.ndarray:
    """The model's output as (N, classes) probabilities, as the spec says to read it.

    A softmax output layer, or a loss that takes probabilities (`from_logits: false`, the
    clipped cross entropy), means the output already is probabilities; otherwise softmax is
    applied. A binary model (`binary_cross_entropy`, sigmoid or logit outputs) gives each unit's
    p; one unit becomes the two classes (1 − p, p).
    """
    from scipy.special import expit, softmax

    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    loss = spec.loss or {}
    if loss.get("type") == "binary_cross_entropy":
        p = expit(out) if loss.get("from_logits", False) else out
        return np.concatenate([1 - p, p], axis=1) if p.shape[1] == 1 else p
    already = (spec.node(spec.output).type == "softmax"
               or loss.get("type") == "clipped_cross_entropy"
               or (loss.get("type") == "softmax_cross_entropy" and not loss.get("from_logits", True)))
    return out if already else softmax(out, axis=1)


# -- export --------------------------------------------------------------------------------
def _tf_proto(spec: Spec, twin, opset: int):
    import tensorflow as tf
    import tf2onnx

    model = twin.model
    signature = [tf.TensorSpec((None, *spec.input_shape), tf.float32, name=spec.input_name)]

    # The dict key names the ONNX output; training=False turns dropout off (batchnorm: moving stats).
    @tf.function(input_signature=signature)
    def serve(x):
        return {output_name(spec): model(x, training=False)}

    proto, _ = tf2onnx.convert.from_function(serve, input_signature=signature, opset=opset)
    return proto, ("tf2onnx", tf2onnx.__version__), ("tensorflow", tf.__version__)


@contextmanager
def _quiet_loggers(*names):
    """The torch exporter logs tracebacks for fallbacks it recovers from (e.g. a failed opset
    down-conversion); the outcome is checked and reported by `export_model` instead."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _torch_proto(spec: Spec, twin, opset: int):
    import torch

    model = twin.model.eval()  # dropout off, batchnorm on running statistics
    example = torch.zeros((2, *spec.input_shape), dtype=torch.float32, device=twin.device)
    with _quiet_loggers("torch.onnx", "torch.export", "onnxscript"):
        program = torch.onnx.export(
            model, (example,), dynamo=True, opset_version=opset, verbose=False,
            input_names=[spec.input_name], output_names=[output_name(spec)],
            dynamic_shapes={spec.input_name: {0: torch.export.Dim("batch")}},
        )
    if program is None:
        raise ExportError("torch.onnx.export returned no program")
    return program.model_proto, ("torch.onnx", torch.__version__), ("torch", torch.__version__)


def export_model(spec: Spec, framework: str, twin, path: str | Path, opset: int = DEFAULT_OPSET) -> Path:
    """Export `twin` (a TFTwin or TorchTwin of `spec`, weights loaded) to `path`, checked, atomically."""
    import onnx

    proto, (exporter, exporter_version), (fw, fw_version) = {"tf": _tf_proto, "torch": _torch_proto}[framework](spec, twin, opset)
    # torch falls back to its own opset when the version converter cannot reach the one asked for.
    got = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
    if got != opset:
        raise ExportError(f"{spec.id} ({framework}): exporter produced opset {got}, not the requested {opset}")
    onnx.helper.set_model_props(proto, {
        "spec_id": spec.id,
        "spec_sha256": spec.sha256(),
        "source_framework": fw,
        "source_framework_version": fw_version,
        "exporter": exporter,
        "exporter_version": exporter_version,
        "opset": str(opset),
    })
    path = Path(path)
    with atomic_path(path) as tmp:
        onnx.save_model(proto, str(tmp))
        try:
            onnx.checker.check_model(str(tmp), full_check=True)
        except onnx.checker.ValidationError as e:
            raise ExportError(f"{spec.id} ({framework}): exported model fails the ONNX checker: {str(e).splitlines()[0]}") from None
    return path


def make_twin(spec: Spec, framework: str, device: str = "cpu", weights=None):
    if framework == "tf":
        from tf_impl.twin import TFTwin as Twin
    else:
        from torch_impl.twin import TorchTwin as Twin
    twin = Twin(spec, device)
    if weights is not None:
        twin.set_weights(weights)
    return twin


def metadata(model) -> dict[str, str]:
    return {p.key: p.value for p in model.metadata_props}


# -- running -------------------------------------------------------------------------------
def providers(device: str = "auto") -> list[str]:
    """ORT execution providers: CUDA first when asked for (or auto) and present, CPU always."""
    import onnxruntime as ort

    available = ort.get_available_providers()
    if device != "cpu" and "CUDAExecutionProvider" in available:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if device == "cuda":
        raise RuntimeError("ONNX Runtime has no CUDA execution provider here (install onnxruntime-gpu)")
    return ["CPUExecutionProvider"]


def session(path: str | Path, device: str = "auto", threads: int | None = None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: ORT's graph-optimisation notices are not ours to act on
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=providers(device))


def run_session(sess, x: np.ndarray) -> np.ndarray:
    (inp,) = sess.get_inputs()
    return sess.run(None, {inp.name: np.ascontiguousarray(x, dtype=np.float32)})[0]


def parity_checks(spec: Spec, tf_twin, torch_twin, seed: int = 0, device: str = "auto", opset: int = DEFAULT_OPSET,
                  batches=PARITY_BATCHES) -> list[Check]:
    """Export both twins (weights as loaded) to a temporary folder and compare all four runners
    pairwise at each batch size. Check names: `<pair>@b<batch>`, e.g. `onnx:tf-vs-torch@b32`."""
    checks = []
    with tempfile.TemporaryDirectory(prefix=f"onnx-{spec.id}-") as tmp:
        sessions = {}
        for fw, twin in (("tf", tf_twin), ("torch", torch_twin)):
            path = export_model(spec, fw, twin, Path(tmp) / f"{spec.id}_{fw}.onnx", opset)
            sessions[fw] = session(path, device)
        inputs, natives = [], []
        for batch in batches:
            x, _ = make_batch(spec, batch, seed)
            outs = {
                "ort-tf": run_session(sessions["tf"], x),
                "ort-torch": run_session(sessions["torch"], x),
                "native-tf": tf_twin.forward(x),
                "native-torch": torch_twin.forward(x),
            }
            checks += [compare_arrays(f"{name}@b{batch}", outs[a], outs[b], TOL_OUTPUT) for (a, b), name in PAIR_NAMES.items()]
            inputs.append(x)
            natives.append(outs["native-torch"])
    return _rounding_floor_recheck(checks, torch_twin, inputs, natives)


def _rounding_floor_recheck(checks: list[Check], torch_twin, inputs, outs32) -> list[Check]:
    """Failing checks judged again against the float32 rounding floor of the computation itself,
    as `crosscheck.compare` does for the native checks: the torch twin in float32 against the same
    module run in float64, on every parity input (pooled over the batches: one batch-1 output of a
    single unit is one sample of rounding noise, not an estimate of it), as the largest absolute
    difference; a pair within FLOOR_FACTOR x that floor, in the pair's own scale, passes, with both
    numbers in its note. An export that computes something else stays far from the others while
    the floor stays small. Deep nets (ResNet50) need it; the MNIST family passes at 1e-5 without."""
    import copy

    import torch

    if all(c.passed or not np.isfinite(c.max_scaled) for c in checks):
        return checks
    floor_abs = 0.0
    try:
        model64 = copy.deepcopy(torch_twin.model).double().eval()
        with torch.no_grad():
            for x, out32 in zip(inputs, outs32):
                ref = model64(torch.from_numpy(x.astype(np.float64)).to(torch_twin.device)).cpu().numpy()
                floor_abs = max(floor_abs, float(np.abs(out32.astype(np.float64) - ref).max()))
    except Exception as e:  # a module that cannot run in float64: no floor, the failures stand
        reason = f"no float64 reference ({type(e).__name__}); the failure stands"
        return [c if c.passed else dataclasses.replace(c, note=reason) for c in checks]
    out = []
    for c in checks:
        if not c.passed and np.isfinite(c.max_scaled):
            floor = floor_abs / max(c.scale, 1e-30)
            ok = c.max_scaled <= FLOOR_FACTOR * floor
            c = dataclasses.replace(c, passed=ok, note=(
                f"max_scaled {c.max_scaled:.2e} > tol {c.tol:g}; float32 rounding floor {floor:.2e} (torch float32 vs float64): "
                + (f"within {FLOOR_FACTOR:g}x, passes" if ok else f"more than {FLOOR_FACTOR:g}x, fails")))
        out.append(c)
    return out


def parse_check_name(name: str) -> tuple[str, int] | None:
    """`onnx:tf-vs-torch@b32` → ("onnx:tf-vs-torch", 32); None for a non-ONNX check."""
    if not name.startswith("onnx:") or "@b" not in name:
        return None
    pair, batch = name.rsplit("@b", 1)
    return pair, int(batch)
