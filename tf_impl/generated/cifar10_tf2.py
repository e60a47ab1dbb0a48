"""cifar10_tf2: Keras twin.

Generated from spec/models/cifar10_tf2.json by `crosscheck generate cifar10_tf2 --framework tf`; do not edit.
Input: (batch, 32, 32, 3) float32, channels last.
"""
import keras
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(32, 32, 3), name="image")
    conv1 = layers.Conv2D(64, 5, name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    pool1 = layers.MaxPooling2D(3, strides=2, name="pool1")(relu1)
    bn1 = layers.BatchNormalization(name="bn1")(pool1)
    conv2 = layers.Conv2D(64, 5, name="conv2")(bn1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    pool2 = layers.MaxPooling2D(3, strides=2, name="pool2")(relu2)
    bn2 = layers.BatchNormalization(name="bn2")(pool2)
    flatten = layers.Flatten(name="flatten")(bn2)
    fc1 = layers.Dense(750, name="fc1")(flatten)
    relu3 = layers.ReLU(name="relu3")(fc1)
    dropout = layers.Dropout(0.5, name="dropout")(relu3)
    fc2 = layers.Dense(10, name="fc2")(dropout)
    softmax = layers.Softmax(name="softmax")(fc2)
    model = keras.Model(inputs=image, outputs=softmax, name="cifar10_tf2")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=False), mean over the batch."""
    probs = outputs / ops.sum(outputs, axis=-1, keepdims=True)
    probs = ops.clip(probs, 1e-7, 1.0 - 1e-7)
    return ops.mean(-ops.sum(labels * ops.log(probs), axis=-1))
