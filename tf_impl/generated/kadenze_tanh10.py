"""kadenze_tanh10: Keras twin.

Generated from spec/models/kadenze_tanh10.json by `crosscheck generate kadenze_tanh10 --framework tf`; do not edit.
Input: (batch, 1) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    x = keras.Input(shape=(1,), name="x")
    hidden = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="hidden")(x)
    act = layers.Activation("tanh", name="act")(hidden)
    total = layers.Lambda(lambda t: ops.sum(t, axis=-1, keepdims=True), name="total")(act)
    model = keras.Model(inputs=x, outputs=total, name="kadenze_tanh10")
    return model


def loss_fn(labels, outputs):
    """Spec loss `mae`, mean over the batch."""
    return ops.mean(ops.abs(outputs - labels))


def make_optimizer(dtype="float32"):
    """Spec optimiser `sgd` (learning_rate=0.02, momentum=0.0):
    `keras.optimizers.SGD`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.SGD(learning_rate=number(0.02), momentum=number(0.0))


def make_train_step(model, optimizer):
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

    return train_step
