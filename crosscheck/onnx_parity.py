"""ONNX Runtime parity: ORT on each export against the native twins, every pair judged as a check.

Four runners of one spec — ORT on the TF export, ORT on the torch export, the native TF twin and
the native torch twin — see the same inputs at two batch sizes (one, and more than one: the
dynamic batch dimension); every pair is an output check at 1e-5 judged by `crosscheck.verdict`,
with each runner's float32 error measured against its framework's float64 twin (an export is a
float32 translation of its native twin) and the float32 sensitivity of the forward from the
rounding model. An exporter that changes the function fails; one whose float32 output is far
further from float64 than rounding explains is a float32 defect of that runner.

A third opinion: `onnx.reference.ReferenceEvaluator` (the ONNX specification's own numpy
implementation of each op) runs each export at batch 1 against its native twin
(`onnx:reference-<fw>-vs-native@b1`), so an exporter bug that ORT happens to share is still
caught. It is skipped, with a note saying why, where it does not implement an op of the export or
the model has more than REFERENCE_MAX_PARAMETERS parameters (its convolutions are numpy loops).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from spec import Spec

from .conformance_inputs import conformance_batch, make_batch, parity_batch
from .evidence import float64_twins
from .measurement import measure
from .onnx_export import DEFAULT_OPSET, export_model, run_session, session
from .sensitivity import analyse
from .tolerance import TOL_OUTPUT, Check
from .twins import FRAMEWORKS
from .verdict import judge

PARITY_BATCHES = (1, 32)
REFERENCE_MAX_PARAMETERS = 5_000_000
REFERENCE_PAIRS = {("reference-tf", "native-tf"): "onnx:reference-tf-vs-native",
                   ("reference-torch", "native-torch"): "onnx:reference-torch-vs-native"}
# Four runners of one spec (ORT on each export, each native twin); every pair is a check.
PAIR_NAMES = {
    ("ort-tf", "native-tf"): "onnx:tf-vs-native",
    ("ort-torch", "native-torch"): "onnx:torch-vs-native",
    ("ort-tf", "ort-torch"): "onnx:tf-vs-torch",
    ("ort-tf", "native-torch"): "onnx:tf-vs-native-torch",
    ("ort-torch", "native-tf"): "onnx:torch-vs-native-tf",
    ("native-tf", "native-torch"): "onnx:native-tf-vs-native-torch",
}


def reference_evaluators(spec: Spec, paths: dict) -> tuple[dict, str | None]:
    """framework → `ReferenceEvaluator` of its export, or ({}, why not)."""
    from onnx.reference import ReferenceEvaluator

    from spec.memory import parameter_count

    n = parameter_count(spec)
    if n > REFERENCE_MAX_PARAMETERS:
        return {}, (f"ONNX reference evaluator not run: {n:,} parameters "
                    f"(> {REFERENCE_MAX_PARAMETERS:,}, the size its numpy convolutions are run at here)")
    try:
        return {fw: ReferenceEvaluator(str(p)) for fw, p in paths.items()}, None
    except Exception as e:  # an op the reference implementation lacks: say which, check the rest
        return {}, f"ONNX reference evaluator not run: {type(e).__name__}: {str(e).strip().splitlines()[0]}"


def parity_checks(spec: Spec, tf_twin, torch_twin, seed: int = 0, device: str = "auto", opset: int = DEFAULT_OPSET,
                  batches=PARITY_BATCHES, wrap_session=None, notes: list | None = None) -> list[Check]:
    """Export both twins (weights as loaded) to a temporary folder and compare all four runners
    pairwise at each batch size, and the ONNX reference evaluator on each export at the smallest.
    Check names: `<pair>@b<batch>`, e.g. `onnx:tf-vs-torch@b32`. `wrap_session(framework,
    session) -> session` is applied to each ORT session; why the reference evaluator did not
    run goes to `notes`."""
    checks = []
    # each export is judged against its own native twin's float64 run, on that twin's weights
    weights = {"tf": tf_twin.get_weights(), "torch": torch_twin.get_weights()}
    with tempfile.TemporaryDirectory(prefix=f"onnx-{spec.id}-") as tmp:
        # the exports first: converting is the largest transient (tf2onnx on ResNet50: ~4 GB)
        paths = {fw: export_model(spec, fw, twin, Path(tmp) / f"{spec.id}_{fw}.onnx", opset)
                 for fw, twin in (("tf", tf_twin), ("torch", torch_twin))}
        sessions = {fw: session(p, device) for fw, p in paths.items()}
        evaluators, why = reference_evaluators(spec, paths)
        if why and notes is not None:
            notes.append(why)
        twins64, _ = float64_twins(tf_twin, torch_twin)
        if wrap_session is not None:
            sessions = {fw: wrap_session(fw, s) for fw, s in sessions.items()}
        sizes = list(dict.fromkeys(parity_batch(spec, b) for b in batches))
        for batch in sizes:
            x, labels = make_batch(spec, batch, seed)
            outs = {f"ort-{fw}": run_session(sessions[fw], x) for fw in FRAMEWORKS}
            outs.update({"native-tf": tf_twin.forward(x), "native-torch": torch_twin.forward(x)})
            pairs = dict(PAIR_NAMES)
            if evaluators and batch == sizes[0]:
                outs.update({f"reference-{fw}": _run_reference(ev, x) for fw, ev in evaluators.items()})
                pairs.update(REFERENCE_PAIRS)
            refs, draws, flips = None, [], None
            if twins64 is not None:
                refs, draws, flips = _forward_evidence(spec, twins64, weights, x, labels, seed)
            for (a, b), name in pairs.items():
                ref_a, ref_b = (refs[a.split("-")[-1]], refs[b.split("-")[-1]]) if refs else (None, None)
                checks.append(judge(f"{name}@b{batch}", TOL_OUTPUT, outs[a], outs[b], ref_a, ref_b, draws, flips,
                                    labels=(a, b)))
    return checks


def _run_reference(evaluator, x: np.ndarray) -> np.ndarray:
    (name,) = evaluator.input_names
    return evaluator.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]


def _forward_evidence(spec: Spec, twins64: dict, weights: dict, x, labels, seed: int):
    """(float64 outputs per framework, the rounding model's draws, its decision flips) of the forward
    at `x`, over chunks of at most `conformance_batch` samples: an inference-mode forward treats
    each sample on its own, and a distance is a max over elements, so chunks change nothing but
    the memory (ResNet50 at batch 3 in float64 under the rounding model: +1.4 GB)."""
    step = conformance_batch(spec)
    refs, draws, flips = {fw: [] for fw in FRAMEWORKS}, [], None
    for i in range(0, len(x), step):
        xi, li = x[i:i + step], labels[i:i + step]
        runs = {fw: measure(spec, twins64[fw], weights[fw], xi, li, grads=False) for fw in FRAMEWORKS}
        model = analyse(spec, twins64["torch"], weights["torch"], xi, li, runs["torch"], {}, grads=False, seed=seed)
        draws = [max(a, d["logits"]) for a, d in zip(draws, model.draws)] if draws else [d["logits"] for d in model.draws]
        if "logits" in model.flips:
            flips = max(flips or 0.0, model.flips["logits"])
        for fw in FRAMEWORKS:
            refs[fw].append(runs[fw]["logits"])
    return {fw: np.concatenate(v) for fw, v in refs.items()}, draws, flips


def parse_check_name(name: str) -> tuple[str, int] | None:
    """`onnx:tf-vs-torch@b32` → ("onnx:tf-vs-torch", 32); None for a non-ONNX check."""
    if not name.startswith("onnx:") or "@b" not in name:
        return None
    pair, batch = name.rsplit("@b", 1)
    return pair, int(batch)
