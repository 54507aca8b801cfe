"""Chapter 02 widgets: the pure functions under them, and that each widget redraws."""

import numpy as np
import pytest

from deepvision import data
from deepvision.ops import images
from deepvision.widgets import ch02
from tests.widgets import assert_every_control_redraws


def _photo():
    return np.random.default_rng(0).integers(0, 256, size=(12, 10, 3), dtype=np.uint8)


def test_mix_channels_with_unit_gains_is_the_identity_and_gains_scale_and_clip():
    photo = _photo()
    np.testing.assert_array_equal(ch02.mix_channels(photo), photo)
    mixed = ch02.mix_channels(photo, (2.0, 0.5, 0.0))
    expected_red = np.clip(photo[..., 0].astype(int) * 2, 0, 255)
    np.testing.assert_array_equal(mixed[..., 0], expected_red)
    np.testing.assert_array_equal(mixed[..., 1], np.round(photo[..., 1] * 0.5).astype(np.uint8))
    assert not mixed[..., 2].any() and mixed.dtype == np.uint8


@pytest.mark.parametrize("view,channel", [("red", 0), ("green", 1), ("blue", 2)])
def test_a_single_channel_view_zeroes_the_others(view, channel):
    photo = _photo()
    shown = ch02.mix_channels(photo, (1.0, 1.0, 1.0), view)
    np.testing.assert_array_equal(shown[..., channel], photo[..., channel])
    assert shown.sum() == photo[..., channel].astype(int).sum()


def test_the_real_photo_is_rgb_and_its_channels_differ():
    cat = data.sample_image("chelsea")
    assert cat.shape == (300, 451, 3) and cat.dtype == np.uint8
    red, green, blue = images.split_channels(cat)
    assert red.mean() > blue.mean()  # a ginger cat: more red light than blue


def test_inspect_region_is_a_crop_pulled_back_inside_the_image():
    photo = _photo()
    region, top, left = ch02.inspect_region(photo, 2, 3, 4)
    np.testing.assert_array_equal(region, photo[2:6, 3:7])
    region, top, left = ch02.inspect_region(photo, 100, -5, 4)
    assert (top, left) == (8, 0) and region.shape == (4, 4, 3)
    np.testing.assert_array_equal(region, photo[8:12, 0:4])


def test_pixel_labels_show_values_and_rgb_triples():
    gray = np.array([[0, 255], [7, 128]], dtype=np.uint8)
    assert ch02.pixel_labels(gray) == [["0", "255"], ["7", "128"]]
    rgb = np.array([[[255, 0, 10]]], dtype=np.uint8)
    assert ch02.pixel_labels(rgb) == [["255\n0\n10"]]


@pytest.mark.parametrize("make", [ch02.channel_mixer, ch02.pixel_inspector])
def test_widgets_redraw_when_a_control_moves(make):
    assert_every_control_redraws(make())


def test_the_mixer_view_buttons_redraw_and_the_inspector_takes_a_color_image():
    import matplotlib.pyplot as plt

    box = ch02.channel_mixer(_photo())
    box.controls["view"].value = "green"
    assert box.drawn["view"] == "green"
    box = ch02.pixel_inspector(_photo(), size=4)
    box.controls["size"].value = 3
    assert box.drawn["size"] == 3
    plt.close("all")


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ch02.mix_channels(np.zeros((4, 4))), r"image: expected shape \(H, W, C\)"),
        (lambda: ch02.mix_channels(np.zeros((4, 4, 4))), r"image: expected 3 channels"),
        (lambda: ch02.mix_channels(_photo(), (1.0, 1.0)), r"gains: expected three factors"),
        (lambda: ch02.mix_channels(_photo(), (1.0, -1.0, 1.0)), r"gains: expected three"),
        (lambda: ch02.mix_channels(_photo(), view="purple"), r"view: expected one of"),
        (lambda: ch02.inspect_region(_photo(), 0, 0, 11), r"size: expected at most 10"),
        (lambda: ch02.inspect_region(_photo(), 0, 0, 0), r"size: expected an integer >= 1"),
    ],
)
def test_bad_input_is_a_sentence(call, match):
    with pytest.raises(ValueError, match=match):
        call()
