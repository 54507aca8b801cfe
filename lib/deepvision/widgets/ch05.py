"""Chapter 05 widget: the learning-rate schedule explorer; and the names of older helpers.

:func:`schedule_explorer` shows a schedule's shape and the training curves it gives on a small
run: softmax regression (a network with no hidden layer, chapter 03's numpy code) trained with
mini-batch SGD on a thousand MNIST digits, fast enough to retrain at every move of a control.
The pure functions under it, :func:`schedule_rates` and :func:`train_with_schedule`, are tested
in ``tests/test_widgets_ch05.py``.

:func:`load_digit_image` is in :mod:`deepvision.data`, :func:`top_predictions` in
:mod:`deepvision.ops` and :func:`plot_prediction` in :mod:`deepvision.plots`. This module keeps the
old names importable for notebooks released before the move
(``from deepvision.widgets import ch05 as helpers``).

Taught in: chapter 05, "Learning-rate schedules".
"""

from __future__ import annotations

import numpy as np

from deepvision.data import MAX_ASPECT_RATIO, load_digit_image
from deepvision.ops.labels import top_predictions
from deepvision.ops.optim import SCHEDULES, schedule_rates
from deepvision.ops.regression import train_with_schedule
from deepvision.plots import plot_prediction
from deepvision.widgets._base import interactive_figure

__all__ = [
    "MAX_ASPECT_RATIO",
    "SCHEDULES",
    "load_digit_image",
    "plot_prediction",
    "schedule_explorer",
    "schedule_rates",
    "top_predictions",
    "train_with_schedule",
]


def draw_schedule(x, labels, x_val, labels_val, kind, learning_rate, epochs=12, baseline=None):
    """The schedule's rates, the training loss and the validation accuracy, beside a constant
    rate's (``baseline``: a history of :func:`train_with_schedule`, computed here if None)."""
    import matplotlib.pyplot as plt

    rates = schedule_rates(kind, learning_rate, epochs)
    run = train_with_schedule(x, labels, rates, x_val, labels_val)
    if baseline is None:
        baseline = train_with_schedule(
            x, labels, schedule_rates("constant", learning_rate, epochs), x_val, labels_val
        )
    epoch = np.arange(epochs)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.3))
    axes[0].step(epoch, rates, where="post", color="#d95f02", label=kind)
    axes[0].step(
        epoch, np.full(epochs, learning_rate), where="post", color="#bdbdbd", label="constant"
    )
    axes[0].set_yscale("log")
    axes[0].set_title("learning rate per epoch")
    shown = np.where(np.isfinite(run["loss"]), run["loss"], np.nan)
    axes[1].plot(epoch, shown, "-o", color="#d95f02", markersize=3, label=kind)
    axes[1].plot(
        epoch,
        np.where(np.isfinite(baseline["loss"]), baseline["loss"], np.nan),
        "--",
        color="#7f7f7f",
        label="constant",
    )
    axes[1].set_title("training loss" + ("  (diverged)" if np.isinf(run["loss"][-1]) else ""))
    axes[2].plot(epoch, run["val_accuracy"], "-o", color="#d95f02", markersize=3, label=kind)
    axes[2].plot(epoch, baseline["val_accuracy"], "--", color="#7f7f7f", label="constant")
    axes[2].set_ylim(0, 1)
    last = run["val_accuracy"][-1]
    axes[2].set_title(f"validation accuracy: {last:.1%} at the end")
    for axis in axes:
        axis.set_xlabel("epoch")
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
    fig.suptitle(
        f"softmax regression, {len(x)} training digits, {run['steps']} steps per epoch",
        fontsize=10,
    )
    fig.tight_layout()
    fig.run, fig.baseline = run, baseline
    return fig


def schedule_explorer(x, labels, x_val, labels_val, epochs=12):
    """Pick a schedule's shape and starting rate; see the rates and the run they give.

    Args:
        x: Training images (N, 28, 28) or (N, 784), scaled to [0, 1] (a thousand is plenty).
        labels: Their classes (N,).
        x_val, labels_val: Images and classes to validate on.
        epochs: Epochs of each run.

    Taught in: chapter 05, "Learning-rate schedules".
    """
    import ipywidgets as widgets

    def flat(images):
        return np.asarray(images, dtype=np.float64).reshape(len(images), -1)

    data = (
        flat(x),
        np.asarray(labels).reshape(-1),
        flat(x_val),
        np.asarray(labels_val).reshape(-1),
    )
    baselines = {}

    def draw(kind, learning_rate):
        if learning_rate not in baselines:
            baselines[learning_rate] = train_with_schedule(
                data[0],
                data[1],
                schedule_rates("constant", learning_rate, epochs),
                data[2],
                data[3],
            )
        return draw_schedule(*data, kind, learning_rate, epochs, baselines[learning_rate])

    controls = {
        "kind": widgets.ToggleButtons(
            options=list(SCHEDULES), value=SCHEDULES[0], description="schedule"
        ),
        "learning_rate": widgets.FloatLogSlider(
            value=0.1, base=10, min=-3, max=1.5, step=0.25, description="start rate"
        ),
    }
    return interactive_figure(draw, controls)
