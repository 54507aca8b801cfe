"""The pure functions under the chapter 06 widgets, and that each widget builds and redraws."""

import numpy as np
import pytest

from deepvision import ops
from deepvision.ops import arithmetic, filters
from deepvision.widgets import ch06


def test_parse_and_format_kernel_round_trip():
    for kernel in filters.KERNELS.values():
        np.testing.assert_allclose(ch06.parse_kernel(ch06.format_kernel(kernel)), kernel, rtol=1e-5)
    np.testing.assert_allclose(ch06.parse_kernel("1/9 1/9 1/9\n1/9,1/9,1/9; 1/9 1/9 1/9"), 1 / 9)


@pytest.mark.parametrize(
    "text, match",
    [
        ("1 2 3; 4 5 6", "expected 3 rows"),
        ("1 2; 3 4; 5 6", "expected 3 rows"),
        ("1 2 x; 1 2 3; 1 2 3", "'x' is not a number"),
        ("1/0 1 1; 1 1 1; 1 1 1", "'1/0' is not a number"),
    ],
)
def test_parse_kernel_rejects_bad_text(text, match):
    with pytest.raises(ValueError, match=match):
        ch06.parse_kernel(text)


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_explorer_output_size_follows_the_formula(stride, padding):
    image = ch06.explorer_image()
    state = ch06.explorer_state(image, filters.KERNELS["sobel x"], stride, padding)
    expected = arithmetic.output_size(7, 3, stride, padding)
    assert state["out_shape"] == (expected, expected)
    assert state["positions"] == expected**2
    full = ops.conv2d(
        image[None, :, :, None], filters.SOBEL_X[:, :, None, None], None, stride, padding
    )[0, :, :, 0]
    np.testing.assert_allclose(state["output"], full)


def test_explorer_every_position_computes_its_cell():
    image = np.random.default_rng(0).normal(size=(6, 7))
    kernel = np.random.default_rng(1).normal(size=(3, 3))
    for padding in ("valid", "same"):
        for stride in (1, 2):
            first = ch06.explorer_state(image, kernel, stride, padding)
            for position in range(first["positions"]):
                state = ch06.explorer_state(image, kernel, stride, padding, position)
                i, j = state["cell"]
                assert state["value"] == pytest.approx(state["output"][i, j])
                np.testing.assert_allclose(state["products"], state["patch"] * kernel)
                assert np.count_nonzero(~np.isnan(state["filled"])) == position + 1


def test_explorer_same_padding_puts_the_odd_zero_bottom_right():
    state = ch06.explorer_state(np.ones((6, 6)), np.ones((3, 3)), 2, "same")
    assert state["pads"] == (0, 1, 0, 1)
    assert state["padded"].shape == (7, 7)


def test_explorer_clips_position_and_shows_the_book_line_detector():
    image = np.array([[200.0, 200.0, 200.0], [0.0, 0.0, 200.0], [0.0, 0.0, 200.0]])
    state = ch06.explorer_state(image, filters.BOOK_LINE_DETECTOR, 1, "valid", position=99)
    assert state["position"] == 3
    first = ch06.explorer_state(image, filters.BOOK_LINE_DETECTOR, 1, "valid", position=0)
    assert first["value"] == 600.0


@pytest.mark.parametrize("pool_size, stride", [(2, None), (2, 1), (3, 2), (3, 3), (4, 2)])
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling_state(pool_size, stride, mode):
    x = ch06.pooling_example(8)
    state = ch06.pooling_state(x, pool_size, stride, mode)
    step = stride or pool_size
    reduce = np.max if mode == "max" else np.mean
    expected = [reduce(x[r : r + pool_size, c : c + pool_size]) for r, c in state["windows"]]
    np.testing.assert_allclose(state["output"].ravel(), expected)
    assert state["overlap"] == (step < pool_size)
    out = arithmetic.output_size(8, pool_size, step, "valid")
    assert state["output"].shape == (out, out)
    assert state["dropped"] == (8 - ((out - 1) * step + pool_size),) * 2
    with pytest.raises(ValueError, match="mode"):
        ch06.pooling_state(x, pool_size, stride, "median")


def test_gallery_images_on_the_cat():
    from deepvision import data

    cat = data.sample_image("chelsea", gray=True)[:80, :100]
    panels = ch06.gallery_images(cat, filters.SOBEL_Y, blur_size=3)
    np.testing.assert_allclose(panels["original"], cat)
    np.testing.assert_allclose(panels["Sobel magnitude"], filters.gradient_magnitude(cat))
    np.testing.assert_allclose(panels["custom"], filters.filter2d(cat, filters.SOBEL_Y, "same"))
    blurred = panels["blur 3x3"]
    assert blurred.shape == cat.shape and blurred[1:-1, 1:-1].std() < cat.std()


def test_widgets_build_and_redraw():
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    explorer = ch06.convolution_explorer()
    presets, box = explorer.children
    position = box.controls["position"]
    assert position.max == 24  # 5x5 output for a 7x7 image and a 3x3 kernel
    box.controls["stride"].value = 2
    assert position.max == 8  # 3x3 output
    box.controls["padding"].value = "same"
    assert position.max == 15  # ceil(7 / 2) = 4
    presets.value = "sobel x"
    assert box.controls["kernel"].value == ch06.format_kernel(filters.SOBEL_X)
    position.value = 5
    box.controls["kernel"].value = "not a kernel"  # shows a message, does not raise
    gallery = ch06.filter_gallery(photos=("coins",))
    gallery.controls["blur_size"].value = 3
    pooling = ch06.pooling_explorer()
    pooling.controls["mode"].value = "average"


@pytest.fixture(scope="module")
def small_cnn():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((10, 10, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv2")(x)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(x))
    return keras.Model(inputs, outputs)


@pytest.mark.keras
def test_feature_maps_are_the_layers_outputs(small_cnn):
    assert ch06.feature_map_layers(small_cnn) == ["conv1", "pool", "conv2"]
    images = np.random.default_rng(0).normal(size=(2, 10, 10, 1)).astype("float32")
    w, b = small_cnn.get_layer("conv1").get_weights()
    first = np.maximum(ops.conv2d(images, w, b), 0)
    np.testing.assert_allclose(ch06.feature_maps(small_cnn, images, "conv1"), first, atol=1e-5)
    np.testing.assert_allclose(
        ch06.feature_maps(small_cnn, images, "pool"), ops.max_pool2d(first, 2), atol=1e-5
    )
    assert ch06.feature_maps(small_cnn, images, "conv2").shape == (2, 2, 2, 6)
    with pytest.raises(ValueError, match="layer_name: expected one of"):
        ch06.feature_maps(small_cnn, images, "dense")


@pytest.mark.keras
def test_the_feature_map_viewer_draws_the_maps_and_redraws(small_cnn):
    from tests.widgets import assert_every_control_redraws

    images = np.random.default_rng(1).normal(size=(3, 10, 10, 1)).astype("float32")
    maps = ch06.feature_maps(small_cnn, images[:1], "conv1")[0]
    fig = ch06.draw_feature_maps(images[0], maps, "conv1", count=16)
    assert len(fig.axes) == 1 + 4  # the input and the layer's 4 maps
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), maps[:, :, 0])
    assert "4 maps of 8x8" in fig._suptitle.get_text()
    box = ch06.feature_map_viewer(small_cnn, images, labels=[0, 1, 2])
    assert box.controls["layer"].options == ("conv1", "pool", "conv2")
    assert_every_control_redraws(box)
