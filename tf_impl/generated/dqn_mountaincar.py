"""dqn_mountaincar: Keras twin.

Generated from spec/models/dqn_mountaincar.json by `crosscheck generate dqn_mountaincar --framework tf`; do not edit.
Input: (batch, 2) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


def build_model():
    state = keras.Input(shape=(2,), name="state")
    fc1 = layers.Dense(50, name="fc1")(state)
    relu1 = layers.ReLU(name="relu1")(fc1)
    fc2 = layers.Dense(50, name="fc2")(relu1)
    relu2 = layers.ReLU(name="relu2")(fc2)
    q_values = layers.Dense(3, name="q_values")(relu2)
    model = keras.Model(inputs=state, outputs=q_values, name="dqn_mountaincar")
    return model


def loss_fn(labels, outputs):
    """Spec loss `mse`, mean over the batch."""
    return ops.mean(ops.square(outputs - labels))


def make_optimizer(dtype="float32"):
    """Spec optimiser `adam` (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08):
    `keras.optimizers.Adam`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.Adam(learning_rate=number(0.001), beta_1=number(0.9), beta_2=number(0.999), epsilon=number(1e-08))


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
