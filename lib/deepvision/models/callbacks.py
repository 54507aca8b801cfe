"""Keras callbacks that the course's long training cells share.

Taught in: chapter 07, "Training the three networks".
"""

from __future__ import annotations

import time

from deepvision import config, validate


def time_estimate(batches=5, skip=1, runs=1, report=print):
    """A callback that times the first training batches and says what the whole run will cost.

    A training cell says before it starts what it should cost on the reference machine
    (``config.announce``); this measures the machine it actually runs on. It times batches
    ``skip + 1`` to ``skip + batches`` (the first ``skip`` batches trace the graph, and cost more
    than the rest), then reports once: seconds per batch, times the batches per epoch, the epochs
    and ``runs`` (how many networks the cell trains the same way). A run with fewer batches than
    that reports nothing.

    Args:
        batches: Batches to time, >= 1.
        skip: Batches to leave out first, >= 0.
        runs: Trainings of this size the cell will do in all (1: this one only), >= 1.
        report: Called once with the line (default: ``print``).

    Returns:
        A ``keras.callbacks.Callback`` whose ``.line`` is the report (None until made) and
        ``.seconds_per_batch`` the measurement.

    Taught in: chapter 07, "Training the three networks".
    """
    import keras

    batches = validate.integer(batches, "batches", minimum=1)
    skip = validate.integer(skip, "skip", minimum=0)
    runs = validate.integer(runs, "runs", minimum=1)
    if not callable(report):
        raise ValueError(f"report: expected a function to call with the line, got {report!r}")

    class TimeEstimate(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.line = None
            self.seconds_per_batch = None
            self._seen = 0
            self._start = None

        def on_train_batch_begin(self, batch, logs=None):
            if self.line is None and self._seen == skip:
                self._start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            if self.line is not None:
                return
            self._seen += 1
            if self._seen < skip + batches:
                return
            self.seconds_per_batch = (time.perf_counter() - self._start) / batches
            steps = self.params.get("steps") or 0
            epochs = self.params.get("epochs") or 1
            total = self.seconds_per_batch * steps * epochs * runs
            size = f"{epochs} epoch(s) of {steps} batches" + (f", {runs} runs" if runs > 1 else "")
            self.line = (
                f"measured here on batches {skip + 1}-{skip + batches}: "
                f"{self.seconds_per_batch * 1000:.0f} ms per batch; {size}: "
                f"about {config.in_words(total)} in all"
            )
            report(self.line)

    return TimeEstimate()


def draw_live_history(history, metrics=("loss", "accuracy"), epochs=None):
    """The training curves so far: one panel per metric, training and validation.

    Args:
        history: dict metric -> list of one value per epoch (Keras' names: ``"loss"``,
            ``"val_loss"``, ``"accuracy"``...).
        metrics: The panels, by their training name.
        epochs: The planned number of epochs (fixes the x axis, so the curves grow into it).

    Returns:
        The Figure; each line's label is the metric it draws.

    Taught in: chapter 04, "Training and evaluating: the book's listing in Keras 3".
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3), squeeze=False)
    for axis, metric in zip(axes[0], metrics, strict=True):
        for name, style in ((metric, "-o"), (f"val_{metric}", "--s")):
            values = history.get(name, [])
            if values:
                axis.plot(range(1, len(values) + 1), values, style, label=name, markersize=4)
        axis.set_xlabel("epoch")
        axis.set_title(metric)
        if epochs:
            axis.set_xlim(0.5, epochs + 0.5)
        if axis.lines:
            axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
    done = max((len(v) for v in history.values()), default=0)
    fig.suptitle(f"epoch {done}" + (f" of {epochs}" if epochs else ""), fontsize=10)
    fig.tight_layout()
    return fig


def live_training_plot(metrics=("loss", "accuracy"), show=None):
    """A callback that redraws the training curves in place at the end of every epoch.

    It shows one figure under the training cell and replaces it after each epoch (an IPython
    display handle: the same in JupyterLab, Binder and Colab). Keras' own progress bar still
    prints; pass ``verbose=0`` or ``2`` to ``fit`` for a quieter cell.

    Args:
        metrics: The panels, by their training name; the ``val_`` curve is added when ``fit``
            validates.
        show: ``show(figure, first)`` replaces the default display (for tests): called once
            per epoch with the new figure, ``first`` True the first time.

    Returns:
        A ``keras.callbacks.Callback`` whose ``.history`` holds every value drawn so far and
        ``.redraws`` counts the drawings.

    Taught in: chapter 04, "Training and evaluating: the book's listing in Keras 3".
    """
    import keras

    metrics = tuple(metrics)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(f"metrics: expected metric names like ('loss', 'accuracy'), got {metrics}")
    if show is not None and not callable(show):
        raise ValueError(f"show: expected a function show(figure, first), got {show!r}")

    class LiveTrainingPlot(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.history = {}
            self.redraws = 0
            self._handle = None

        def on_train_begin(self, logs=None):
            self.history = {}
            self._handle = None

        def on_epoch_end(self, epoch, logs=None):
            import matplotlib.pyplot as plt

            for name, value in (logs or {}).items():
                self.history.setdefault(name, []).append(float(value))
            fig = draw_live_history(self.history, metrics, self.params.get("epochs"))
            first = self.redraws == 0
            if show is not None:
                show(fig, first)
            else:
                from IPython.display import display

                if self._handle is None:
                    self._handle = display(fig, display_id=True)
                else:
                    self._handle.update(fig)
            self.redraws += 1
            plt.close(fig)

    return LiveTrainingPlot()
