"""Chapter 04 widgets: the prediction explorer (one test digit, its ten probabilities).

The widget is a thin layer over :func:`prediction_state` and :func:`draw_prediction`, tested in
``tests/test_widgets_ch04.py``. The live training plot of the same chapter is a Keras callback,
:func:`deepvision.models.callbacks.live_training_plot`.

Taught in: chapter 04, "How well did it learn?".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.widgets._base import interactive_figure

SHOW = ("every test digit", "mistakes only")


def prediction_state(probs, labels, position=0, show="every test digit"):
    """Which test digit the explorer shows, and what the network said about it.

    Args:
        probs: The network's probabilities, shape (N, C).
        labels: The true classes, shape (N,).
        position: Position in the list being stepped through (every digit, or the mistakes
            only); clipped to the list.
        show: ``"every test digit"`` or ``"mistakes only"``.

    Returns:
        dict with ``indices`` (the digits being stepped through: all of them, or those the
        network gets wrong, in test-set order), ``position`` (after clipping), ``index`` (the test
        digit shown, or None when there is no mistake to show), ``probs`` (its C probabilities),
        ``predicted``, ``label``, ``correct``, ``mistakes`` (how many digits are wrong) and
        ``total``.

    Taught in: chapter 04, "How well did it learn?".
    """
    probs = validate.number_array(probs, "probs", ndim=2, layout="(N, C)")
    labels = np.asarray(labels).reshape(-1)
    if labels.shape != (probs.shape[0],):
        raise ValueError(
            f"labels: expected shape ({probs.shape[0]},), one per row of probs, got {labels.shape}"
        )
    if show not in SHOW:
        raise ValueError(f"show: expected one of {SHOW}, got {show!r}")
    predictions = np.argmax(probs, axis=1)
    wrong = np.flatnonzero(predictions != labels)
    indices = wrong if show == "mistakes only" else np.arange(len(labels))
    state = {
        "indices": indices,
        "mistakes": len(wrong),
        "total": len(labels),
        "position": 0,
        "index": None,
        "probs": None,
        "predicted": None,
        "label": None,
        "correct": None,
    }
    if len(indices) == 0:
        return state
    position = int(np.clip(position, 0, len(indices) - 1))
    index = int(indices[position])
    state.update(
        position=position,
        index=index,
        probs=probs[index],
        predicted=int(predictions[index]),
        label=int(labels[index]),
        correct=bool(predictions[index] == labels[index]),
    )
    return state


def draw_prediction(images, probs, labels, position=0, show="every test digit"):
    """The digit beside its probability bars: the true class green, a wrong prediction red."""
    import matplotlib.pyplot as plt

    state = prediction_state(probs, labels, position, show)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3), gridspec_kw={"width_ratios": [1, 2.2]})
    if state["index"] is None:
        left.axis("off")
        right.axis("off")
        right.text(0, 0.5, "the network gets every one of these digits right", fontsize=11)
        return fig
    image = np.asarray(images[state["index"]])
    left.imshow(image.reshape(28, 28) if image.size == 784 else image, cmap="gray")
    left.axis("off")
    verdict = "right" if state["correct"] else "wrong"
    left.set_title(f"test digit {state['index']}: label {state['label']}", fontsize=10)
    colours = ["#bdbdbd"] * len(state["probs"])
    colours[state["label"]] = "#31a354"
    if not state["correct"]:
        colours[state["predicted"]] = "#de2d26"
    right.bar(range(len(state["probs"])), state["probs"], color=colours)
    right.set_xticks(range(len(state["probs"])))
    right.set_ylim(0, 1)
    right.set_xlabel("class (green: the true label; red: a wrong prediction)")
    right.set_ylabel("probability")
    where = (
        f"mistake {state['position'] + 1} of {state['mistakes']}"
        if show == "mistakes only"
        else f"{state['mistakes']} of {state['total']} test digits are wrong"
    )
    right.set_title(
        f"predicted {state['predicted']} with p = {state['probs'][state['predicted']]:.2f} "
        f"({verdict}); {where}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def prediction_explorer(images, probs, labels):
    """Step through the test digits, or through the mistakes only, with their probabilities.

    Args:
        images: The test images, (N, 28, 28) or (N, 784).
        probs: ``model.predict`` of those images, (N, 10).
        labels: Their true classes, (N,).

    Taught in: chapter 04, "How well did it learn?".
    """
    import ipywidgets as widgets

    show = widgets.ToggleButtons(options=list(SHOW), value=SHOW[0], description="show")
    position = widgets.IntSlider(
        value=0,
        min=0,
        max=len(labels) - 1,
        description="digit",
        layout=widgets.Layout(width="480px"),
    )

    def resize(_change=None):
        count = len(prediction_state(probs, labels, 0, show.value)["indices"])
        position.max = max(count - 1, 0)

    show.observe(resize, names="value")
    return interactive_figure(
        lambda show, position: draw_prediction(images, probs, labels, position, show),
        {"show": show, "position": position},
    )
