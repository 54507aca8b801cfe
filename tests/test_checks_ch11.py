"""Chapter 11 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 11 (the reference passes, each
declared wrong answer fails with its own hint). Here: the notebook's checkers are the declared
exercises, their cases are tied to the real library (the widths' MACs are the mini mobile
network's, the separable cost is Keras' layer's), other correct spellings pass, and the book's
bottleneck listing fails with the hint that names it.
"""

import numpy as np
import pytest

from deepvision import checks, cost, ops
from deepvision.checks import ch11
from deepvision.models import mobile


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch11.EXERCISES] == [
        "depthwise_conv2d",
        "separable_macs",
        "separable_ratio",
        "bottleneck_unit",
        "choose_width",
    ]
    checkers = [
        checks.check_depthwise_conv2d,
        checks.check_separable_macs,
        checks.check_separable_ratio,
        checks.check_bottleneck_unit,
        checks.check_choose_width,
    ]
    assert [c.exercise for c in checkers] == ch11.EXERCISES


def test_the_widths_macs_are_the_mini_mobile_networks(keras):
    for width, macs in ch11.MOBILE_MACS.items():
        assert cost.model_cost(mobile.mini_mobile_net(width=width)).macs == macs


def test_separable_macs_are_the_keras_layers(keras):
    for size, c_in, filters, kernel in [(112, 32, 32, 3), (56, 64, 128, 3), (28, 16, 48, 5)]:
        layer_input = keras.Input((size, size, c_in))
        out = keras.layers.SeparableConv2D(filters, kernel, padding="same")(layer_input)
        counted = cost.model_cost(keras.Model(layer_input, out)).macs
        assert counted == ch11._separable_macs(size, c_in, filters, kernel)
    assert ch11._separable_macs(112, 32, 32, 3) == 16_457_728  # the book's table


def test_the_ratio_is_the_cost_ratio():
    for filters, kernel in [(32, 3), (128, 3), (256, 5), (7, 1)]:
        separable = cost.separable_conv2d_cost(20, 12, filters, kernel).macs
        standard = cost.conv2d_cost(20, 12, filters, kernel).macs
        assert ch11._separable_ratio(filters, kernel) == pytest.approx(separable / standard)


def _depthwise_loops(x, w, stride=1, padding="valid"):
    maps = [
        ops.conv2d(x[..., c : c + 1], w[:, :, c : c + 1, m : m + 1], stride=stride, padding=padding)
        for c in range(w.shape[2])
        for m in range(w.shape[3])
    ]
    return np.concatenate(maps, axis=-1)


def test_other_correct_answers_pass():
    assert checks.check_depthwise_conv2d(_depthwise_loops)
    assert checks.check_separable_macs(lambda s, c, f, k: k * k * c * s * s + c * s * s * f)
    assert checks.check_separable_ratio(lambda f, k: (k * k + f) / (k * k * f))
    assert checks.check_choose_width(
        lambda macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0): sorted(
            w for w in widths if macs_of(w) <= budget
        )[-1]
    )


def test_a_bottleneck_with_relu_layers_and_a_plus_passes(keras):
    def bottleneck(x, filters):
        layers = keras.layers
        shortcut = x
        x = layers.ReLU()(layers.BatchNormalization()(x))
        x = layers.Conv2D(x.shape[-1] // 2, (1, 1), padding="same")(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
        x = layers.Conv2D(filters, (3, 3), padding="same")(x)
        return x + shortcut

    result = checks.check_bottleneck_unit(bottleneck)
    assert result, result.message


def test_the_books_listing_fails_with_its_erratum(keras):
    # the book's listing: BN-ReLU-Conv(1x1, half) then BN-ReLU-Conv(1x1, filters)
    result = checks.check_bottleneck_unit(ch11._bottleneck_with(second_kernel=1))
    assert not result and "kernel_size=(1, 1); expected kernel_size=(3, 3)" in result.message
