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
