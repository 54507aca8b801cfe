"""Chapter 03 widgets: the pure functions under them, and that each widget redraws."""

import numpy as np
import pytest

from deepvision import ops
from deepvision.widgets import ch03
from tests.widgets import assert_every_control_redraws


@pytest.mark.parametrize("name", ["step", "sigmoid", "relu"])
def test_activation_curve_is_the_ops_function_and_its_derivative(name):
    z = np.linspace(-3, 3, 13)
    values, slopes = ch03.activation_curve(name, z)
    np.testing.assert_array_equal(values, getattr(ops, name)(z))
    np.testing.assert_array_equal(slopes, getattr(ops, f"{name}_derivative")(z))


@pytest.mark.parametrize(
    "gate,w1,w2,b", [("AND", 1.0, 1.0, -1.5), ("OR", 1.0, 1.0, -0.5), ("AND", 2.0, 2.0, -3.0)]
)
def test_a_step_neuron_computes_and_and_or(gate, w1, w2, b):
    points, labels = ch03.gate_data(gate)
    np.testing.assert_array_equal(ch03.neuron_output(points, w1, w2, b), labels)
    assert ch03.neuron_accuracy(gate, w1, w2, b) == 1.0


def test_grid_search_solves_and_and_or_but_never_xor():
    for gate in ("AND", "OR"):
        score, (w1, w2, b) = ch03.best_step_neuron(gate)
        assert score == 1.0 and ch03.neuron_accuracy(gate, w1, w2, b) == 1.0
    score, params = ch03.best_step_neuron("XOR", np.linspace(-5, 5, 41))
    assert score == 0.75 and ch03.neuron_accuracy("XOR", *params) == 0.75


def test_output_grid_matches_the_neuron_at_its_points():
    x1, x2, out = ch03.output_grid(1.0, -2.0, 0.3, "sigmoid", resolution=11)
    assert x1.shape == x2.shape == out.shape == (11, 11)
    np.testing.assert_allclose(out, ops.sigmoid(1.0 * x1 - 2.0 * x2 + 0.3))


@pytest.mark.parametrize("make", [ch03.activation_plotter, ch03.neuron_explorer])
def test_widgets_redraw_when_a_control_moves(make):
    assert_every_control_redraws(make())


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ch03.activation_curve("tanh", [0.0]), r"activation: expected one of step"),
        (lambda: ch03.neuron_output(np.zeros((4, 3)), 1, 1, 0), r"points: expected shape \(N, 2\)"),
        (lambda: ch03.neuron_output(np.zeros(4), 1, 1, 0), r"points: expected 2 dimensions"),
        (lambda: ch03.gate_data("NAND"), r"gate: expected one of AND, OR, XOR"),
        (lambda: ch03.output_grid(1, 1, 0, resolution=0), r"resolution: expected an integer"),
    ],
)
def test_bad_input_is_a_sentence(call, match):
    with pytest.raises(ValueError, match=match):
        call()
