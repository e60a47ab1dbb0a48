"""The emitted sources of a spec, and where the committed copies live (`tf_impl/generated/`,
`torch_impl/generated/`, kept current by `crosscheck generate --update` and checked by the tests)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sources(spec, framework: str) -> dict[str, str]:
    """framework → emitted source, for "tf", "torch" or "both"."""
    out = {}
    if framework in ("tf", "both"):
        from tf_impl.codegen import generate

        out["tf"] = generate(spec)
    if framework in ("torch", "both"):
        from torch_impl.codegen import generate

        out["torch"] = generate(spec)
    return out


def committed_path(spec_id: str, framework: str) -> Path:
    pkg = {"tf": "tf_impl", "torch": "torch_impl"}[framework]
    return ROOT / pkg / "generated" / f"{spec_id}.py"
