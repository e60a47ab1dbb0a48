"""Repeated blocks: a group of layers written once with parameters, instantiated with `use`.

    "blocks": {
      "identity_block": {
        "params": ["stage", "block", "filters"],
        "defaults": {"kernel_size": 3},
        "layers": [
          {"name": "res{stage}{block}_branch2a", "type": "conv2d", "filters": "$filters", "kernel_size": 1},
          ...
          {"name": "add{stage}{block}", "type": "add", "inputs": ["$input", "bn{stage}{block}_branch2c"]}
        ]
      }
    },
    "layers": [..., {"use": "identity_block", "with": {"stage": 2, "block": "b", "filters": 64}}, ...]

Expansion (before any other check of the graph) replaces each `use` by the block's layers, with:
* a string that is exactly `"$p"` replaced by parameter p's value, whatever its JSON type;
* `{p}` inside any other string (names, inputs) replaced by the value's text;
* `"$input"` the block's input: the instance's `inputs[0]` if given, else the previous layer
  (or the model input), like any layer's default input. The first block layer without `inputs`
  takes it too.
`"trainable": false` on the instance freezes every layer of it.
Arguments come from the instance's `with`, then the block's `defaults`; every name in `params`
must get a value, and no other. Expanded layers are then checked like any other layer; a problem
in one names both places, e.g. `layers[5]->blocks.conv_block.layers[2].filters` (the instance at
`layers[5]`, the layer at index 2 of the block's definition).
"""
from __future__ import annotations

import re

_PARAM = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")
_TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
BLOCK_INPUT = "$input"


def schema(identifier: dict) -> tuple[dict, dict]:
    """(schema of the `blocks` section, schema of a `use` item of `layers`)."""
    block = {
        "type": "object",
        "required": ["params", "layers"],
        "additionalProperties": False,
        "properties": {
            "params": {"type": "array", "items": identifier, "uniqueItems": True},
            "defaults": {"type": "object"},
            "comment": {"type": "string"},
            # Checked in full once expanded: fields may still be "$param" templates here.
            "layers": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["name", "type"],
                "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}},
        },
    }
    use = {
        "type": "object",
        "required": ["use"],
        "additionalProperties": False,
        "properties": {
            "use": identifier,
            "with": {"type": "object"},
            "inputs": {"type": "array", "items": identifier, "minItems": 1, "maxItems": 1},
            "trainable": {"type": "boolean"},
            "comment": {"type": "string"},
        },
    }
    return {"type": "object", "propertyNames": identifier, "additionalProperties": block}, use


def uses_blocks(raw: dict) -> bool:
    return any("use" in item for item in raw["layers"])


def expand(raw: dict) -> tuple[list[dict], list[str], list[tuple[str, str]]]:
    """(layers with every `use` expanded, each layer's path for errors, problems found)."""
    blocks = raw.get("blocks", {})
    layers, paths, problems = [], [], []
    previous = raw["input"].get("name", "input")
    for i, item in enumerate(raw["layers"]):
        if "use" not in item:
            layers.append(item)
            paths.append(f"layers[{i}]")
            previous = item["name"]
            continue
        name = item["use"]
        if name not in blocks:
            problems.append((f"layers[{i}].use", f"no block named {name!r}; defined: {', '.join(sorted(blocks)) or 'none'}"))
            continue
        block = blocks[name]
        given = item.get("with", {})
        args = {**block.get("defaults", {}), **given}
        unknown = sorted(set(given) - set(block["params"]))
        missing = [p for p in block["params"] if p not in args]
        if unknown:
            problems.append((f"layers[{i}].with", f"block {name!r} has no parameter(s) {', '.join(unknown)}"))
        if missing:
            problems.append((f"layers[{i}].with", f"block {name!r} needs parameter(s) {', '.join(missing)}"))
        if unknown or missing:
            continue
        args[BLOCK_INPUT[1:]] = item["inputs"][0] if "inputs" in item else previous
        for j, layer in enumerate(block["layers"]):
            where = f"layers[{i}]->blocks.{name}.layers[{j}]"
            expanded = _substitute(layer, args, where, problems)
            if j == 0 and "inputs" not in expanded:
                expanded["inputs"] = [args["input"]]
            if "trainable" in item:
                expanded["trainable"] = item["trainable"]
            layers.append(expanded)
            paths.append(where)
        previous = layers[-1]["name"] if block["layers"] else previous
    return layers, paths, problems


def _substitute(value, args: dict, where: str, problems: list):
    if isinstance(value, dict):
        return {k: _substitute(v, args, f"{where}.{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, args, f"{where}[{k}]", problems) for k, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    whole = _PARAM.match(value)
    if whole:
        return _lookup(whole.group(1), args, where, problems, value)

    def text(m):
        return str(_lookup(m.group(1), args, where, problems, m.group(0)))

    return _TEMPLATE.sub(text, value)


def _lookup(param: str, args: dict, where: str, problems: list, original: str):
    if param not in args:
        problems.append((where, f"{original!r} names no parameter of the block (known: {', '.join(sorted(args))})"))
        return original
    return args[param]
