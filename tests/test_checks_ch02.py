"""Chapter 02 checkers: the reference passes, plausible wrong answers fail with the right hint."""

import numpy as np
import pytest

from deepvision import checks
from deepvision.checks import ch02
from deepvision.ops import images


def _fails(result, hint):
    assert not result, f"a wrong answer passed: {result!r}"
    assert hint in result.message, result.message


def _todo(*args):
    raise NotImplementedError()


# ---------------------------------------------------------------------------- to_grayscale


def test_to_grayscale_accepts_the_reference_and_a_hand_written_sum():
    assert ch02.check_to_grayscale(images.to_grayscale)
    assert ch02.check_to_grayscale(
        lambda x: 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    )


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: x.mean(axis=-1), "averaged the channels equally"),
        (lambda x: x.astype(float) @ [0.114, 0.587, 0.299], "B, G, R order"),
        (lambda x: x @ np.array([0.2125, 0.7154, 0.0721]), "BT.709"),
        (lambda x: images.to_grayscale(x)[..., None], "not (H, W, 1)"),
        (lambda x: x.sum(axis=0), "expected (4, 5)"),
        (lambda x: (x[..., 0] // 3 + x[..., 1] // 2 + x[..., 2] // 8), "convert to float"),
    ],
)
def test_to_grayscale_rejects_wrong_answers(wrong, hint):
    _fails(ch02.check_to_grayscale(wrong), hint)


# -------------------------------------------------------------------------- value ranges


def _to_unit(x):
    return np.asarray(x).astype("float32") / 255


def _from_unit(y):
    return np.clip(np.round(np.asarray(y) * 255), 0, 255).astype("uint8")


def _to_symmetric(x):
    return (np.asarray(x).astype("float32") - 127.5) / 127.5


def _from_symmetric(y):
    return np.clip(np.round((np.asarray(y) + 1) * 127.5), 0, 255).astype("uint8")


def test_range_checkers_accept_the_references():
    assert ch02.check_unit_range(_to_unit, _from_unit)
    assert ch02.check_symmetric_range(_to_symmetric, _from_symmetric)
    assert ch02.check_unit_range(
        lambda x: images.normalize(x, (0, 1)), lambda y: images.denormalize(y, (0, 1))
    )


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: (x / 256).astype("float32"), "divide by 255"),
        (lambda x: x // 255, "returned integers"),
        (lambda x: x / 255, "return float32"),  # float64
        (lambda x: _to_symmetric(x), "that is the [-1, 1] scaling"),
    ],
)
def test_unit_range_rejects_wrong_forward_functions(wrong, hint):
    _fails(ch02.check_unit_range(wrong, _from_unit), hint)


@pytest.mark.parametrize(
    "wrong_inverse,hint",
    [
        (lambda y: (np.asarray(y) * 255).astype("uint8"), "off by one"),
        (lambda y: np.round(np.asarray(y) * 255), "return uint8"),
        (lambda y: np.round(np.asarray(y) * 255).astype("uint8"), "should clip to [0, 255]"),
    ],
)
def test_unit_range_rejects_wrong_inverses(wrong_inverse, hint):
    _fails(ch02.check_unit_range(_to_unit, wrong_inverse), hint)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: np.asarray(x).astype("float32") - 127.5 / 127.5, "x - (127.5 / 127.5) = x - 1"),
        (lambda x: np.asarray(x).astype("float32") / 127.5, "lies in [0, 2]"),
        (lambda x: np.asarray(x).astype("float32") / 255, "that is the [0, 1] scaling"),
        (lambda x: (np.asarray(x) - 127.5) / 127.5, "return float32"),
    ],
)
def test_symmetric_range_rejects_the_books_precedence_bug_and_others(wrong, hint):
    _fails(ch02.check_symmetric_range(wrong, _from_symmetric), hint)


def test_symmetric_range_rejects_an_inverse_that_does_not_undo_the_shift():
    _fails(
        ch02.check_symmetric_range(_to_symmetric, lambda y: _from_unit(y)),
        "should give x back exactly",
    )


# ------------------------------------------------------------------------ channels, crop, flip


def _keep_channel(image, channel):
    out = np.zeros_like(image)
    out[..., channel] = image[..., channel]
    return out


def _keep_row(image, channel):
    out = np.zeros_like(image)
    out[channel] = image[channel]
    return out


def test_keep_channel_accepts_the_reference_and_a_multiplication_by_a_mask():
    assert ch02.check_keep_channel(_keep_channel)
    assert ch02.check_keep_channel(lambda x, c: x * (np.arange(3) == c))


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, c: x[..., c], "you returned one channel"),
        (_keep_row, "channels are the LAST axis"),
        (lambda x, c: x, "came back unchanged"),
        (lambda x, c: _keep_channel(x, 2 - c), "channel 0: keep image[..., 0]"),
    ],
)
def test_keep_channel_rejects_wrong_answers(wrong, hint):
    _fails(ch02.check_keep_channel(wrong), hint)


def test_center_crop_accepts_the_reference():
    assert ch02.check_center_crop(images.center_crop)


def _crop_swapped(image, height, width):
    return images.center_crop(image, width, height)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, h, w: x[:h, :w], "top-left corner"),
        (_crop_swapped, "height and width are swapped"),
        (lambda x, h, w: x[(x.shape[0] - h) // 2 :, (x.shape[1] - w) // 2 :], "should have shape"),
        (lambda x, h, w: x[1 : 1 + h, 1 : 1 + w], "the window should start at row"),
    ],
)
def test_center_crop_rejects_wrong_answers(wrong, hint):
    _fails(ch02.check_center_crop(wrong), hint)


def test_flip_horizontal_accepts_the_reference():
    assert ch02.check_flip_horizontal(lambda x: images.flip(x, "horizontal"))
    assert ch02.check_flip_horizontal(np.fliplr)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x: x[::-1], "flips upside down"),
        (lambda x: x[..., ::-1], "reversed the channels"),
        (lambda x: x[::-1, ::-1], "rotated by 180 degrees"),
        (lambda x: np.transpose(x, (1, 0, 2)) if x.ndim == 3 else x.T, "first column"),
    ],
)
def test_flip_horizontal_rejects_wrong_answers(wrong, hint):
    _fails(ch02.check_flip_horizontal(wrong), hint)


# ------------------------------------------------------------------------------------- batch


def test_make_batch_accepts_the_reference():
    assert ch02.check_make_batch(lambda d: (np.stack(d)[..., None] / 255).astype("float32"))
    assert ch02.check_make_batch(lambda d: images.normalize(images.to_batch(d)))


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda d: (np.stack(d) / 255).astype("float32"), "no channel axis"),
        (lambda d: (np.dstack(d) / 255).astype("float32"), "batch axis is last"),
        (lambda d: (np.stack(d)[:, None] / 255).astype("float32"), "channels-first"),
        (lambda d: np.stack(d)[..., None], "scale the pixels"),
        (lambda d: np.stack(d)[..., None] / 255, "return float32"),
        (lambda d: (np.stack(d[::-1])[..., None] / 255).astype("float32"), "out of order"),
    ],
)
def test_make_batch_rejects_wrong_answers(wrong, hint):
    _fails(ch02.check_make_batch(wrong), hint)


# --------------------------------------------------------------------------- every checker


@pytest.mark.parametrize(
    "checker,arity",
    [
        (ch02.check_to_grayscale, 1),
        (ch02.check_unit_range, 2),
        (ch02.check_symmetric_range, 2),
        (ch02.check_keep_channel, 1),
        (ch02.check_center_crop, 1),
        (ch02.check_flip_horizontal, 1),
        (ch02.check_make_batch, 1),
    ],
)
def test_an_untouched_exercise_raises_not_implemented_and_is_exported(checker, arity):
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        checker(*[_todo] * arity)
    assert getattr(checks, checker.__name__) is checker


def test_a_crashing_answer_is_a_failed_case_not_a_crash():
    result = ch02.check_to_grayscale(lambda x: x @ np.ones(4))
    assert not result and "your function raised ValueError" in result.message
