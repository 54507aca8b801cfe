"""The time-estimate callback: it times real training batches and reports once."""

import numpy as np
import pytest

from deepvision import config
from deepvision.models import callbacks

pytestmark = pytest.mark.keras


def _fit(callback, samples, batch_size=4, epochs=2):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(samples, 8)).astype("float32")
    y = np.arange(samples) % 4
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[callback])


def test_it_reports_once_with_the_whole_runs_cost():
    lines = []
    estimate = callbacks.time_estimate(batches=3, skip=1, runs=7, report=lines.append)
    _fit(estimate, samples=40)  # 10 batches per epoch, 2 epochs
    assert len(lines) == 1 and lines[0] == estimate.line
    assert "batches 2-4" in estimate.line
    assert "2 epoch(s) of 10 batches, 7 runs" in estimate.line
    assert estimate.seconds_per_batch > 0
    total = estimate.seconds_per_batch * 10 * 2 * 7
    assert f"about {config.in_words(total)} in all" in estimate.line


def test_a_run_too_short_to_measure_reports_nothing():
    lines = []
    estimate = callbacks.time_estimate(batches=5, skip=1, report=lines.append)
    _fit(estimate, samples=8, epochs=1)  # 2 batches in all
    assert lines == [] and estimate.line is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"batches": 0}, "batches"),
        ({"skip": -1}, "skip"),
        ({"runs": 0}, "runs"),
        ({"report": "print"}, "report"),
    ],
)
def test_bad_arguments_name_themselves(arguments, message):
    with pytest.raises(ValueError, match=message):
        callbacks.time_estimate(**arguments)


def test_the_live_plot_redraws_once_per_epoch_with_the_logs_so_far():
    import matplotlib

    matplotlib.use("Agg")
    shown = []

    def show(fig, first):
        fig.canvas.draw()
        lines = {line.get_label(): list(line.get_ydata()) for a in fig.axes for line in a.lines}
        shown.append((first, lines, fig._suptitle.get_text()))

    live = callbacks.live_training_plot(metrics=("loss",), show=show)
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(40, 8)).astype("float32")
    history = model.fit(
        x, np.arange(40) % 4, epochs=3, validation_split=0.25, verbose=0, callbacks=[live]
    )
    assert live.redraws == 3 and [first for first, _, _ in shown] == [True, False, False]
    for epoch, (_, lines, title) in enumerate(shown, start=1):
        assert title == f"epoch {epoch} of 3"
        np.testing.assert_allclose(lines["loss"], history.history["loss"][:epoch], rtol=1e-6)
        np.testing.assert_allclose(
            lines["val_loss"], history.history["val_loss"][:epoch], rtol=1e-6
        )


def test_the_live_plot_draws_one_panel_per_metric_and_refuses_bad_arguments():
    import matplotlib

    matplotlib.use("Agg")
    fig = callbacks.draw_live_history(
        {"loss": [1.0, 0.5], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}, epochs=5
    )
    titles = [axis.get_title() for axis in fig.axes]
    assert titles == ["loss", "accuracy"]
    assert [line.get_label() for line in fig.axes[1].lines] == ["accuracy", "val_accuracy"]
    assert fig.axes[0].get_xlim() == (0.5, 5.5)
    with pytest.raises(ValueError, match="metrics"):
        callbacks.live_training_plot(metrics=())
    with pytest.raises(ValueError, match="show"):
        callbacks.live_training_plot(show="yes")
