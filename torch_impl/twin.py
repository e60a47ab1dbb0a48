"""The PyTorch twin of a spec, built from the emitted `nn.Module` source, behind the interface the
harness uses (the same as `tf_impl.twin.TFTwin`). Arrays cross this boundary in the spec's
logical/canonical layouts; conversions are `torch_impl.layout`'s."""
from __future__ import annotations

import numpy as np
import torch

from spec.emitted import module_from_source
from spec import Spec

from .codegen import generate
from .layers import registry
from .layout import activation_to_internal, activation_to_logical


def torch_device(device: str) -> torch.device:
    if device == "cuda" or (device == "auto" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


class TorchTwin:
    framework = "torch"

    def __init__(self, spec: Spec, device: str = "auto", source: str | None = None):
        self.spec = spec
        self.source = source or generate(spec)
        self.module = module_from_source(self.source, f"{spec.id}_torch")
        self.device = torch_device(device)
        self.model = self.module.build_model().to(self.device)
        self.dtype = torch.float32

    def derived(self, spec: Spec) -> "TorchTwin":
        """A twin of another spec (a variant of this one) on the same device."""
        return type(self)(spec, self.device.type)

    def to_float64(self) -> None:
        """Compute in float64 from now on (crosscheck's rounding-floor reference)."""
        self.model.double()
        self.dtype = torch.float64

    # -- weights -------------------------------------------------------------------------
    def _native_key(self, node, param: str) -> str:
        return f"{node.name}.{registry()[node.type].native_names[param]}"

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        state = self.model.state_dict()
        for node, param, _ in self.spec.parameters():
            value = registry()[node.type].to_native(node, param, weights[f"{node.name}.{param}"])
            state[self._native_key(node, param)] = torch.from_numpy(np.ascontiguousarray(value))
        self.model.load_state_dict(state, strict=True)

    def get_weights(self) -> dict[str, np.ndarray]:
        state = self.model.state_dict()
        return {
            f"{node.name}.{param}": registry()[node.type].from_native(
                # a copy: on CPU .numpy() shares memory with the module, which set_weights overwrites
                node, param, state[self._native_key(node, param)].detach().cpu().numpy().copy()
            )
            for node, param, _ in self.spec.parameters()
        }

    def save_native(self, path) -> None:
        """The generated module's `state_dict`, as `torch.save` writes it."""
        from spec.atomic import atomic_path

        with atomic_path(path) as tmp:
            torch.save(self.model.state_dict(), tmp)

    def load_native(self, path) -> None:
        self.model.load_state_dict(torch.load(path, map_location=self.device, weights_only=True))

    # -- running -------------------------------------------------------------------------
    def _tensor(self, a: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.ascontiguousarray(a)).to(self.device)
        return t.to(self.dtype) if t.is_floating_point() else t

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.model.train(training)
        with torch.no_grad():
            return self.model(self._tensor(x)).cpu().numpy()

    def loss_and_grads(self, x, labels, training: bool = False):
        self.model.train(training)
        self.model.zero_grad(set_to_none=True)
        outputs = self.model(self._tensor(x))
        loss = self.module.loss_fn(self._tensor(labels), outputs)
        if hasattr(self.model, "regularization_loss"):  # the spec's L1/L2 penalties
            loss = loss + self.model.regularization_loss()
        if loss.requires_grad:  # a spec without trainable parameters has nothing to differentiate
            loss.backward()
        grads = {}
        for node, param, _ in self.spec.parameters():
            if param in node.layer_type.non_trainable_params:  # state (buffers), never a gradient
                continue
            p = self.model.get_parameter(self._native_key(node, param))
            if p.grad is not None:
                grads[f"{node.name}.{param}"] = registry()[node.type].from_native(node, param, p.grad.cpu().numpy().copy())
                p.grad = None  # copied: a ResNet50's .grad is 100-200 MB, not to be held twice
        return float(loss.detach()), grads

    def batchnorm_inputs(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Per batchnorm layer, its input (logical layout) in a pass where every batchnorm, frozen
        ones too, normalises with batch statistics. The model's weights are left as they were."""
        saved = self.get_weights()
        bns = [n for n in self.spec.nodes if n.layer_type.non_trainable_params]  # moving statistics
        inputs, handles = {}, []
        for n in bns:
            def hook(_m, args, node=n):
                inputs[node.name] = activation_to_logical(args[0].detach().cpu().numpy(), node.in_shapes[0])
            handles.append(getattr(self.model, n.name).register_forward_pre_hook(hook))
        try:
            self.model.train(True)
            for n in bns:  # the generated train() keeps frozen ones in eval: not for this pass
                getattr(self.model, n.name).train(True)
            with torch.no_grad():
                self.model(self._tensor(x))
        finally:
            for h in handles:
                h.remove()
            self.set_weights(saved)
        return inputs

    def intermediates(self, x: np.ndarray, training: bool = False, names=None) -> dict[str, np.ndarray]:
        """Output of every spec layer (or of those `names`; forward hooks), moved to the logical layout."""
        outs, handles = {}, []
        for node in self.spec.nodes:
            if names is not None and node.name not in names:
                continue
            def hook(_m, _inp, out, node=node):
                outs[node.name] = activation_to_logical(out.detach().cpu().numpy(), node.out_shape)
            handles.append(getattr(self.model, node.name).register_forward_hook(hook))
        try:
            self.forward(x, training)
        finally:
            for h in handles:
                h.remove()
        return outs

    # -- training ------------------------------------------------------------------------
    def to_device(self, a: np.ndarray) -> torch.Tensor:
        """An array as a tensor on the twin's device (the whole data set is moved once)."""
        return self._tensor(a)

    def start_training(self, neutral_dropout: bool = False) -> None:
        """The emitted `make_optimizer`, on this twin's model. With `neutral_dropout`, a forward
        hook replaces each `nn.Dropout`'s output by its input times the mask given to `train_step`
        (the generated module stays plain `nn.Dropout`)."""
        from spec import optimizers as spec_optimizers

        if not self.spec.optimizer:
            raise ValueError(f"spec {self.spec.id!r} has no optimizer section: nothing to train with")
        self._params = {f"{n.name}.{p}": self.model.get_parameter(self._native_key(n, p))
                        for n, p, _ in self.spec.parameters() if p in n.trainable_params()}
        self.optimizer = self.module.make_optimizer(self.model)
        self._optimizer_spec = spec_optimizers.resolve(self.spec.optimizer)
        self.steps = 0
        self._masks: dict[str, torch.Tensor] = {}
        if neutral_dropout:
            for node in self.spec.nodes:
                if node.layer_type.random_mask:
                    getattr(self.model, node.name).register_forward_hook(
                        lambda _m, inputs, _out, name=node.name: inputs[0] * self._masks[name] if _m.training else _out)

    def trainable_parameters(self) -> dict:
        """(layer name, canonical param) → the trainable `nn.Parameter` (after `start_training`)."""
        return {tuple(k.split(".")): p for k, p in self._params.items()}

    def train_step(self, x, labels, masks: dict[str, np.ndarray] | None = None) -> float:
        """One optimiser step on a batch (device tensors); the loss before the update."""
        for name, mask in (masks or {}).items():
            self._masks[name] = self._tensor(activation_to_internal(mask, self.spec.node(name).out_shape))
        loss = self.module.train_step(self.model, self.optimizer, x, labels)
        self.steps += 1
        return float(loss)

    def evaluate(self, x, labels) -> tuple[float, np.ndarray]:
        """Spec loss (without its L1/L2 penalties) and the model's outputs on one batch (device tensors)."""
        self.model.train(False)
        with torch.no_grad():
            outputs = self.model(x)
            return float(self.module.loss_fn(labels, outputs)), outputs.cpu().numpy()

    def _slots(self) -> dict:
        """Spec slot name → (torch state key, torch value → spec value, spec value → torch value)."""
        o = self.optimizer
        if isinstance(o, torch.optim.Adam):
            return {"m": ("exp_avg", None, None), "v": ("exp_avg_sq", None, None)}
        if isinstance(o, torch.optim.Adagrad):  # torch's sum starts at a₀ + ε (see optimizers.py)
            eps = self._optimizer_spec["epsilon"]
            return {"accumulator": ("sum", lambda a: a - eps, lambda a: a + eps)}
        if o.defaults.get("momentum"):  # Keras' m = −lr·(torch's buffer b)
            lr = o.defaults["lr"]
            return {"momentum": ("momentum_buffer", lambda b: -lr * b, lambda m: m / -lr)}
        return {}

    def get_optimizer_state(self) -> dict[str, np.ndarray]:
        """The optimiser's step count and slots, keyed `layer.param/slot`, in the canonical layout
        and the spec's conventions (`spec/optimizers.py`, Keras' own), as the TF twin's."""
        out = {"step": np.asarray(self.steps)}
        for key, p in self._params.items():
            node, param = self.spec.node(key.split(".")[0]), key.split(".")[1]
            for slot, (native, to_spec, _) in self._slots().items():
                if native in self.optimizer.state[p]:
                    value = self.optimizer.state[p][native].detach().cpu().numpy()
                    value = registry()[node.type].from_native(node, param, to_spec(value) if to_spec else value)
                    out[f"{key}/{slot}"] = value.astype(np.float32)
        return out

    def set_optimizer_state(self, state: dict[str, np.ndarray]) -> None:
        self.steps = int(state["step"])
        if isinstance(self.optimizer, torch.optim.Adam):
            self.optimizer.t = self.steps
        for key, p in self._params.items():
            node, param = self.spec.node(key.split(".")[0]), key.split(".")[1]
            st = self.optimizer.state[p]
            if isinstance(self.optimizer, (torch.optim.Adam, torch.optim.Adagrad)):
                st["step"] = torch.tensor(float(self.steps))
            for slot, (native, _, to_native) in self._slots().items():
                if f"{key}/{slot}" in state:
                    value = registry()[node.type].to_native(node, param, state[f"{key}/{slot}"])
                    value = to_native(value) if to_native else value
                    st[native] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)).to(self.device)
