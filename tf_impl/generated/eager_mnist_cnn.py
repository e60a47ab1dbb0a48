"""eager_mnist_cnn: Keras twin.

Generated from spec/models/eager_mnist_cnn.json by `crosscheck generate eager_mnist_cnn --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    conv1 = layers.Conv2D(32, 5, name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    pool1 = layers.MaxPooling2D(2, name="pool1")(relu1)
    conv2 = layers.Conv2D(64, 5, name="conv2")(pool1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    flatten = layers.Flatten(name="flatten")(relu2)
    fc1 = layers.Dense(750, name="fc1")(flatten)
    relu3 = layers.ReLU(name="relu3")(fc1)
    dropout = layers.Dropout(0.5, name="dropout")(relu3)
    logits = layers.Dense(10, name="logits")(dropout)
    model = keras.Model(inputs=image, outputs=logits, name="eager_mnist_cnn")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=sparse), mean over the batch."""
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits=True))
