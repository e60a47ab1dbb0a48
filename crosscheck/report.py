"""The conformance report: a Markdown table over all specs plus the same data as JSON.

Both files are written atomically into the output folder, with the environment that produced
the numbers (framework versions, devices, TF32 and determinism switches). Every verdict is
`crosscheck.verdict`'s: pass, float32-limited, float32-defect or fail.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from spec.atomic import write_text_atomic

from .compare import SpecResult
from .tolerance import DEFECT, FAIL, LIMITED, PASS, VERDICT_ORDER
from .verdict import DEFECT_FACTOR, EQUIVALENCE_TOL, POWER_FACTOR

LABEL = {PASS: "PASS", LIMITED: "LIMITED", DEFECT: "DEFECT", FAIL: "FAIL"}


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.1e}"


def worst(checks):
    """The check with the worst verdict, and among those the largest disagreement for its tolerance."""
    return max(checks, key=lambda c: (VERDICT_ORDER.index(c.verdict), c.max_scaled / c.tol if c.tol else 0.0), default=None)


def counts(checks) -> str:
    c = Counter(ch.verdict for ch in checks)
    return ", ".join(f"{c[v]} {v}" for v in VERDICT_ORDER if c[v])


def format_result(r: SpecResult) -> str:
    head = f"{LABEL.get(r.verdict, r.verdict.upper())} {r.spec} ({counts(r.checks) or 'no checks'}; {r.seconds:.1f}s)"
    if r.error:
        return f"{head}\n  error: {r.error}"
    lines = [head]
    for c in r.checks:
        if c.failed:
            lines.append(f"  {LABEL[c.verdict]} {c.name}: {c.note}")
    limited = [c for c in r.checks if c.verdict == LIMITED]
    if limited:
        w = worst(limited)
        lines.append(f"  {len(limited)} float32-limited, e.g. {w.name}: {w.note}")
    if r.first_divergent_layer:
        lines.append(f"  first divergent layer: {r.first_divergent_layer}")
    w = worst(r.checks)
    if r.verdict == PASS and w:
        lines.append(f"  worst: {w.name} max_scaled {w.max_scaled:.2e} (tol {w.tol:.0e}), "
                     f"float32 sensitivity {_fmt(w.sensitivity)}, float64 twins {_fmt(w.float64_scaled)}")
    return "\n".join(lines)


def format_training(t) -> str:
    """A lockstep training result (`lockstep.TrainConformance`): the per-step loss, the worst
    parameter, and every failed check."""
    lines = [f"{LABEL.get(t.verdict, t.verdict.upper())} {t.spec} training, {t.steps} steps of {t.optimizer['type']} "
             f"(lr {t.optimizer['learning_rate']}): {counts(t.checks)}"]
    loss = next((c for c in t.checks if c.name == "loss"), None)
    if loss is not None:
        lines.append(f"  per-step loss: {loss.verdict}, {loss.note}")
    others = [c for c in t.checks if c.name != "loss"]
    lines += [f"  {LABEL[c.verdict]} {c.name}: {c.note}" for c in others if c.failed]
    w = worst(others)
    if w is not None and not w.failed:
        what = ("parameters after the last step" if all(c.name.startswith("param:") for c in others)
                else "the other checks")
        lines.append(f"  {what}: worst {w.name}: {w.verdict}, {w.note}")
    if t.stopped:
        lines.append(f"  stopped: {t.stopped}")
    return "\n".join(lines)


def onnx_cell(r: SpecResult) -> str:
    """The ONNX parity column: the worst verdict of the `onnx:*` checks and its max_scaled; '-' when not run."""
    checks = [c for c in r.checks if c.name.startswith("onnx:")]
    if not checks:
        return "-"
    w = worst(checks)
    v = max((c.verdict for c in checks), key=VERDICT_ORDER.index)
    text = f"{v} ({_fmt(w.max_scaled)})"
    return f"**{text}**" if v in (DEFECT, FAIL) else text


POLICY = (
    "Each check compares one quantity from the TF and torch twins (or an ONNX export and a native twin) "
    "in float32, at its tolerance (outputs and loss 1e-5, gradients 1e-4) of its scale (the tensor's max |value|, "
    "for a sum at least the size of its terms). **pass**: they agree, and the computation's float32 sensitivity "
    "— measured by running the float64 twin under a model of float32 rounding, the same on every CPU — is at "
    f"most tol/{POWER_FACTOR:g}, so the agreement is not luck. **float32-limited**: float32 cannot resolve the tolerance here "
    "(sensitivity, or ReLU / max-pool decisions within rounding of their threshold), and neither framework's "
    "float32 error is beyond the computation's sensitivity. **float32-defect**: a framework's float32 result is "
    f"more than {DEFECT_FACTOR:g}x the sensitivity away from the float64 value of the same decisions (named). "
    f"**fail**: the two twins run in float64 from the same emitted source differ by more than {EQUIVALENCE_TOL:g} "
    "(different functions), or the "
    "check could not be computed. See spec/SEMANTICS.md, \"Verdicts\".")


def markdown(results: list[SpecResult], env: dict, title: str = "Conformance report") -> str:
    tally = Counter(r.verdict for r in results)
    summary = ", ".join(f"{tally[v]} {v}" for v in VERDICT_ORDER if tally[v])
    out = [f"# {title}", "", f"**{len(results)} specs: {summary}.**", "", POLICY, "",
           "| spec | verdict | checks | worst check | its max_scaled | tol | first divergent layer | ONNX parity | seconds "
           "| peak RSS |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        w = worst(r.checks)
        verdict = r.verdict if r.verdict in (PASS, LIMITED) else f"**{r.verdict}**"
        out.append(
            f"| `{r.spec}` | {verdict} | {counts(r.checks) or '-'} | {w.name if w else r.error or '-'} | "
            f"{_fmt(w.max_scaled) if w else '-'} | {f'{w.tol:.0e}' if w else '-'} | {r.first_divergent_layer or '-'} | "
            f"{onnx_cell(r)} | {r.seconds:.1f} | {f'{r.peak_rss_bytes / 2**30:.2f} GiB' if r.peak_rss_bytes else '-'} |"
        )
    out += ["", "## Environment", "", "```json", json.dumps(env, indent=2), "```", "", "## Checks per spec", ""]
    for r in results:
        out += [f"### `{r.spec}`", ""]
        if r.error:
            out += [f"Error: {r.error}", ""]
            continue
        if r.notes:
            out += ["; ".join(r.notes), ""]
        out += ["| check | verdict | max_abs | max_scaled | tol | scale from | float64 twins | float32 errors | "
                "float32 sensitivity | with decision flips |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for c in r.checks:
            errors = ", ".join(f"{k} {_fmt(v)}" for k, v in c.errors.items()) or "-"
            out.append(f"| {c.name} | {c.verdict} | {_fmt(c.max_abs)} | {_fmt(c.max_scaled)} | {c.tol:.0e} | {c.scale_from} | "
                       f"{_fmt(c.float64_scaled)} | {errors} | {_fmt(c.sensitivity)} | {_fmt(c.decision_sensitivity)} |")
        notes = [c for c in r.checks if c.verdict != PASS]
        if notes:
            out += ["", *[f"- `{c.name}` ({c.verdict}): {c.note}" for c in notes]]
        out.append("")
    return "\n".join(out)


def write_report(results: list[SpecResult], env: dict, out_dir: str | Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    md, js = out_dir / "report.md", out_dir / "report.json"
    payload = {"environment": env, "results": [r.as_dict() for r in results]}
    write_text_atomic(js, json.dumps(payload, indent=1) + "\n")
    write_text_atomic(md, markdown(results, env))
    return md, js
