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


def test_orange_pixels_follow_the_rule_pixel_by_pixel():
    image = np.array(
        [
            [[200, 120, 60], [200, 190, 60], [80, 40, 10]],
            [[255, 200, 100], [120, 120, 120], [0, 0, 0]],
        ],
        dtype=np.uint8,
    )
    # orange; green too close to red; too dark; orange; gray; black
    np.testing.assert_array_equal(
        ch01.orange_pixels(image), [[True, False, False], [True, False, False]]
    )
    with pytest.raises(ValueError, match=r"image: expected shape \(H, W, 3\)"):
        ch01.orange_pixels(np.zeros((2, 2, 4)))


def test_no_threshold_of_the_orange_rule_gets_the_photos_right():
    rows, _ = ch01.rule_verdicts(0.5)
    names = [row[0] for row in rows]
    fractions = dict(zip(names, [row[1] for row in rows], strict=True))
    # the coffee cup is almost as orange as the cat; the cat loses its orange in dim light and
    # in black and white
    assert fractions["cat"] > 0.7 and fractions["coffee"] > 0.7
    assert fractions["cat in dim light"] < 0.01 and fractions["cat in black and white"] == 0.0
    accuracy, threshold = ch01.best_rule_accuracy()
    assert accuracy == pytest.approx(0.6)
    assert fractions["coffee"] < threshold < fractions["cat"]
    for t in np.linspace(0, 1, 41):  # the brute-force oracle of best_rule_accuracy
        assert ch01.rule_verdicts(t)[1] <= accuracy
    with pytest.raises(ValueError, match=r"threshold: expected a fraction in \[0, 1\]"):
        ch01.rule_verdicts(1.5)


def test_the_design_exercise_uses_the_explorers_bowl():
    from deepvision.checks import ch01 as checks_ch01

    for lr in (0.05, 0.2, 0.23):
        path = ch01.descent_path_2d(lr, steps=checks_ch01.BOWL_STEPS)
        assert checks_ch01.descend_the_bowl(lr)[1] == pytest.approx(np.linalg.norm(path[-1]))
    assert checks_ch01.check_choose_learning_rate(lambda: 0.18)  # another right answer
    assert not checks_ch01.check_choose_learning_rate(lambda: 0.1)


@pytest.mark.parametrize(
    "make",
    [
        ch01.rule_explorer,
        ch01.softmax_explorer,
        ch01.gradient_descent_explorer,
        ch01.polynomial_explorer,
    ],
)
def test_widgets_redraw_when_a_control_moves(make):
    assert_every_control_redraws(make())


def test_bad_input_is_a_sentence():
    with pytest.raises(ValueError, match="lr: expected a number > 0"):
        ch01.descent_path_1d(0.0)
    with pytest.raises(ValueError, match="steps: expected an integer >= 1"):
        ch01.descent_path_2d(0.1, steps=0)
