"""Backbones: the course's own (shipped weights, sha256, rebuild) and keras.applications' ones.

Oracles: keras.applications' own ``preprocess_input`` for each ImageNet backbone; Keras' own
``count_params`` and published parameter counts for the architectures; the data loader for the
pretraining split; a real (tiny) rebuild for the weights file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from deepvision import data
from deepvision.models import backbones

pytestmark = pytest.mark.keras


def test_the_pretraining_data_is_cifar10_without_cats_and_dogs():
    (x_train, y_train), (x_test, y_test) = backbones.pretraining_data()
    assert x_train.shape == (40000, 32, 32, 3) and x_test.shape == (8000, 32, 32, 3)
    assert (
        np.bincount(y_train).tolist() == [5000] * 8 and np.bincount(y_test).tolist() == [1000] * 8
    )
    (cifar_x, cifar_y), _ = data.load_cifar10(50000, 10000)
    cifar_y = cifar_y.reshape(-1)
    kept = [c for c in range(10) if c not in (3, 5)]
    assert [data.CIFAR10_CLASSES[c] for c in kept] == list(backbones.PRETRAINING_CLASSES)
    np.testing.assert_array_equal(x_train[y_train == 3][:5], cifar_x[cifar_y == 4][:5])  # deer
    (small_x, small_y), _ = backbones.pretraining_data(train_samples=80, test_samples=16)
    assert small_x.shape[0] == 80 and np.bincount(small_y).tolist() == [10] * 8


def test_the_course_network_is_pinned(keras):
    network = backbones.course_network(input_shape=(32, 32, 3))
    assert network.count_params() == 289_384
    non_trainable = sum(int(np.prod(w.shape)) for w in network.non_trainable_weights)
    assert non_trainable == 2 * (32 + 32 + 64 + 64 + 128 + 128)  # BN moving means and variances
    features = backbones.course_features(network)
    assert features.output.shape[1:] == (8, 8, 128)
    assert [layer.name for layer in features.layers][-3:] == [
        "course_block3_unit2_conv",
        "course_block3_unit2_bn",
        "course_block3_unit2_relu",
    ]
    with pytest.raises(ValueError, match=r"input_shape: expected \(H, W, 3\)"):
        backbones.course_network(input_shape=(32, 32, 1))
    with pytest.raises(ValueError, match="filters: expected three numbers"):
        backbones.course_network(filters=(8, 8))


@pytest.mark.parametrize("name", ["vgg16", "resnet50", "mobilenetv2"])
def test_preprocess_input_is_keras_applications_and_leaves_the_images_alone(keras, name):
    module = {
        "vgg16": keras.applications.vgg16,
        "resnet50": keras.applications.resnet50,
        "mobilenetv2": keras.applications.mobilenet_v2,
    }[name]
    images = np.random.default_rng(5).integers(0, 256, size=(2, 7, 6, 3)).astype("float32")
    kept = images.copy()
    ours = backbones.preprocess_input(images, name)
    np.testing.assert_array_equal(images, kept)
    np.testing.assert_allclose(ours, module.preprocess_input(images.copy()), rtol=1e-6, atol=1e-4)
    assert ours.dtype == np.float32


def test_the_course_preprocessing_and_bad_input():
    np.testing.assert_allclose(
        backbones.preprocess_input(np.array([[[0, 127.5, 255]]]), "course"), [[[-1, 0, 1]]]
    )
    with pytest.raises(ValueError, match=r"x: expected images \(N, H, W, 3\)"):
        backbones.preprocess_input(np.zeros((4, 4)), "course")
    with pytest.raises(ValueError, match="backbone: expected 'course' or 'vgg16'"):
        backbones.preprocess_input(np.zeros((4, 4, 3)), "inception")


def test_the_shipped_weights_are_small_pinned_and_load(keras):
    path = backbones.course_weights_path()
    import os

    assert os.path.getsize(path) <= 5 * 1024 * 1024
    assert backbones.file_sha256(path) == backbones.COURSE_WEIGHTS_SHA256
    backbone = backbones.load_backbone("course")
    assert backbone.output.shape[1:] == (8, 8, 128)
    head = backbones.load_backbone("course", pretraining_head=True)
    probs = head.predict(np.zeros((1, 32, 32, 3), "float32"), verbose=0)
    assert probs.shape == (1, 8) and np.isclose(probs.sum(), 1, atol=1e-5)
    # pretrained, not random: its 8-class test accuracy on 400 images is far above chance
    (_, _), (x_test, y_test) = backbones.pretraining_data(train_samples=80, test_samples=400)
    scores = head.predict(backbones.preprocess_input(x_test, "course"), verbose=0)
    assert np.mean(np.argmax(scores, axis=1) == y_test) > 0.6


def test_a_damaged_or_missing_weights_file_says_so(keras, tmp_path, monkeypatch):
    damaged = tmp_path / backbones.COURSE_WEIGHTS_FILE
    shutil.copy(backbones.course_weights_path(), damaged)
    with open(damaged, "r+b") as handle:
        handle.seek(-8, 2)
        handle.write(b"tampered")
    monkeypatch.setattr(backbones, "course_weights_path", lambda: str(damaged))
    with pytest.raises(backbones.BackboneUnavailableError, match="does not match the pinned"):
        backbones.load_backbone("course")
    damaged.unlink()
    with pytest.raises(
        backbones.BackboneUnavailableError, match="weights file is missing; rebuild"
    ):
        backbones.load_backbone("course")


@pytest.mark.parametrize(
    "name, shape, params",
    [
        ("vgg16", (1, 1, 512), 14_714_688),
        ("resnet50", (1, 1, 2048), 23_587_712),
        ("mobilenetv2", (1, 1, 1280), 2_257_984),
    ],
)
def test_the_imagenet_architectures(keras, name, shape, params):
    model = backbones.load_backbone(name, weights=None)
    assert model.output.shape[1:] == shape and model.count_params() == params


def test_an_offline_imagenet_download_points_to_the_course_backbone(keras, monkeypatch):
    import keras.src.utils.file_utils as file_utils

    def offline(*args, **kwargs):
        raise Exception(  # what Keras raises, word for word, without a network
            "URL fetch failure on https://storage.googleapis.com/tensorflow/keras-applications/"
            "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5: None -- [Errno -3] "
            "Temporary failure in name resolution"
        )

    monkeypatch.setattr(file_utils, "get_file", offline)
    with pytest.raises(backbones.BackboneUnavailableError) as raised:
        backbones.load_backbone("vgg16")
    message = str(raised.value)
    assert "VGG16's ImageNet weights could not be downloaded" in message
    assert "load_backbone('course')" in message and "URL fetch failure" in message


def test_bad_arguments_are_named(keras):
    with pytest.raises(ValueError, match="name: expected 'course'"):
        backbones.load_backbone("alexnet")
    with pytest.raises(ValueError, match=r"input_shape: expected \(H, W, 3\) with H, W >= 32"):
        backbones.load_backbone("course", input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="pretraining_head: only the course backbone"):
        backbones.load_backbone("vgg16", weights=None, pretraining_head=True)
    with pytest.raises(ValueError, match=r"out: expected a path ending in .weights.h5"):
        backbones.rebuild("backbone.h5")


def test_top_k():
    probs = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    assert backbones.top_k(probs, "abc", 2) == [[("b", 0.7), ("c", 0.2)], [("a", 0.5), ("c", 0.3)]]
    sigmoid = backbones.top_k(np.array([[0.9]]), ["cat", "dog"], 2)[0]
    assert [name for name, _ in sigmoid] == ["dog", "cat"] and np.isclose(sigmoid[1][1], 0.1)
    with pytest.raises(ValueError, match=r"k: expected an integer in \[1, 3\], got 4"):
        backbones.top_k(probs, "abc", 4)
    with pytest.raises(ValueError, match="class_names: expected 3 names"):
        backbones.top_k(probs, "ab", 1)


def test_the_rebuild_command_writes_a_loadable_reproducible_file(keras, tmp_path):
    """Two rebuilds in their own processes (the command turns on TensorFlow's op determinism,
    which would stay on for every later test of this one), side by side."""
    first, second = tmp_path / "first.weights.h5", tmp_path / "again.weights.h5"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "deepvision.models.backbones", "rebuild", "--out", str(out),
             "--epochs", "1", "--train-samples", "64", "--test-samples", "16",
             "--batch-size", "32"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for out in (first, second)
    ]
    printed = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in printed]
    out = printed[0][0]  # Keras' epoch lines, then the report
    report = json.loads(out[out.rindex("{\n") :])
    assert report["train_images"] == 64 and report["test_images"] == 16 and report["epochs"] == 1
    assert report["parameters"] == 289_384 and report["sha256"] == backbones.file_sha256(first)
    again = {"path": second}
    loaded = [backbones.load_backbone("course", weights=p) for p in (first, again["path"])]
    images = backbones.preprocess_input(
        np.random.default_rng(6).integers(0, 256, size=(2, 32, 32, 3)), "course"
    )
    a, b = (np.asarray(model(images, training=False)) for model in loaded)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # same seed, same weights
