"""ltfn3_mlp: Keras twin.

Generated from spec/models/ltfn3_mlp.json by `crosscheck generate ltfn3_mlp --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    fc1 = layers.Dense(500, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="fc1")(flatten)
    relu1 = layers.ReLU(name="relu1")(fc1)
    fc2 = layers.Dense(500, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="fc2")(relu1)
    relu2 = layers.ReLU(name="relu2")(fc2)
    logits = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="logits")(relu2)
    model = keras.Model(inputs=image, outputs=logits, name="ltfn3_mlp")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))
