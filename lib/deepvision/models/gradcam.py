"""Grad-CAM: which parts of an image a convolutional classifier's decision rests on.

Selvaraju et al. (2017): take the feature maps :math:`A^k` (h, w) of a convolutional layer and
the gradient of the class score :math:`y^c` with respect to them. Each map's weight is its
gradient averaged over the positions, and the heatmap is the ReLU of the weighted sum:

.. math::

    \\alpha_k = \\frac{1}{hw} \\sum_{i,j} \\frac{\\partial y^c}{\\partial A^k_{ij}}, \\qquad
    L^c = \\mathrm{ReLU}\\Big(\\sum_k \\alpha_k A^k\\Big).

:func:`grad_cam_map` is that formula on numpy arrays (the pure function the tests check against
a closed form); :func:`grad_cam` gets the maps and the gradients from a Keras model with
``tf.GradientTape`` and calls it. :func:`upsample` and :func:`overlay` draw the result.

Taught in: chapter 12, "What the network looks at".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate


def grad_cam_map(activations, gradients, normalize=True):
    """The Grad-CAM heatmaps from a layer's feature maps and the class score's gradient.

    Args:
        activations: Feature maps A, shape (N, h, w, K).
        gradients: d score / d A, the same shape.
        normalize: Divide each heatmap by its maximum (a heatmap of zeros stays zero).

    Returns:
        float64 array (N, h, w): ReLU(sum_k alpha_k A^k), alpha_k the gradient's mean over h, w.

    Taught in: chapter 12, "What the network looks at".
    """
    activations = np.asarray(activations, dtype=np.float64)
    gradients = np.asarray(gradients, dtype=np.float64)
    if activations.ndim != 4:
        raise ValueError(
            f"activations: expected feature maps (N, h, w, K), got shape {activations.shape}"
        )
    if gradients.shape != activations.shape:
        raise ValueError(
            f"gradients: expected the activations' shape {activations.shape}, got shape "
            f"{gradients.shape}"
        )
    weights = gradients.mean(axis=(1, 2), keepdims=True)  # (N, 1, 1, K)
    heatmaps = np.maximum((weights * activations).sum(axis=-1), 0.0)
    if normalize:
        peak = heatmaps.max(axis=(1, 2), keepdims=True)
        heatmaps = np.divide(heatmaps, peak, out=np.zeros_like(heatmaps), where=peak > 0)
    return heatmaps


def _find_layer(model, layer_name):
    """(the layer, the nested model holding it or None) for ``layer_name``."""
    import keras

    for layer in model.layers:
        if layer.name == layer_name:
            return layer, None
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            for inner in layer.layers:
                if inner.name == layer_name:
                    return inner, layer
    return None, None


def feature_layers(model):
    """Names of the layers of ``model`` (and of models nested in it) that output 4-D maps.

    Taught in: chapter 12, "What the network looks at".
    """
    import keras

    names = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            names += feature_layers(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            shape = getattr(layer, "output", None)
            if shape is not None and len(shape.shape) == 4:
                names.append(layer.name)
    return names


def _score(outputs, class_index):
    """The class score: the output unit ``class_index``; for one sigmoid unit, p or 1 - p."""
    if outputs.shape[-1] == 1:
        return outputs[:, 0] if class_index == 1 else 1.0 - outputs[:, 0]
    return outputs[:, class_index]


def grad_cam(model, images, layer_name, class_index=None, normalize=True):
    """Grad-CAM heatmaps of ``model`` at the layer ``layer_name``, with ``tf.GradientTape``.

    The layer may sit inside a nested model (a backbone used as a layer); the outer model must
    then be a chain of layers (Sequential, or functional without branches around the backbone),
    which is checked: the chained output must equal ``model(images)``.

    Args:
        model: A Keras classifier: softmax outputs (N, num_classes) or one sigmoid unit (N, 1)
            (class 1 is p, class 0 is 1 - p).
        images: A batch the model takes, (N, H, W, C).
        layer_name: A layer with 4-D outputs (a Conv2D, or its BatchNormalization or ReLU).
        class_index: The class explained; None: each image's predicted class.
        normalize: As :func:`grad_cam_map`.

    Returns:
        ``(heatmaps, class_index)``: float64 (N, h, w) and int64 (N,) the classes explained.

    Taught in: chapter 12, "What the network looks at".
    """
    import keras
    import tensorflow as tf

    layer, nested = _find_layer(model, layer_name)
    if layer is None or len(layer.output.shape) != 4:
        candidates = feature_layers(model)
        what = (
            "no such layer"
            if layer is None
            else (f"a {type(layer).__name__} with outputs of shape {tuple(layer.output.shape)}")
        )
        raise ValueError(
            f"layer_name: {layer_name!r} is {what}; expected a layer with feature maps "
            f"(N, h, w, K), one of: {', '.join(candidates[-6:])}"
        )
    images = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    if images.shape.rank != 4:
        raise ValueError(f"images: expected a batch (N, H, W, C), got shape {tuple(images.shape)}")
    holder = model if nested is None else nested
    probe = keras.Model(holder.inputs, [layer.output, holder.outputs[0]])
    with tf.GradientTape() as tape:
        if nested is None:
            maps, outputs = probe(images, training=False)
            tape.watch(maps)
        else:
            outputs = images
            for step in model.layers:
                if isinstance(step, keras.layers.InputLayer):
                    continue
                if step is nested:
                    maps, outputs = probe(outputs, training=False)
                else:
                    outputs = step(outputs, training=False)
        num_classes = max(2, int(outputs.shape[-1]))
        if class_index is None:
            chosen = (
                np.asarray(outputs[:, 0] > 0.5, dtype=np.int64)
                if outputs.shape[-1] == 1
                else np.argmax(np.asarray(outputs), axis=-1)
            )
        else:
            index = validate.integer(class_index, "class_index", minimum=0, maximum=num_classes - 1)
            chosen = np.full(images.shape[0], index, dtype=np.int64)
        scores = tf.stack([_score(outputs[i : i + 1], int(c))[0] for i, c in enumerate(chosen)])
    if nested is not None:
        direct = np.asarray(model(images, training=False))
        if not np.allclose(direct, np.asarray(outputs), rtol=1e-4, atol=1e-5):
            raise ValueError(
                "model: grad_cam follows a model with a nested backbone as a chain of layers, and "
                "this one is not a chain (its output differs from model(images)); build the "
                "classifier as inputs → backbone → head, or pass a flat model"
            )
    gradients = tape.gradient(scores, maps)
    return grad_cam_map(np.asarray(maps), np.asarray(gradients), normalize), chosen


def upsample(heatmaps, size):
    """Heatmaps (N, h, w) resized to ``size`` = (H, W) by bilinear interpolation.

    Taught in: chapter 12, "What the network looks at".
    """
    import tensorflow as tf

    size = validate.pair(size, "size")
    heatmaps = np.asarray(heatmaps, dtype=np.float32)
    if heatmaps.ndim != 3:
        raise ValueError(f"heatmaps: expected shape (N, h, w), got shape {heatmaps.shape}")
    return np.asarray(tf.image.resize(heatmaps[..., None], size, method="bilinear"))[..., 0]


def overlay(image, heatmap, alpha=0.45):
    """An RGB image (H, W, 3, values 0-255) with a heatmap (H, W, values 0-1) painted over it.

    Returns:
        float array (H, W, 3) in [0, 1]: (1 - alpha) * image + alpha * jet(heatmap).

    Taught in: chapter 12, "What the network looks at".
    """
    from matplotlib import colormaps

    image = np.asarray(image, dtype=np.float64) / 255.0
    heatmap = np.clip(np.asarray(heatmap, dtype=np.float64), 0, 1)
    if image.ndim != 3 or image.shape[-1] != 3 or heatmap.shape != image.shape[:2]:
        raise ValueError(
            f"heatmap: expected the image's (H, W) {image.shape[:2]}, got shape {heatmap.shape}"
        )
    colour = colormaps["jet"](heatmap)[..., :3]
    return np.clip((1 - alpha) * image + alpha * colour, 0, 1)
