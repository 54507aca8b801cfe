"""Reference implementations: pure numpy functions in Keras layouts.

Reach every function as ``deepvision.ops.<name>``. One topic per module; each function's
docstring says where it is taught.
"""

from deepvision.ops.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    step,
    step_derivative,
)
from deepvision.ops.conv import (
    conv1d,
    conv2d,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive,
)
from deepvision.ops.dense import dense_backward, dense_forward
from deepvision.ops.labels import one_hot
from deepvision.ops.losses import cross_entropy, l1_penalty, l2_penalty, mse
from deepvision.ops.optim import gradient_descent_step
from deepvision.ops.pooling import avg_pool2d, max_pool2d
from deepvision.ops.regression import (
    linear_predict,
    linear_regression_fit,
    mse_gradients,
    polynomial_features,
    polynomial_fit,
    polynomial_predict,
)

__all__ = [
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv2d_backward",
    "conv2d_forward",
    "conv2d_naive",
    "max_pool2d",
    "cross_entropy",
    "dense_backward",
    "dense_forward",
    "gradient_descent_step",
    "l1_penalty",
    "l2_penalty",
    "linear_predict",
    "linear_regression_fit",
    "mse",
    "mse_gradients",
    "polynomial_features",
    "polynomial_fit",
    "polynomial_predict",
    "softmax",
    "one_hot",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "step",
    "step_derivative",
]
