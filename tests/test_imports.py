"""The module structure tells the truth: no import cycle between the project's modules, and
library code (spec, tf_impl, torch_impl, crosscheck outside its CLI) never imports the CLI, the
tests or the scripts. Imports inside functions count: a lazy import is still a dependency."""
import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("spec", "tf_impl", "torch_impl", "crosscheck")
CLI = ("crosscheck.cli", "crosscheck.__main__", "crosscheck.commands")


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "generated" in path.parts:
                continue  # emitted twins import nothing of the project (tests/test_generated_sources.py)
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports (absolute and relative, at any depth of the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


@functools.cache  # every test reads it; parsing each file once per module made one test 200 s
def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def test_library_code_imports_no_cli_tests_or_scripts():
    bad = {}
    g = graph()
    for name, path in modules().items():
        if name.startswith(CLI):
            continue
        text = path.read_text()
        hits = sorted(t for t in g[name] if t.startswith(CLI))
        hits += [w for w in ("import tests", "from tests", "import scripts", "from scripts") if w in text]
        if hits:
            bad[name] = hits
    assert not bad, bad


def test_layers_depend_downwards_only():
    """spec ← tf_impl, torch_impl ← crosscheck: the contract imports no backend, the backends no
    harness, and neither backend the other."""
    allowed = {"spec": ("spec",), "tf_impl": ("spec", "tf_impl"), "torch_impl": ("spec", "torch_impl")}
    bad = {n: sorted(t for t in deps if not t.startswith(allowed[n.split(".")[0]]))
           for n, deps in graph().items() if n.split(".")[0] in allowed}
    assert not {n: d for n, d in bad.items() if d}, bad


def test_no_import_cycle():
    g = graph()
    state, cycles = {}, []

    def visit(n, trail):
        if state.get(n) == "done":
            return
        if state.get(n) == "active":
            cycles.append(trail[trail.index(n):] + [n])
            return
        state[n] = "active"
        for m in sorted(g.get(n, ())):
            # a package's __init__ importing its own submodules (registries) is not a cycle of modules
            if not m.startswith(n + ".") and not n.startswith(m + "."):
                visit(m, trail + [n])
        state[n] = "done"

    for n in sorted(g):
        visit(n, [])
    assert not cycles, cycles


def test_the_walk_sees_imports():
    """The walk is not vacuous: it finds known edges, relative and lazy ones included."""
    g = graph()
    assert "crosscheck.verdict" in g["crosscheck.evidence"]  # relative, top level
    assert "crosscheck.onnx_parity" in g["crosscheck.compare"]  # lazy, inside compare_spec
    assert "spec.layers.base" in g["spec.layers.conv2d"]
