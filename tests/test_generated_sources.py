"""The committed generated twins equal what the generators emit now, and are self-contained."""
import ast

import pytest

from crosscheck.generation import committed_path, sources
from spec import load_spec, spec_ids


@pytest.mark.parametrize("spec_id", spec_ids())
def test_committed_sources_are_current(spec_id):
    for framework, source in sources(load_spec(spec_id), "both").items():
        path = committed_path(spec_id, framework)
        assert path.exists(), f"{path} missing: run `crosscheck generate --update`"
        assert path.read_text() == source, f"{path} is stale: run `crosscheck generate --update`"


@pytest.mark.parametrize("spec_id", spec_ids())
def test_generated_sources_import_nothing_from_this_project(spec_id):
    for framework, source in sources(load_spec(spec_id), "both").items():
        tree = ast.parse(source)
        modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert modules <= {"keras", "tensorflow", "torch", "math"}, (framework, modules)


def test_no_stale_generated_files():
    ids = set(spec_ids())
    for fw in ("tf", "torch"):
        folder = committed_path("x", fw).parent
        extra = {p.stem for p in folder.glob("*.py")} - ids
        assert not extra, f"generated files without a spec in {folder}: {sorted(extra)}"
