"""tensorboard_mlp300_sigmoid: Keras twin.

Generated from spec/models/tensorboard_mlp300_sigmoid.json by `crosscheck generate tensorboard_mlp300_sigmoid --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    hidden = layers.Dense(300, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), bias_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="hidden")(flatten)
    sigmoid1 = layers.Activation("sigmoid", name="sigmoid1")(hidden)
    logits = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), bias_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0), name="logits")(sigmoid1)
    model = keras.Model(inputs=image, outputs=logits, name="tensorboard_mlp300_sigmoid")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))
