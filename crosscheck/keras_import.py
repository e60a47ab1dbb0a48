"""A user's Keras model (`.keras`, or the legacy `.h5`) → a spec in our format plus its weights in
the neutral format, so the generated PyTorch twin can be proven equal to it.

Keras loads the file (`keras.saving.load_model`, compile=False, safe mode: no Python lambdas run);
the architecture is read from the model's own config (`get_config()`: a Functional model's
layers with their inbound nodes, or a Sequential model's chain) and the weights from each
layer's `get_weights()`. Keras' layouts are the spec's canonical ones, so no array is transposed.

Each Keras layer becomes one spec layer, and a layer with a fused `activation` (Conv2D, Dense)
becomes two: the layer, then `<name>_<activation>` (relu, sigmoid, tanh, softmax). Supported:
InputLayer, Conv2D (no dilation, no groups), Dense, MaxPooling2D, AveragePooling2D,
BatchNormalization (last axis, center and scale), Dropout, Flatten, Add, Concatenate (last axis),
ReLU (plain), LeakyReLU, Activation, Softmax (last axis), GlobalAveragePooling2D, ZeroPadding2D,
Reshape; channels-last data only, one input, one output, L1/L2 kernel regularisers kept. Anything
else is listed — every unsupported layer with its class and name — before anything is written.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import UserError
from .spec_import import Names

ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax"}
WEIGHT_NAMES = {"conv2d": ("kernel", "bias"), "dense": ("kernel", "bias"),
                "batchnorm": ("gamma", "beta", "moving_mean", "moving_variance")}


class Unsupported(Exception):
    """What one layer's conversion cannot express, in one phrase."""


def load_model(path: str | Path):
    import keras

    path = Path(path)
    if path.suffix not in (".keras", ".h5"):
        raise UserError(f"{path}: a Keras model file ends in .keras (or the legacy .h5)")
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        return keras.saving.load_model(str(path), compile=False)
    except Exception as e:  # Keras raises many types for a file it cannot read; one line says which
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"{path}: cannot load as a Keras model: {first}") from None


def _history(obj) -> list[str]:
    """The producing layers' names of the Keras tensors in an inbound-node argument."""
    if isinstance(obj, dict) and obj.get("class_name") == "__keras_tensor__":
        return [obj["config"]["keras_history"][0]]
    if isinstance(obj, (list, tuple)):
        return [n for item in obj for n in _history(item)]
    return []


def _penalties(cfg: dict) -> dict:
    """Keras' L1, L2 and L1L2 kernel regularisers as the spec's `kernel_regularizer`."""
    reg = cfg.get("kernel_regularizer")
    if not reg:
        return {}
    inner, kind = reg.get("config", {}), reg.get("class_name", "").lower()
    if kind not in ("l1", "l2", "l1l2"):
        raise Unsupported(f"kernel_regularizer {reg.get('class_name')} (only L1, L2, L1L2)")
    factors = {k: float(inner[k]) for k in ("l1", "l2") if inner.get(k)}
    return {"kernel_regularizer": factors} if factors else {}


def _activation(cfg: dict) -> str | None:
    act = cfg.get("activation", "linear")
    if act in (None, "linear"):
        return None
    if act not in ACTIVATIONS:
        raise Unsupported(f"activation {act!r}")
    return ACTIVATIONS[act]


def _channels_last(cfg: dict) -> None:
    if cfg.get("data_format", "channels_last") != "channels_last":
        raise Unsupported("data_format channels_first")


def _pair_or_int(v):
    v = list(v) if isinstance(v, (list, tuple)) else v
    return v[0] if isinstance(v, list) and len(set(v)) == 1 else v


def convert_layer(class_name: str, cfg: dict) -> tuple[dict, str | None]:
    """(the spec layer without name/inputs, the fused activation or None)."""
    if class_name == "Conv2D":
        _channels_last(cfg)
        if _pair_or_int(cfg.get("dilation_rate", 1)) != 1 or cfg.get("groups", 1) != 1:
            raise Unsupported("dilated or grouped convolution")
        layer = {"type": "conv2d", "filters": cfg["filters"], "kernel_size": _pair_or_int(cfg["kernel_size"]),
                 "strides": _pair_or_int(cfg["strides"]), "padding": cfg["padding"], "use_bias": cfg["use_bias"]}
        return {**layer, **_penalties(cfg)}, _activation(cfg)
    if class_name == "Dense":
        return {"type": "dense", "units": cfg["units"], "use_bias": cfg["use_bias"], **_penalties(cfg)}, _activation(cfg)
    if class_name in ("MaxPooling2D", "AveragePooling2D"):
        _channels_last(cfg)
        kind = "maxpool2d" if class_name == "MaxPooling2D" else "avgpool2d"
        strides = cfg.get("strides") or cfg["pool_size"]
        return {"type": kind, "pool_size": _pair_or_int(cfg["pool_size"]), "strides": _pair_or_int(strides),
                "padding": cfg["padding"]}, None
    if class_name == "BatchNormalization":
        if cfg.get("axis", -1) not in (-1, [-1]) or not cfg.get("center", True) or not cfg.get("scale", True):
            raise Unsupported("batch normalisation other than over the last axis with center and scale")
        if cfg.get("renorm") or cfg.get("synchronized"):
            raise Unsupported("batch renormalisation / synchronized batchnorm")
        return {"type": "batchnorm", "momentum": cfg["momentum"], "epsilon": cfg["epsilon"]}, None
    if class_name == "Dropout":
        if cfg.get("noise_shape"):
            raise Unsupported("dropout with a noise_shape")
        return {"type": "dropout", "rate": cfg["rate"]}, None
    if class_name == "Flatten":
        _channels_last(cfg)
        return {"type": "flatten"}, None
    if class_name == "Add":
        return {"type": "add"}, None
    if class_name == "Concatenate":
        if cfg.get("axis", -1) != -1:
            raise Unsupported(f"concatenation on axis {cfg.get('axis')} (only the last)")
        return {"type": "concat"}, None
    if class_name == "ReLU":
        if cfg.get("max_value") is not None or cfg.get("threshold", 0) != 0:
            raise Unsupported("ReLU with max_value or threshold")
        if cfg.get("negative_slope", 0):
            return {"type": "leaky_relu", "negative_slope": cfg["negative_slope"]}, None
        return {"type": "relu"}, None
    if class_name == "LeakyReLU":
        return {"type": "leaky_relu", "negative_slope": cfg.get("negative_slope", cfg.get("alpha", 0.3))}, None
    if class_name == "Activation":
        act = _activation(cfg)
        if act is None:
            raise Unsupported("linear Activation layer (nothing to translate)")
        return {"type": act}, None
    if class_name == "Softmax":
        if cfg.get("axis", -1) != -1:
            raise Unsupported(f"softmax on axis {cfg.get('axis')} (only the last)")
        return {"type": "softmax"}, None
    if class_name == "GlobalAveragePooling2D":
        _channels_last(cfg)
        if cfg.get("keepdims"):
            raise Unsupported("global pooling with keepdims")
        return {"type": "global_avgpool2d"}, None
    if class_name == "ZeroPadding2D":
        _channels_last(cfg)
        return {"type": "zeropad2d", "padding": [list(p) for p in cfg["padding"]]}, None
    if class_name == "Reshape":
        return {"type": "reshape", "target_shape": list(cfg["target_shape"])}, None
    raise Unsupported("no spec layer type for it")


def _graph(model) -> tuple[list[tuple[dict, list[str]]], str, str]:
    """([(layer config entry, producing layer names)], input layer name, output layer name)."""
    config = model.get_config()
    entries = config["layers"]
    if "input_layers" in config:  # Functional
        # one tensor is [name, node, index]; several are a list of those
        ins, outs = ([t] if t and isinstance(t[0], str) else t for t in (config["input_layers"], config["output_layers"]))
        if len(ins) != 1 or len(outs) != 1:
            raise UserError(f"{model.name}: only models with one input and one output can be imported")
        graph = []
        for e in entries:
            nodes = e.get("inbound_nodes") or []
            if len(nodes) > 1:
                raise UserError(f"layer {e['config']['name']!r} is called {len(nodes)} times: shared layers "
                                "cannot be imported (the spec has no layer sharing)")
            graph.append((e, _history(nodes[0]["args"]) if nodes else []))
        return graph, ins[0][0], outs[0][0]
    graph, previous = [], None  # Sequential: a chain
    if not entries or entries[0]["class_name"] != "InputLayer":
        shape = model.input_shape
        entries = [{"class_name": "InputLayer", "config": {"name": "input", "batch_shape": list(shape)}}, *entries]
    for e in entries:
        graph.append((e, [previous] if previous else []))
        previous = e["config"]["name"]
    return graph, entries[0]["config"]["name"], previous


def import_model(model, spec_id: str) -> tuple[dict, dict[str, np.ndarray]]:
    """(raw spec, neutral weights) of a loaded Keras model; UserError listing every layer that
    cannot be converted."""
    graph, input_name, output_name = _graph(model)
    names: dict[str, str] = {}  # Keras layer → the spec layer that carries its output
    layers, problems, weights = [], [], {}
    shape = None
    fresh = Names().fresh

    for entry, sources in graph:
        cls, cfg = entry["class_name"], entry["config"]
        kname = cfg["name"]
        if cls == "InputLayer":
            shape = [d for d in (cfg.get("batch_shape") or cfg.get("batch_input_shape"))[1:]]
            if any(d is None for d in shape):
                problems.append(f"input {kname!r}: every dimension but the batch must be fixed, got {shape}")
            names[kname] = fresh(kname)
            continue
        try:
            layer, act = convert_layer(cls, cfg)
        except Unsupported as e:
            problems.append(f"layer {kname!r} ({cls}): {e}")
            continue
        name = fresh(kname)
        layer = {"name": name, **layer}
        inputs = [names.get(s) for s in sources]
        if None in inputs:
            continue  # fed by a layer already reported as unsupported
        if not layers and inputs != [names[input_name]] or layers and inputs != [layers[-1]["name"]]:
            layer["inputs"] = inputs
        if not cfg.get("trainable", True):
            layer["trainable"] = False
        layers.append(layer)
        names[kname] = name
        if layer["type"] in WEIGHT_NAMES:
            arrays = model.get_layer(kname).get_weights()
            params = WEIGHT_NAMES[layer["type"]][:len(arrays)]
            weights.update({f"{name}.{p}": np.asarray(a, np.float32) for p, a in zip(params, arrays)})
        if act:
            layers.append({"name": fresh(f"{kname}_{act}"), "type": act})
            names[kname] = layers[-1]["name"]
    if problems:
        raise UserError(f"{len(problems)} part(s) of the model cannot be imported:\n" + "\n".join(f"  {p}" for p in problems))
    raw = {"id": spec_id, "description": f"Imported from the Keras model {model.name!r} by `crosscheck import`.",
           "input": {"name": names[input_name], "shape": shape}, "layers": layers}
    if names[output_name] != layers[-1]["name"]:
        raw["outputs"] = [names[output_name]]
    return raw, weights
