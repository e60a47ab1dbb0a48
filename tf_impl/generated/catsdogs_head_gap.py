"""catsdogs_head_gap: Keras twin.

Generated from spec/models/catsdogs_head_gap.json by `crosscheck generate catsdogs_head_gap --framework tf`; do not edit.
Input: (batch, 100, 100, 3) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops


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
