"""The builders' convention: blocks name every layer from their prefix, networks are functions
returning a keras.Model whose layers carry the network's name, parameter counts are pinned."""

import pytest

from deepvision import models
from deepvision.models import blocks

pytestmark = pytest.mark.keras  # every test here builds Keras models

#: Every network of the course and its parameter count (a change to an architecture shows here).
NETWORKS = {
    "mlp_sequential": (models.mlp_sequential, {}, 134_794),
    "mlp_functional": (models.mlp_functional, {}, 134_794),
    "mnist_cnn": (models.mnist_cnn, {}, 509_898),
}

#: Every block, how to call it on an (8, 8, 4) input, and its parameter count.
BLOCKS = {
    "conv_bn_relu": (blocks.conv_bn_relu, {"filters": 8}, 3 * 3 * 4 * 8 + 4 * 8),
    "preact_conv": (blocks.preact_conv, {"filters": 8}, 4 * 4 + 3 * 3 * 4 * 8 + 8),
    "residual_block (identity)": (blocks.residual_block, {"filters": 4}, 2 * (144 + 16)),
    "residual_block (projection)": (
        blocks.residual_block,
        {"filters": 8, "strides": 2},
        (3 * 3 * 4 * 8 + 32) + (3 * 3 * 8 * 8 + 32) + (4 * 8 + 32),
    ),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_every_network_is_a_function_returning_a_named_model_with_a_pinned_count(keras, name):
    build, kwargs, params = NETWORKS[name]
    model = build(**kwargs)
    assert isinstance(model, keras.Model)
    assert model.count_params() == params
    prefix = model.name
    unnamed = [layer.name for layer in model.layers if not layer.name.startswith(prefix)]
    assert not unnamed, f"{name}: layers not named from {prefix!r}: {unnamed}"


@pytest.mark.parametrize("name", BLOCKS)
def test_every_block_names_each_layer_from_its_prefix(keras, name):
    block, kwargs, params = BLOCKS[name]
    x = keras.Input((8, 8, 4), name="outside")
    model = keras.Model(x, block(x, name="stage1_block1", **kwargs))
    inside = [layer for layer in model.layers if layer.name != "outside"]
    assert inside, "the block made no layers"
    strays = [layer.name for layer in inside if not layer.name.startswith("stage1_block1_")]
    assert not strays, f"{name}: layers not named from the prefix: {strays}"
    assert model.count_params() == params


def test_the_residual_block_projects_only_when_the_shape_changes(keras):
    x = keras.Input((8, 8, 4))
    identity = keras.Model(x, blocks.residual_block(x, 4, name="same"))
    projected = keras.Model(x, blocks.residual_block(x, 8, strides=2, name="down"))
    assert not any("shortcut" in layer.name for layer in identity.layers)
    assert tuple(projected.outputs[0].shape[1:]) == (4, 4, 8)
    shortcut = projected.get_layer("down_shortcut_conv")
    assert shortcut.kernel_size == (1, 1) and shortcut.strides == (2, 2)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda keras: blocks.conv_bn_relu(keras.Input((8,)), 4), r"x: expected a Keras tensor"),
        (lambda keras: blocks.preact_conv(keras.Input((8, 8, 3)), 0), r"filters: expected an"),
        (lambda keras: blocks.residual_block(keras.Input((8, 8, 3)), 4, strides=0), r"strides:"),
        (lambda keras: blocks.conv_bn_relu(keras.Input((8, 8, 3)), 4, name=""), r"name: expected"),
        (lambda keras: blocks.conv_bn_relu(keras.Input((8, 8, 3)), 4, (3, 0)), r"kernel_size:"),
    ],
)
def test_bad_arguments_are_named(keras, call, words):
    with pytest.raises(ValueError, match=words):
        call(keras)
