"""resnet50_transfer: Keras twin.

Generated from spec/models/resnet50_transfer.json by `crosscheck generate resnet50_transfer --framework tf`; do not edit.
Input: (batch, 100, 100, 3) float32, channels last.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import initializers, layers, ops


def build_model():
    image = keras.Input(shape=(100, 100, 3), name="image")
    conv1_pad = layers.ZeroPadding2D(((3, 3), (3, 3)), name="conv1_pad")(image)
    conv1 = layers.Conv2D(64, 7, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="conv1")(conv1_pad)
    bn_conv1 = layers.BatchNormalization(epsilon=1.001e-05, name="bn_conv1")(conv1)
    conv1_relu = layers.ReLU(name="conv1_relu")(bn_conv1)
    pool1_pad = layers.ZeroPadding2D(((1, 1), (1, 1)), name="pool1_pad")(conv1_relu)
    pool1 = layers.MaxPooling2D(3, strides=2, name="pool1")(pool1_pad)
    res2a_branch2a = layers.Conv2D(64, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2a_branch2a")(pool1)
    bn2a_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn2a_branch2a")(res2a_branch2a)
    res2a_branch2a_relu = layers.ReLU(name="res2a_branch2a_relu")(bn2a_branch2a)
    res2a_branch2b = layers.Conv2D(64, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2a_branch2b")(res2a_branch2a_relu)
    bn2a_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn2a_branch2b")(res2a_branch2b)
    res2a_branch2b_relu = layers.ReLU(name="res2a_branch2b_relu")(bn2a_branch2b)
    res2a_branch2c = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2a_branch2c")(res2a_branch2b_relu)
    bn2a_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn2a_branch2c")(res2a_branch2c)
    res2a_branch1 = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2a_branch1")(pool1)
    bn2a_branch1 = layers.BatchNormalization(epsilon=1.001e-05, name="bn2a_branch1")(res2a_branch1)
    res2a_add = layers.Add(name="res2a_add")([bn2a_branch2c, bn2a_branch1])
    res2a_out = layers.ReLU(name="res2a_out")(res2a_add)
    res2b_branch2a = layers.Conv2D(64, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2b_branch2a")(res2a_out)
    bn2b_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn2b_branch2a")(res2b_branch2a)
    res2b_branch2a_relu = layers.ReLU(name="res2b_branch2a_relu")(bn2b_branch2a)
    res2b_branch2b = layers.Conv2D(64, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2b_branch2b")(res2b_branch2a_relu)
    bn2b_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn2b_branch2b")(res2b_branch2b)
    res2b_branch2b_relu = layers.ReLU(name="res2b_branch2b_relu")(bn2b_branch2b)
    res2b_branch2c = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2b_branch2c")(res2b_branch2b_relu)
    bn2b_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn2b_branch2c")(res2b_branch2c)
    res2b_add = layers.Add(name="res2b_add")([bn2b_branch2c, res2a_out])
    res2b_out = layers.ReLU(name="res2b_out")(res2b_add)
    res2c_branch2a = layers.Conv2D(64, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2c_branch2a")(res2b_out)
    bn2c_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn2c_branch2a")(res2c_branch2a)
    res2c_branch2a_relu = layers.ReLU(name="res2c_branch2a_relu")(bn2c_branch2a)
    res2c_branch2b = layers.Conv2D(64, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2c_branch2b")(res2c_branch2a_relu)
    bn2c_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn2c_branch2b")(res2c_branch2b)
    res2c_branch2b_relu = layers.ReLU(name="res2c_branch2b_relu")(bn2c_branch2b)
    res2c_branch2c = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res2c_branch2c")(res2c_branch2b_relu)
    bn2c_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn2c_branch2c")(res2c_branch2c)
    res2c_add = layers.Add(name="res2c_add")([bn2c_branch2c, res2b_out])
    res2c_out = layers.ReLU(name="res2c_out")(res2c_add)
    res3a_branch2a = layers.Conv2D(128, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3a_branch2a")(res2c_out)
    bn3a_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn3a_branch2a")(res3a_branch2a)
    res3a_branch2a_relu = layers.ReLU(name="res3a_branch2a_relu")(bn3a_branch2a)
    res3a_branch2b = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3a_branch2b")(res3a_branch2a_relu)
    bn3a_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn3a_branch2b")(res3a_branch2b)
    res3a_branch2b_relu = layers.ReLU(name="res3a_branch2b_relu")(bn3a_branch2b)
    res3a_branch2c = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3a_branch2c")(res3a_branch2b_relu)
    bn3a_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn3a_branch2c")(res3a_branch2c)
    res3a_branch1 = layers.Conv2D(512, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3a_branch1")(res2c_out)
    bn3a_branch1 = layers.BatchNormalization(epsilon=1.001e-05, name="bn3a_branch1")(res3a_branch1)
    res3a_add = layers.Add(name="res3a_add")([bn3a_branch2c, bn3a_branch1])
    res3a_out = layers.ReLU(name="res3a_out")(res3a_add)
    res3b_branch2a = layers.Conv2D(128, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3b_branch2a")(res3a_out)
    bn3b_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn3b_branch2a")(res3b_branch2a)
    res3b_branch2a_relu = layers.ReLU(name="res3b_branch2a_relu")(bn3b_branch2a)
    res3b_branch2b = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3b_branch2b")(res3b_branch2a_relu)
    bn3b_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn3b_branch2b")(res3b_branch2b)
    res3b_branch2b_relu = layers.ReLU(name="res3b_branch2b_relu")(bn3b_branch2b)
    res3b_branch2c = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3b_branch2c")(res3b_branch2b_relu)
    bn3b_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn3b_branch2c")(res3b_branch2c)
    res3b_add = layers.Add(name="res3b_add")([bn3b_branch2c, res3a_out])
    res3b_out = layers.ReLU(name="res3b_out")(res3b_add)
    res3c_branch2a = layers.Conv2D(128, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3c_branch2a")(res3b_out)
    bn3c_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn3c_branch2a")(res3c_branch2a)
    res3c_branch2a_relu = layers.ReLU(name="res3c_branch2a_relu")(bn3c_branch2a)
    res3c_branch2b = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3c_branch2b")(res3c_branch2a_relu)
    bn3c_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn3c_branch2b")(res3c_branch2b)
    res3c_branch2b_relu = layers.ReLU(name="res3c_branch2b_relu")(bn3c_branch2b)
    res3c_branch2c = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3c_branch2c")(res3c_branch2b_relu)
    bn3c_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn3c_branch2c")(res3c_branch2c)
    res3c_add = layers.Add(name="res3c_add")([bn3c_branch2c, res3b_out])
    res3c_out = layers.ReLU(name="res3c_out")(res3c_add)
    res3d_branch2a = layers.Conv2D(128, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3d_branch2a")(res3c_out)
    bn3d_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn3d_branch2a")(res3d_branch2a)
    res3d_branch2a_relu = layers.ReLU(name="res3d_branch2a_relu")(bn3d_branch2a)
    res3d_branch2b = layers.Conv2D(128, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3d_branch2b")(res3d_branch2a_relu)
    bn3d_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn3d_branch2b")(res3d_branch2b)
    res3d_branch2b_relu = layers.ReLU(name="res3d_branch2b_relu")(bn3d_branch2b)
    res3d_branch2c = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res3d_branch2c")(res3d_branch2b_relu)
    bn3d_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn3d_branch2c")(res3d_branch2c)
    res3d_add = layers.Add(name="res3d_add")([bn3d_branch2c, res3c_out])
    res3d_out = layers.ReLU(name="res3d_out")(res3d_add)
    res4a_branch2a = layers.Conv2D(256, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4a_branch2a")(res3d_out)
    bn4a_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4a_branch2a")(res4a_branch2a)
    res4a_branch2a_relu = layers.ReLU(name="res4a_branch2a_relu")(bn4a_branch2a)
    res4a_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4a_branch2b")(res4a_branch2a_relu)
    bn4a_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4a_branch2b")(res4a_branch2b)
    res4a_branch2b_relu = layers.ReLU(name="res4a_branch2b_relu")(bn4a_branch2b)
    res4a_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4a_branch2c")(res4a_branch2b_relu)
    bn4a_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4a_branch2c")(res4a_branch2c)
    res4a_branch1 = layers.Conv2D(1024, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4a_branch1")(res3d_out)
    bn4a_branch1 = layers.BatchNormalization(epsilon=1.001e-05, name="bn4a_branch1")(res4a_branch1)
    res4a_add = layers.Add(name="res4a_add")([bn4a_branch2c, bn4a_branch1])
    res4a_out = layers.ReLU(name="res4a_out")(res4a_add)
    res4b_branch2a = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4b_branch2a")(res4a_out)
    bn4b_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4b_branch2a")(res4b_branch2a)
    res4b_branch2a_relu = layers.ReLU(name="res4b_branch2a_relu")(bn4b_branch2a)
    res4b_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4b_branch2b")(res4b_branch2a_relu)
    bn4b_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4b_branch2b")(res4b_branch2b)
    res4b_branch2b_relu = layers.ReLU(name="res4b_branch2b_relu")(bn4b_branch2b)
    res4b_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4b_branch2c")(res4b_branch2b_relu)
    bn4b_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4b_branch2c")(res4b_branch2c)
    res4b_add = layers.Add(name="res4b_add")([bn4b_branch2c, res4a_out])
    res4b_out = layers.ReLU(name="res4b_out")(res4b_add)
    res4c_branch2a = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4c_branch2a")(res4b_out)
    bn4c_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4c_branch2a")(res4c_branch2a)
    res4c_branch2a_relu = layers.ReLU(name="res4c_branch2a_relu")(bn4c_branch2a)
    res4c_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4c_branch2b")(res4c_branch2a_relu)
    bn4c_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4c_branch2b")(res4c_branch2b)
    res4c_branch2b_relu = layers.ReLU(name="res4c_branch2b_relu")(bn4c_branch2b)
    res4c_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4c_branch2c")(res4c_branch2b_relu)
    bn4c_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4c_branch2c")(res4c_branch2c)
    res4c_add = layers.Add(name="res4c_add")([bn4c_branch2c, res4b_out])
    res4c_out = layers.ReLU(name="res4c_out")(res4c_add)
    res4d_branch2a = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4d_branch2a")(res4c_out)
    bn4d_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4d_branch2a")(res4d_branch2a)
    res4d_branch2a_relu = layers.ReLU(name="res4d_branch2a_relu")(bn4d_branch2a)
    res4d_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4d_branch2b")(res4d_branch2a_relu)
    bn4d_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4d_branch2b")(res4d_branch2b)
    res4d_branch2b_relu = layers.ReLU(name="res4d_branch2b_relu")(bn4d_branch2b)
    res4d_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4d_branch2c")(res4d_branch2b_relu)
    bn4d_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4d_branch2c")(res4d_branch2c)
    res4d_add = layers.Add(name="res4d_add")([bn4d_branch2c, res4c_out])
    res4d_out = layers.ReLU(name="res4d_out")(res4d_add)
    res4e_branch2a = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4e_branch2a")(res4d_out)
    bn4e_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4e_branch2a")(res4e_branch2a)
    res4e_branch2a_relu = layers.ReLU(name="res4e_branch2a_relu")(bn4e_branch2a)
    res4e_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4e_branch2b")(res4e_branch2a_relu)
    bn4e_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4e_branch2b")(res4e_branch2b)
    res4e_branch2b_relu = layers.ReLU(name="res4e_branch2b_relu")(bn4e_branch2b)
    res4e_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4e_branch2c")(res4e_branch2b_relu)
    bn4e_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4e_branch2c")(res4e_branch2c)
    res4e_add = layers.Add(name="res4e_add")([bn4e_branch2c, res4d_out])
    res4e_out = layers.ReLU(name="res4e_out")(res4e_add)
    res4f_branch2a = layers.Conv2D(256, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4f_branch2a")(res4e_out)
    bn4f_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn4f_branch2a")(res4f_branch2a)
    res4f_branch2a_relu = layers.ReLU(name="res4f_branch2a_relu")(bn4f_branch2a)
    res4f_branch2b = layers.Conv2D(256, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4f_branch2b")(res4f_branch2a_relu)
    bn4f_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn4f_branch2b")(res4f_branch2b)
    res4f_branch2b_relu = layers.ReLU(name="res4f_branch2b_relu")(bn4f_branch2b)
    res4f_branch2c = layers.Conv2D(1024, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res4f_branch2c")(res4f_branch2b_relu)
    bn4f_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn4f_branch2c")(res4f_branch2c)
    res4f_add = layers.Add(name="res4f_add")([bn4f_branch2c, res4e_out])
    res4f_out = layers.ReLU(name="res4f_out")(res4f_add)
    res5a_branch2a = layers.Conv2D(512, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5a_branch2a")(res4f_out)
    bn5a_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn5a_branch2a")(res5a_branch2a)
    res5a_branch2a_relu = layers.ReLU(name="res5a_branch2a_relu")(bn5a_branch2a)
    res5a_branch2b = layers.Conv2D(512, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5a_branch2b")(res5a_branch2a_relu)
    bn5a_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn5a_branch2b")(res5a_branch2b)
    res5a_branch2b_relu = layers.ReLU(name="res5a_branch2b_relu")(bn5a_branch2b)
    res5a_branch2c = layers.Conv2D(2048, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5a_branch2c")(res5a_branch2b_relu)
    bn5a_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn5a_branch2c")(res5a_branch2c)
    res5a_branch1 = layers.Conv2D(2048, 1, strides=2, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5a_branch1")(res4f_out)
    bn5a_branch1 = layers.BatchNormalization(epsilon=1.001e-05, name="bn5a_branch1")(res5a_branch1)
    res5a_add = layers.Add(name="res5a_add")([bn5a_branch2c, bn5a_branch1])
    res5a_out = layers.ReLU(name="res5a_out")(res5a_add)
    res5b_branch2a = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5b_branch2a")(res5a_out)
    bn5b_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn5b_branch2a")(res5b_branch2a)
    res5b_branch2a_relu = layers.ReLU(name="res5b_branch2a_relu")(bn5b_branch2a)
    res5b_branch2b = layers.Conv2D(512, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5b_branch2b")(res5b_branch2a_relu)
    bn5b_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn5b_branch2b")(res5b_branch2b)
    res5b_branch2b_relu = layers.ReLU(name="res5b_branch2b_relu")(bn5b_branch2b)
    res5b_branch2c = layers.Conv2D(2048, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5b_branch2c")(res5b_branch2b_relu)
    bn5b_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn5b_branch2c")(res5b_branch2c)
    res5b_add = layers.Add(name="res5b_add")([bn5b_branch2c, res5a_out])
    res5b_out = layers.ReLU(name="res5b_out")(res5b_add)
    res5c_branch2a = layers.Conv2D(512, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5c_branch2a")(res5b_out)
    bn5c_branch2a = layers.BatchNormalization(epsilon=1.001e-05, name="bn5c_branch2a")(res5c_branch2a)
    res5c_branch2a_relu = layers.ReLU(name="res5c_branch2a_relu")(bn5c_branch2a)
    res5c_branch2b = layers.Conv2D(512, 3, padding="same", kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5c_branch2b")(res5c_branch2a_relu)
    bn5c_branch2b = layers.BatchNormalization(epsilon=1.001e-05, name="bn5c_branch2b")(res5c_branch2b)
    res5c_branch2b_relu = layers.ReLU(name="res5c_branch2b_relu")(bn5c_branch2b)
    res5c_branch2c = layers.Conv2D(2048, 1, kernel_initializer=initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"), name="res5c_branch2c")(res5c_branch2b_relu)
    bn5c_branch2c = layers.BatchNormalization(epsilon=1.001e-05, name="bn5c_branch2c")(res5c_branch2c)
    res5c_add = layers.Add(name="res5c_add")([bn5c_branch2c, res5b_out])
    res5c_out = layers.ReLU(name="res5c_out")(res5c_add)
    avg_pool = layers.GlobalAveragePooling2D(name="avg_pool")(res5c_out)
    fc = layers.Dense(1, name="fc")(avg_pool)
    prob = layers.Activation("sigmoid", name="prob")(fc)
    model = keras.Model(inputs=image, outputs=prob, name="resnet50_transfer")
    model.get_layer("conv1").trainable = False
    model.get_layer("bn_conv1").trainable = False
    model.get_layer("res2a_branch2a").trainable = False
    model.get_layer("bn2a_branch2a").trainable = False
    model.get_layer("res2a_branch2a_relu").trainable = False
    model.get_layer("res2a_branch2b").trainable = False
    model.get_layer("bn2a_branch2b").trainable = False
    model.get_layer("res2a_branch2b_relu").trainable = False
    model.get_layer("res2a_branch2c").trainable = False
    model.get_layer("bn2a_branch2c").trainable = False
    model.get_layer("res2a_branch1").trainable = False
    model.get_layer("bn2a_branch1").trainable = False
    model.get_layer("res2a_add").trainable = False
    model.get_layer("res2a_out").trainable = False
    model.get_layer("res2b_branch2a").trainable = False
    model.get_layer("bn2b_branch2a").trainable = False
    model.get_layer("res2b_branch2a_relu").trainable = False
    model.get_layer("res2b_branch2b").trainable = False
    model.get_layer("bn2b_branch2b").trainable = False
    model.get_layer("res2b_branch2b_relu").trainable = False
    model.get_layer("res2b_branch2c").trainable = False
    model.get_layer("bn2b_branch2c").trainable = False
    model.get_layer("res2b_add").trainable = False
    model.get_layer("res2b_out").trainable = False
    model.get_layer("res2c_branch2a").trainable = False
    model.get_layer("bn2c_branch2a").trainable = False
    model.get_layer("res2c_branch2a_relu").trainable = False
    model.get_layer("res2c_branch2b").trainable = False
    model.get_layer("bn2c_branch2b").trainable = False
    model.get_layer("res2c_branch2b_relu").trainable = False
    model.get_layer("res2c_branch2c").trainable = False
    model.get_layer("bn2c_branch2c").trainable = False
    model.get_layer("res2c_add").trainable = False
    model.get_layer("res2c_out").trainable = False
    model.get_layer("res3a_branch2a").trainable = False
    model.get_layer("bn3a_branch2a").trainable = False
    model.get_layer("res3a_branch2a_relu").trainable = False
    model.get_layer("res3a_branch2b").trainable = False
    model.get_layer("bn3a_branch2b").trainable = False
    model.get_layer("res3a_branch2b_relu").trainable = False
    model.get_layer("res3a_branch2c").trainable = False
    model.get_layer("bn3a_branch2c").trainable = False
    model.get_layer("res3a_branch1").trainable = False
    model.get_layer("bn3a_branch1").trainable = False
    model.get_layer("res3a_add").trainable = False
    model.get_layer("res3a_out").trainable = False
    model.get_layer("res3b_branch2a").trainable = False
    model.get_layer("bn3b_branch2a").trainable = False
    model.get_layer("res3b_branch2a_relu").trainable = False
    model.get_layer("res3b_branch2b").trainable = False
    model.get_layer("bn3b_branch2b").trainable = False
    model.get_layer("res3b_branch2b_relu").trainable = False
    model.get_layer("res3b_branch2c").trainable = False
    model.get_layer("bn3b_branch2c").trainable = False
    model.get_layer("res3b_add").trainable = False
    model.get_layer("res3b_out").trainable = False
    model.get_layer("res3c_branch2a").trainable = False
    model.get_layer("bn3c_branch2a").trainable = False
    model.get_layer("res3c_branch2a_relu").trainable = False
    model.get_layer("res3c_branch2b").trainable = False
    model.get_layer("bn3c_branch2b").trainable = False
    model.get_layer("res3c_branch2b_relu").trainable = False
    model.get_layer("res3c_branch2c").trainable = False
    model.get_layer("bn3c_branch2c").trainable = False
    model.get_layer("res3c_add").trainable = False
    model.get_layer("res3c_out").trainable = False
    model.get_layer("res3d_branch2a").trainable = False
    model.get_layer("bn3d_branch2a").trainable = False
    model.get_layer("res3d_branch2a_relu").trainable = False
    model.get_layer("res3d_branch2b").trainable = False
    model.get_layer("bn3d_branch2b").trainable = False
    model.get_layer("res3d_branch2b_relu").trainable = False
    model.get_layer("res3d_branch2c").trainable = False
    model.get_layer("bn3d_branch2c").trainable = False
    model.get_layer("res3d_add").trainable = False
    model.get_layer("res3d_out").trainable = False
    model.get_layer("res4a_branch2a").trainable = False
    model.get_layer("bn4a_branch2a").trainable = False
    model.get_layer("res4a_branch2a_relu").trainable = False
    model.get_layer("res4a_branch2b").trainable = False
    model.get_layer("bn4a_branch2b").trainable = False
    model.get_layer("res4a_branch2b_relu").trainable = False
    model.get_layer("res4a_branch2c").trainable = False
    model.get_layer("bn4a_branch2c").trainable = False
    model.get_layer("res4a_branch1").trainable = False
    model.get_layer("bn4a_branch1").trainable = False
    model.get_layer("res4a_add").trainable = False
    model.get_layer("res4a_out").trainable = False
    model.get_layer("res4b_branch2a").trainable = False
    model.get_layer("bn4b_branch2a").trainable = False
    model.get_layer("res4b_branch2a_relu").trainable = False
    model.get_layer("res4b_branch2b").trainable = False
    model.get_layer("bn4b_branch2b").trainable = False
    model.get_layer("res4b_branch2b_relu").trainable = False
    model.get_layer("res4b_branch2c").trainable = False
    model.get_layer("bn4b_branch2c").trainable = False
    model.get_layer("res4b_add").trainable = False
    model.get_layer("res4b_out").trainable = False
    model.get_layer("res4c_branch2a").trainable = False
    model.get_layer("bn4c_branch2a").trainable = False
    model.get_layer("res4c_branch2a_relu").trainable = False
    model.get_layer("res4c_branch2b").trainable = False
    model.get_layer("bn4c_branch2b").trainable = False
    model.get_layer("res4c_branch2b_relu").trainable = False
    model.get_layer("res4c_branch2c").trainable = False
    model.get_layer("bn4c_branch2c").trainable = False
    model.get_layer("res4c_add").trainable = False
    model.get_layer("res4c_out").trainable = False
    model.get_layer("res4d_branch2a").trainable = False
    model.get_layer("bn4d_branch2a").trainable = False
    model.get_layer("res4d_branch2a_relu").trainable = False
    model.get_layer("res4d_branch2b").trainable = False
    model.get_layer("bn4d_branch2b").trainable = False
    model.get_layer("res4d_branch2b_relu").trainable = False
    model.get_layer("res4d_branch2c").trainable = False
    model.get_layer("bn4d_branch2c").trainable = False
    model.get_layer("res4d_add").trainable = False
    model.get_layer("res4d_out").trainable = False
    model.get_layer("res4e_branch2a").trainable = False
    model.get_layer("bn4e_branch2a").trainable = False
    model.get_layer("res4e_branch2a_relu").trainable = False
    model.get_layer("res4e_branch2b").trainable = False
    model.get_layer("bn4e_branch2b").trainable = False
    model.get_layer("res4e_branch2b_relu").trainable = False
    model.get_layer("res4e_branch2c").trainable = False
    model.get_layer("bn4e_branch2c").trainable = False
    model.get_layer("res4e_add").trainable = False
    model.get_layer("res4e_out").trainable = False
    model.get_layer("res4f_branch2a").trainable = False
    model.get_layer("bn4f_branch2a").trainable = False
    model.get_layer("res4f_branch2a_relu").trainable = False
    model.get_layer("res4f_branch2b").trainable = False
    model.get_layer("bn4f_branch2b").trainable = False
    model.get_layer("res4f_branch2b_relu").trainable = False
    model.get_layer("res4f_branch2c").trainable = False
    model.get_layer("bn4f_branch2c").trainable = False
    model.get_layer("res4f_add").trainable = False
    model.get_layer("res4f_out").trainable = False
    model.get_layer("res5a_branch2a").trainable = False
    model.get_layer("bn5a_branch2a").trainable = False
    model.get_layer("res5a_branch2a_relu").trainable = False
    model.get_layer("res5a_branch2b").trainable = False
    model.get_layer("bn5a_branch2b").trainable = False
    model.get_layer("res5a_branch2b_relu").trainable = False
    model.get_layer("res5a_branch2c").trainable = False
    model.get_layer("bn5a_branch2c").trainable = False
    model.get_layer("res5a_branch1").trainable = False
    model.get_layer("bn5a_branch1").trainable = False
    model.get_layer("res5a_add").trainable = False
    model.get_layer("res5a_out").trainable = False
    model.get_layer("res5b_branch2a").trainable = False
    model.get_layer("bn5b_branch2a").trainable = False
    model.get_layer("res5b_branch2a_relu").trainable = False
    model.get_layer("res5b_branch2b").trainable = False
    model.get_layer("bn5b_branch2b").trainable = False
    model.get_layer("res5b_branch2b_relu").trainable = False
    model.get_layer("res5b_branch2c").trainable = False
    model.get_layer("bn5b_branch2c").trainable = False
    model.get_layer("res5b_add").trainable = False
    model.get_layer("res5b_out").trainable = False
    model.get_layer("res5c_branch2a").trainable = False
    model.get_layer("bn5c_branch2a").trainable = False
    model.get_layer("res5c_branch2a_relu").trainable = False
    model.get_layer("res5c_branch2b").trainable = False
    model.get_layer("bn5c_branch2b").trainable = False
    model.get_layer("res5c_branch2b_relu").trainable = False
    model.get_layer("res5c_branch2c").trainable = False
    model.get_layer("bn5c_branch2c").trainable = False
    model.get_layer("res5c_add").trainable = False
    model.get_layer("res5c_out").trainable = False
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
