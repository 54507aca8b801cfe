"""The exercises of chapter 11, "Efficiency techniques", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops`, :mod:`deepvision.cost` and
:mod:`deepvision.models.mobile`) and the wrong answers learners give, with the hint each earns: a
depthwise convolution that sums over the channels (a standard convolution), its outputs in the
wrong channel order, a flipped kernel; a separable cost without its pointwise or its depthwise
part, or with the depthwise part run once per output channel; the cost ratio with one of its two
terms; a bottleneck unit written as the book's listing (1x1 where the table counts 3x3), without
its shortcut, or with its 1x1 not narrowing; a width chosen as the smallest that fits, the first
in the list that fits, under a strict budget, or answered in MACs. ``tests/test_exercises.py``
turns the same declarations into the checkers' tests. See :mod:`deepvision.checks._exercise`.

Keras is imported only inside the functions that build models.
"""

from __future__ import annotations

import random

import numpy as np

from deepvision import cost, models, ops
from deepvision.checks._core import CaseFailed
from deepvision.checks._exercise import Case, Exercise, Mistake

# -- depthwise_conv2d -------------------------------------------------------------------------


def _depthwise_reference(x, w, stride=1, padding="valid"):
    return ops.depthwise_conv2d(x, w, None, stride, padding)


def _summed_over_channels(x, w, stride=1, padding="valid"):
    """A standard convolution with the (kh, kw, C, M) kernels: every input channel summed."""
    return ops.conv2d(x, w, None, stride, padding)


def _channels_grouped_by_multiplier(x, w, stride=1, padding="valid"):
    out = ops.depthwise_conv2d(x, w, None, stride, padding)
    n, h, width, _ = out.shape
    c, m = w.shape[2], w.shape[3]
    return out.reshape(n, h, width, c, m).transpose(0, 1, 2, 4, 3).reshape(n, h, width, c * m)


def _flipped_kernel(x, w, stride=1, padding="valid"):
    return ops.depthwise_conv2d(x, np.asarray(w)[::-1, ::-1], None, stride, padding)


_RNG = np.random.default_rng(110)

DEPTHWISE_CONV2D = Exercise(
    "depthwise_conv2d",
    chapter="ch11",
    answers=("depthwise_conv2d",),
    reference=_depthwise_reference,
    cases=[
        Case(
            _RNG.normal(size=(2, 6, 7, 3)),
            _RNG.normal(size=(3, 3, 3, 1)),
            label="x (2, 6, 7, 3), w (3, 3, 3, 1), valid",
        ),
        Case(
            _RNG.normal(size=(1, 7, 6, 2)),
            _RNG.normal(size=(3, 2, 2, 3)),
            kwargs={"stride": 2, "padding": "same"},
            label="x (1, 7, 6, 2), w (3, 2, 2, 3) (depth multiplier 3), stride 2, same",
        ),
        Case(
            _RNG.normal(size=(2, 5, 5, 4)),
            _RNG.normal(size=(2, 2, 4, 2)),
            kwargs={"stride": 1, "padding": "same"},
            label="x (2, 5, 5, 4), w (2, 2, 4, 2), same",
        ),
    ],
    mistakes=[
        Mistake(
            "you summed over the input channels, as a standard convolution does: a depthwise "
            "convolution filters each channel on its own and keeps C_in * M output channels",
            _summed_over_channels,
        ),
        Mistake(
            "the output channels are in the wrong order: channel c's M maps come together, output "
            "channel c * M + m is input channel c filtered by w[:, :, c, m]",
            _channels_grouped_by_multiplier,
        ),
        Mistake(
            "the kernel is flipped: Keras slides it as it is (cross-correlation, chapter 06)",
            _flipped_kernel,
        ),
    ],
    hints=[
        "Loop over the input channels c and the multiplier's m: each output map is a chapter-06 "
        "convolution of one channel with one (kh, kw) kernel.",
        "ops.conv2d(x[..., c:c+1], w[:, :, c:c+1, m:m+1], stride=stride, padding=padding) is "
        "the map of input channel c and multiplier m, shape (N, H', W', 1).",
        "Put the maps in the order c * M + m (all of channel 0's first) and join them with "
        "np.concatenate(..., axis=-1).",
    ],
    success="each channel filtered on its own, C_in * M maps in Keras' order",
)

# -- separable_macs ---------------------------------------------------------------------------


def _separable_macs(size, in_channels, filters, kernel_size):
    return cost.separable_conv2d_cost(size, in_channels, filters, kernel_size).macs


def _depthwise_only(size, in_channels, filters, kernel_size):
    return kernel_size * kernel_size * in_channels * size * size


def _pointwise_only(size, in_channels, filters, kernel_size):
    return in_channels * size * size * filters


def _depthwise_per_filter(size, in_channels, filters, kernel_size):
    return _depthwise_only(size, in_channels, filters, kernel_size) * filters + _pointwise_only(
        size, in_channels, filters, kernel_size
    )


def _standard_macs(size, in_channels, filters, kernel_size):
    return cost.conv2d_cost(size, in_channels, filters, kernel_size).macs


def _no_kernel_area(size, in_channels, filters, kernel_size):
    return in_channels * size * size + _pointwise_only(size, in_channels, filters, kernel_size)


SEPARABLE_MACS = Exercise(
    "separable_macs",
    chapter="ch11",
    answers=("separable_macs",),
    reference=_separable_macs,
    cases=[
        Case(112, 32, 32, 3, label="112x112x32 to 32 filters, 3x3 (the book's table)"),
        Case(56, 64, 128, 3, label="56x56x64 to 128 filters, 3x3"),
        Case(28, 16, 48, 5, label="28x28x16 to 48 filters, 5x5"),
    ],
    mistakes=[
        Mistake(
            "you counted only the depthwise part: add the 1x1 (pointwise) convolution that mixes "
            "the channels, C_in H W C_out MACs",
            _depthwise_only,
        ),
        Mistake(
            "you counted only the 1x1 (pointwise) part: add the depthwise K x K convolution, "
            "K K C_in H W MACs",
            _pointwise_only,
        ),
        Mistake(
            "the depthwise convolution runs once per input channel, not once per output filter: "
            "K K C_in H W, without C_out",
            _depthwise_per_filter,
        ),
        Mistake(
            "that is a standard K x K convolution's cost, K K C_in H W C_out: a separable one is "
            "the depthwise part plus the 1x1 part",
            _standard_macs,
        ),
        Mistake(
            "each depthwise output sums a K x K window: K K C_in H W MACs (you left out K K)",
            _no_kernel_area,
        ),
    ],
    hints=[
        "A separable convolution is two layers: a depthwise K x K, then a 1x1 across channels.",
        "Depthwise: K * K * C_in * H * W. Pointwise: C_in * H * W * C_out. Padding 'same', "
        "stride 1: H and W stay `size`.",
    ],
    success="depthwise K K C_in H W plus pointwise C_in H W C_out",
)

# -- separable_ratio --------------------------------------------------------------------------


def _separable_ratio(filters, kernel_size):
    return 1 / filters + 1 / kernel_size**2


SEPARABLE_RATIO = Exercise(
    "separable_ratio",
    chapter="ch11",
    answers=("separable_ratio",),
    reference=_separable_ratio,
    cases=[
        Case(32, 3, label="32 filters, 3x3"),
        Case(128, 3, label="128 filters, 3x3"),
        Case(256, 5, label="256 filters, 5x5"),
    ],
    mistakes=[
        Mistake(
            "you kept only 1 / K^2 (the depthwise part): the 1x1 part adds 1 / C_out",
            lambda filters, kernel_size: 1 / kernel_size**2,
        ),
        Mistake(
            "you kept only 1 / C_out: the depthwise part adds 1 / K^2",
            lambda filters, kernel_size: 1 / filters,
        ),
        Mistake(
            "the ratio is a sum of two fractions, 1 / C_out + 1 / K^2, not 1 / (C_out + K^2)",
            lambda filters, kernel_size: 1 / (filters + kernel_size**2),
        ),
        Mistake(
            "the ratio is 1 / C_out + 1 / K^2, not their product",
            lambda filters, kernel_size: 1 / (filters * kernel_size**2),
        ),
        Mistake(
            "that is the inverse: separable / standard is below 1 (the separable one is cheaper)",
            lambda filters, kernel_size: 1 / _separable_ratio(filters, kernel_size),
        ),
    ],
    hints=[
        "Divide the separable MACs by the standard ones; H W C_in cancels.",
        "(K^2 + C_out) / (K^2 C_out) = 1 / C_out + 1 / K^2.",
    ],
    success="1 / C_out + 1 / K^2",
)

# -- bottleneck_unit (Keras) ------------------------------------------------------------------


def _bottleneck_model(unit_function):
    """Two units in a row on (16, 16, 32) feature maps, 32 filters each."""
    import keras

    inputs = keras.Input(shape=(16, 16, 32))
    net = unit_function(inputs, 32)
    net = unit_function(net, 32)
    return keras.Model(inputs, net)


def _reference_bottleneck(x, filters):
    return models.bottleneck_unit(x, filters, name=f"bottleneck{random.getrandbits(32)}")


def _bottleneck_with(second_kernel=3, narrow=0.5, add=True, order=("bn", "relu", "conv")):
    def wrong(x, filters):
        from keras import layers

        shortcut = x
        plan = [(int(x.shape[-1] * narrow), 1), (filters, second_kernel)]
        for units, kernel in plan:
            for step in order:
                if step == "bn":
                    x = layers.BatchNormalization()(x)
                elif step == "relu":
                    x = layers.Activation("relu")(x)
                else:
                    x = layers.Conv2D(units, kernel, padding="same")(x)
        return layers.Add()([shortcut, x]) if add else x

    return wrong


def _verify_bottleneck(answers):
    from deepvision.checks.architecture import check_builder

    if not callable(answers["bottleneck_unit"]):
        raise CaseFailed(f"expected a function, got {type(answers['bottleneck_unit']).__name__}")
    state = random.getstate()
    try:
        return check_builder(
            lambda: _bottleneck_model(answers["bottleneck_unit"]),
            lambda: _bottleneck_model(_reference_bottleneck),
            "bottleneck_unit",
        )
    finally:
        random.setstate(state)


BOTTLENECK_UNIT = Exercise(
    "bottleneck_unit",
    chapter="ch11",
    answers=("bottleneck_unit",),
    reference=_reference_bottleneck,
    verify=_verify_bottleneck,
    mistakes=[
        Mistake(
            "the 2nd Conv2D has kernel_size=(1, 1); expected kernel_size=(3, 3)",
            _bottleneck_with(second_kernel=1),
        ),
        Mistake("your model has no Add", _bottleneck_with(add=False)),
        Mistake(
            "the 1st Conv2D has filters=32; expected filters=16",
            _bottleneck_with(narrow=1.0),
        ),
        Mistake(
            "your Add adds the block's input and the output of Conv2D → BatchNormalization → ReLU",
            _bottleneck_with(order=("conv", "bn", "relu")),
        ),
    ],
    hints=[
        "Two pre-activation units (BatchNormalization → ReLU → Conv2D, padding='same') and an "
        "Add of the unit's input to their output.",
        "The first Conv2D is 1x1 with int(x.shape[-1] * 0.5) filters: the bottleneck. The "
        "second is 3x3 with `filters` filters, as the book's table counts it.",
    ],
    success="BN → ReLU → 1x1 (half the channels) → BN → ReLU → 3x3, added to the input",
    keras=True,
)

# -- choose_width -----------------------------------------------------------------------------

#: MACs per 32x32x3 image of ``models.mini_mobile_net(width=alpha)`` (pinned in the tests).
MOBILE_MACS = {0.25: 1_251_456, 0.5: 3_944_704, 0.75: 8_079_744, 1.0: 13_656_576}


def _mobile_macs(width):
    return MOBILE_MACS[width]


def _choose_width(macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0)):
    return max(width for width in widths if macs_of(width) <= budget)


def _smallest_fitting(macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0)):
    return min(width for width in widths if macs_of(width) <= budget)


def _first_fitting(macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0)):
    return next(width for width in widths if macs_of(width) <= budget)


def _strictly_under(macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0)):
    return max([width for width in widths if macs_of(width) < budget], default=0.0)


def _answered_in_macs(macs_of, budget, widths=(0.25, 0.5, 0.75, 1.0)):
    return macs_of(_choose_width(macs_of, budget, widths))


def _same_width(got, expected):
    return isinstance(got, (int, float, np.number)) and float(got) == float(expected)


def _width_case(widths, budget, label):
    return Case(
        _mobile_macs,
        budget,
        widths,
        label=label,
        compare=_same_width,
        message="for {label} expected width {expected}, got {got}",
    )


CHOOSE_WIDTH = Exercise(
    "choose_width",
    chapter="ch11",
    answers=("choose_width",),
    reference=_choose_width,
    cases=[
        _width_case((0.5, 0.25, 1.0, 0.75), 9_000_000, "widths (0.5, 0.25, 1.0, 0.75), 9 M MACs"),
        _width_case((0.25, 0.5, 0.75, 1.0), 13_656_576, "a budget of exactly the full network"),
        _width_case((0.25, 0.5, 0.75, 1.0), 5_000_000, "a budget of 5 M MACs"),
        _width_case((1.0, 0.75), 8_079_744, "widths (1.0, 0.75), a budget of exactly 0.75's"),
    ],
    mistakes=[
        Mistake(
            "you chose the smallest width that fits: take the largest (the most accurate one the "
            "budget allows)",
            _smallest_fitting,
        ),
        Mistake(
            "you took the first width in the list that fits: the list need not be sorted, take "
            "the largest that fits",
            _first_fitting,
        ),
        Mistake(
            "a network of exactly the budget fits it: compare with <=, not <",
            _strictly_under,
        ),
        Mistake(
            "return the width alpha, not its MACs",
            _answered_in_macs,
        ),
    ],
    hints=[
        "Keep the widths w with macs_of(w) <= budget.",
        "Return max() of those (the budgets here always admit at least one width).",
    ],
    success="the widest network within the budget",
)

EXERCISES = [DEPTHWISE_CONV2D, SEPARABLE_MACS, SEPARABLE_RATIO, BOTTLENECK_UNIT, CHOOSE_WIDTH]

check_depthwise_conv2d = DEPTHWISE_CONV2D.checker("check_depthwise_conv2d")
check_separable_macs = SEPARABLE_MACS.checker("check_separable_macs")
check_separable_ratio = SEPARABLE_RATIO.checker("check_separable_ratio")
check_bottleneck_unit = BOTTLENECK_UNIT.checker("check_bottleneck_unit")
check_choose_width = CHOOSE_WIDTH.checker("check_choose_width")
