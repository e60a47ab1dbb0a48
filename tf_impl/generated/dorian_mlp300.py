"""dorian_mlp300: Keras twin.

Generated from spec/models/dorian_mlp300.json by `crosscheck generate dorian_mlp300 --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


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
