"""kadenze_painting: Keras twin.

Generated from spec/models/kadenze_painting.json by `crosscheck generate kadenze_painting --framework tf`; do not edit.
Input: (batch, 2) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    position = keras.Input(shape=(2,), name="position")
    layer_1 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_1")(position)
    relu_1 = layers.ReLU(name="relu_1")(layer_1)
    layer_2 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_2")(relu_1)
    relu_2 = layers.ReLU(name="relu_2")(layer_2)
    layer_3 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_3")(relu_2)
    relu_3 = layers.ReLU(name="relu_3")(layer_3)
    layer_4 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_4")(relu_3)
    relu_4 = layers.ReLU(name="relu_4")(layer_4)
    layer_5 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_5")(relu_4)
    relu_5 = layers.ReLU(name="relu_5")(layer_5)
    layer_6 = layers.Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="layer_6")(relu_5)
    relu_6 = layers.ReLU(name="relu_6")(layer_6)
    rgb = layers.Dense(3, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.1), name="rgb")(relu_6)
    model = keras.Model(inputs=position, outputs=rgb, name="kadenze_painting")
    return model


def loss_fn(labels, outputs):
    """Spec loss `mae` (reduction=sum_over_outputs), mean over the batch."""
    return ops.mean(ops.sum(ops.reshape(ops.abs(outputs - labels), (ops.shape(outputs)[0], -1)), axis=-1))


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
