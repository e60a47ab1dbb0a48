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

import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from spec import Spec
from spec.atomic import atomic_path

from .compare import float64_copies, floor_candidates, judge_at_floor, make_batch, no_float64_reference
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
    _name_batch_dim(proto)
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


def _name_batch_dim(proto) -> None:
    """Call the dynamic batch dimension `batch` in both exports (tf2onnx names it `unk__N`), so the
    two files declare the same interface; every value carrying the old symbol is renamed with it."""
    g = proto.graph
    old = {v.type.tensor_type.shape.dim[0].dim_param for v in (*g.input, *g.output)
           if v.type.tensor_type.shape.dim and v.type.tensor_type.shape.dim[0].dim_param}
    for v in (*g.input, *g.output, *g.value_info):
        for d in v.type.tensor_type.shape.dim:
            if d.dim_param in old:
                d.dim_param = "batch"


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
        inputs, natives = [], {"tf": [], "torch": []}
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
            for fw in FRAMEWORKS:
                natives[fw].append(outs[f"native-{fw}"])
    return _rounding_floor_recheck(checks, tf_twin, torch_twin, inputs, natives)


def _rounding_floor_recheck(checks: list[Check], tf_twin, torch_twin, inputs, natives) -> list[Check]:
    """Failing checks judged again at the float32 rounding floor by the rule `crosscheck.compare`
    applies to the native checks (`judge_at_floor`): each native twin against its own float64 run
    and the two float64 runs against each other, on every parity input. The distances are pooled
    over the batches (one batch-1 output of a single unit is one sample of rounding noise, not an
    estimate of it). An export that computes something else stays far from the others while the
    floor stays small. Deep nets (ResNet50) need it; the MNIST family passes at 1e-5 without."""
    failing = floor_candidates(checks)
    if not failing:
        return checks
    try:
        twins64 = dict(zip(FRAMEWORKS, float64_copies(tf_twin, torch_twin)))
        outs64 = {fw: [twins64[fw].forward(x) for x in inputs] for fw in FRAMEWORKS}
    except Exception as e:  # a twin that cannot run in float64: no floor, the failures stand
        return no_float64_reference(checks, failing, e)

    def pooled(a: list, b: list) -> float:
        return max(float(np.abs(np.asarray(u, np.float64) - np.asarray(v, np.float64)).max()) for u, v in zip(a, b))

    floors_abs = {fw: pooled(natives[fw], outs64[fw]) for fw in FRAMEWORKS}
    agree64_abs = pooled(outs64["tf"], outs64["torch"])
    return [judge_at_floor(c, {fw: f / max(c.scale, 1e-30) for fw, f in floors_abs.items()}, agree64_abs / max(c.scale, 1e-30))
            if c.name in failing else c for c in checks]


def parse_check_name(name: str) -> tuple[str, int] | None:
    """`onnx:tf-vs-torch@b32` → ("onnx:tf-vs-torch", 32); None for a non-ONNX check."""
    if not name.startswith("onnx:") or "@b" not in name:
        return None
    pair, batch = name.rsplit("@b", 1)
    return pair, int(batch)
