"""The chapter 06 diagrams, drawn on an Agg canvas: what they show, not only that they draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deepvision import ops  # noqa: E402
from deepvision.diagrams import convolution  # noqa: E402


def _texts(fig):
    fig.canvas.draw()
    found = [text.get_text() for axis in fig.axes for text in axis.texts]
    found += [axis.get_title() for axis in fig.axes]
    if fig._suptitle is not None:
        found.append(fig._suptitle.get_text())
    return found


@pytest.mark.parametrize("height, width, c_in, k, filters", [(7, 7, 3, 3, 4), (6, 9, 1, 5, 2)])
def test_convolution_volume_names_every_shape(height, width, c_in, k, filters):
    fig = convolution.convolution_volume(height, width, c_in, k, filters)
    texts = _texts(fig)
    out_h, out_w = height - k + 1, width - k + 1
    assert f"input {height} x {width} x {c_in}" in texts
    assert f"filter {k} x {k} x {c_in}" in texts
    assert f"output {out_h} x {out_w} x {filters}" in texts
    assert any(f"{k * k * c_in} weights + 1 bias" in text for text in texts)
    # input, window, filter (3 faces each) and one box of 3 faces per output map
    assert len(fig.axes[0].patches) == 3 * (3 + filters)
    plt.close(fig)


def test_convolution_volume_refuses_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="kernel_size: 5 does not fit the 4x4 input"):
        convolution.convolution_volume(4, 4, 3, 5, 2)


@pytest.mark.parametrize("height, width, k, stride", [(4, 4, 3, 1), (5, 6, 2, 2), (6, 6, 3, 3)])
def test_im2col_matrix_is_the_matrix_of_the_convolution(height, width, k, stride):
    image, matrix = convolution.im2col_matrix(height, width, k, stride)
    kernel = np.random.default_rng(0).normal(size=(k, k))
    # the matrix product with the kernel as a column is the convolution, cell by cell
    pixels = image.reshape(-1)[matrix.astype(int)]
    expected = ops.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride=stride)
    np.testing.assert_allclose(pixels @ kernel.reshape(-1), expected.reshape(-1))


def test_im2col_layout_shows_the_matrix_and_highlights_one_window():
    fig = convolution.im2col_layout(4, 4, 3, 1, highlight=1)
    texts = _texts(fig)
    assert "patches as rows: (4, 9)" in texts
    assert "kernel as a column (9, 1)" in texts
    assert any(text.startswith("im2col: (4, 9) @ (9, 1) -> (4, 1)") for text in texts)
    # the patch-matrix panel writes every entry of the matrix: row 1 is window 1's pixels
    _, matrix = convolution.im2col_matrix(4, 4, 3, 1)
    entries = [float(t.get_text()) for t in fig.axes[1].texts]
    np.testing.assert_array_equal(np.reshape(entries, matrix.shape), matrix)
    assert matrix[1].tolist() == [1, 2, 3, 5, 6, 7, 9, 10, 11]
    window = fig.axes[0].patches[0]
    assert (window.get_x(), window.get_y(), window.get_width()) == (0.5, -0.5, 3)
    with pytest.raises(ValueError, match="highlight"):
        convolution.im2col_layout(4, 4, 3, 1, highlight=4)
    plt.close(fig)


@pytest.mark.parametrize(
    "layers", [(3, 3, (2, 2), 3, 3), (3, 3, 3), ((5, 1), (2, 2), (3, 1), (2, 2))]
)
def test_receptive_field_growth_follows_the_receptive_field_formula(layers):
    fig = convolution.receptive_field_growth(layers)
    sizes = [field.size for field in fig.fields]
    assert sizes == [f.size for f in ops.receptive_field(layers)]
    first, last = fig.span
    assert last - first + 1 == sizes[-1]
    assert fig.cone[0] == sizes[-1] and fig.cone[-1] == 1
    assert fig.cone == sorted(fig.cone, reverse=True)
    texts = _texts(fig)
    for size in sizes:
        assert any(f"one unit sees {size} pixels" in text for text in texts)
    plt.close(fig)


def test_receptive_field_growth_of_stacked_3x3_convolutions_is_2l_plus_1():
    fig = convolution.receptive_field_growth((3,) * 4)
    assert [field.size for field in fig.fields] == [3, 5, 7, 9]
    assert fig.cone == [9, 7, 5, 3, 1]
    plt.close(fig)
