"""ONNX export of either twin, and ONNX Runtime sessions on the exports.

Both exports of a spec present one interface (see the ONNX section of `spec/SEMANTICS.md`):
input named as the spec's `input.name`, channels last (NHWC), dynamic batch dimension; one output
named as the spec's output layer; inference mode. The TF twin goes through tf2onnx (a
`tf.function` calling the generated Keras model with `training=False`), the torch twin through
`torch.onnx.export(dynamo=True)` on the generated module in `eval()` mode. Nothing is built by
hand. Each file carries metadata (spec id and sha256, source framework and version, exporter and
version, opset), passes `onnx.checker.check_model(full_check=True)`, and is written atomically:
an exporter or checker failure leaves no file behind.

Parity with the native twins is `crosscheck.onnx_parity`.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import numpy as np

from spec import Spec
from spec.atomic import atomic_path


DEFAULT_OPSET = 18  # the newest tf2onnx 1.17 supports; torch's exporter emits 18 natively


class ExportError(Exception):
    """An exporter produced no model or one the ONNX checker rejects."""


def class_probabilities(spec: Spec, outputs: np.ndarray) -> np.ndarray:
    """The model's output as (N, classes) probabilities, as the spec says to read it.

    A softmax output layer, or a loss that takes probabilities (`from_logits: false`, the
    clipped cross entropy), means the output already is probabilities; otherwise softmax is
    applied. A binary model (`binary_cross_entropy`, sigmoid or logit outputs) gives each unit's
    p; one unit becomes the two classes (1 − p, p).
    """
    from scipy.special import expit, softmax

    from spec import losses

    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    if losses.label_kind(spec.loss) == losses.BINARY:
        p = out if losses.takes_probabilities(spec.loss) else expit(out)
        return np.concatenate([1 - p, p], axis=1) if p.shape[1] == 1 else p
    already = spec.node(spec.output).layer_type.probabilities or losses.takes_probabilities(spec.loss)
    return out if already else softmax(out, axis=1)


# -- export --------------------------------------------------------------------------------
def _tf_proto(spec: Spec, twin, opset: int):
    import tensorflow as tf
    import tf2onnx
    from tf2onnx.graph import Node

    model = twin.model
    signature = [tf.TensorSpec((None, *spec.input_shape), tf.float32, name=spec.input_name)]

    # The dict key names the ONNX output; training=False turns dropout off (batchnorm: moving stats).
    @tf.function(input_signature=signature)
    def serve(x):
        return {spec.output: model(x, training=False)}

    # tf2onnx deep-copies the whole graph, weights included, before each of its optimizer passes so
    # that a failing pass can be skipped ("catch errors"); the copies pile up (ResNet50: +6 GB). A
    # failing pass then fails the export instead, which export_model reports.
    with mock.patch.dict(os.environ, TF2ONNX_CATCH_ERRORS="FALSE"), \
            mock.patch.object(Node, "update_proto", _in_fresh_message(Node.update_proto)):
        proto, _ = tf2onnx.convert.from_function(serve, input_signature=signature, opset=opset)
    return proto, ("tf2onnx", tf2onnx.__version__), ("tensorflow", tf.__version__)


def _in_fresh_message(update_proto):
    """tf2onnx's `Node.update_proto`, rewriting the node's attributes into a new NodeProto.

    After every optimizer pass (24 on ResNet50) tf2onnx rewrites each node's attributes, constants
    included, into its NodeProto. With protobuf's upb backend a message's sub-messages live in its
    arena until the message itself is freed, so each rewrite leaves another copy of every weight
    behind (ResNet50: +100 MB a pass, +2.3 GB in all). A new message per rewrite lets the old
    arena go; the exported bytes are the same (tests/test_onnx.py)."""
    def fresh_update(node, external_tensor_storage=None):
        old = node._op
        fresh = type(old)()
        for field, value in old.ListFields():
            if field.name == "attribute":
                continue  # update_proto writes them
            if field.is_repeated:
                getattr(fresh, field.name).extend(value)
            elif field.message_type is not None:
                getattr(fresh, field.name).CopyFrom(value)
            else:
                setattr(fresh, field.name, value)
        node._op = fresh
        return update_proto(node, external_tensor_storage)
    return fresh_update


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
            input_names=[spec.input_name], output_names=[spec.output],
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
