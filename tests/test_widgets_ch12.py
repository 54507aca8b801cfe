"""The pure functions under the chapter 12 widgets (uploads in ipywidgets 7 and 8, decoding,
top-k bars, Grad-CAM panels), and that both widgets redraw when they move."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest
from PIL import Image

from deepvision.widgets import ch12
from tests.widgets import assert_every_control_redraws


def _png(colour=(200, 10, 10), size=(20, 30), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_upload_reads_the_same_in_ipywidgets_7_and_8():
    content = _png()
    version8 = ({"name": "rex.png", "type": "image/png", "size": 9, "content": memoryview(content),
                 "last_modified": 0},)  # fmt: skip
    version7 = {"rex.png": {"metadata": {"name": "rex.png", "size": 9}, "content": content}}
    assert ch12.uploaded_files(version8) == ch12.uploaded_files(version7) == [("rex.png", content)]
    assert ch12.uploaded_files(()) == ch12.uploaded_files({}) == ch12.uploaded_files(None) == []
    with pytest.raises(ValueError, match="value: expected a FileUpload value"):
        ch12.uploaded_files("rex.png")
    with pytest.raises(ValueError, match="value: expected FileUpload entries"):
        ch12.uploaded_files(("rex.png",))


def test_decode_image_resizes_and_handles_transparency_and_gray():
    image = ch12.decode_image(_png(), (8, 8))
    assert image.shape == (8, 8, 3) and image.dtype == np.uint8
    assert image[0, 0].tolist() == [200, 10, 10]
    clear = ch12.decode_image(_png((0, 0, 0, 0), mode="RGBA"), (4, 4))
    assert clear.min() == 255  # transparent becomes white
    gray = ch12.decode_image(_png(90, mode="L"), (4, 4))
    assert gray.shape == (4, 4, 3) and set(gray.reshape(-1).tolist()) == {90}
    with pytest.raises(ValueError, match="content: not an image file PIL can read"):
        ch12.decode_image(b"hello", (4, 4))


def test_draw_functions_make_figures():
    import matplotlib.pyplot as plt

    fig = ch12.draw_top_k(np.zeros((8, 8, 3), np.uint8), [("dog", 0.8), ("cat", 0.2)])
    bars = fig.axes[1].patches
    assert [round(bar.get_width(), 2) for bar in bars] == [0.2, 0.8]  # best on top
    fig = ch12.draw_grad_cam(np.zeros((8, 8, 3), np.uint8), np.eye(2), title="t")
    assert len(fig.axes) == 3 and fig.axes[1].images[0].get_array().shape == (8, 8)
    plt.close("all")


@pytest.fixture(scope="module")
def tiny_classifier():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((32, 32, 3))
    inner_in = keras.Input((32, 32, 3))
    maps = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="maps")(inner_in)
    backbone = keras.Model(inner_in, maps, name="backbone")
    pooled = keras.layers.GlobalAveragePooling2D()(backbone(inputs, training=False))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(pooled))


@pytest.mark.keras
def test_the_grad_cam_explorer_redraws(tiny_classifier):
    images = np.random.default_rng(0).integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    box = ch12.grad_cam_explorer(
        tiny_classifier, images, [0, 1, 0], ["cat", "dog"], "maps", preprocess=lambda x: x / 255.0
    )
    assert box.drawn == {"index": 0, "explain": -1}
    assert_every_control_redraws(box)
    with pytest.raises(ValueError, match="images: expected"):
        ch12.grad_cam_explorer(tiny_classifier, images, [0], ["cat", "dog"], "maps", lambda x: x)


@pytest.mark.keras
def test_the_top_k_explorer_redraws_on_upload_and_on_k(tiny_classifier):
    box = ch12.top_k_explorer(tiny_classifier, ["cat", "dog"], preprocess=lambda x: x / 255.0)
    assert box.drawn == {"k": 1}
    assert_every_control_redraws(box)
    assert box.shown["name"] is None
    content = _png()
    box.upload.value = ({"name": "rex.png", "type": "image/png", "size": len(content),
                         "content": memoryview(content),
                         "last_modified": datetime.datetime(2026, 12, 1)},)  # fmt: skip
    assert box.shown["name"] == "rex.png"  # the upload redrew the figure
