"""Chapter 09's widgets over their pure functions: the block table adds up to the model's
parameters; the graph picture is drawn with Graphviz, and without `dot` the explorer says so in
one sentence and still shows the table; the gradient norms equal a plain GradientTape over the
whole model, vanish in the plain stack and not in the residual one; the feature maps are the
layer's output; the sliders redraw."""

import os

import numpy as np
import pytest

from deepvision import models
from deepvision.widgets import ch09


def test_block_names():
    assert ch09.block_name("conv2_block1_1_conv") == "conv2_block1"
    assert ch09.block_name("block3_conv2") == "block3"
    assert ch09.block_name("mini_resnet_stage2_module1_se_reduce", "mini_resnet") == (
        "stage2_module1"
    )
    assert ch09.block_name("lenet5_fc1", "lenet5") == "fc1"
    assert ch09.block_name("mini_densenet_block2_layer3_conv", "mini_densenet") == "block2"


@pytest.mark.parametrize("network", ["LeNet-5", "mini ResNet (the book's)", "mini DenseNet"])
def test_block_rows_add_up(keras, network):
    model = ch09.build(network)
    rows = ch09.block_rows(model)
    assert sum(row["params"] for row in rows) == model.count_params()
    assert np.isclose(sum(row["share"] for row in rows), 1.0)
    assert rows[-1]["output_shape"] == model.output_shape[1:]
    assert "total" in ch09.rows_html(rows, model.count_params())


def test_lenet_rows_are_its_layers(keras):
    rows = ch09.block_rows(ch09.build("LeNet-5"))
    assert [row["block"] for row in rows] == [
        "conv1",
        "pool1",
        "conv2",
        "pool2",
        "flatten",
        "fc1",
        "fc2",
        "predictions",
    ]
    assert [row["params"] for row in rows if row["params"]] == [156, 2416, 48120, 10164, 850]


def test_unknown_network_is_named():
    with pytest.raises(ValueError, match="network: expected one of LeNet-5"):
        ch09.build("LeNet-4")


def test_graph_picture_with_graphviz(keras, tmp_path):
    if ch09.graphviz_missing():
        pytest.skip("pydot or Graphviz is missing here (make graphviz installs dot)")
    png, message = ch09.graph_picture(ch09.build("LeNet-5"), tmp_path / "g.png")
    assert message is None and png[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_dot_the_explorer_says_so_and_shows_the_table(keras, monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)  # no directory holds `dot`
    message = ch09.graphviz_missing()
    assert message is not None and "Graphviz" in message and message.count(".") == 1
    explorer = ch09.architecture_explorer("LeNet-5")
    assert explorer.shown["message"] == message
    assert sum(row["params"] for row in explorer.shown["rows"]) == 61_706


def test_explorer_moves(keras):
    explorer = ch09.architecture_explorer("LeNet-5")
    explorer.controls["network"].value = "mini GoogLeNet"
    assert explorer.shown["network"] == "mini GoogLeNet"
    assert sum(row["params"] for row in explorer.shown["rows"]) == 132_122


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(8, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, 8)


def test_gradient_norms_equal_a_tape_over_the_whole_model(tf, batch):
    images, labels = batch
    model = models.depth_stack(3, True, seed=5)
    with tf.GradientTape() as tape:
        probs = model(images.astype("float32") / 255.0)
        loss = tf.keras.losses.SparseCategoricalCrossentropy()(labels, probs)
    kernels = [layer.kernel for layer in model.layers if type(layer).__name__ == "Conv2D"]
    expected = [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
    got = models.gradient_norms(3, True, images, labels, stack=model)
    np.testing.assert_allclose(got["norms"], expected, rtol=1e-4)
    longer = models.depth_stack(6, True, seed=5)  # the first 3 blocks of a longer twin agree
    np.testing.assert_allclose(
        models.gradient_norms(3, True, images, labels, stack=longer)["norms"], expected, rtol=1e-4
    )


def test_plain_gradients_vanish_and_residual_ones_do_not(keras, batch):
    images, labels = batch
    stacks = {k: models.depth_stack(10, k == "residual", seed=0) for k in ("plain", "residual")}
    curves = ch09.gradient_flow_curves(10, images, labels, stacks)
    plain, residual = curves["plain"]["norms"], curves["residual"]["norms"]
    assert len(plain) == len(residual) == 21
    assert plain[0] < 1e-3 * residual[0]
    assert residual.min() > 1e-2 * residual.max()


def test_gradient_norms_refuse_a_wrong_stack(keras, batch):
    images, labels = batch
    with pytest.raises(ValueError, match="stack: expected a residual depth_stack of at least 4"):
        models.gradient_norms(4, True, images, labels, stack=models.depth_stack(2, True))
    with pytest.raises(ValueError, match="labels"):
        models.gradient_norms(2, True, images, labels[:3])


def test_gradient_flow_slider_redraws(keras, batch):
    images, labels = batch
    widget = ch09.gradient_flow(images, labels, depth=2)
    widget.controls["depth"].value = 3
    assert widget.drawn == {"depth": 3}
    assert ch09.DEPTHS[1] <= 12  # one redraw is two eager passes of at most 25 convolutions


def test_feature_maps_are_the_layers_output(keras, batch):
    images, _ = batch
    model = models.depth_stack(2, True, seed=1)
    name = ch09.conv_layers(model)[1]
    probe = keras.Model(model.inputs[0], model.get_layer(name).output)
    expected = np.asarray(probe(images[:1].astype("float32") / 255.0))[0]
    np.testing.assert_allclose(ch09.feature_maps(model, images[0], name), expected, rtol=1e-5)
    viewer = ch09.feature_map_viewer(model, images[0])
    viewer.controls["layer_index"].value = 3
    assert viewer.drawn == {"layer_index": 3}
    with pytest.raises(ValueError, match="layer_name"):
        ch09.feature_maps(model, images[0], "nope")
    with pytest.raises(ValueError, match="image"):
        ch09.feature_maps(model, images, name)
