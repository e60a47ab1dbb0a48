"""Loading a spec: UTF-8 JSON → finite numbers → schema check → graph check → shape inference → `Spec`.

All problems of one stage are collected and raised together as a `SpecError`, each naming its
field path; later stages run only when earlier ones passed (shapes of a graph with a cycle mean
nothing). Nothing is written anywhere while loading.
"""
from __future__ import annotations

import hashlib
import json
import keyword
import math
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from . import blocks, initializers, jsonfile, rl
from .errors import SpecError, json_path
from .layers import ShapeError, registry
from .schema import schema

MODELS_DIR = Path(__file__).parent / "models"

# Attribute names a generated nn.Module or Keras model already uses; a layer may not take them.
RESERVED_NAMES = frozenset(
    {"forward", "training", "train", "eval", "parameters", "modules", "children", "to", "cuda", "cpu",
     "type", "float", "double", "half", "apply", "state_dict", "buffers", "layers", "inputs", "outputs",
     "input", "output", "weights", "name", "call", "build", "summary", "model", "x", "torch", "nn", "F",
     "keras", "tf", "np", "self",
     "initializers", "ops", "build_model", "loss_fn", "labels", "probs", "init"}
)


@dataclass
class Node:
    """One layer of a loaded spec, with defaults filled in and shapes inferred."""

    name: str
    type: str
    cfg: dict
    inputs: list[str]
    index: int  # position in the expanded `layers` array
    trainable: bool = True
    weights_from: dict | None = None  # {"spec", "layer"} (defaults filled): see SEMANTICS.md, "Weights from another spec"
    init: dict = field(default_factory=dict)  # param → normalised initialiser
    in_shapes: list[tuple] = field(default_factory=list)
    out_shape: tuple = ()
    param_shapes: dict = field(default_factory=dict)
    where: str = ""  # JSON path for errors; inside a block `layers[i]->blocks.<b>.layers[j]`

    @property
    def path(self) -> str:
        return self.where or f"layers[{self.index}]"

    @property
    def layer_type(self):
        return registry()[self.type]

    def n_params(self) -> int:
        return sum(math.prod(s) for s in self.param_shapes.values())

    def weights_note(self) -> str | None:
        """The generated sources' comment on a `weights_from` layer."""
        if not self.weights_from:
            return None
        return f"{self.name}: load the weights of {self.weights_from['spec']}.{self.weights_from['layer']} after training it"

    def trainable_params(self) -> list[str]:
        if not self.trainable:
            return []
        return [p for p in self.param_shapes if p not in self.layer_type.non_trainable_params]


@dataclass
class Spec:
    id: str
    source: str
    raw: dict
    input_name: str
    input_shape: tuple
    nodes: list[Node]
    output: str
    expanded: dict | None = None  # `raw` with every block instance expanded (spec.blocks)

    @property
    def flat_raw(self) -> dict:
        """The spec as plain layers (blocks expanded): what a derived spec should start from."""
        return self.expanded if self.expanded is not None else self.raw

    @property
    def loss(self) -> dict | None:
        return self.raw.get("loss")

    @property
    def optimizer(self) -> dict | None:
        return self.raw.get("optimizer")

    @property
    def training(self) -> dict:
        return self.raw.get("training", {})

    @property
    def data(self) -> dict:
        return self.raw.get("data", {})

    @property
    def rl(self) -> dict | None:
        return self.raw.get("rl")

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    @property
    def output_shape(self) -> tuple:
        return self.node(self.output).out_shape

    def parameters(self):
        """(node, param, shape) for every parameter, in graph order: the neutral file's keys."""
        for n in self.nodes:
            for p, s in n.param_shapes.items():
                yield n, p, s

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()


def spec_ids() -> list[str]:
    return sorted(p.stem for p in MODELS_DIR.glob("*.json"))


def resolve(path_or_id: str) -> Path:
    p = Path(path_or_id)
    if p.suffix == ".json" or p.exists():
        return p
    return MODELS_DIR / f"{path_or_id}.json"


def load_spec(path_or_id: str | Path, check_sources: bool = True) -> Spec:
    path = resolve(str(path_or_id))
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SpecError(("(file)", f"cannot read spec: {e.strerror or e}"), source) from None
    return build_spec(jsonfile.parse(jsonfile.decode(data, source), source), source, check_sources)


def build_spec(raw: dict, source: str = "<spec>", check_sources: bool = True) -> Spec:
    """`check_sources`: whether each `weights_from` is checked against the spec it names (off for
    that spec itself, which is loaded to be checked)."""
    problems = jsonfile.non_finite(raw)
    if problems:
        raise SpecError(problems, source)
    validate_schema(raw, source)
    expanded, paths = raw, [f"layers[{i}]" for i in range(len(raw["layers"]))]
    if blocks.uses_blocks(raw):
        layers, paths, problems = blocks.expand(raw)
        if problems:
            raise SpecError(problems, source)
        expanded = {k: v for k, v in raw.items() if k != "blocks"} | {"layers": layers}
        validate_schema(expanded, source, paths)
    nodes = _graph(expanded, source, paths)
    input_name = raw["input"].get("name", "input")
    input_shape = tuple(raw["input"]["shape"])
    output = raw.get("outputs", [nodes[-1].name])[0]
    order = _topological(nodes, input_name, source)
    _infer_shapes(order, input_name, input_shape, source)
    if output not in {n.name for n in nodes}:
        raise SpecError(("outputs[0]", f"no layer named {output!r}"), source)
    if "rl" in raw:
        problems = rl.problems(raw["rl"], input_shape, next(n for n in order if n.name == output).out_shape)
        if problems:
            raise SpecError(problems, source)
    if check_sources:
        _check_weight_sources(order, raw["id"], source)
    return Spec(raw["id"], source, raw, input_name, input_shape, order, output, expanded if expanded is not raw else None)


def validate_schema(raw, source: str, layer_paths: list[str] | None = None) -> None:
    """Check `raw` against the JSON Schema; `layer_paths` names where each of `raw["layers"]`
    came from, when the layers are the expansion of block instances."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for err in sorted(validator.iter_errors(raw), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        if err.validator in ("if", "allOf"):  # the branch errors themselves are reported too
            continue
        parts = list(err.absolute_path)
        if layer_paths and len(parts) >= 2 and parts[0] == "layers":
            rest = json_path(parts[2:])
            path = layer_paths[parts[1]] + ("" if rest == "(root)" else rest if rest.startswith("[") else f".{rest}")
        else:
            path = json_path(parts)
        problems.append((path, _message(err)))
    if problems:
        raise SpecError(_dedupe(problems), source)


def _message(err) -> str:
    if err.validator == "additionalProperties":
        return f"unknown field(s): {err.message.split('(')[-1].rstrip(')')}"
    if err.validator == "enum" and err.absolute_path and err.absolute_path[-1] == "type":
        return f"unknown type {err.instance!r}; known: {', '.join(map(str, err.validator_value))}"
    if err.validator == "required":
        return f"missing field: {err.message.split(' ')[0]}"
    return err.message


def _dedupe(problems):
    seen, out = set(), []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _graph(raw: dict, source: str, paths: list[str]) -> list[Node]:
    """Names unique and legal, inputs that exist, arity; defaults filled."""
    input_name = raw["input"].get("name", "input")
    problems, nodes, names = [], [], {input_name}
    for i, layer in enumerate(raw["layers"]):
        name = layer["name"]
        if name in names:
            problems.append((f"{paths[i]}.name", f"duplicate name {name!r}"))
        if keyword.iskeyword(name) or name in RESERVED_NAMES:
            problems.append((f"{paths[i]}.name", f"{name!r} is reserved (Python keyword or a name the generated models use)"))
        names.add(name)
        lt = registry()[layer["type"]]
        default_in = [nodes[-1].name] if nodes else [input_name]
        inputs = list(layer.get("inputs", default_in))
        if lt.arity is not None and len(inputs) != lt.arity:
            problems.append((f"{paths[i]}.inputs", f"{layer['type']} takes {lt.arity} input(s), got {len(inputs)}"))
        if lt.arity is None and len(inputs) < 2:
            problems.append((f"{paths[i]}.inputs", f"{layer['type']} takes two or more inputs, got {len(inputs)}"))
        cfg = lt.with_defaults({k: v for k, v in layer.items()
                                if k not in ("name", "type", "inputs", "trainable", "weights_from", "init", "comment")})
        init = {p: initializers.normalize(layer.get("init", {}).get(p) or lt.default_init(p)) for p in lt.active_params(cfg)}
        source_ref = layer.get("weights_from")
        source_ref = source_ref and {"layer": name, **source_ref}
        nodes.append(Node(name, layer["type"], cfg, inputs, i, layer.get("trainable", True), source_ref, init, where=paths[i]))
    for n in nodes:
        for j, src in enumerate(n.inputs):
            if src not in names:
                problems.append((f"{n.path}.inputs[{j}]", f"no layer or input named {src!r}"))
    if problems:
        raise SpecError(problems, source)
    return nodes


def _check_weight_sources(nodes: list[Node], spec_id: str, source: str) -> None:
    """Every `weights_from` names another zoo spec, one that takes no weights from a third (so
    there is no chain or cycle to train through), and in it a layer of the same type and
    parameter shapes."""
    problems, loaded = [], {}
    for n in nodes:
        if n.weights_from is None:
            continue
        where, other_id, other_layer = f"{n.path}.weights_from", n.weights_from["spec"], n.weights_from["layer"]
        if not n.param_shapes:
            problems.append((where, f"{n.name} ({n.type}) has no parameters to take"))
            continue
        if other_id == spec_id:
            problems.append((f"{where}.spec", "a spec cannot take weights from itself"))
            continue
        if other_id not in spec_ids():
            problems.append((f"{where}.spec", f"no zoo spec {other_id!r} (spec/models/)"))
            continue
        if other_id not in loaded:
            try:
                loaded[other_id] = load_spec(other_id, check_sources=False)
            except SpecError as e:
                loaded[other_id] = e
        other = loaded[other_id]
        if isinstance(other, SpecError):
            problems.append((f"{where}.spec", f"spec {other_id!r} is not valid: {other.lines()[0]}"))
            continue
        if any(m.weights_from for m in other.nodes):
            problems.append((f"{where}.spec", f"spec {other_id!r} takes weights from another spec itself (no chains)"))
            continue
        match = next((m for m in other.nodes if m.name == other_layer), None)
        if match is None:
            problems.append((f"{where}.layer", f"spec {other_id!r} has no layer {other_layer!r}"))
        elif (match.type, match.param_shapes) != (n.type, n.param_shapes):
            problems.append((where, f"{other_id}.{other_layer} is a {match.type} with parameters {match.param_shapes}; "
                                    f"{n.name} is a {n.type} with {n.param_shapes}"))
    if problems:
        raise SpecError(problems, source)


def _topological(nodes: list[Node], input_name: str, source: str) -> list[Node]:
    by_name = {n.name: n for n in nodes}
    order, state = [], {}

    def visit(n: Node, trail: list[str]):
        if state.get(n.name) == "done":
            return
        if state.get(n.name) == "active":
            cycle = trail[trail.index(n.name):] + [n.name]
            raise SpecError((f"{n.path}.inputs", f"cycle: {' -> '.join(cycle)}"), source)
        state[n.name] = "active"
        for src in n.inputs:
            if src != input_name:
                visit(by_name[src], trail + [n.name])
        state[n.name] = "done"
        order.append(n)

    for n in nodes:
        visit(n, [])
    return order


def _infer_shapes(order: list[Node], input_name: str, input_shape: tuple, source: str) -> None:
    """Output and parameter shapes of every node, visited in topological order."""
    shapes = {input_name: input_shape}
    for n in order:
        n.in_shapes = [shapes[s] for s in n.inputs]
        try:
            n.out_shape = tuple(n.layer_type.output_shape(n.cfg, n.in_shapes))
            n.param_shapes = {k: tuple(v) for k, v in n.layer_type.param_shapes(n.cfg, n.in_shapes).items()}
        except ShapeError as e:
            field_ = f"{n.path}.{e.field}" if e.field else n.path
            raise SpecError((field_, f"({n.name}) {e}"), source) from None
        shapes[n.name] = n.out_shape
