"""catsdogs_small_cnn: Keras twin.

Generated from spec/models/catsdogs_small_cnn.json by `crosscheck generate catsdogs_small_cnn --framework tf`; do not edit.
Input: (batch, 100, 100, 3) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(100, 100, 3), name="image")
    conv1 = layers.Conv2D(16, 3, padding="same", name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    pool1 = layers.MaxPooling2D(2, name="pool1")(relu1)
    conv2 = layers.Conv2D(32, 3, padding="same", name="conv2")(pool1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    pool2 = layers.MaxPooling2D(2, name="pool2")(relu2)
    conv3 = layers.Conv2D(64, 3, padding="same", name="conv3")(pool2)
    relu3 = layers.ReLU(name="relu3")(conv3)
    pool3 = layers.MaxPooling2D(2, name="pool3")(relu3)
    gap = layers.GlobalAveragePooling2D(name="gap")(pool3)
    fc = layers.Dense(1, name="fc")(gap)
    prob = layers.Activation("sigmoid", name="prob")(fc)
    model = keras.Model(inputs=image, outputs=prob, name="catsdogs_small_cnn")
    return model


def loss_fn(labels, outputs):
    """Spec loss `binary_cross_entropy` (from_logits=False), mean over the batch."""
    probs = ops.clip(outputs, 1e-7, 1.0 - 1e-7)
    return ops.mean(-(labels * ops.log(probs) + (1.0 - labels) * ops.log(1.0 - probs)))
