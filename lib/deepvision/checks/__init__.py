"""Checkers that grade the exercises (learner self-checks and nbgrader's locked test cells).

Every checker takes the learner's function (or model) and returns a
:class:`~deepvision.checks._core.CheckResult`: truthy when correct, shown as one line with a
hint when not. Each checker is itself tested against the reference and plausible wrong answers.
"""

from deepvision.checks._core import CheckResult
from deepvision.checks.ch01 import (
    check_cross_entropy,
    check_gradient_descent_step,
    check_l2_penalty,
    check_linear_regression,
    check_mse,
    check_softmax,
)
from deepvision.checks.ch02 import (
    check_center_crop,
    check_flip_horizontal,
    check_keep_channel,
    check_make_batch,
    check_symmetric_range,
    check_to_grayscale,
    check_unit_range,
)
from deepvision.checks.ch03 import (
    check_dense,
    check_dense_backward,
    check_numerical_gradient,
    check_one_hot,
    check_perceptron,
    check_relu,
    check_sigmoid,
    check_sigmoid_derivative,
    check_two_layer_forward,
    check_xor_network,
)
from deepvision.checks.ch04 import (
    check_build_mlp,
    check_compile_mlp,
    check_one_hot_labels,
    check_prediction_accuracy,
    check_prepare_images,
    check_train_mlp,
)
from deepvision.checks.ch05 import (
    check_best_checkpoint,
    check_dense_parameters,
    check_functional_mlp,
    check_learning_rate_schedule,
    check_load_digit,
    check_save_and_reload,
)
from deepvision.checks.ch06 import (
    check_conv1d,
    check_conv2d,
    check_conv2d_single,
    check_conv_parameter_count,
    check_max_pool2d,
    check_mnist_cnn,
    check_output_size,
    check_sobel_magnitude,
)

__all__ = [
    "CheckResult",
    "check_build_mlp",
    "check_compile_mlp",
    "check_one_hot_labels",
    "check_prediction_accuracy",
    "check_prepare_images",
    "check_train_mlp",
    "check_best_checkpoint",
    "check_dense_parameters",
    "check_functional_mlp",
    "check_learning_rate_schedule",
    "check_load_digit",
    "check_save_and_reload",
    "check_dense",
    "check_dense_backward",
    "check_numerical_gradient",
    "check_one_hot",
    "check_perceptron",
    "check_relu",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_two_layer_forward",
    "check_xor_network",
    "check_center_crop",
    "check_flip_horizontal",
    "check_keep_channel",
    "check_make_batch",
    "check_symmetric_range",
    "check_to_grayscale",
    "check_unit_range",
    "check_conv1d",
    "check_conv2d",
    "check_conv2d_single",
    "check_conv_parameter_count",
    "check_max_pool2d",
    "check_mnist_cnn",
    "check_output_size",
    "check_sobel_magnitude",
    "check_cross_entropy",
    "check_gradient_descent_step",
    "check_l2_penalty",
    "check_linear_regression",
    "check_mse",
    "check_softmax",
]
