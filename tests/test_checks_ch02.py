"""Chapter 02 checkers: what the generated tests (tests/test_exercises.py) cannot say.

The declarations in ``deepvision.checks.ch02`` give their own tests: the reference passes and each
declared wrong answer earns its hint. Here: other correct ways of writing an answer pass too (a
checker that rejects a right answer is as wrong as one that accepts a wrong one), and every
answer of a two-function exercise, not only the first, reports an untouched cell.
"""

import numpy as np
import pytest

from deepvision.checks import ch02
from deepvision.ops import images


def _mask_channel(image, channel):
    return image * (np.arange(3) == channel)


def _top_left(image, height, width):
    return (image.shape[0] - height) // 2, (image.shape[1] - width) // 2


def _hand_written_inverse(y):
    return np.clip(np.round(np.asarray(y) * 255), 0, 255).astype("uint8")


@pytest.mark.parametrize(
    ("checker", "answers"),
    [
        (
            ch02.check_to_grayscale,
            (lambda x: 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2],),
        ),
        (ch02.check_to_grayscale, (lambda x: (x * [0.299, 0.587, 0.114]).sum(axis=-1),)),
        (ch02.check_keep_channel, (_mask_channel,)),
        (
            ch02.check_unit_range,
            (lambda x: np.asarray(x).astype("float32") / 255, _hand_written_inverse),
        ),
        (
            ch02.check_symmetric_range,
            (
                lambda x: np.asarray(x).astype("float32") / 127.5 - 1,
                lambda y: np.clip(np.round((np.asarray(y) + 1) * 127.5), 0, 255).astype("uint8"),
            ),
        ),
        (ch02.check_center_crop, (lambda x, h, w: images.crop(x, *_top_left(x, h, w), h, w),)),
        (ch02.check_flip_horizontal, (np.fliplr,)),
        (ch02.check_make_batch, (lambda d: (np.stack(d)[..., None] / 255).astype("float32"),)),
        (ch02.check_choose_gray_weights, (lambda: np.array([0.8, 0.0, 0.2]),)),
        (ch02.check_choose_gray_weights, (lambda: [0.9, 0.05, 0.05],)),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_other_correct_answers_pass(checker, answers):
    result = checker(*answers)
    assert result, result.message


def test_the_design_exercise_measures_the_gap_with_the_librarys_grayscale():
    from deepvision import ops

    for weights in ((1.0, 0.0, 0.0), (0.299, 0.587, 0.114), (0.2, 0.5, 0.3)):
        tomato, leaf = (
            ops.to_grayscale(np.array([[colour]], dtype=np.uint8), weights)[0, 0]
            for colour in (ch02.TOMATO, ch02.LEAF)
        )
        assert ch02.gray_gap(weights)[1] == pytest.approx(abs(tomato - leaf))
    assert ch02.gray_gap((0.299, 0.587, 0.114))[1] < 10  # BT.601 nearly merges them
