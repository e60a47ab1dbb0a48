"""cifar10_colab: Keras twin.

Generated from spec/models/cifar10_colab.json by `crosscheck generate cifar10_colab --framework tf`; do not edit.
Input: (batch, 24, 24, 3) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops, regularizers


def build_model():
    image = keras.Input(shape=(24, 24, 3), name="image")
    conv1 = layers.Conv2D(96, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal"), kernel_regularizer=regularizers.L2(0.001), name="conv1")(image)
    relu1 = layers.ReLU(name="relu1")(conv1)
    conv2 = layers.Conv2D(96, 3, strides=2, padding="same", kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal"), kernel_regularizer=regularizers.L2(0.001), name="conv2")(relu1)
    relu2 = layers.ReLU(name="relu2")(conv2)
    drop1 = layers.Dropout(0.2, name="drop1")(relu2)
    conv3 = layers.Conv2D(192, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal"), kernel_regularizer=regularizers.L2(0.001), name="conv3")(drop1)
    relu3 = layers.ReLU(name="relu3")(conv3)
    conv4 = layers.Conv2D(192, 3, strides=2, padding="same", kernel_regularizer=regularizers.L2(0.001), name="conv4")(relu3)
    relu4 = layers.ReLU(name="relu4")(conv4)
    bn = layers.BatchNormalization(name="bn")(relu4)
    drop2 = layers.Dropout(0.5, name="drop2")(bn)
    flatten = layers.Flatten(name="flatten")(drop2)
    fc1 = layers.Dense(256, kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal"), kernel_regularizer=regularizers.L2(0.001), name="fc1")(flatten)
    relu5 = layers.ReLU(name="relu5")(fc1)
    fc2 = layers.Dense(10, name="fc2")(relu5)
    softmax = layers.Softmax(name="softmax")(fc2)
    model = keras.Model(inputs=image, outputs=softmax, name="cifar10_colab")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=False), mean over the batch."""
    probs = outputs / ops.sum(outputs, axis=-1, keepdims=True)
    probs = ops.clip(probs, 1e-7, 1.0 - 1e-7)
    return ops.mean(-ops.sum(labels * ops.log(probs), axis=-1))


def make_optimizer(dtype="float32"):
    """Spec optimiser `adam` (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08):
    `keras.optimizers.Adam`, whose update is the spec's."""
    # numpy float64 numbers for a float64 model: Keras casts a Python float through a float32
    # tensor on TensorFlow (beta_2 0.999 would become 0.99900001287)
    number = np.float64 if dtype == "float64" else float
    return keras.optimizers.Adam(learning_rate=number(0.001), beta_1=number(0.9), beta_2=number(0.999), epsilon=number(1e-08))


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
