"""The pure functions under the chapter 08 rectifier explorer, and that the widget redraws."""

import numpy as np
import pytest

from deepvision import ops
from deepvision.ops import rectifiers
from deepvision.widgets import ch08
from tests.widgets import assert_every_control_redraws


@pytest.mark.parametrize("rectifier", list(rectifiers.RECTIFIERS))
def test_curves_are_the_reference_and_its_derivative(rectifier):
    curves = ch08.rectifier_curves(rectifier, 0.5)
    z = curves["z"]
    assert z[0] == -4.0 and z[-1] == 4.0
    np.testing.assert_allclose(curves["value"], rectifiers.rectify(rectifier, z, 0.5))
    away = np.abs(z - 0.5) > 0.02  # not at a kink
    away &= np.abs(z) > 0.02
    numerical = np.gradient(curves["value"], z)
    np.testing.assert_allclose(curves["derivative"][away][1:-1], numerical[away][1:-1], atol=0.02)
    takes = curves["parameter_name"] is not None
    assert (curves["parameter"] == 0.5) if takes else curves["parameter"] is None


def test_the_parameter_defaults_and_names():
    assert ch08.rectifier_curves("elu")["parameter"] == 1.0
    assert ch08.rectifier_curves("thresholded_relu")["parameter_name"] == "theta"
    assert ch08.rectifier_curves("leaky_relu", 0.1)["parameter_name"] == "alpha"
    assert ch08.rectifier_curves("gelu", 0.7)["parameter"] is None
    with pytest.raises(ValueError, match="name: expected 'relu' or"):
        ch08.rectifier_curves("tanh")


def test_rectify_is_each_reference_by_name():
    z = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(rectifiers.rectify("relu", z), ops.relu(z))
    np.testing.assert_allclose(rectifiers.rectify("elu", z, 0.4), ops.elu(z, 0.4))
    np.testing.assert_allclose(
        rectifiers.rectify("thresholded_relu", z, 1.5, derivative=True),
        ops.thresholded_relu_derivative(z, 1.5),
    )
    np.testing.assert_allclose(rectifiers.rectify("silu", z, 9.0), ops.silu(z))


def test_gradient_histogram_counts_the_inputs_without_gradient():
    z = np.array([-2.0, -1.0, -0.5, 0.0, 0.2, 0.8, 1.5, 3.0])
    relu = ch08.gradient_histogram(z, "relu", bins=5)
    assert relu["no_gradient"].sum() == 4 and relu["gradient"].sum() == 4  # z <= 0: none
    assert relu["no_gradient_fraction"] == 0.5 and relu["count"] == 8
    assert relu["mean_gradient"] == 0.5
    theta = ch08.gradient_histogram(z, "thresholded_relu", 1.0, bins=5)
    assert theta["no_gradient_fraction"] == 6 / 8
    leaky = ch08.gradient_histogram(z, "leaky_relu", 0.1, bins=5)
    assert leaky["no_gradient_fraction"] == 0.0
    assert leaky["mean_gradient"] == pytest.approx((4 * 0.1 + 4) / 8)
    assert len(leaky["edges"]) == 6 and leaky["edges"][0] == -2.0 and leaky["edges"][-1] == 3.0
    flat = ch08.gradient_histogram(np.zeros(10), "relu", bins=3)
    assert flat["no_gradient"].sum() == 10
    with pytest.raises(ValueError, match="pre_activations: expected at least one value"):
        ch08.gradient_histogram(np.array([]), "relu")


def test_widget_builds_and_every_control_redraws():
    pytest.importorskip("ipywidgets")
    box = ch08.rectifier_explorer(
        {"conv1": np.random.default_rng(0).normal(size=(4, 8, 8, 3)), "conv2": np.ones(5)}
    )
    assert box.drawn["rectifier"] == "leaky_relu" and box.drawn["layer"] == "conv1"
    assert_every_control_redraws(box)
    box.controls["rectifier"].value = "elu"
    box.controls["parameter"].value = 0.0  # ELU's alpha is kept above 0 for drawing
    assert box.drawn["parameter"] == 0.0
    single = ch08.rectifier_explorer(np.arange(-5.0, 5.0))
    assert list(single.controls["layer"].options) == ["pre-activations"]
