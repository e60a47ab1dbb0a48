"""catsdogs_head_gap: Keras twin.

Generated from spec/models/catsdogs_head_gap.json by `crosscheck generate catsdogs_head_gap --framework tf`; do not edit.
Input: (batch, 100, 100, 3) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(100, 100, 3), name="image")
    conv1 = layers.Conv2D(32, 3, name="conv1")(image)
    pool1 = layers.MaxPooling2D(2, name="pool1")(conv1)
    bn1 = layers.BatchNormalization(name="bn1")(pool1)
    relu1 = layers.ReLU(name="relu1")(bn1)
    conv2 = layers.Conv2D(32, 3, name="conv2")(relu1)
    pool2 = layers.MaxPooling2D(2, name="pool2")(conv2)
    bn2 = layers.BatchNormalization(name="bn2")(pool2)
    relu2 = layers.ReLU(name="relu2")(bn2)
    conv3 = layers.Conv2D(64, 3, name="conv3")(relu2)
    pool3 = layers.MaxPooling2D(2, name="pool3")(conv3)
    bn3 = layers.BatchNormalization(name="bn3")(pool3)
    relu3 = layers.ReLU(name="relu3")(bn3)
    gap = layers.GlobalAveragePooling2D(name="gap")(relu3)
    out = layers.Dense(1, name="out")(gap)
    prob = layers.Activation("sigmoid", name="prob")(out)
    model = keras.Model(inputs=image, outputs=prob, name="catsdogs_head_gap")
    return model


def loss_fn(labels, outputs):
    """Spec loss `binary_cross_entropy` (from_logits=False), mean over the batch."""
    probs = ops.clip(outputs, 1e-7, 1.0 - 1e-7)
    return ops.mean(-(labels * ops.log(probs) + (1.0 - labels) * ops.log(1.0 - probs)))
