"""tf2_metrics_mnist_cnn: Keras twin.

Generated from spec/models/tf2_metrics_mnist_cnn.json by `crosscheck generate tf2_metrics_mnist_cnn --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    conv1 = layers.Conv2D(32, 3, name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    pool1 = layers.MaxPooling2D(2, name="pool1")(relu1)
    conv2 = layers.Conv2D(64, 3, name="conv2")(pool1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    pool2 = layers.MaxPooling2D(2, name="pool2")(relu2)
    flatten = layers.Flatten(name="flatten")(pool2)
    fc1 = layers.Dense(64, name="fc1")(flatten)
    relu3 = layers.ReLU(name="relu3")(fc1)
    logits = layers.Dense(10, name="logits")(relu3)
    model = keras.Model(inputs=image, outputs=logits, name="tf2_metrics_mnist_cnn")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=sparse), mean over the batch."""
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, outputs, from_logits=True))


def make_optimizer(dtype="float32"):
    """Spec optimiser `adam` (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    `keras.optimizers.Adam`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.Adam(learning_rate=number(0.001), beta_1=number(0.9), beta_2=number(0.999), epsilon=number(1e-07))


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
