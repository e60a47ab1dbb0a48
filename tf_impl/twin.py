"""The TensorFlow twin of a spec, built from the emitted Keras source, behind the small interface
the harness uses: weights in and out in the neutral layout, forward, loss and gradients, and the
output of every spec layer."""
from __future__ import annotations

from contextlib import contextmanager

import keras
import numpy as np
import tensorflow as tf

from spec.emitted import module_from_source
from spec import Spec

from .codegen import generate
from .layers import registry


def tf_device(device: str) -> str:
    if device == "cuda" or (device == "auto" and tf.config.list_physical_devices("GPU")):
        return "/GPU:0"
    return "/CPU:0"


@contextmanager
def _keras_float(dtype: str):
    """Keras' floatx and global dtype policy set to `dtype` for the block. Both must change: Keras
    fixes its global policy at first use."""
    policy, floatx = keras.config.dtype_policy(), keras.config.floatx()
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)


class TFTwin:
    framework = "tf"

    def __init__(self, spec: Spec, device: str = "auto", source: str | None = None):
        self.spec = spec
        self.source = source or generate(spec)
        self.module = module_from_source(self.source, f"{spec.id}_tf")
        self.device = tf_device(device)
        self.dtype = tf.float32
        with tf.device(self.device):
            self.model = self.module.build_model()

    def derived(self, spec: Spec) -> "TFTwin":
        """A twin of another spec (a variant of this one) on the same device."""
        return type(self)(spec, "cuda" if "GPU" in self.device else "cpu")

    def to_float64(self) -> None:
        """Compute in float64 from now on (crosscheck's rounding-floor reference): the same emitted
        `build_model()`, built again under Keras' float64 dtype policy, holding the same weights."""
        weights = self.get_weights()
        with _keras_float("float64"), tf.device(self.device):
            self.model = self.module.build_model()
        # Keras' L1/L2 cast their Python-float factors through a float32 tensor (0.001 →
        # 1.0000000475e-3); a numpy float64 factor stays exact.
        for layer in self.model.layers:
            reg = getattr(layer, "kernel_regularizer", None)
            for factor in ("l1", "l2"):
                if hasattr(reg, factor):
                    setattr(reg, factor, np.float64(getattr(reg, factor)))
        self.dtype = tf.float64
        self.set_weights(weights)

    # -- weights -------------------------------------------------------------------------
    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        for node in self.spec.nodes:
            if node.param_shapes:
                layer = registry()[node.type]
                arrays = [layer.to_native(node, p, weights[f"{node.name}.{p}"]) for p in node.param_shapes]
                self.model.get_layer(node.name).set_weights([np.asarray(a, self.dtype.as_numpy_dtype) for a in arrays])

    def get_weights(self) -> dict[str, np.ndarray]:
        out = {}
        for node in self.spec.nodes:
            layer = self.model.get_layer(node.name)
            for var in layer.weights:
                out[f"{node.name}.{var.name}"] = registry()[node.type].from_native(node, var.name, np.asarray(var))
        return out

    def save_native(self, path) -> None:
        """Keras' own weights file (`.weights.h5`), loadable into the generated model."""
        from spec.atomic import atomic_path

        with atomic_path(path) as tmp:
            named = tmp.with_name(tmp.name + ".weights.h5")  # Keras insists on the suffix
            try:
                self.model.save_weights(named)
                named.replace(tmp)
            finally:
                named.unlink(missing_ok=True)

    def load_native(self, path) -> None:
        self.model.load_weights(path)

    def _canonical_key(self, var) -> str:
        layer, param = var.path.split("/")[-2:]
        return f"{layer}.{param}"

    # -- running -------------------------------------------------------------------------
    @contextmanager
    def _running(self):
        """On the twin's device, with Keras' float type the twin's: Keras turns Python constants into
        floatx tensors (an L2 factor 0.001 through float32 is 1.0000000475e-3), which would put the
        float64 twin 5e-8 away from the float64 maths."""
        with tf.device(self.device), _keras_float(self.dtype.name):
            yield

    def _tensor(self, a: np.ndarray) -> tf.Tensor:
        """Floating arrays in the twin's dtype; integer labels as they are."""
        a = np.asarray(a)
        return tf.constant(a.astype(self.dtype.as_numpy_dtype, copy=False) if np.issubdtype(a.dtype, np.floating) else a)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        with self._running():
            return np.asarray(self.model(self._tensor(x), training=training))

    def loss_and_grads(self, x, labels, training: bool = False):
        """Loss (float) and the gradient of every trainable parameter, keyed `layer.param`."""
        with self._running():
            variables = self.model.trainable_variables
            with tf.GradientTape() as tape:
                outputs = self.model(self._tensor(x), training=training)
                loss = self.module.loss_fn(self._tensor(labels), outputs)
                if self.model.losses:  # the spec's L1/L2 penalties (Keras regularizers)
                    loss = loss + tf.add_n(self.model.losses)
            grads = tape.gradient(loss, variables)
        out = {}
        for var, g in zip(variables, grads):
            key = self._canonical_key(var)
            layer, param = key.split(".")
            out[key] = registry()[self.spec.node(layer).type].from_native(self.spec.node(layer), param, np.asarray(g))
        return float(loss), out

    def batchnorm_inputs(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Per batchnorm layer, its input (logical layout) in a pass where every batchnorm, frozen
        ones too, normalises with batch statistics. The model's weights are left as they were."""
        saved = self.get_weights()
        bns = [n for n in self.spec.nodes if n.layer_type.non_trainable_params]  # moving statistics
        frozen = [self.model.get_layer(n.name) for n in bns if not self.model.get_layer(n.name).trainable]
        for layer in frozen:
            layer.trainable = True
        try:
            outs = self.intermediates(x, training=True)
        finally:
            for layer in frozen:
                layer.trainable = False
            self.set_weights(saved)
        outs[self.spec.input_name] = x
        return {n.name: outs[n.inputs[0]] for n in bns}

    def intermediates(self, x: np.ndarray, training: bool = False, names=None) -> dict[str, np.ndarray]:
        """Output of every spec layer (or of those `names`), in the logical (channels-last) layout."""
        names = [n.name for n in self.spec.nodes if names is None or n.name in names]
        probe = keras.Model(self.model.inputs, [self.model.get_layer(n).output for n in names])
        with self._running():
            outs = probe(self._tensor(x), training=training)
        if len(names) == 1:  # a one-output Keras model returns the tensor, not a list of one
            outs = [outs]
        return {n: np.asarray(o) for n, o in zip(names, outs)}

    def training_intermediates(self, x, masks: dict | None, names) -> dict[str, np.ndarray]:
        """The outputs of the layers `names` (logical layout) in the training-mode forward that
        `train_step(x, ·, masks)` takes next; the moving statistics it updates are put back."""
        with self._running():
            for name, mask in (masks or {}).items():
                self._masks[name].assign(np.asarray(mask, self.dtype.as_numpy_dtype))
        saved = self.get_weights() if any(n.layer_type.non_trainable_params for n in self.spec.nodes) else None
        try:
            return self.intermediates(x, training=True, names=names)
        finally:
            if saved is not None:
                self.set_weights(saved)

    # -- training ------------------------------------------------------------------------
    def to_device(self, a: np.ndarray):
        """An array as a tensor on the twin's device (the whole data set is moved once)."""
        with tf.device(self.device):
            return tf.identity(self._tensor(a))

    def start_training(self, neutral_dropout: bool = False) -> None:
        """The emitted `make_optimizer` and `make_train_step`, on this twin's model and float type.
        With `neutral_dropout`, every Dropout layer multiplies by the mask given to `train_step`
        instead of drawing its own (the generated model stays a plain `keras.layers.Dropout`; only
        this instance's `call` is replaced)."""

        if not self.spec.optimizer:
            raise ValueError(f"spec {self.spec.id!r} has no optimizer section: nothing to train with")
        # under the twin's float type: Keras keeps the learning rate in a floatx variable
        with tf.device(self.device), _keras_float(self.dtype.name):
            self.optimizer = self.module.make_optimizer(self.dtype.name)
            self.optimizer.build(self.model.trainable_variables)
            self._masks = {}
            if neutral_dropout:
                for node in self.spec.nodes:
                    if node.layer_type.random_mask:
                        mask = tf.Variable(tf.zeros([0], self.dtype), shape=tf.TensorShape(None), trainable=False)
                        self._masks[node.name] = mask
                        self.model.get_layer(node.name).call = (
                            lambda inputs, training=None, mask=mask: inputs * tf.ensure_shape(mask, inputs.shape) if training else inputs)
        self._step = self.module.make_train_step(self.model, self.optimizer)

        @tf.function(reduce_retracing=True, autograph=False)  # plain Python control flow only; AutoGraph adds nothing
        def evaluate(x, labels):
            outputs = self.model(x, training=False)
            return self.module.loss_fn(labels, outputs), outputs

        self._evaluate = evaluate

    def trainable_parameters(self) -> dict:
        """(layer name, canonical param) → the trainable `tf.Variable` (after `start_training`)."""
        return {tuple(self._canonical_key(v).split(".")): v for v in self.model.trainable_variables}

    def train_step(self, x, labels, masks: dict[str, np.ndarray] | None = None) -> float:
        """One optimiser step on a batch (device tensors); the loss before the update."""
        with self._running():
            for name, mask in (masks or {}).items():
                self._masks[name].assign(np.asarray(mask, self.dtype.as_numpy_dtype))
            return float(self._step(x, labels))

    def evaluate(self, x, labels) -> tuple[float, np.ndarray]:
        """Spec loss (without its L1/L2 penalties) and the model's outputs on one batch (device tensors)."""
        with self._running():
            loss, outputs = self._evaluate(x, labels)
        return float(loss), outputs.numpy()

    _SLOTS = {"sgd": {"momentum": "momentums"}, "adam": {"m": "_momentums", "v": "_velocities"},
              "adagrad": {"accumulator": "_accumulators"}}

    def _slot_variables(self):
        """(canonical key `layer.param`, slot name, Keras slot variable) for every trainable variable."""
        kind = type(self.optimizer).__name__.lower()
        slots = self._SLOTS[kind] if kind != "sgd" or self.optimizer.momentum else {}
        for var in self.model.trainable_variables:
            idx = self.optimizer._get_variable_index(var)
            for slot, attr in slots.items():
                yield self._canonical_key(var), slot, getattr(self.optimizer, attr)[idx]

    def get_optimizer_state(self) -> dict[str, np.ndarray]:
        """The optimiser's step count and slots, keyed `layer.param/slot`, in the canonical layout
        and the spec's conventions (`spec/optimizers.py`), which are Keras' own."""
        out = {"step": np.asarray(int(self.optimizer.iterations.numpy()))}
        for key, slot, var in self._slot_variables():
            node = self.spec.node(key.split(".")[0])
            out[f"{key}/{slot}"] = registry()[node.type].from_native(node, key.split(".")[1], np.asarray(var))
        return out

    def set_optimizer_state(self, state: dict[str, np.ndarray]) -> None:
        self.optimizer.iterations.assign(int(state["step"]))
        for key, slot, var in self._slot_variables():
            name, param = key.split(".")
            node = self.spec.node(name)
            value = state.get(f"{name}.{param}/{slot}", np.zeros(node.param_shapes[param], np.float32))
            var.assign(registry()[node.type].to_native(node, param, value))
