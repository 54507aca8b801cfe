"""Chapter 12 widgets: top-k predictions for a photo the learner uploads, and Grad-CAM.

* :func:`top_k_explorer`: an upload button (``ipywidgets.FileUpload``) and a ``top k`` slider;
  it shows the photo as the model sees it and bars of its ``k`` most probable classes. Without an
  upload it uses a real photo (scikit-image's ``chelsea``, a cat).
* :func:`grad_cam_explorer`: an ``image`` slider over real test images and the class to explain;
  it shows the image, the Grad-CAM heatmap and the two overlaid.

Both are thin layers over pure functions tested in ``tests/test_widgets_ch12.py``:
:func:`uploaded_files` (the one place that knows how ipywidgets 7 (Colab) and 8 (JupyterLab)
spell an upload), :func:`decode_image`, :func:`draw_top_k` and :func:`draw_grad_cam`.

Taught in: chapter 12, "What the network looks at".
"""

from __future__ import annotations

import io

import numpy as np

from deepvision import validate
from deepvision.widgets._base import error_figure, interactive_figure


def uploaded_files(value):
    """The files of a ``FileUpload.value`` as ``[(name, bytes)]``, in ipywidgets 7 and 8.

    * ipywidgets 8 (JupyterLab): a tuple of dicts with ``name`` and ``content`` (a memoryview);
    * ipywidgets 7.7 (Colab): a dict ``{filename: {"metadata": {...}, "content": bytes}}``.

    Args:
        value: ``upload.value`` (an empty tuple or dict when nothing was uploaded).

    Returns:
        list of (file name, bytes), in upload order.

    Taught in: chapter 12, "What the network looks at".
    """
    if value is None:
        return []
    if isinstance(value, dict):  # ipywidgets 7
        items = [(name, entry.get("content", b"")) for name, entry in value.items()]
    elif isinstance(value, (tuple, list)):  # ipywidgets 8
        items = []
        for entry in value:
            if not isinstance(entry, dict) or "content" not in entry:
                raise ValueError(
                    "value: expected FileUpload entries with 'name' and 'content', got "
                    f"{type(entry).__name__}"
                )
            items.append((entry.get("name", "upload"), entry["content"]))
    else:
        raise ValueError(
            f"value: expected a FileUpload value (a tuple in ipywidgets 8, a dict in 7), got "
            f"{type(value).__name__}"
        )
    return [(str(name), bytes(content)) for name, content in items]


def decode_image(content, size=(32, 32)):
    """An image file's bytes as a uint8 RGB array resized to ``size`` = (H, W).

    Transparent pixels become white, grayscale becomes three equal channels.

    Raises:
        ValueError: the bytes are not an image PIL can read.

    Taught in: chapter 12, "What the network looks at".
    """
    from PIL import Image, UnidentifiedImageError

    height, width = validate.pair(size, "size")
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                white = Image.new("RGBA", image.size, (255, 255, 255, 255))
                image = Image.alpha_composite(white, image)
            image = image.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
            return np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"content: not an image file PIL can read ({error})") from error


def draw_top_k(image, predictions, title="the photo, as the network sees it"):
    """The image beside horizontal bars of its top-k (name, probability) pairs, best on top."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2), width_ratios=(1, 1.6))
    left.imshow(np.asarray(image, dtype=np.uint8))
    left.set_title(title, fontsize=10)
    left.axis("off")
    names = [name for name, _ in predictions][::-1]
    probs = [p for _, p in predictions][::-1]
    right.barh(names, probs, color="#1f77b4")
    for y, p in enumerate(probs):
        right.text(min(p + 0.02, 0.9), y, f"{p:.1%}", va="center")
    right.set_xlim(0, 1)
    right.set_xlabel("probability")
    right.set_title(f"top {len(predictions)}", fontsize=10)
    fig.tight_layout()
    return fig


def top_k_explorer(model, class_names, preprocess, image_size=(32, 32), default=None):
    """Upload a photo; see its ``k`` most probable classes under ``model``.

    Args:
        model: A Keras classifier (softmax outputs, or one sigmoid unit for two classes).
        class_names: One name per class.
        preprocess: ``preprocess(images_uint8) -> model input``.
        image_size: (H, W) the model takes; an upload is resized to it.
        default: uint8 RGB image shown before any upload (default: scikit-image's ``chelsea``).

    Returns:
        ``ipywidgets.VBox``: the upload button above the ``top k`` slider and the figure;
        ``.upload`` is the FileUpload, ``.update()`` redraws, ``.shown["name"]`` is the file
        drawn last (None for the default photo).

    Taught in: chapter 12, "What the network looks at".
    """
    import ipywidgets as widgets

    from deepvision import data
    from deepvision.models.backbones import predict_top_k

    names = list(class_names)
    photo = data.sample_image("chelsea") if default is None else np.asarray(default)
    fallback = decode_image(_png_bytes(photo), image_size)
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="upload a photo")
    controls = {
        "k": widgets.IntSlider(value=1, min=1, max=len(names), description="top k"),
    }

    shown = {}

    def draw(k):
        files = uploaded_files(upload.value)
        shown["name"] = files[-1][0] if files else None
        try:
            image = decode_image(files[-1][1], image_size) if files else fallback
        except ValueError as error:
            return error_figure(f"{files[-1][0]}: {error}")
        predictions = predict_top_k(model, preprocess(image[None]), names, k)[0]
        label = files[-1][0] if files else "no upload yet: scikit-image's chelsea"
        return draw_top_k(image, predictions, title=f"{label}, at {image_size[0]}x{image_size[1]}")

    box = interactive_figure(draw, controls)
    upload.observe(box.update, names="value")
    box.children = (upload, *box.children)
    box.upload = upload
    box.shown = shown
    return box


def _png_bytes(image):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def draw_grad_cam(image, heatmap, title=""):
    """Three panels: the image, its Grad-CAM heatmap (upsampled), and the two overlaid.

    Args:
        image: uint8 RGB (H, W, 3).
        heatmap: Values in [0, 1], shape (h, w) (upsampled to H x W here).
        title: The figure's title.

    Taught in: chapter 12, "What the network looks at".
    """
    import matplotlib.pyplot as plt

    from deepvision.models.gradcam import overlay, upsample

    image = np.asarray(image, dtype=np.uint8)
    big = upsample(np.asarray(heatmap)[None], image.shape[:2])[0]
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    axes[0].imshow(image)
    axes[0].set_title("image", fontsize=10)
    axes[1].imshow(big, cmap="jet", vmin=0, vmax=1)
    axes[1].set_title(f"Grad-CAM ({heatmap.shape[0]}x{heatmap.shape[1]} maps)", fontsize=10)
    axes[2].imshow(overlay(image, big))
    axes[2].set_title("overlaid", fontsize=10)
    for axis in axes:
        axis.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def grad_cam_explorer(model, images, labels, class_names, layer_name, preprocess):
    """Slide through real images; see where ``model`` looks for the class it explains.

    Args:
        model: A Keras classifier (softmax, or one sigmoid unit for two classes).
        images: uint8 RGB images (N, H, W, 3), values 0-255.
        labels: Their true classes (N,), ints.
        class_names: One name per class.
        layer_name: The convolutional layer explained (it may sit inside a nested backbone).
        preprocess: ``preprocess(images_uint8) -> model input``.

    Returns:
        ``ipywidgets.VBox`` (see :func:`deepvision.widgets._base.interactive_figure`) with an
        ``image`` slider and an ``explain`` dropdown (the predicted class, or one class).

    Taught in: chapter 12, "What the network looks at".
    """
    import ipywidgets as widgets

    from deepvision.models.gradcam import grad_cam

    images = np.asarray(images, dtype=np.uint8)
    labels = np.asarray(labels).reshape(-1).astype(int)
    names = list(class_names)
    if images.ndim != 4 or len(images) != len(labels) or len(images) == 0:
        raise ValueError(
            f"images: expected (N, H, W, 3) with one label each, got shape {images.shape} and "
            f"{len(labels)} labels"
        )
    controls = {
        "index": widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image"),
        "explain": widgets.Dropdown(
            options=[("the predicted class", -1)] + [(name, k) for k, name in enumerate(names)],
            value=-1,
            description="explain",
        ),
    }

    def draw(index, explain):
        heatmaps, chosen = grad_cam(
            model,
            preprocess(images[index : index + 1]),
            layer_name,
            class_index=None if explain < 0 else explain,
        )
        probs = np.asarray(model(preprocess(images[index : index + 1]), training=False))[0]
        p = float(probs[0]) if probs.size == 1 else float(probs[int(chosen[0])])
        if probs.size == 1 and chosen[0] == 0:
            p = 1 - p
        why = "the predicted class" if explain < 0 else "chosen"
        title = (
            f"true class: {names[labels[index]]}; explaining {names[int(chosen[0])]} "
            f"({why}, p = {p:.2f})"
        )
        return draw_grad_cam(images[index], heatmaps[0], title=title)

    return interactive_figure(draw, controls)
