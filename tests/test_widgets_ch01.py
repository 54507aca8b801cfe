"""Chapter 01 widgets: the pure functions under them, and that each widget redraws."""

import numpy as np
import pytest

from deepvision import ops
from deepvision.widgets import ch01
from tests.widgets import assert_every_control_redraws


def test_softmax_state_gives_probabilities_and_the_loss_of_the_true_class():
    probs, loss = ch01.softmax_state([9.0, 6.0, 1.0], true_class=1)
    np.testing.assert_allclose(probs, ops.softmax([9.0, 6.0, 1.0]))
    assert loss == pytest.approx(-np.log(probs[1]))


@pytest.mark.parametrize(
    ("lr", "regime"),
    [
        (0.1, "converges"),
        (0.5, "converges"),
        (0.75, "oscillates but converges"),
        (1.0, "stalls"),
        (1.2, "diverges"),
    ],
)
def test_descent_regimes_match_the_path(lr, regime):
    assert ch01.descent_regime(lr) == regime
    path = np.abs(ch01.descent_path_1d(lr, steps=30))
    if regime.endswith("converges"):
        assert path[-1] < 1e-2 * path[0]
    elif regime == "diverges":
        assert path[-1] > path[0]
    else:
        assert path[-1] == pytest.approx(path[0])
    if regime == "oscillates but converges":
        signs = np.sign(ch01.descent_path_1d(lr, steps=4))
        assert np.all(signs[1:] == -signs[:-1])


def test_descent_2d_oscillates_first_along_the_steep_axis():
    path = ch01.descent_path_2d(0.2, steps=10, curvatures=(1.0, 4.0))
    assert path.shape == (11, 2)
    assert np.all(np.sign(path[1:, 1]) == -np.sign(path[:-1, 1]))  # steep axis flips sign
    assert np.all(np.sign(path[:, 0]) == 1)  # shallow axis does not


def test_polynomial_errors_show_under_and_overfitting():
    train = {d: ch01.polynomial_errors(d)[0] for d in (1, 3, 12)}
    test = {d: ch01.polynomial_errors(d)[1] for d in (1, 3, 12)}
    assert train[1] > train[3] > train[12]  # more capacity always fits training data better
    assert test[3] < test[1] and test[3] < test[12]  # the middle degree generalizes best


@pytest.mark.parametrize(
    "make", [ch01.softmax_explorer, ch01.gradient_descent_explorer, ch01.polynomial_explorer]
)
def test_widgets_redraw_when_a_control_moves(make):
    assert_every_control_redraws(make())


def test_bad_input_is_a_sentence():
    with pytest.raises(ValueError, match="lr: expected a number > 0"):
        ch01.descent_path_1d(0.0)
    with pytest.raises(ValueError, match="steps: expected an integer >= 1"):
        ch01.descent_path_2d(0.1, steps=0)
