"""Chapter 06 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 06 (the reference passes, each
declared wrong answer fails with its own hint). Here: the Sobel checker on the real photo the
notebook passes, every spelling of a one-filter answer, and the model checker passing other
spellings of the book's CNN (Sequential, explicit activation layers, compiled).
"""

import numpy as np
import pytest

from deepvision import checks, data
from deepvision.checks import ch06
from deepvision.checks._exercise import Rejected
from deepvision.ops import filters


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch06.EXERCISES] == [
        "conv1d",
        "conv2d_single",
        "output_size",
        "conv2d",
        "conv_parameter_count",
        "max_pool2d",
        "max_pool2d_backward",
        "sobel_magnitude",
        "diagonal_filter",
        "build_mnist_cnn",
        "learn_kernel",
    ]
    checkers = [
        checks.check_conv1d,
        checks.check_conv2d_single,
        checks.check_output_size,
        checks.check_conv2d,
        checks.check_conv_parameter_count,
        checks.check_max_pool2d,
        checks.check_max_pool2d_backward,
        checks.check_sobel_magnitude,
        checks.check_diagonal_filter,
        checks.check_mnist_cnn,
        checks.check_learn_kernel,
    ]
    assert [c.exercise for c in checkers] == ch06.EXERCISES


@pytest.fixture(scope="module")
def cat():
    """The crop of the photo the notebook's hidden test passes (uint8)."""
    return data.sample_image("chelsea", gray=True)[100:140, 150:200]


def test_sobel_checker_on_the_photo(cat):
    result = checks.check_sobel_magnitude(filters.gradient_magnitude, image=cat)
    assert result, result.message
    assert result.message == ch06.SOBEL_MAGNITUDE.success


@pytest.mark.parametrize("mistake", ch06.SOBEL_MISTAKES, ids=lambda m: m.hint[:40])
def test_sobel_mistakes_earn_their_hint_on_the_photo(cat, mistake):
    with np.errstate(all="ignore"):
        result = checks.check_sobel_magnitude(mistake.answer, image=cat)
    assert not result
    if isinstance(mistake, Rejected):
        assert mistake.says in result.message, result.message
    else:
        assert result.message == mistake.hint, result.message


@pytest.mark.parametrize(
    "one_filter",
    [
        filters.sobel_x,
        filters.sobel_y,
        lambda image: np.abs(filters.sobel_x(image)),
        lambda image: np.abs(filters.sobel_y(image)),
    ],
    ids=["Gx", "Gy", "|Gx|", "|Gy|"],
)
def test_any_single_sobel_filter_is_named(one_filter):
    result = checks.check_sobel_magnitude(one_filter)
    assert not result and result.message == "use both Sobel filters, x and y, and combine them"


def test_other_spellings_of_the_book_cnn_pass(keras):
    layers = keras.layers
    spelled_out = keras.Sequential(
        [keras.Input((28, 28, 1))]
        + [
            step
            for filters_ in (64, 64)
            for step in (layers.Conv2D(filters_, 3, padding="same"), layers.ReLU())
        ]
        + [layers.MaxPooling2D(pool_size=(2, 2))]
        + [layers.Conv2D(128, (3, 3), padding="same", activation="relu") for _ in range(2)]
        + [layers.Flatten(), layers.Dense(10), layers.Activation("softmax")]
    )
    for builder in (
        lambda: ch06._book_cnn(),
        lambda: ch06._book_cnn(compiled=True),
        lambda: spelled_out,
    ):
        result = checks.check_mnist_cnn(builder)
        assert result, result.message
        assert result.message == "7 layers and 509,898 parameters, as expected"


def test_the_diagonal_filter_is_graded_by_what_it_does_not_by_its_numbers():
    from deepvision.checks import ch06 as declared

    images = declared.diagonal_test_images(9)
    assert images["diagonal \\"].trace() == 9 and np.fliplr(images["diagonal /"]).trace() == 9
    assert images["vertical"][:, 4].sum() == 9 and images["horizontal"][4].sum() == 9
    reference = np.array([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, -1.0, 2.0]])
    assert checks.check_diagonal_filter(lambda: 0.5 * reference)  # any scale
    assert checks.check_diagonal_filter(lambda: np.array([[1.0, 0, -1], [0, 1, 0], [-1, 0, 0]]))
    # Sobel's vertical-edge filter sees the vertical line as well as the diagonal one
    assert not checks.check_diagonal_filter(lambda: filters.SOBEL_X)


def test_a_kernel_learnt_another_way_passes_and_a_rough_one_does_not():
    def least_squares(x, y):
        rows = [x[:, u : u + 8, v : v + 8].reshape(-1) for u in range(3) for v in range(3)]
        solution = np.linalg.lstsq(np.stack(rows, 1), y.reshape(-1), rcond=None)[0]
        return solution.reshape(3, 3)

    assert checks.check_learn_kernel(least_squares)
    rough = checks.check_learn_kernel(lambda x, y: least_squares(x, y) + 0.05)
    assert not rough and "each weight within 0.02" in rough.message
