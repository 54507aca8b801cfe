"""The pure functions under the chapter 04 prediction explorer, and that the widget redraws."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deepvision.widgets import ch04  # noqa: E402
from tests.widgets import assert_every_control_redraws  # noqa: E402

PROBS = np.array(
    [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]
)
LABELS = np.array([0, 1, 1, 2, 0])  # digits 2 and 4 are wrong


def test_every_digit_in_order():
    state = ch04.prediction_state(PROBS, LABELS, 1)
    assert list(state["indices"]) == [0, 1, 2, 3, 4]
    assert (state["index"], state["predicted"], state["label"], state["correct"]) == (1, 1, 1, True)
    assert state["mistakes"] == 2 and state["total"] == 5
    np.testing.assert_array_equal(state["probs"], PROBS[1])


def test_mistakes_only_steps_through_the_wrong_digits():
    first = ch04.prediction_state(PROBS, LABELS, 0, "mistakes only")
    second = ch04.prediction_state(PROBS, LABELS, 1, "mistakes only")
    assert list(first["indices"]) == [2, 4]
    assert (first["index"], first["predicted"], first["label"]) == (2, 0, 1)
    assert (second["index"], second["predicted"], second["label"]) == (4, 2, 0)
    assert not first["correct"] and not second["correct"]
    assert ch04.prediction_state(PROBS, LABELS, 99, "mistakes only")["index"] == 4


def test_no_mistakes_shows_nothing_and_says_so():
    state = ch04.prediction_state(PROBS, np.argmax(PROBS, axis=1), 0, "mistakes only")
    assert state["index"] is None and state["mistakes"] == 0
    fig = ch04.draw_prediction(
        np.zeros((5, 28, 28)), PROBS, np.argmax(PROBS, axis=1), 0, "mistakes only"
    )
    assert "every one of these digits right" in fig.axes[1].texts[0].get_text()


def test_the_bars_are_the_probabilities_coloured_by_label_and_prediction():
    fig = ch04.draw_prediction(np.zeros((5, 784)), PROBS, LABELS, 0, "mistakes only")
    bars = fig.axes[1].patches
    np.testing.assert_allclose([bar.get_height() for bar in bars], PROBS[2])
    colours = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in bars]
    assert colours == ["#de2d26", "#31a354", "#bdbdbd"]  # predicted 0 (wrong), label 1
    assert "test digit 2: label 1" == fig.axes[0].get_title()
    assert "mistake 1 of 2" in fig.axes[1].get_title()


@pytest.mark.parametrize(
    "args, match",
    [
        ((PROBS, LABELS[:3]), "labels: expected shape"),
        ((PROBS[0], LABELS), "probs"),
        ((PROBS, LABELS, 0, "wrong ones"), "show: expected one of"),
    ],
)
def test_bad_arguments_read_as_sentences(args, match):
    with pytest.raises(ValueError, match=match):
        ch04.prediction_state(*args)


def test_the_explorer_redraws_and_its_slider_spans_the_list_shown():
    box = ch04.prediction_explorer(np.zeros((5, 28, 28)), PROBS, LABELS)
    assert box.controls["position"].max == 4
    box.controls["show"].value = "mistakes only"
    assert box.controls["position"].max == 1
    box.controls["show"].value = "every test digit"
    assert_every_control_redraws(box)
