"""matrix_inverse: Keras twin.

Generated from spec/models/matrix_inverse.json by `crosscheck generate matrix_inverse --framework tf`; do not edit.
Input: (batch, 10) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


def build_model():
    column = keras.Input(shape=(10,), name="column")
    x_transposed = layers.Dense(10, use_bias=False, kernel_initializer="zeros", name="x_transposed")(column)
    model = keras.Model(inputs=column, outputs=x_transposed, name="matrix_inverse")
    return model


def loss_fn(labels, outputs):
    """Spec loss `mae` (reduction=sum), mean over the batch."""
    return ops.sum(ops.abs(outputs - labels))


def make_optimizer(dtype="float32"):
    """Spec optimiser `adagrad` (learning_rate=0.01, initial_accumulator_value=0.1, epsilon=0.0):
    `keras.optimizers.Adagrad`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.Adagrad(learning_rate=number(0.01), initial_accumulator_value=number(0.1), epsilon=number(0.0))


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
