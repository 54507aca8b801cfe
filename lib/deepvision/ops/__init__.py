"""Reference implementations: pure numpy functions in Keras layouts, one topic per module.

Reach every function as ``deepvision.ops.<name>``, or its module as ``deepvision.ops.<topic>``:

| module | topic |
|---|---|
| ``activations`` | step, sigmoid, ReLU, softmax and their derivatives |
| ``rectifiers`` | leaky ReLU, PReLU, ELU, thresholded ReLU, GELU, SiLU; dead units |
| ``losses`` | MSE, cross-entropy, L1 and L2 penalties |
| ``optim`` | a gradient-descent step, learning-rate schedules |
| ``regression`` | linear and polynomial regression, softmax regression on a schedule |
| ``labels`` | one-hot labels, the top predictions of a model |
| ``dense`` | a dense layer, forward and backward |
| ``gradcheck`` | numerical gradients by centred differences |
| ``images`` | images as arrays: grayscale, scaling, channels, crops, flips, batches |
| ``arithmetic`` | convolution arithmetic: output sizes, "same" padding, parameter counts |
| ``conv`` | convolution, from loops to im2col, forward and backward |
| ``pooling`` | max and average pooling |
| ``separable`` | depthwise and depthwise-separable convolutions |
| ``grouped`` | grouped convolutions (ResNeXt's cardinality) and their parameters |
| ``residual`` | a residual connection x + F(x), forward and backward |
| ``squeeze`` | squeeze-and-excitation, forward |
| ``receptive`` | receptive fields of a stack: size, jump, start |
| ``dropout`` | inverted dropout, forward and backward |
| ``normalization`` | batch normalization (training and inference), standardisation |
| ``augmentation`` | flips, shifts and rotations of training images |
| ``filters`` | hand-made filters: Sobel, blur, sharpen |

Each function's docstring says where it is taught.
"""

from deepvision.ops import (
    arithmetic,
    augmentation,
    filters,
    images,
    normalization,
    receptive,
    rectifiers,
)
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
from deepvision.ops.augmentation import flip_horizontal, random_augment, rotate, translate
from deepvision.ops.conv import (
    conv1d,
    conv2d,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive,
)
from deepvision.ops.dense import dense_backward, dense_forward
from deepvision.ops.dropout import dropout, dropout_backward, dropout_forward
from deepvision.ops.filters import filter2d, gradient_magnitude, sobel_x, sobel_y
from deepvision.ops.gradcheck import numerical_gradient, relative_error
from deepvision.ops.grouped import grouped_conv2d, grouped_conv2d_parameters
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
from deepvision.ops.normalization import (
    batch_norm,
    batch_norm_backward,
    batch_norm_forward,
    batch_norm_inference,
    batch_norm_parameter_count,
    fit_standardization,
    standardize,
)
from deepvision.ops.optim import SCHEDULES, gradient_descent_step, schedule_rates
from deepvision.ops.pooling import (
    avg_pool2d,
    global_avg_pool2d,
    max_pool2d,
    max_pool2d_backward,
    max_pool2d_forward,
)
from deepvision.ops.receptive import (
    ReceptiveField,
    field_span,
    receptive_field,
    receptive_field_size,
)
from deepvision.ops.rectifiers import (
    dead_unit_fraction,
    dead_units,
    elu,
    elu_derivative,
    gelu,
    gelu_derivative,
    leaky_relu,
    leaky_relu_derivative,
    prelu,
    prelu_backward,
    prelu_derivative,
    silu,
    silu_derivative,
    thresholded_relu,
    thresholded_relu_derivative,
)
from deepvision.ops.regression import (
    linear_predict,
    linear_regression_fit,
    mse_gradients,
    polynomial_features,
    polynomial_fit,
    polynomial_predict,
    train_with_schedule,
)
from deepvision.ops.residual import residual_backward, residual_forward
from deepvision.ops.separable import depthwise_conv2d, separable_conv2d
from deepvision.ops.squeeze import se_forward

__all__ = [
    "ReceptiveField",
    "SCHEDULES",
    "arithmetic",
    "augmentation",
    "avg_pool2d",
    "batch_norm",
    "batch_norm_backward",
    "batch_norm_forward",
    "batch_norm_inference",
    "batch_norm_parameter_count",
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
    "dead_unit_fraction",
    "dead_units",
    "denormalize",
    "dense_backward",
    "dense_forward",
    "depthwise_conv2d",
    "dropout",
    "dropout_backward",
    "dropout_forward",
    "elu",
    "elu_derivative",
    "field_span",
    "filter2d",
    "filters",
    "fit_standardization",
    "flip",
    "flip_horizontal",
    "gelu",
    "gelu_derivative",
    "global_avg_pool2d",
    "gradient_descent_step",
    "gradient_magnitude",
    "grouped_conv2d",
    "grouped_conv2d_parameters",
    "images",
    "l1_penalty",
    "l2_penalty",
    "leaky_relu",
    "leaky_relu_derivative",
    "linear_predict",
    "linear_regression_fit",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool2d_forward",
    "mse",
    "mse_gradients",
    "normalization",
    "normalize",
    "numerical_gradient",
    "one_hot",
    "output_size",
    "polynomial_features",
    "polynomial_fit",
    "polynomial_predict",
    "prelu",
    "prelu_backward",
    "prelu_derivative",
    "random_augment",
    "receptive",
    "receptive_field",
    "receptive_field_size",
    "rectifiers",
    "relative_error",
    "relu",
    "relu_derivative",
    "residual_backward",
    "residual_forward",
    "rotate",
    "same_output_size",
    "same_padding",
    "schedule_rates",
    "se_forward",
    "separable_conv2d",
    "sigmoid",
    "sigmoid_derivative",
    "silu",
    "silu_derivative",
    "sobel_x",
    "sobel_y",
    "softmax",
    "split_channels",
    "stack_channels",
    "standardize",
    "step",
    "step_derivative",
    "thresholded_relu",
    "thresholded_relu_derivative",
    "to_batch",
    "to_grayscale",
    "top_predictions",
    "train_with_schedule",
    "translate",
    "valid_output_size",
]
