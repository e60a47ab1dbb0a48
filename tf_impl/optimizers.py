"""The spec's optimiser and training step as Keras source, emitted into the generated module
(`tf_impl.codegen`). Keras' own optimiser classes already implement the spec's update rules
(`spec/optimizers.py`), so `make_optimizer` only passes the resolved numbers through; the step is
a `tf.function` over `tf.GradientTape`, as a user would write it."""
from __future__ import annotations

from spec.optimizers import describe, numbers, resolve

KERAS_CLASSES = {"sgd": "SGD", "adam": "Adam", "adagrad": "Adagrad"}


def optimizer_source(optimizer: dict | None) -> list[str]:
    if not optimizer:
        return ['def make_optimizer(dtype="float32"):', '    raise NotImplementedError("this spec declares no optimizer")']
    o = resolve(optimizer)
    cls = KERAS_CLASSES[o["type"]]
    args = ", ".join(f"{k}=number({v!r})" for k, v in numbers(o))
    return [
        'def make_optimizer(dtype="float32"):',
        f'    """{describe(o)}:',
        f'    `keras.optimizers.{cls}`, whose update is the spec\'s."""',
        "    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32",
        "    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)",
        '    number = np.float64 if dtype == "float64" else float',
        f"    return keras.optimizers.{cls}({args})",
    ]


TRAIN_STEP = '''def make_train_step(model, optimizer):
    """One training step, compiled: the spec's loss plus the model's L1/L2 penalties (`model.losses`),
    and the optimiser's update of every trainable variable. `train_step(x, labels)` returns the
    loss before the update."""
    variables = model.trainable_variables

    @tf.function(reduce_retracing=True, autograph=False)  # plain Python control flow only
    def train_step(x, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(x, training=True))
            if model.losses:
                loss = loss + tf.add_n(model.losses)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return train_step'''
