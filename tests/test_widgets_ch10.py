"""The pure functions under the chapter 10 cost calculator, cost.bottleneck_cost, and that the
widget builds and redraws.

Oracles: the counter (``cost.model_cost``) on the real Keras layers of each design, and the hand
formulas of the chapter.
"""

import pytest

from deepvision import cost
from deepvision.widgets import ch10

SIZES = [
    (56, 64, 128, 3, 1, 1, 4),
    (32, 32, 64, 5, 2, 4, 2),
    (15, 48, 24, 3, 2, 8, 16),
    (7, 8, 8, 1, 1, 2, 4),
]


def _designs_in_keras(keras, size, c_in, c_out, kernel, stride, groups, reduction):
    layers = keras.layers
    squeezed = max(1, c_in // reduction)

    def model(*stack):
        return keras.Sequential([keras.Input((size, size, c_in)), *stack])

    return {
        "standard": model(layers.Conv2D(c_out, kernel, stride, "same", groups=groups)),
        "depthwise separable": model(layers.SeparableConv2D(c_out, kernel, stride, "same")),
        "bottleneck": model(
            layers.Conv2D(squeezed, 1), layers.Conv2D(c_out, kernel, stride, "same")
        ),
    }


@pytest.mark.keras
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_calculator_agrees_with_the_counter_on_real_layers(keras, sizes):
    state = ch10.calculator_state(*sizes)
    assert list(state["designs"]) == list(ch10.DESIGNS)
    for name, model in _designs_in_keras(keras, *sizes).items():
        counted = cost.model_cost(model)
        layer = state["designs"][name]
        assert (layer.params, layer.macs) == (counted.params, counted.macs), name
        assert layer.params == model.count_params(), name
        assert state["output_size"] == tuple(model.output_shape[1:3])
    standard = state["designs"]["standard"].macs
    for name, ratio in state["ratios"].items():
        assert ratio == state["designs"][name].macs / standard


def test_hand_formulas_and_the_separable_ratio():
    state = ch10.calculator_state(56, 64, 128, 3, 1, 1, 4)
    h = w = 56
    assert state["designs"]["standard"].macs == 3 * 3 * 64 * h * w * 128
    assert state["designs"]["bottleneck"].macs == 64 * 16 * h * w + 3 * 3 * 16 * h * w * 128
    assert state["bottleneck_channels"] == 16
    # depthwise separable over standard: 1 / C_out + 1 / K^2
    assert state["ratios"]["depthwise separable"] == pytest.approx(1 / 128 + 1 / 9)
    assert ch10.calculator_state(56, 8, 8, 3, reduction=16)["bottleneck_channels"] == 1


def test_bottleneck_cost_by_hand_and_bad_input():
    layer = cost.bottleneck_cost(28, 256, 256, 64, kernel_size=3, stride=2)
    assert layer.params == (256 + 1) * 64 + (9 * 64 + 1) * 256
    assert layer.macs == 256 * 64 * 28 * 28 + 9 * 64 * 14 * 14 * 256
    assert layer.output_size == (14, 14)
    with pytest.raises(ValueError, match="bottleneck_channels"):
        cost.bottleneck_cost(28, 256, 256, 0)
    with pytest.raises(ValueError, match="in_channels"):
        cost.bottleneck_cost(28, -1, 256, 4)


@pytest.mark.parametrize(
    "args, match",
    [
        ((56, 64, 128, 3, 1, 3, 4), "groups: expected a divisor of in_channels = 64, got 3"),
        ((56, 64, 100, 3, 1, 8, 4), "groups: expected a divisor of filters = 100, got 8"),
        ((0, 64, 128), "input_size"),
        ((56, 64, 128, 3, 0), "stride"),
        ((56, 64, 128, 3, 1, 1, 0), "reduction"),
    ],
)
def test_bad_sizes_are_named(args, match):
    with pytest.raises(ValueError, match=match):
        ch10.calculator_state(*args)


def test_widget_builds_and_redraws():
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    calculator = ch10.cost_calculator()
    assert calculator.drawn["stride"] == 1
    calculator.controls["stride"].value = 2
    assert calculator.drawn["stride"] == 2
    calculator.controls["groups"].value = 3  # 3 does not divide 64: a message, not an error
    assert calculator.drawn["groups"] == 3
    calculator.controls["groups"].value = 4
    calculator.controls["kernel_size"].value = 5
    assert calculator.drawn == {
        "input_size": 56,
        "in_channels": 64,
        "filters": 128,
        "kernel_size": 5,
        "stride": 2,
        "groups": 4,
        "reduction": 4,
    }
