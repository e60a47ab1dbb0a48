"""init_study_sigmoid_he: Keras twin.

Generated from spec/models/init_study_sigmoid_he.json by `crosscheck generate init_study_sigmoid_he --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    layer1 = layers.Dense(100, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="layer1")(flatten)
    act1 = layers.Activation("sigmoid", name="act1")(layer1)
    layer2 = layers.Dense(100, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="layer2")(act1)
    act2 = layers.Activation("sigmoid", name="act2")(layer2)
    logits = layers.Dense(10, name="logits")(act2)
    model = keras.Model(inputs=image, outputs=logits, name="init_study_sigmoid_he")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))
