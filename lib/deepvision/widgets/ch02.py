"""Chapter 02 widgets: an RGB channel mixer and a pixel inspector on a real photo.

Each widget is a thin layer over pure functions defined here and tested in
``tests/test_widgets_ch02.py``.

Taught in: chapter 02, "Colour images are stacks of channels" and "Looking at pixels up close".
"""

from __future__ import annotations

import numpy as np

from deepvision.ops import images
from deepvision.validate import positive_int
from deepvision.widgets._base import interactive_figure

#: What the mixer can show: every channel, or one of them.
CHANNEL_VIEWS = ("all", "red", "green", "blue")

# ------------------------------------------------------------------------------ channel mixer


def mix_channels(image, gains=(1.0, 1.0, 1.0), view="all"):
    """Scale each channel of an RGB image by a gain, or keep one channel only.

    out[..., c] = clip(gain_c * image[..., c], 0, 255)

    Args:
        image: uint8 RGB image (H, W, 3).
        gains: Three non-negative factors for R, G and B.
        view: ``"all"`` keeps every channel; ``"red"``, ``"green"`` or ``"blue"`` sets the other
            two to 0, so the photo shows how much of that colour each pixel holds.

    Returns:
        uint8 array (H, W, 3).

    Taught in: chapter 02, "Colour images are stacks of channels".
    """
    image = images._image(image, "image", ranks=(3,), channels=3)
    gains = np.asarray(gains, dtype=np.float64)
    if gains.shape != (3,) or np.any(gains < 0) or not np.all(np.isfinite(gains)):
        raise ValueError(f"gains: expected three factors >= 0 for (R, G, B), got {gains.tolist()}")
    if view not in CHANNEL_VIEWS:
        raise ValueError(f"view: expected one of {', '.join(CHANNEL_VIEWS)}, got {view!r}")
    if view != "all":
        gains = gains * (np.arange(3) == CHANNEL_VIEWS.index(view) - 1)
    return np.clip(np.round(image.astype(np.float64) * gains), 0, 255).astype(np.uint8)


def draw_mixer(image, red=1.0, green=1.0, blue=1.0, view="all"):
    import matplotlib.pyplot as plt

    mixed = mix_channels(image, (red, green, blue), view)
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), gridspec_kw={"width_ratios": [3, 1, 1, 1]})
    axes[0].imshow(mixed)
    axes[0].set_title(f"mixed image, view = {view}")
    for ax, channel, name, cmap in zip(
        axes[1:],
        images.split_channels(mixed),
        ("R", "G", "B"),
        ("Reds", "Greens", "Blues"),
        strict=True,
    ):
        ax.imshow(channel, cmap=cmap, vmin=0, vmax=255)
        ax.set_title(f"{name} channel, mean {channel.mean():.0f}")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    return fig


def channel_mixer(image=None):
    """Gain sliders for R, G and B and a choice of channel, over a real photo (the cat)."""
    import ipywidgets as widgets

    from deepvision import data

    photo = data.sample_image("chelsea") if image is None else image
    controls = {
        name: widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.05, description=name)
        for name in ("red", "green", "blue")
    }
    controls["view"] = widgets.ToggleButtons(options=CHANNEL_VIEWS, value="all", description="view")

    def draw(**values):
        draw_mixer(photo, **values)

    return interactive_figure(draw, controls)


# ----------------------------------------------------------------------------- pixel inspector


def inspect_region(image, top, left, size):
    """The ``size`` x ``size`` window at (``top``, ``left``), moved inside the image if needed.

    Args:
        image: (H, W) or (H, W, C).
        top, left: Requested top-left pixel; values past the edge are pulled back in.
        size: Window side, 1 <= size <= min(H, W).

    Returns:
        ``(region, top, left)``: the window (size, size[, C]) and where it really starts.

    Taught in: chapter 02, "Pixels".
    """
    image = images._image(image, "image")
    size = positive_int(size, "size")
    if size > min(image.shape[:2]):
        raise ValueError(
            f"size: expected at most {min(image.shape[:2])} for an image of shape {image.shape}, "
            f"got {size}"
        )
    top = int(np.clip(top, 0, image.shape[0] - size))
    left = int(np.clip(left, 0, image.shape[1] - size))
    return images.crop(image, top, left, size, size), top, left


def pixel_labels(region):
    """The text drawn on each cell: the value, or ``R\\nG\\nB`` for a colour pixel.

    Returns:
        List of rows of strings, shape (size, size).
    """
    region = np.asarray(region)
    if region.ndim == 2:
        return [[f"{int(v)}" for v in row] for row in region]
    return [["\n".join(str(int(v)) for v in pixel) for pixel in row] for row in region]


def draw_inspector(image, top, left, size=8):
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    region, top, left = inspect_region(image, top, left, size)
    gray = image.ndim == 2
    fig, (whole, zoom) = plt.subplots(1, 2, figsize=(11, 5), gridspec_kw={"width_ratios": [1, 1.2]})
    whole.imshow(image, cmap="gray" if gray else None, vmin=0, vmax=255)
    whole.add_patch(
        Rectangle((left - 0.5, top - 0.5), size, size, fill=False, color="#d62728", lw=2)
    )
    whole.set_title(f"image {image.shape}, {image.dtype}")
    whole.axis("off")
    zoom.imshow(region, cmap="gray" if gray else None, vmin=0, vmax=255)
    brightness = region if gray else images.to_grayscale(region)
    font = max(4, 11 - size // 2) if gray else max(3, 8 - size // 2)
    for (r, c), text in np.ndenumerate(np.array(pixel_labels(region), dtype=object)):
        colour = "black" if brightness[r, c] > 128 else "white"
        zoom.text(c, r, text, ha="center", va="center", fontsize=font, color=colour)
    zoom.set_title(f"rows {top}-{top + size - 1}, columns {left}-{left + size - 1}")
    zoom.set_xticks(range(size), [str(left + i) for i in range(size)], fontsize=7)
    zoom.set_yticks(range(size), [str(top + i) for i in range(size)], fontsize=7)
    fig.tight_layout()
    return fig


def pixel_inspector(image=None, size=8):
    """Sliders that move a window over a photo; the zoomed cells show their pixel values."""
    import ipywidgets as widgets

    from deepvision import data

    photo = data.sample_image("chelsea", gray=True) if image is None else np.asarray(image)
    rows, cols = photo.shape[:2]
    controls = {
        "top": widgets.IntSlider(value=rows // 3, min=0, max=rows - 1, description="top row"),
        "left": widgets.IntSlider(value=cols // 2, min=0, max=cols - 1, description="left col"),
        "size": widgets.IntSlider(value=size, min=2, max=min(16, rows, cols), description="size"),
    }

    def draw(top, left, size):
        draw_inspector(photo, top, left, size)

    return interactive_figure(draw, controls)
