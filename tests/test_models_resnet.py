"""The book's residual module and mini ResNet (book chapter 9) in Keras 3: parameters and MACs
pinned, the identity and projection shortcuts, a module's MACs by the hand formula."""

import numpy as np
import pytest

from deepvision import cost
from deepvision.models import resnet


def test_mini_resnet_parameters_and_macs_are_pinned(keras):
    model = resnet.mini_resnet()
    counted = cost.model_cost(model)
    assert model.count_params() == counted.params == 4_374_538
    assert counted.macs == 214_796_800 and counted.complete
    assert model.output_shape == (None, 10)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Add") == 12 and kinds.count("MaxPooling2D") == 3
    assert kinds[-4:] == ["Dropout", "AveragePooling2D", "Flatten", "Dense"]
    assert all(layer.name.startswith("mini_resnet_") for layer in model.layers)


def test_module_is_two_preactivation_units_and_an_add(keras):
    inputs = keras.Input((16, 16, 8))
    model = keras.Model(inputs, resnet.resnet_module(inputs, 8, name="m"))
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == ["BatchNormalization", "Activation", "Conv2D"] * 2 + ["Add"]
    x = np.random.default_rng(1).normal(size=(1, 16, 16, 8)).astype("float32")
    branch = keras.Model(inputs, model.get_layer("m_conv2").output)
    np.testing.assert_allclose(np.asarray(model(x)), x + np.asarray(branch(x)), atol=1e-5)
    assert cost.model_cost(model).macs == 2 * 3 * 3 * 8 * 16 * 16 * 8


def test_pooling_module_projects_the_shortcut(keras):
    inputs = keras.Input((16, 16, 8))
    model = keras.Model(inputs, resnet.resnet_module(inputs, 16, pool=True, name="m"))
    assert model.output.shape[1:] == (8, 8, 16)
    assert model.get_layer("m_shortcut").strides == (2, 2)
    assert cost.model_cost(model).macs == 8 * 8 * (8 * 16 + 9 * 8 * 16 + 9 * 16 * 16)


def test_bad_arguments(keras):
    inputs = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match="filters: without pool"):
        resnet.resnet_module(inputs, 8)
    with pytest.raises(ValueError, match="num_classes"):
        resnet.mini_resnet(num_classes=1)
