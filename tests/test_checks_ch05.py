"""Chapter 05 checkers, what their declarations cannot say, and the chapter's image helpers.

tests/test_exercises.py tests every declared exercise (the reference passes, each declared
mistake fails with its hint, broken answers fail with a sentence, the kernel is left alone).
Here: other correct spellings pass too (the notebook's Keras image reader, mode='auto'), the
library's schedule drives Keras' callback, and the library helpers the chapter uses
(load_digit_image, top_predictions) are tested.
"""

import numpy as np
import pytest
from PIL import Image

from deepvision import data, models, ops
from deepvision.checks import ch05

# ---- other correct spellings ----------------------------------------------------------------


def _keras_load_digit(keras, interpolation="nearest"):
    def load_digit(path):  # the notebook's solution: Keras resizes with "nearest" by default
        image = keras.utils.load_img(
            path, color_mode="grayscale", target_size=(28, 28), interpolation=interpolation
        )
        x = keras.utils.img_to_array(image).reshape(1, 784) / 255
        return (1.0 - x).astype("float32")

    return load_digit


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear", "bicubic", "box"])
def test_the_keras_image_reader_passes_whatever_it_interpolates(keras, interpolation):
    result = ch05.check_load_digit(_keras_load_digit(keras, interpolation))
    assert result, result.message


def test_a_digit_moved_by_one_pixel_fails(keras):
    reader = _keras_load_digit(keras)

    def moved(path):
        return np.roll(reader(path).reshape(28, 28), 1, axis=1).reshape(1, 784)

    result = ch05.check_load_digit(moved)
    assert not result and "expected values in [0, 1] with the digit bright" in result.message


def test_a_checkpoint_with_mode_auto_passes(keras):
    def best_checkpoint(path):
        return keras.callbacks.ModelCheckpoint(path, monitor="val_accuracy", save_best_only=True)

    result = ch05.check_best_checkpoint(best_checkpoint)
    assert result, result.message


def test_the_book_schedule_drives_keras_callback(keras):
    # epoch 6 (the seventh) runs at 0.02
    model = models.mlp_sequential(input_shape=(4,), hidden_units=(), num_classes=2)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy")
    history = model.fit(
        np.zeros((8, 4)),
        np.eye(2)[np.zeros(8, int)],
        epochs=7,
        verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(models.book_learning_rate)],
    )
    np.testing.assert_allclose(history.history["learning_rate"], [0.1] * 6 + [0.02], rtol=1e-6)


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
    x = data.load_digit_image(data.sample_digit_path())
    assert x.shape == (28, 28)
    border = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
    assert border.max() < 0.1 and 20 < np.sum(x > 0.5) < 300  # a stroke on black, not a blob


def test_other_designs_that_converge_pass():
    import numpy as np

    assert ch05.check_design_schedule(lambda epoch: 0.5)
    assert ch05.check_design_schedule(lambda epoch: 0.5 if epoch == 0 else 0.8)  # a warm-up
    cosine = ch05.check_design_schedule(lambda epoch: 3 * (1 + np.cos(np.pi * epoch / 12)) / 2)
    assert not cosine and "rose above an untrained network's" in cosine.message
