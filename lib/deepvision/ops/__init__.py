"""Reference implementations: pure numpy functions in Keras layouts, one topic per module.

Reach every function as ``deepvision.ops.<name>``, or its module as ``deepvision.ops.<topic>``:

| module | topic |
|---|---|
| ``activations`` | step, sigmoid, ReLU, softmax and their derivatives |
| ``losses`` | MSE, cross-entropy, L1 and L2 penalties |
| ``optim`` | a gradient-descent step |
| ``regression`` | linear and polynomial regression |
| ``labels`` | one-hot labels, the top predictions of a model |
| ``dense`` | a dense layer, forward and backward |
| ``gradcheck`` | numerical gradients by centred differences |
| ``images`` | images as arrays: grayscale, scaling, channels, crops, flips, batches |
| ``arithmetic`` | convolution arithmetic: output sizes, "same" padding, parameter counts |
| ``conv`` | convolution, from loops to im2col, forward and backward |
| ``pooling`` | max and average pooling |
| ``filters`` | hand-made filters: Sobel, blur, sharpen |

Each function's docstring says where it is taught.
"""

from deepvision.ops import arithmetic, filters, images
from deepvision.ops.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    step,
    step_derivative,
)
from deepvision.ops.arithmetic import (
    conv_output_size,
    conv_parameter_count,
    output_size,
    same_output_size,
    same_padding,
    valid_output_size,
)
from deepvision.ops.conv import (
    conv1d,
    conv2d,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive,
)
from deepvision.ops.dense import dense_backward, dense_forward
from deepvision.ops.filters import filter2d, gradient_magnitude, sobel_x, sobel_y
from deepvision.ops.gradcheck import numerical_gradient, relative_error
from deepvision.ops.images import (
    center_crop,
    crop,
    denormalize,
    flip,
    normalize,
    split_channels,
    stack_channels,
    to_batch,
    to_grayscale,
)
from deepvision.ops.labels import one_hot, top_predictions
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
    "arithmetic",
    "avg_pool2d",
    "center_crop",
    "conv1d",
    "conv2d",
    "conv2d_backward",
    "conv2d_forward",
    "conv2d_naive",
    "conv_output_size",
    "conv_parameter_count",
    "crop",
    "cross_entropy",
    "dense_backward",
    "dense_forward",
    "denormalize",
    "filter2d",
    "filters",
    "flip",
    "gradient_descent_step",
    "gradient_magnitude",
    "images",
    "l1_penalty",
    "l2_penalty",
    "linear_predict",
    "linear_regression_fit",
    "max_pool2d",
    "mse",
    "mse_gradients",
    "normalize",
    "numerical_gradient",
    "one_hot",
    "output_size",
    "polynomial_features",
    "polynomial_fit",
    "polynomial_predict",
    "relative_error",
    "relu",
    "relu_derivative",
    "same_output_size",
    "same_padding",
    "sigmoid",
    "sigmoid_derivative",
    "sobel_x",
    "sobel_y",
    "softmax",
    "split_channels",
    "stack_channels",
    "step",
    "step_derivative",
    "to_batch",
    "to_grayscale",
    "top_predictions",
    "valid_output_size",
]
