"""Plots a learner wants after training: curves, a confusion matrix, a grid of images.

Each plot is split into a pure data function (tested) and a drawing function that returns a
matplotlib ``Figure``:

* :func:`history_curves` -> :func:`plot_history` (training and validation curves per metric);
* :func:`confusion_matrix` -> :func:`plot_confusion_matrix`;
* :func:`misclassified` -> :func:`plot_image_grid` (images with predicted and true labels).

Taught in: chapter 04, "How well did it learn?" (every later chapter reuses them).
"""

from __future__ import annotations

import numpy as np

from deepvision import validate


def history_curves(history):
    """Group a Keras training history into curves: metric -> (training values, validation values).

    Args:
        history: The ``keras.callbacks.History`` that ``model.fit`` returns, or its ``.history``
            dict (``{"loss": [...], "val_loss": [...], "accuracy": [...], ...}``).

    Returns:
        dict mapping each metric name (``"loss"``, ``"accuracy"``...) to a pair of float lists
        ``(train, validation)``; ``validation`` is ``None`` when ``fit`` had no validation data.
        Keys that are not per-epoch metrics of equal length (such as ``"learning_rate"``, which
        is kept as a metric with no validation curve) are treated the same way.

    Taught in: chapter 04, "How well did it learn?".
    """
    values = getattr(history, "history", history)
    if not isinstance(values, dict):
        raise ValueError(
            f"history: expected the History returned by model.fit or its .history dict, "
            f"got {type(history).__name__}"
        )
    if not values:
        raise ValueError("history: it is empty; was model.fit run with epochs >= 1?")
    curves = {}
    for key, series in values.items():
        if key.startswith("val_") and key[4:] in values:
            continue
        train = [float(v) for v in series]
        validation = values.get(f"val_{key}")
        curves[key] = (train, None if validation is None else [float(v) for v in validation])
    return curves


def plot_history(history, metrics=None, title=None):
    """Training (solid) and validation (dashed) curves, one panel per metric, against epochs.

    Args:
        history: A ``History`` or its dict (see :func:`history_curves`).
        metrics: Metric names to draw, e.g. ``("loss", "accuracy")``; default: every metric.
        title: Optional figure title.

    Returns:
        matplotlib.figure.Figure.

    Taught in: chapter 04, "How well did it learn?".
    """
    import matplotlib.pyplot as plt

    curves = history_curves(history)
    metrics = list(curves) if metrics is None else list(metrics)
    unknown = [m for m in metrics if m not in curves]
    if unknown:
        raise ValueError(f"metrics: {unknown} not in the history; it has {sorted(curves)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.3), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        train, validation = curves[metric]
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "o-", label="training")
        if validation is not None:
            ax.plot(epochs, validation, "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_matrix(labels, preds, num_classes):
    """Count how often each true class was predicted as each class.

    Args:
        labels: True class indices, shape (N,).
        preds: Predicted class indices, shape (N,).
        num_classes: Number of classes C.

    Returns:
        int64 array (C, C): entry [i, j] counts examples of true class i predicted as j. The
        diagonal holds the correct predictions; ``trace / N`` is the accuracy.

    Taught in: chapter 04, "How well did it learn?".
    """
    num_classes = validate.positive_int(num_classes, "num_classes")
    labels = validate.class_labels(labels, num_classes, "labels").reshape(-1)
    preds = validate.class_labels(preds, num_classes, "preds").reshape(-1)
    if labels.shape != preds.shape:
        raise ValueError(
            f"labels and preds: expected the same number of examples, got {labels.shape} and "
            f"{preds.shape}"
        )
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, preds), 1)
    return matrix


def plot_confusion_matrix(matrix, class_names=None, normalize=False, title="Confusion matrix"):
    """Draw a confusion matrix with counts (or row fractions) written in each cell.

    Args:
        matrix: Square array (C, C) from :func:`confusion_matrix`.
        class_names: Optional C labels for the axes.
        normalize: Divide each row by its total (the fraction of each true class).
        title: Axes title.

    Returns:
        matplotlib.figure.Figure.

    Taught in: chapter 04, "How well did it learn?".
    """
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix: expected a square (C, C) array, got shape {matrix.shape}")
    size = matrix.shape[0]
    names = [str(i) for i in range(size)] if class_names is None else list(class_names)
    if len(names) != size:
        raise ValueError(f"class_names: expected {size} names, got {len(names)}")
    shown = matrix.astype(float)
    if normalize:
        shown = shown / np.maximum(shown.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(0.55 * size + 2.5, 0.55 * size + 2))
    image = ax.imshow(shown, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046)
    threshold = shown.max() / 2 if shown.size else 0
    for i in range(size):
        for j in range(size):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(matrix[i, j])}"
            colour = "white" if shown[i, j] > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=8)
    ax.set_xticks(range(size), names)
    ax.set_yticks(range(size), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def misclassified(labels, preds, limit=None):
    """Indices of the examples whose prediction differs from the label, in order.

    Args:
        labels: True class indices, shape (N,).
        preds: Predicted class indices, shape (N,).
        limit: Return at most this many (the first ones); None returns all.

    Returns:
        int64 array of indices into the N examples.

    Taught in: chapter 04, "How well did it learn?".
    """
    labels, preds = np.asarray(labels).reshape(-1), np.asarray(preds).reshape(-1)
    if labels.shape != preds.shape:
        raise ValueError(
            f"labels and preds: expected the same number of examples, got {labels.shape} and "
            f"{preds.shape}"
        )
    wrong = np.flatnonzero(labels != preds).astype(np.int64)
    if limit is not None:
        wrong = wrong[: validate.positive_int(limit, "limit", allow_zero=True)]
    return wrong


def grid_shape(count, columns=8):
    """Rows and columns of a grid holding ``count`` images, at most ``columns`` per row.

    Taught in: chapter 04, "How well did it learn?".
    """
    count = validate.positive_int(count, "count")
    columns = validate.positive_int(columns, "columns")
    columns = min(columns, count)
    return -(-count // columns), columns


def plot_image_grid(images, titles=None, columns=8, cmap="gray", title=None):
    """Show images in a grid, each with an optional title (e.g. "pred 3 / true 5").

    Args:
        images: Array (N, H, W) for grayscale, (N, H, W, 1) or (N, H, W, 3); flat (N, 784)
            MNIST rows are reshaped to 28x28.
        titles: Optional N strings.
        columns: Images per row.
        cmap: Colour map for grayscale images.
        title: Optional figure title.

    Returns:
        matplotlib.figure.Figure.

    Taught in: chapter 04, "How well did it learn?".
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3):
        raise ValueError(
            f"images: expected (N, H, W), (N, H, W, 1), (N, H, W, 3) or flat (N, 784), "
            f"got shape {np.shape(images)}"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles: expected {len(images)} titles, got {len(titles)}")
    rows, cols = grid_shape(len(images), columns)
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.6 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(images):
            ax.imshow(images[index], cmap=cmap if images.ndim == 3 else None)
            if titles is not None:
                ax.set_title(titles[index], fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_prediction(image, probs, title=None):
    """An image beside a bar chart of the model's ten probabilities; returns the Figure.

    Taught in: chapter 05, "Predicting one image".
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image)
    if image.size == 784:
        image = image.reshape(28, 28)
    probs = np.asarray(probs, dtype=np.float64).reshape(-1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 2.8), gridspec_kw={"width_ratios": [1, 2]})
    left.imshow(image, cmap="gray")
    left.axis("off")
    left.set_title(title or f"predicted {int(np.argmax(probs))}")
    bars = right.bar(range(probs.size), probs, color="#8da0cb")
    bars[int(np.argmax(probs))].set_color("#e34a33")
    right.set_xticks(range(probs.size))
    right.set_ylim(0, 1)
    right.set_xlabel("class")
    right.set_ylabel("probability")
    fig.tight_layout()
    return fig
