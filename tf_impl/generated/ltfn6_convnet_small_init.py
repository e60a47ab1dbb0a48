"""ltfn6_convnet_small_init: Keras twin.

Generated from spec/models/ltfn6_convnet_small_init.json by `crosscheck generate ltfn6_convnet_small_init --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    conv1 = layers.Conv2D(64, 3, padding="same", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    conv2 = layers.Conv2D(64, 3, padding="same", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), name="conv2")(relu1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    pool1 = layers.MaxPooling2D(2, padding="same", name="pool1")(relu2)
    conv3 = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), name="conv3")(pool1)
    relu3 = layers.ReLU(name="relu3")(conv3)
    conv4 = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), name="conv4")(relu3)
    relu4 = layers.ReLU(name="relu4")(conv4)
    pool2 = layers.MaxPooling2D(2, padding="same", name="pool2")(relu4)
    flatten = layers.Flatten(name="flatten")(pool2)
    logits = layers.Dense(10, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.01), name="logits")(flatten)
    model = keras.Model(inputs=image, outputs=logits, name="ltfn6_convnet_small_init")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))


def make_optimizer(dtype="float32"):
    """Spec optimiser `sgd` (learning_rate=0.0001, momentum=0.0):
    `keras.optimizers.SGD`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.SGD(learning_rate=number(0.0001), momentum=number(0.0))


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
