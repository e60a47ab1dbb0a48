"""dorian_mlp300: Keras twin.

Generated from spec/models/dorian_mlp300.json by `crosscheck generate dorian_mlp300 --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    fc1 = layers.Dense(300, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.03), bias_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="fc1")(flatten)
    relu1 = layers.ReLU(name="relu1")(fc1)
    fc2 = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.03), bias_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="fc2")(relu1)
    probs_out = layers.Softmax(name="probs_out")(fc2)
    model = keras.Model(inputs=image, outputs=probs_out, name="dorian_mlp300")
    return model


def loss_fn(labels, outputs):
    """Spec loss `clipped_cross_entropy` (clip=[1e-10, 0.9999999]), mean over the batch."""
    probs = ops.clip(outputs, 1e-10, 0.9999999)
    return ops.mean(-ops.sum(labels * ops.log(probs) + (1.0 - labels) * ops.log(1.0 - probs), axis=-1))


def make_optimizer(dtype="float32"):
    """Spec optimiser `sgd` (learning_rate=0.1, momentum=0.0):
    `keras.optimizers.SGD`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.SGD(learning_rate=number(0.1), momentum=number(0.0))


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
