"""The conformance report: a Markdown table over all specs plus the same data as JSON.

Both files are written atomically into the output folder, with the environment that produced
the numbers (framework versions, devices, TF32 and determinism switches).
"""
from __future__ import annotations

import json
from pathlib import Path

from spec.atomic import write_text_atomic

from .compare import SpecResult


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.2e}"


def worst(result: SpecResult):
    """The check closest to (or furthest past) its tolerance."""
    return max(result.checks, key=lambda c: (not c.passed, c.max_scaled / c.tol if c.tol else 0.0), default=None)


def format_result(r: SpecResult) -> str:
    head = f"{'PASS' if r.passed else 'FAIL'} {r.spec} ({len(r.checks)} checks, {r.seconds:.1f}s)"
    if r.error:
        return f"{head}\n  error: {r.error}"
    lines = [head]
    for c in r.checks:
        if not c.passed:
            lines.append(f"  FAIL {c.name}: max_abs {c.max_abs:.3e} max_scaled {c.max_scaled:.3e} > tol {c.tol:.0e} {c.note}")
    if r.first_divergent_layer:
        lines.append(f"  first divergent layer: {r.first_divergent_layer}")
    w = worst(r)
    if r.passed and w:
        lines.append(f"  worst: {w.name} max_scaled {w.max_scaled:.2e} (tol {w.tol:.0e})")
        floor = [c for c in r.checks if c.passed and c.max_scaled > c.tol]
        if floor:  # passed at the measured float32 rounding floor (crosscheck.compare.rounding_floor_recheck)
            lines.append(f"  {len(floor)} check(s) above tol, within 3x the float32 rounding floor: {w.note or floor[0].note}")
    return "\n".join(lines)


def onnx_cell(r: SpecResult) -> str:
    """The ONNX parity column: pass/FAIL and the worst `onnx:*` check's max_scaled; '-' when not run."""
    checks = [c for c in r.checks if c.name.startswith("onnx:")]
    if not checks:
        return "-"
    w = max(checks, key=lambda c: (not c.passed, c.max_scaled))
    if not all(c.passed for c in checks):
        return f"**FAIL** {w.name} ({_fmt(w.max_scaled)})"
    return f"pass{' (floor)' if w.max_scaled > w.tol else ''} ({_fmt(w.max_scaled)})"


def markdown(results: list[SpecResult], env: dict, title: str = "Conformance report") -> str:
    n_pass = sum(r.passed for r in results)
    out = [f"# {title}", "", f"**{n_pass} / {len(results)} specs pass.**", "",
           "Policy: an element fails only when |tf − torch| exceeds both tol·scale (scale = the tensor's max |value|) "
           "and tol·|torch|; `max_scaled` = max |tf − torch| / scale. Outputs and loss: 1e-5, gradients: 1e-4 "
           "(float32). A check above its tolerance passes only within 3x the float32 rounding floor (each twin's "
           "distance from its own float64 run on the same weights and inputs) and when the float64 runs agree to 1e-7, "
           "marked *floor* below; training-mode checks are `train:*` "
           "(spec/SEMANTICS.md). ONNX parity: ORT on the TF and torch exports and both native twins, every pair, at "
           "batch 1 and 32 (1e-5; worst max_scaled shown).", "",
           "| spec | result | checks | worst check | worst max_scaled | tol | first divergent layer | ONNX parity | seconds |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        w = worst(r)
        out.append(
            f"| `{r.spec}` | {'pass' if r.passed else '**FAIL**'} | {len(r.checks)} | {w.name if w else r.error or '-'} | "
            f"{_fmt(w.max_scaled) if w else '-'} | {f'{w.tol:.0e}' if w else '-'} | {r.first_divergent_layer or '-'} | {onnx_cell(r)} | {r.seconds:.1f} |"
        )
    out += ["", "## Environment", "", "```json", json.dumps(env, indent=2), "```", "", "## Checks per spec", ""]
    for r in results:
        out += [f"### `{r.spec}`", ""]
        if r.error:
            out += [f"Error: {r.error}", ""]
            continue
        out += ["| check | max_abs | max_rel | mean_abs | median_abs | max_scaled | tol | passed |",
                "|---|---|---|---|---|---|---|---|"]
        for c in r.checks:
            out.append(f"| {c.name} | {_fmt(c.max_abs)} | {_fmt(c.max_rel)} | {_fmt(c.mean_abs)} | {_fmt(c.median_abs)} | "
                       f"{_fmt(c.max_scaled)} | {c.tol:.0e} | {('yes (floor)' if c.max_scaled > c.tol else 'yes') if c.passed else '**no**'} |")
        out.append("")
    return "\n".join(out)


def write_report(results: list[SpecResult], env: dict, out_dir: str | Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    md, js = out_dir / "report.md", out_dir / "report.json"
    payload = {"environment": env, "results": [r.as_dict() for r in results]}
    write_text_atomic(js, json.dumps(payload, indent=1) + "\n")
    write_text_atomic(md, markdown(results, env))
    return md, js
