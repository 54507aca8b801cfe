"""Chapter 05 checkers (and the chapter's image helpers): references pass, wrong answers fail."""

import keras
import numpy as np
import pytest
from PIL import Image

from deepvision import data, ops
from deepvision.checks import ch05
from deepvision.models import mlp_functional, mlp_sequential

# ---- dense_parameters -----------------------------------------------------------------------


def test_dense_parameters():
    assert ch05.check_dense_parameters(lambda n_in, units: n_in * units + units)
    for wrong, hint in [
        (lambda n_in, units: n_in * units, "weights only"),
        (lambda n_in, units: (n_in + 1) * (units + 1), "one bias per unit"),
        (lambda n_in, units: n_in * units + n_in, "expected 100480"),
    ]:
        result = ch05.check_dense_parameters(wrong)
        assert not result and hint in result.message, result.message


# ---- functional MLP -------------------------------------------------------------------------


def test_functional_mlp():
    assert ch05.check_functional_mlp(mlp_functional)
    result = ch05.check_functional_mlp(mlp_sequential)
    assert not result and "keras.Sequential" in result.message
    result = ch05.check_functional_mlp(lambda: mlp_functional(hidden_units=(128, 128)))
    assert not result and "3 layers; expected 4" in result.message
    result = ch05.check_functional_mlp(lambda: mlp_functional(input_shape=(100,)))
    assert not result and "input shape is (100,); expected (784,)" in result.message
    result = ch05.check_functional_mlp(lambda: mlp_functional(activation="tanh"))
    assert not result and "activation='tanh'" in result.message


# ---- save_and_reload ------------------------------------------------------------------------


def save_and_reload(model, path):
    model.save(path)
    return keras.models.load_model(path)


def test_save_and_reload_reference():
    result = ch05.check_save_and_reload(save_and_reload)
    assert result, result.message


def _weights_into_fresh_model(model, path):
    model.save(path)
    fresh = mlp_sequential()
    fresh.load_weights(path)
    return fresh


def _fresh_model(model, path):
    model.save(path)
    return mlp_sequential()


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda model, path: model, "nothing was saved"),
        (lambda model, path: model.save(path) or model, "return the one keras.models.load_model"),
        (lambda model, path: model.save(path), "return the loaded keras model"),
        (_fresh_model, "predicts differently"),
        (_weights_into_fresh_model, "not compiled"),
        (lambda model, path: model.save_weights(path), "raised ValueError"),
    ],
)
def test_save_and_reload_wrong(wrong, hint):
    result = ch05.check_save_and_reload(wrong)
    assert not result and hint in result.message, result.message


# ---- load_digit -----------------------------------------------------------------------------


def test_load_digit_reference_passes():
    assert ch05.check_load_digit(ch05.reference_load_digit)


def _load(path, **kwargs):
    settings = dict(color_mode="grayscale", target_size=(28, 28))
    settings.update(kwargs)
    return keras.utils.img_to_array(keras.utils.load_img(path, **settings))


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda path: _load(path).reshape(1, 784) / 255, "invert with 1 - x"),
        (lambda path: 255 - _load(path).reshape(1, 784), "divide by 255"),
        (lambda path: 1 - _load(path).reshape(28, 28) / 255, "reshape to (1, 784)"),
        (lambda path: 1 - _load(path, color_mode="rgb").reshape(1, -1) / 255, "grayscale"),
        (lambda path: 1 - _load(path, target_size=None).reshape(1, -1) / 255, "target_size"),
        (lambda path: 1 - _load(path).T.reshape(1, 784) / 255, "expected values in [0, 1]"),
    ],
)
def test_load_digit_wrong(wrong, hint):
    result = ch05.check_load_digit(wrong)
    assert not result and hint in result.message, result.message


# ---- learning_rate_schedule -----------------------------------------------------------------


def test_learning_rate_schedule_reference_and_keras():
    assert ch05.check_learning_rate_schedule(ch05.reference_learning_rate_schedule)
    # the schedule drives Keras' callback: epoch 6 runs at 0.02
    model = mlp_sequential(input_shape=(4,), hidden_units=(), num_classes=2)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy")
    history = model.fit(
        np.zeros((8, 4)), np.eye(2)[np.zeros(8, int)], epochs=7, verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(ch05.reference_learning_rate_schedule)],
    )
    np.testing.assert_allclose(history.history["learning_rate"], [0.1] * 6 + [0.02], rtol=1e-6)


def _at_least(epoch):
    if epoch >= 15:
        return 0.001
    if epoch >= 10:
        return 0.01
    if epoch >= 5:
        return 0.02
    return 0.1


def _wrong_order(epoch):
    if epoch > 5:
        return 0.02
    if epoch > 10:
        return 0.01
    if epoch > 15:
        return 0.001
    return 0.1


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_at_least, "not `>=`"),
        (_wrong_order, "largest threshold first"),
        (lambda epoch: 0.1, "at epoch 6 expected 0.02"),
        (lambda epoch: 0.1 * 0.5 ** (epoch // 5), "at epoch 5 expected 0.1"),
    ],
)
def test_learning_rate_schedule_wrong(wrong, hint):
    result = ch05.check_learning_rate_schedule(wrong)
    assert not result and hint in result.message, result.message


# ---- best_checkpoint ------------------------------------------------------------------------


def test_best_checkpoint_reference():
    def best_checkpoint(path):
        return keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True)

    assert ch05.check_best_checkpoint(best_checkpoint)


def _checkpoint(**kwargs):
    def best_checkpoint(path):
        settings = dict(filepath=path, monitor="val_accuracy", save_best_only=True)
        settings.update(kwargs)
        return keras.callbacks.ModelCheckpoint(**settings)

    return best_checkpoint


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_checkpoint(monitor="val_acc"), "Keras 2 name"),
        (_checkpoint(monitor="val_loss"), "it monitors 'val_loss'"),
        (_checkpoint(save_best_only=False), "save_best_only=True"),
        (_checkpoint(mode="min"), "mode='max'"),
        (_checkpoint(filepath="best.keras"), "save to the path you are given"),
        (_checkpoint(save_freq=100), "save_freq='epoch'"),
        (lambda path: keras.callbacks.EarlyStopping(monitor="val_accuracy"), "got EarlyStopping"),
    ],
)
def test_best_checkpoint_wrong(wrong, hint):
    result = ch05.check_best_checkpoint(wrong)
    assert not result and hint in result.message, result.message


# ---- load_digit_image, top_predictions (the chapter's helpers) ------------------------------


def _save(tmp_path, array, mode, name):
    path = tmp_path / name
    Image.fromarray(array, mode=mode).save(path)
    return path


def test_load_digit_image_inverts_light_backgrounds(tmp_path):
    canvas = np.full((56, 56), 250, np.uint8)
    canvas[20:36, 26:30] = 0  # a dark "1"
    x = data.load_digit_image(_save(tmp_path, canvas, "L", "one.png"))
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert x[0, 0] < 0.05 and x[14, 13:15].max() > 0.85  # black background, bright stroke
    # already MNIST-like (light on dark): auto leaves it alone
    y = data.load_digit_image(_save(tmp_path, 255 - canvas, "L", "one_dark.png"))
    np.testing.assert_allclose(x, y, atol=1 / 255 + 1e-6)
    z = data.load_digit_image(tmp_path / "one_dark.png", invert=True)
    np.testing.assert_allclose(z, 1 - y, atol=1e-6)


def test_load_digit_image_transparent_png(tmp_path):
    rgba = np.zeros((28, 28, 4), np.uint8)  # transparent everywhere...
    rgba[5:23, 12:16] = (0, 0, 0, 255)  # ...except an opaque black stroke
    x = data.load_digit_image(_save(tmp_path, rgba, "RGBA", "alpha.png"))
    assert x[0, 0] < 0.05 and x[14, 13] > 0.95


def test_load_digit_image_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no file"):
        data.load_digit_image(tmp_path / "missing.png")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(ValueError, match="not an image file"):
        data.load_digit_image(text)
    wide = _save(tmp_path, np.zeros((28, 80), np.uint8), "L", "wide.png")
    with pytest.raises(ValueError, match="80x28 pixels; expected a roughly square image"):
        data.load_digit_image(wide)
    with pytest.raises(ValueError, match="invert"):
        data.load_digit_image(wide, invert="yes")


def test_top_predictions():
    probs = np.array([[0.1, 0.6, 0.05, 0.25]])
    assert ops.top_predictions(probs, k=2) == [("1", 0.6), ("3", 0.25)]
    assert ops.top_predictions(probs[0], list("abcd"), k=1) == [("b", 0.6)]
    with pytest.raises(ValueError, match=r"probs: expected shape \(C,\) or \(1, C\)"):
        ops.top_predictions(np.zeros((2, 4)))


def test_shipped_digit_png_reads_as_a_digit():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "solutions" / "ch05" / "my_digit.png"
    x = data.load_digit_image(path)
    assert x.shape == (28, 28)
    border = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
    assert border.max() < 0.1 and 20 < np.sum(x > 0.5) < 300  # a stroke on black, not a blob
