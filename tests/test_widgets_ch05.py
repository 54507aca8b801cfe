"""The pure functions under the chapter 05 schedule explorer, and that the widget redraws."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deepvision import models  # noqa: E402
from deepvision.widgets import ch05  # noqa: E402
from tests.widgets import assert_every_control_redraws  # noqa: E402


def test_the_step_schedule_over_20_epochs_is_the_books():
    rates = ch05.schedule_rates("steps (the book's shape)", 0.1, 20)
    np.testing.assert_allclose(rates, [models.book_learning_rate(e) for e in range(20)])


@pytest.mark.parametrize("epochs", [1, 5, 12])
def test_shapes_start_at_the_rate_and_never_rise(epochs):
    for kind in ch05.SCHEDULES:
        rates = ch05.schedule_rates(kind, 0.5, epochs)
        assert rates.shape == (epochs,) and rates[0] == pytest.approx(0.5)
        assert np.all(np.diff(rates) <= 1e-12) and np.all(rates > 0)
    exponential = ch05.schedule_rates("exponential", 2.0, 12)
    assert exponential[-1] == pytest.approx(0.02)
    np.testing.assert_allclose(exponential[1:] / exponential[:-1], 0.01 ** (1 / 11))
    cosine = ch05.schedule_rates("cosine", 1.0, 4)
    np.testing.assert_allclose(cosine, (1 + np.cos(np.pi * np.arange(4) / 4)) / 2)


@pytest.mark.parametrize(
    "args, match",
    [
        (("linear", 0.1, 5), "kind: expected one of"),
        (("constant", -1, 5), "learning_rate"),
        (("constant", 0.1, 0), "epochs"),
    ],
)
def test_bad_schedules_read_as_sentences(args, match):
    with pytest.raises(ValueError, match=match):
        ch05.schedule_rates(*args)


def _blobs(n=300, seed=0):
    """Three well separated classes in 20 dimensions: softmax regression learns them."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    centres = rng.normal(scale=3.0, size=(3, 20))
    return centres[labels] + rng.normal(size=(n, 20)), labels


def test_training_follows_the_gradient_and_a_zero_rate_learns_nothing():
    x, labels = _blobs()
    learnt = ch05.train_with_schedule(x, labels, np.full(5, 0.1), x, labels, batch_size=50)
    assert learnt["steps"] == 6
    assert learnt["loss"][-1] < 0.5 * learnt["loss"][0]
    assert learnt["val_accuracy"][-1] > 0.9
    frozen = ch05.train_with_schedule(x, labels, np.full(3, 1e-12), x, labels, batch_size=50)
    # weights start near zero: the loss of ten equal classes, log 10, and it stays there
    np.testing.assert_allclose(frozen["loss"], np.log(10), rtol=1e-2)


def test_the_first_step_is_the_softmax_regression_gradient():
    x, labels = _blobs(n=8)
    once = ch05.train_with_schedule(x, labels, [0.5], batch_size=8, seed=3)
    rng = np.random.default_rng(3)
    w, b = rng.normal(scale=0.01, size=(20, 10)), np.zeros(10)
    z = x @ w + b
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    assert once["loss"][0] == pytest.approx(-np.mean(np.log(probs[np.arange(8), labels])))


def test_a_diverging_run_reads_inf_and_nan_from_there_on():
    x, labels = _blobs(n=60)
    run = ch05.train_with_schedule(x * 100, labels, np.full(4, 1e308), x, labels)
    assert np.isinf(run["loss"]).all() and np.isnan(run["val_accuracy"]).all()


def test_the_explorer_draws_the_schedule_and_redraws_on_every_control():
    x, labels = _blobs()
    fig = ch05.draw_schedule(x[:240], labels[:240], x[240:], labels[240:], "cosine", 0.3, 6)
    np.testing.assert_allclose(
        fig.axes[0].lines[0].get_ydata()[:6], ch05.schedule_rates("cosine", 0.3, 6)
    )
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), fig.run["loss"])
    assert "validation accuracy" in fig.axes[2].get_title()
    box = ch05.schedule_explorer(x[:240], labels[:240], x[240:], labels[240:], epochs=4)
    assert_every_control_redraws(box)
