"""The exercises of chapter 10, "Convolution arithmetic", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.cost` and :mod:`deepvision.ops`) and
the wrong answers learners give, with the hint each earns: a forgotten bias, the bias counted as
a multiply-accumulate, FLOPs where MACs are asked, the input channels dropped (the book's own
slip), the input size where the output size belongs, groups ignored, strides ignored in a
receptive field. ``tests/test_exercises.py`` turns the same declarations into the checkers'
tests.

The last exercise's reference is the counter itself (:func:`deepvision.cost.model_cost` on a
real ``keras.layers.Conv2D``), so Keras is imported only inside it.
"""

from __future__ import annotations

from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.cost import formulas
from deepvision.ops import arithmetic, receptive

# -- dense_cost -----------------------------------------------------------------------------


def _dense(n_in, units):
    layer = formulas.dense_cost(n_in, units)
    return layer.params, layer.macs


DENSE_COST = Exercise(
    "dense_cost",
    chapter="ch10",
    answers=("dense_cost",),
    reference=_dense,
    cases=[
        Case(100, 64, label="dense_cost(100, 64): the book's 100 inputs and 64 units"),
        Case(100, 256, label="dense_cost(100, 256): the book's parameter example"),
        Case(50, 10, label="dense_cost(50, 10)"),
        Case(3136, 10, label="dense_cost(3136, 10)"),
    ],
    mistakes=[
        Mistake(
            "the parameters need the bias: each of the N units has M weights and one bias, "
            "N (M + 1)",
            lambda n_in, units: (n_in * units, n_in * units),
        ),
        Mistake(
            "adding the bias is not a multiply-accumulate: the MACs are M N, the bias only "
            "appears in the parameters",
            lambda n_in, units: ((n_in + 1) * units, (n_in + 1) * units),
        ),
        Mistake(
            "you counted FLOPs (2 per multiply-accumulate); the exercise asks for MACs, M N",
            lambda n_in, units: ((n_in + 1) * units, 2 * n_in * units),
        ),
        Mistake(
            "one bias per unit, not one per input: N (M + 1), not M (N + 1)",
            lambda n_in, units: (n_in * (units + 1), n_in * units),
        ),
        Rejected(lambda n_in, units: (n_in * units, n_in + units), says="dense_cost(100, 64)"),
    ],
    hints=[
        "Return a pair (params, macs).",
        "Each unit computes one weighted sum of the M inputs: M multiply-accumulates, M weights "
        "and one bias.",
    ],
    success="params N (M + 1), MACs M N",
)

# -- conv_macs ------------------------------------------------------------------------------


def _conv_macs(kernel_size, in_channels, out_size, filters):
    return kernel_size * kernel_size * in_channels * out_size * out_size * filters


CONV_MACS = Exercise(
    "conv_macs",
    chapter="ch10",
    answers=("conv_macs",),
    reference=_conv_macs,
    cases=[
        Case(3, 3, 222, 64, label="conv_macs(3, 3, 222, 64): the book's first layer"),
        Case(4, 64, 111, 64, label="conv_macs(4, 64, 111, 64): the book's second layer"),
        Case(1, 256, 14, 64, label="conv_macs(1, 256, 14, 64): a 1x1 convolution"),
        Case(5, 16, 10, 32, label="conv_macs(5, 16, 10, 32)"),
    ],
    mistakes=[
        Mistake(
            "you left out the input channels, as the book does in its first layer: one output "
            "value is a dot product over K x K x C_in numbers, K K C_in H W C_out",
            lambda k, c_in, size, c_out: k * k * size * size * c_out,
        ),
        Mistake(
            "you counted FLOPs (2 per multiply-accumulate); the exercise asks for MACs",
            lambda k, c_in, size, c_out: 2 * _conv_macs(k, c_in, size, c_out),
        ),
        Mistake(
            "the bias is an addition, not a multiply-accumulate: K K C_in per output value, not "
            "K K C_in + 1",
            lambda k, c_in, size, c_out: (k * k * c_in + 1) * size * size * c_out,
        ),
        Mistake(
            "the output has H x W positions: multiply by the output size twice (height and width)",
            lambda k, c_in, size, c_out: k * k * c_in * size * c_out,
        ),
    ],
    hints=[
        "One output value is a dot product of the K x K x C_in kernel with a K x K x C_in patch.",
        "There are H_out x W_out x C_out output values.",
    ],
    success="K K C_in H_out W_out C_out multiply-accumulates",
)

# -- conv_params ----------------------------------------------------------------------------


def _conv_params(kernel_size, in_channels, filters, groups=1):
    return (kernel_size * kernel_size * in_channels // groups + 1) * filters


CONV_PARAMS = Exercise(
    "conv_params",
    chapter="ch10",
    answers=("conv_params",),
    reference=_conv_params,
    cases=[
        Case(3, 128, 256, label="conv_params(3, 128, 256): the book's example"),
        Case(3, 3, 64, label="conv_params(3, 3, 64)"),
        Case(4, 64, 64, label="conv_params(4, 64, 64)"),
        Case(3, 32, 64, 4, label="conv_params(3, 32, 64, groups=4)"),
        Case(1, 64, 128, 2, label="conv_params(1, 64, 128, groups=2)"),
    ],
    mistakes=[
        Mistake(
            "you forgot the bias, as the book does: every filter has one, (K K C_in / g + 1) C_out",
            lambda k, c_in, c_out, groups=1: k * k * c_in // groups * c_out,
        ),
        Mistake(
            "with groups, each filter only sees C_in / g input channels: its kernel is "
            "K x K x (C_in / g)",
            lambda k, c_in, c_out, groups=1: (k * k * c_in + 1) * c_out,
        ),
        Mistake(
            "groups shrink each filter's kernel, not the number of biases: there are still "
            "C_out filters, each with its own bias",
            lambda k, c_in, c_out, groups=1: (k * k * c_in + 1) * c_out // groups,
        ),
        Mistake(
            "one bias per filter, not one per input channel: (K K C_in + 1) C_out, not "
            "K K (C_in + 1) C_out",
            lambda k, c_in, c_out, groups=1: k * k * (c_in // groups + 1) * c_out,
        ),
    ],
    hints=[
        "A filter is a K x K x (C_in / groups) block of weights plus one bias.",
        "There are C_out filters; with groups=1 that is the ungrouped formula.",
    ],
    success="(K K C_in / g + 1) C_out parameters",
)

# -- stack_macs (the book's two-layer example) ----------------------------------------------


def _stack_macs_with(rule):
    """MACs of each layer of a stack; ``rule(k, c_in, size_in, size_out, c_out, first)``."""

    def stack(input_size, in_channels, layers):
        size, channels, macs = input_size, in_channels, []
        for index, (filters, kernel_size, stride, padding) in enumerate(layers):
            out = arithmetic.conv_output_size(size, kernel_size, stride, padding)
            macs.append(rule(kernel_size, channels, size, out, filters, index == 0))
            size, channels = out, filters
        return macs

    return stack


_stack_macs = _stack_macs_with(lambda k, c, h, out, f, first: k * k * c * out * out * f)


def _stack_not_chained(input_size, in_channels, layers):
    macs, channels = [], in_channels
    for filters, kernel_size, stride, padding in layers:
        out = arithmetic.conv_output_size(input_size, kernel_size, stride, padding)
        macs.append(kernel_size * kernel_size * channels * out * out * filters)
        channels = filters
    return macs


_BOOK_STACK = [(64, 3, 1, 0), (64, 4, 2, 1)]

STACK_MACS = Exercise(
    "stack_macs",
    chapter="ch10",
    answers=("stack_macs",),
    reference=_stack_macs,
    cases=[
        Case(
            224,
            3,
            _BOOK_STACK,
            label="the book's example: 224x224x3, Conv2D(64, 3) then Conv2D(64, 4, stride 2, "
            "padding 1)",
        ),
        Case(
            32,
            3,
            [(16, 3, 1, 1), (32, 3, 2, 1), (32, 3, 1, 0)],
            label="32x32x3 through 3x3 convolutions of 16, 32 (stride 2) and 32 filters",
        ),
        Case(
            28,
            1,
            [(8, 5, 1, 0), (16, 2, 2, 0), (4, 1, 1, 0)],
            label="28x28x1 through a 5x5, a 2x2 (stride 2) and a 1x1 convolution",
        ),
    ],
    mistakes=[
        Mistake(
            "the first layer's kernels span the image's C_in channels: its MACs are "
            "K K C_in H W C_out with C_in = 3 for an RGB image (the book drops this factor)",
            _stack_macs_with(
                lambda k, c, h, out, f, first: k * k * (1 if first else c) * out * out * f
            ),
        ),
        Mistake(
            "each layer's input is the previous layer's output: chain the sizes (222 after "
            "the first layer of the book's example, not 224)",
            _stack_not_chained,
        ),
        Mistake(
            "count the output positions, not the input's: H_out W_out = ((H + 2P - K) // S + "
            "1) squared",
            _stack_macs_with(lambda k, c, h, out, f, first: k * k * c * h * h * f),
        ),
        Mistake(
            "each layer's input channels are the previous layer's filters: after the first "
            "layer, C_in is its C_out",
            _stack_macs_with(
                lambda k, c, h, out, f, first: k * k * (c if first else 3) * out**2 * f
            ),
        ),
        Rejected(
            lambda input_size, in_channels, layers: [
                sum(_stack_macs(input_size, in_channels, layers))
            ],
            says="returned shape",
        ),
    ],
    hints=[
        "Return a list: one number of MACs per layer.",
        "For each layer: its output size from chapter 06's rule, (W + 2P - K) // S + 1, then "
        "K K C_in H_out W_out C_out.",
        "Then the output becomes the next layer's input: its size, and C_out as the new C_in.",
    ],
    success="each layer's MACs, sizes and channels chained",
)

# -- receptive_field_size -------------------------------------------------------------------


def _receptive_size(layers):
    return receptive.receptive_field_size(layers)


def _receptive_with(grow):
    """r after each layer from ``grow(r, k, s, d, jump) -> (r, jump)``."""

    def size(layers):
        r, jump = 1, 1
        for kernel_size, stride, dilation in layers:
            r, jump = grow(r, kernel_size, stride, dilation, jump)
        return r

    return size


RECEPTIVE_FIELD_SIZE = Exercise(
    "receptive_field_size",
    chapter="ch10",
    answers=("receptive_field_size",),
    reference=_receptive_size,
    cases=[
        Case([(3, 1, 1)] * 3, label="three 3x3 convolutions, stride 1"),
        Case(
            [(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)],
            label="a 7x7 stride-2 convolution, a 3x3 stride-2 pool, two 3x3 convolutions",
        ),
        Case([(3, 1, 1), (3, 1, 2), (3, 1, 4)], label="3x3 convolutions dilated 1, 2 and 4"),
        Case([(2, 2, 1)] * 3, label="three 2x2 poolings, stride 2"),
        Case(
            [(5, 1, 1), (2, 2, 1), (3, 1, 2), (3, 2, 1), (3, 1, 1)],
            label="5x5, a 2x2 pool, a 3x3 dilated 2, a 3x3 stride 2, a 3x3",
        ),
    ],
    mistakes=[
        Mistake(
            "strides matter: after a stride-S layer, one step of the layer above covers S input "
            "pixels, so each later layer adds (K - 1) times the product of the strides below it",
            _receptive_with(lambda r, k, s, d, j: (r + d * (k - 1), 1)),
        ),
        Mistake(
            "a layer's own stride does not widen its own field: it multiplies what the layers "
            "*above* it add; update the jump after growing r",
            _receptive_with(lambda r, k, s, d, j: (r + d * (k - 1) * j * s, j * s)),
        ),
        Mistake(
            "a kernel of K dilated by D spans D (K - 1) + 1 pixels: use that for K",
            _receptive_with(lambda r, k, s, d, j: (r + (k - 1) * j, j * s)),
        ),
    ],
    hints=[
        "Start from r = 1 and jump = 1 (one input pixel, neighbours one pixel apart).",
        "Each layer adds (K_eff - 1) x jump to r, with K_eff = D (K - 1) + 1; then multiply the "
        "jump by the layer's stride.",
    ],
    success="r grows by (K_eff - 1) x jump, the jump by each stride",
)

# -- conv2d_cost, checked against the counter ------------------------------------------------


def _counted(input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1):
    """The counter on a real Keras Conv2D: (params, MACs)."""
    import keras

    from deepvision import cost

    model = keras.Sequential(
        [
            keras.Input((input_size, input_size, in_channels)),
            keras.layers.Conv2D(
                filters, kernel_size, strides=stride, padding=padding, groups=groups
            ),
        ]
    )
    counted = cost.model_cost(model)
    return counted.params, counted.macs


def _ignoring_groups_in_macs(
    input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1
):
    right = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, padding, groups
    )
    return right.params, right.macs * groups


def _ignoring_groups(
    input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1
):
    layer = formulas.conv2d_cost(input_size, in_channels, filters, kernel_size, stride, padding)
    return layer.params, layer.macs


def _input_positions(
    input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1
):
    right = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, padding, groups
    )
    return right.params, kernel_size**2 * in_channels // groups * input_size**2 * filters


def _always_valid(
    input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1
):
    layer = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, "valid", groups
    )
    return layer.params, layer.macs


def _floor_same(input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1):
    right = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, padding, groups
    )
    if padding != "same":
        return right.params, right.macs
    out = input_size // stride
    return right.params, kernel_size**2 * in_channels // groups * out * out * filters


def _without_bias(
    input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1
):
    layer = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, padding, groups, use_bias=False
    )
    return layer.params, layer.macs


def _flops(input_size, in_channels, filters, kernel_size, stride=1, padding="valid", groups=1):
    layer = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, padding, groups
    )
    return layer.params, 2 * layer.macs


def _cost_case(*args, label):
    return Case(
        *args,
        label=label,
        message="for {label} the counter says (params, MACs) = {expected}, got {got}",
    )


CONV2D_COST = Exercise(
    "conv2d_cost",
    chapter="ch10",
    answers=("conv2d_cost",),
    reference=_counted,
    cases=[
        _cost_case(224, 3, 64, 3, label="Conv2D(64, 3) on 224x224x3 (the book's first layer)"),
        _cost_case(
            56, 64, 128, 3, 2, "same", label="Conv2D(128, 3, strides=2, padding='same') on 56x56x64"
        ),
        _cost_case(
            15,
            32,
            64,
            3,
            2,
            "same",
            4,
            label="Conv2D(64, 3, strides=2, padding='same', groups=4) on 15x15x32",
        ),
        _cost_case(
            17,
            8,
            16,
            5,
            3,
            "valid",
            2,
            label="Conv2D(16, 5, strides=3, groups=2) on 17x17x8",
        ),
    ],
    mistakes=[
        Mistake(
            "'same' gives ceil(W / S) outputs, not W // S: a last, partial window still counts",
            _floor_same,
        ),
        Mistake(
            "padding='same' keeps ceil(W / S) positions; you used the 'valid' size for both",
            _always_valid,
        ),
        Mistake(
            "count the output positions (after the stride), not the input's: "
            "K K (C_in / g) H_out W_out C_out",
            _input_positions,
        ),
        Mistake(
            "with groups, each output value sums over C_in / g channels only: the MACs shrink "
            "by g as the parameters do",
            _ignoring_groups_in_macs,
        ),
        Mistake(
            "groups split the channels: each filter sees C_in / g of them, so both the "
            "parameters and the MACs are divided by g (but the biases are not)",
            _ignoring_groups,
        ),
        Mistake(
            "the counter counts every filter's bias in the parameters: (K K C_in / g + 1) C_out",
            _without_bias,
        ),
        Mistake(
            "you counted FLOPs (2 per multiply-accumulate); the counter's .macs counts MACs",
            _flops,
        ),
    ],
    hints=[
        "Return (params, macs). First the output size, chapter 06's rule for 'valid' and "
        "'same', with the stride.",
        "Each filter has K x K x (C_in / groups) weights and a bias; each output value costs "
        "K K (C_in / groups) MACs.",
    ],
    success="the same (params, MACs) as the counter on a real Conv2D",
    keras=True,
)

EXERCISES = [DENSE_COST, CONV_MACS, CONV_PARAMS, STACK_MACS, RECEPTIVE_FIELD_SIZE, CONV2D_COST]

check_dense_cost = DENSE_COST.checker("check_dense_cost")
check_conv_macs = CONV_MACS.checker("check_conv_macs")
check_conv_params = CONV_PARAMS.checker("check_conv_params")
check_stack_macs = STACK_MACS.checker("check_stack_macs")
check_receptive_field_size = RECEPTIVE_FIELD_SIZE.checker("check_receptive_field_size")
check_conv2d_cost = CONV2D_COST.checker("check_conv2d_cost")
