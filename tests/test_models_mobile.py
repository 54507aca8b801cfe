"""The chapter-11 builders: the book's mini mobile network and its standard twin, the width
multiplier, the bottleneck unit and MobileNetV2's inverted residual. Parameter counts and MACs
pinned; a unit's MACs equal the book's tables at 112x112x32; the inverted residual has the
parameters of keras.applications.MobileNetV2's own blocks."""

import numpy as np
import pytest

from deepvision import cost
from deepvision.models import mobile

# (parameters, MACs per 32x32x3 image), counted by deepvision.cost and equal to count_params()
PINNED = {
    "mobile": ({}, 287_754, 13_656_576),
    "standard twin": ({"standard": True}, 2_037_354, 94_996_992),
    "width 0.5": ({"width": 0.5}, 78_858, 3_944_704),
}


@pytest.mark.parametrize("network", list(PINNED))
def test_parameters_and_macs_are_pinned(keras, network):
    kwargs, params, macs = PINNED[network]
    model = mobile.mini_mobile_net(**kwargs)
    counted = cost.model_cost(model)
    assert model.count_params() == counted.params == params
    assert counted.macs == macs and counted.complete
    assert model.output_shape == (None, 10)


def test_layers_are_named_and_the_book_stages_kept(keras):
    model = mobile.mini_mobile_net(name="net")
    assert all(layer.name.startswith("net_") for layer in model.layers)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("DepthwiseConv2D") == 11  # 2 + 3 + 3 + 3 units
    assert kinds.count("MaxPooling2D") == 3 and kinds.count("Add") == 11
    assert model.get_layer("net_stage4_unit3_pointwise").output.shape[1:] == (4, 4, 256)
    twin = mobile.mini_mobile_net(standard=True)
    twin_kinds = [type(layer).__name__ for layer in twin.layers]
    assert "DepthwiseConv2D" not in twin_kinds
    assert twin.get_layer("mini_mobile_stage2_unit1_conv3x3").kernel.shape == (3, 3, 32, 32)


def _unit_cost(keras, block, **kwargs):
    inputs = keras.Input((112, 112, 32))
    return cost.model_cost(keras.Model(inputs, block(inputs, 32, **kwargs)))


def test_unit_macs_are_the_books_tables(keras):
    # the book's "using depthwise separable convolutions" and "using standard convolutions"
    assert _unit_cost(keras, mobile.mobile_unit).macs == 3_612_672 + 12_845_056 == 16_457_728
    assert _unit_cost(keras, mobile.mobile_unit, standard=True).macs == 128_450_560
    # the book's bottleneck table: 1x1 to 16 filters, then the 3x3 to 32
    assert _unit_cost(keras, mobile.bottleneck_unit).macs == 6_422_528 + 57_802_752
    expanded = _unit_cost(keras, mobile.bottleneck_unit, expand=True)
    assert expanded.macs == 112 * 112 * (32 * 16 + 9 * 16 * 16 + 16 * 32)


def test_width_multiplier_scales_every_layer(keras):
    model = mobile.mini_mobile_net(width=0.25)
    assert model.get_layer("mini_mobile_stem").filters == 8
    assert model.get_layer("mini_mobile_stage4_unit1_pointwise").filters == 64
    macs = [cost.model_cost(mobile.mini_mobile_net(width=w)).macs for w in (0.5, 1.0)]
    assert 3.0 < macs[1] / macs[0] < 4.0  # about alpha squared: the 1x1s dominate


def test_pooling_unit_halves_and_the_shortcut_projects(keras):
    inputs = keras.Input((16, 16, 8))
    out = mobile.mobile_unit(inputs, 12, pool=True, name="u")
    model = keras.Model(inputs, out)
    assert out.shape[1:] == (8, 8, 12)
    shortcut = model.get_layer("u_shortcut")
    assert shortcut.strides == (2, 2) and shortcut.kernel_size == (1, 1)
    x = np.random.default_rng(0).normal(size=(2, 16, 16, 8)).astype("float32")
    assert np.asarray(model(x)).shape == (2, 8, 8, 12)


@pytest.mark.parametrize(
    "block, kwargs, shape, expected_params",
    [
        ("block_1_", {"filters": 24, "strides": 2}, (112, 112, 16), 5_568),
        ("block_2_", {"filters": 24, "strides": 1}, (56, 56, 24), 9_456),
        ("expanded_conv_", {"filters": 16, "expansion": 1}, (112, 112, 32), 992),
    ],
)
def test_inverted_residual_matches_keras_mobilenet_v2(keras, block, kwargs, shape, expected_params):
    reference = keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3))
    theirs = sum(layer.count_params() for layer in reference.layers if layer.name.startswith(block))
    inputs = keras.Input(shape)
    out = mobile.inverted_residual(inputs, name="b", **kwargs)
    model = keras.Model(inputs, out)
    assert model.count_params() == theirs == expected_params
    has_add = any(type(layer).__name__ == "Add" for layer in model.layers)
    assert has_add == any(layer.name == f"{block}add" for layer in reference.layers)
    stride = kwargs.get("strides", 1)
    assert out.shape[1:] == (shape[0] // stride, shape[1] // stride, kwargs["filters"])


def test_bad_arguments_name_what_is_wrong(keras):
    inputs = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match="filters: without pool the shortcut is the identity"):
        mobile.mobile_unit(inputs, 8)
    with pytest.raises(ValueError, match="filters"):
        mobile.mobile_unit(inputs, 0, pool=True)
    with pytest.raises(ValueError, match="reduction: 0.1 of 4 input channels"):
        mobile.bottleneck_unit(inputs, 4, reduction=0.1)
    with pytest.raises(ValueError, match="strides"):
        mobile.inverted_residual(inputs, 4, strides=3)
    with pytest.raises(ValueError, match="width"):
        mobile.mini_mobile_net(width=0)
    with pytest.raises(ValueError, match="x: expected a Keras tensor"):
        mobile.mobile_unit(np.zeros((8, 8)), 4)
