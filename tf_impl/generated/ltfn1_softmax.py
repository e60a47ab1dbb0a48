"""ltfn1_softmax: Keras twin.

Generated from spec/models/ltfn1_softmax.json by `crosscheck generate ltfn1_softmax --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    logits = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="logits")(flatten)
    model = keras.Model(inputs=image, outputs=logits, name="ltfn1_softmax")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))
