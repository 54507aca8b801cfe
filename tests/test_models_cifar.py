"""The book's three CIFAR-10 networks: parameter counts pinned, layers named from the prefix,
the pre-activation order, augmentation active in training only; global average pooling against
the book's AveragePooling2D(8) + Flatten; the schedule and the .keras checkpoint."""

import numpy as np
import pytest

from deepvision import models, ops
from deepvision.models import cifar

PARAMETERS = {
    "plain": (1_922_570, 0),
    "batch norm": (1_926_934, 2_182),
    "batch norm + augmentation": (1_926_934, 2_182),
}


@pytest.mark.parametrize("network", list(cifar.NETWORKS))
def test_parameter_counts_are_pinned(keras, network):
    model = cifar.NETWORKS[network]()
    total, non_trainable = PARAMETERS[network]
    assert model.count_params() == total
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == non_trainable
    assert model.output_shape == (None, 10)


@pytest.mark.parametrize("network", list(cifar.NETWORKS))
def test_every_layer_is_named_from_the_prefix(keras, network):
    model = cifar.NETWORKS[network](name="net")
    assert model.name == "net"
    assert all(layer.name.startswith("net_") for layer in model.layers)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv2D") == 9 and kinds.count("MaxPooling2D") == 2
    assert kinds[-3:] == ["Dropout", "GlobalAveragePooling2D", "Dense"]


def test_preact_unit_is_bn_relu_conv(keras):
    inputs = keras.Input((8, 8, 5))
    outputs = models.unit(inputs, 7, name="u")
    model = keras.Model(inputs, outputs)
    assert [layer.name for layer in model.layers[1:]] == ["u_bn", "u_relu", "u_conv"]
    conv = model.get_layer("u_conv")
    assert conv.filters == 7 and conv.kernel_size == (3, 3) and conv.padding == "same"
    assert conv.get_config()["activation"] == "linear" and conv.use_bias
    assert model.count_params() == 4 * 5 + (3 * 3 * 5 + 1) * 7


def test_plain_convs_have_relu_and_preact_convs_do_not(keras):
    plain, preact = cifar.cifar_plain(), cifar.cifar_preact()
    for layer in plain.layers:
        if type(layer).__name__ == "Conv2D":
            assert layer.get_config()["activation"] == "relu"
    for layer in preact.layers:
        if type(layer).__name__ == "Conv2D":
            assert layer.get_config()["activation"] == "linear"


def test_augmentation_acts_in_training_only(keras):
    keras.utils.set_random_seed(0)
    layers = cifar.augmentation_layers(seed=1)
    x = np.random.default_rng(0).uniform(size=(4, 32, 32, 3)).astype("float32")
    np.testing.assert_array_equal(np.asarray(layers(x, training=False)), x)
    assert not np.allclose(np.asarray(layers(x, training=True)), x)
    assert [type(layer).__name__ for layer in layers.layers] == [
        "RandomFlip",
        "RandomTranslation",
        "RandomRotation",
    ]
    rotation = layers.layers[2]
    assert rotation.factor == pytest.approx((-10 / 360, 10 / 360))


def test_augmented_model_predicts_like_the_preact_model_with_its_weights(keras):
    augmented, preact = cifar.cifar_preact_augmented(), cifar.cifar_preact()
    preact.set_weights(augmented.get_weights())
    x = np.random.default_rng(1).normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        augmented.predict(x, verbose=0), preact.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_global_average_pooling_is_the_books_average_pooling_and_flatten(keras):
    x = np.random.default_rng(2).normal(size=(3, 8, 8, 5)).astype("float32")
    book = np.asarray(keras.layers.Flatten()(keras.layers.AveragePooling2D(8)(x)))
    gap = np.asarray(keras.layers.GlobalAveragePooling2D()(x))
    np.testing.assert_allclose(book, gap, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ops.global_avg_pool2d(x), gap, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"x: expected shape \(N, H, W, C\)"):
        ops.global_avg_pool2d(x[0])


def test_learning_rate_schedule_is_the_books():
    rates = [cifar.cifar_learning_rate(epoch) for epoch in range(20)]
    assert rates[:6] == [1e-3] * 6
    assert rates[6:11] == [pytest.approx(2e-4)] * 5
    assert rates[11:16] == [pytest.approx(1e-4)] * 5
    assert rates[16:] == [pytest.approx(1e-5)] * 4
    with pytest.raises(ValueError, match="epoch"):
        cifar.cifar_learning_rate(-1)


def test_best_checkpoint_writes_keras_files_on_val_accuracy(keras, tmp_path):
    callback = cifar.best_checkpoint(tmp_path / "saved", name="tiny")
    assert callback.monitor == "val_accuracy" and callback.save_best_only
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(40, 4)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[callback], verbose=0)
    written = sorted(path.name for path in (tmp_path / "saved").iterdir())
    assert written and all(name.startswith("tiny.") and name.endswith(".keras") for name in written)
    reloaded = keras.models.load_model(tmp_path / "saved" / written[-1])
    assert reloaded.count_params() == model.count_params()


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: cifar.cifar_plain(dropout_rate=1.0),
            r"dropout_rate: expected a number in \[0, 1\)",
        ),
        (lambda: cifar.cifar_preact(input_shape=(32, 32)), r"input_shape: expected \(H, W, C\)"),
        (lambda: cifar.cifar_plain(num_classes=1), "num_classes"),
        (lambda: cifar.augmentation_layers(shift_fraction=1.5), "shift_fraction"),
        (lambda: cifar.augmentation_layers(rotation_degrees=-5), "rotation_degrees"),
        (lambda: cifar.best_checkpoint(None), "directory: expected a folder path"),
    ],
)
def test_bad_arguments_are_named(keras, call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_width_scales_every_stage(keras):
    assert cifar.stage_filters(1.0) == (64, 128, 256)
    assert cifar.stage_filters(0.25) == (16, 32, 64)
    model = cifar.cifar_preact(width=0.25)
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert [conv.filters for conv in convs] == [16] * 3 + [32] * 3 + [64] * 3
    with pytest.raises(ValueError, match="width: expected a number > 0"):
        cifar.stage_filters(0)
