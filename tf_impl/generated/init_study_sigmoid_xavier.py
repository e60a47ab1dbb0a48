"""init_study_sigmoid_xavier: Keras twin.

Generated from spec/models/init_study_sigmoid_xavier.json by `crosscheck generate init_study_sigmoid_xavier --framework tf`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    image = keras.Input(shape=(28, 28, 1), name="image")
    flatten = layers.Flatten(name="flatten")(image)
    layer1 = layers.Dense(100, kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_avg", distribution="truncated_normal"), name="layer1")(flatten)
    act1 = layers.Activation("sigmoid", name="act1")(layer1)
    layer2 = layers.Dense(100, kernel_initializer=initializers.VarianceScaling(scale=1.0, mode="fan_avg", distribution="truncated_normal"), name="layer2")(act1)
    act2 = layers.Activation("sigmoid", name="act2")(layer2)
    logits = layers.Dense(10, name="logits")(act2)
    model = keras.Model(inputs=image, outputs=logits, name="init_study_sigmoid_xavier")
    return model


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return ops.mean(keras.losses.categorical_crossentropy(labels, outputs, from_logits=True))


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
