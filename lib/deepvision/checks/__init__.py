"""Checkers that grade the exercises (learner self-checks and nbgrader's locked test cells).

Every exercise is declared once, in its chapter's module (``checks/ch01.py``...), as an
:class:`~deepvision.checks._exercise.Exercise`: its cases, the wrong answers learners give and
the hint each earns, and hints on demand. Its checker, ``checks.check_<name>(...)``, returns a
:class:`~deepvision.checks._core.CheckResult`: truthy when correct, one line with a hint when
not. The tests of every checker come from the same declarations.

``checks.hint("softmax")`` gives the next hint of an exercise of the chapter the notebook is
on (set by ``deepvision.prepare("ch01")``); never the solution.
"""

from deepvision.checks import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, ch11, ch12
from deepvision.checks._core import CheckResult
from deepvision.checks._exercise import Exercise
from deepvision.checks.ch01 import (
    check_choose_learning_rate,
    check_cross_entropy,
    check_gradient_descent_step,
    check_l2_penalty,
    check_linear_regression,
    check_mse,
    check_softmax,
)
from deepvision.checks.ch02 import (
    check_center_crop,
    check_choose_gray_weights,
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
    check_mlp_train_step,
    check_numerical_gradient,
    check_one_hot,
    check_perceptron,
    check_relu,
    check_sigmoid,
    check_sigmoid_derivative,
    check_softmax_cross_entropy_gradient,
    check_two_layer_forward,
    check_xor_network,
)
from deepvision.checks.ch04 import (
    check_build_mlp,
    check_choose_threshold,
    check_compile_mlp,
    check_one_hot_labels,
    check_prediction_accuracy,
    check_prepare_images,
    check_train_mlp,
)
from deepvision.checks.ch05 import (
    check_best_checkpoint,
    check_dense_parameters,
    check_design_schedule,
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
    check_diagonal_filter,
    check_learn_kernel,
    check_max_pool2d,
    check_max_pool2d_backward,
    check_mnist_cnn,
    check_output_size,
    check_sobel_magnitude,
)
from deepvision.checks.ch07 import (
    check_augmentation,
    check_batch_norm,
    check_batch_norm_inference,
    check_bn_parameter_count,
    check_dropout,
    check_global_avg_pool2d,
    check_running_average,
    check_standardize_splits,
    check_unit,
)
from deepvision.checks.ch08 import (
    check_dead_fraction,
    check_elu,
    check_keras_rectifier,
    check_leaky_relu,
    check_leaky_relu_derivative,
    check_prelu_slope_gradient,
    check_thresholded_relu,
)
from deepvision.checks.ch09 import (
    check_dense_block,
    check_grouped_parameters,
    check_inception_module,
    check_residual_module,
    check_se_block,
    check_vgg_parameters,
)
from deepvision.checks.ch10 import (
    check_conv2d_cost,
    check_conv_macs,
    check_conv_params,
    check_dense_cost,
    check_receptive_field_size,
    check_stack_macs,
)
from deepvision.checks.ch11 import (
    check_bottleneck_unit,
    check_choose_width,
    check_depthwise_conv2d,
    check_separable_macs,
    check_separable_ratio,
)
from deepvision.checks.ch12 import (
    check_bottleneck_features,
    check_confusion_matrix,
    check_folder_datasets,
    check_frozen_classifier,
    check_grad_cam_map,
    check_unfreeze_top_block,
    check_vgg16_input,
)

_CHAPTER_MODULES = (ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, ch11, ch12)


def exercises():
    """Every declared exercise, in chapter order: a list of :class:`Exercise`."""
    found = []
    for module in _CHAPTER_MODULES:
        found.extend(getattr(module, "EXERCISES", ()))
    return found


def exercise(name, chapter=None):
    """The exercise ``name`` of ``chapter`` (default: the chapter the notebook prepared).

    Raises:
        ValueError: no such exercise, or ``name`` exists in several chapters and none is given.
    """
    from deepvision import environment

    chapter = chapter or environment.current_chapter()
    matches = [e for e in exercises() if e.name == name and chapter in (None, e.chapter)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = sorted({e.name for e in exercises() if chapter in (None, e.chapter)})
        where = f" in chapter {chapter[2:]}" if chapter else ""
        raise ValueError(f"name: no exercise {name!r}{where}; expected one of {', '.join(known)}")
    chapters = ", ".join(repr(e.chapter) for e in matches)
    raise ValueError(
        f"chapter: {name!r} is an exercise of chapters {chapters}; say which, e.g. "
        f"checks.hint({name!r}, chapter={matches[0].chapter!r})"
    )


class Hint:
    """One hint, shown as a line in the notebook."""

    def __init__(self, exercise, number, text):
        self.exercise, self.number, self.text = exercise, number, text

    def __repr__(self):
        total = len(self.exercise.hints)
        if self.number > total:
            return f"💡 {self.exercise.name}: {self.text}"
        return f"💡 {self.exercise.name}, hint {self.number} of {total}: {self.text}"

    def _repr_html_(self):
        text = repr(self).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<div style="color:#6f42c1;font-family:monospace;white-space:pre-wrap">{text}</div>'


_HINTS_GIVEN: dict = {}


def hint(name, chapter=None):
    """The next hint of exercise ``name``: one more each call, never the solution.

    Args:
        name: The exercise, as its heading names it (``"softmax"``, ``"unit_range"``...).
        chapter: ``"ch01"``...; default the chapter this notebook prepared.

    Returns:
        :class:`Hint`, shown as one line.
    """
    found = exercise(name, chapter)
    key = (found.chapter, found.name)
    given = _HINTS_GIVEN.get(key, 0)
    if given >= len(found.hints):
        return Hint(
            found,
            given + 1,
            "that was the last hint. Reread the section before the exercise, and run the "
            "self-check: its message names what is wrong.",
        )
    _HINTS_GIVEN[key] = given + 1
    return Hint(found, given + 1, found.hints[given])


__all__ = [
    "CheckResult",
    "check_bottleneck_features",
    "check_confusion_matrix",
    "check_folder_datasets",
    "check_frozen_classifier",
    "check_grad_cam_map",
    "check_unfreeze_top_block",
    "check_vgg16_input",
    "Exercise",
    "exercise",
    "exercises",
    "hint",
    "check_build_mlp",
    "check_choose_threshold",
    "check_compile_mlp",
    "check_one_hot_labels",
    "check_prediction_accuracy",
    "check_prepare_images",
    "check_train_mlp",
    "check_best_checkpoint",
    "check_dense_parameters",
    "check_design_schedule",
    "check_functional_mlp",
    "check_learning_rate_schedule",
    "check_load_digit",
    "check_save_and_reload",
    "check_dense",
    "check_dense_backward",
    "check_mlp_train_step",
    "check_softmax_cross_entropy_gradient",
    "check_numerical_gradient",
    "check_one_hot",
    "check_perceptron",
    "check_relu",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_two_layer_forward",
    "check_xor_network",
    "check_center_crop",
    "check_choose_gray_weights",
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
    "check_diagonal_filter",
    "check_learn_kernel",
    "check_max_pool2d",
    "check_max_pool2d_backward",
    "check_mnist_cnn",
    "check_output_size",
    "check_sobel_magnitude",
    "check_augmentation",
    "check_batch_norm",
    "check_batch_norm_inference",
    "check_bn_parameter_count",
    "check_dropout",
    "check_global_avg_pool2d",
    "check_running_average",
    "check_standardize_splits",
    "check_unit",
    "check_choose_learning_rate",
    "check_cross_entropy",
    "check_gradient_descent_step",
    "check_l2_penalty",
    "check_linear_regression",
    "check_mse",
    "check_softmax",
    "check_dead_fraction",
    "check_elu",
    "check_keras_rectifier",
    "check_leaky_relu",
    "check_leaky_relu_derivative",
    "check_prelu_slope_gradient",
    "check_thresholded_relu",
    "check_dense_block",
    "check_grouped_parameters",
    "check_inception_module",
    "check_residual_module",
    "check_se_block",
    "check_vgg_parameters",
    "check_conv2d_cost",
    "check_conv_macs",
    "check_conv_params",
    "check_dense_cost",
    "check_receptive_field_size",
    "check_stack_macs",
    "check_bottleneck_unit",
    "check_choose_width",
    "check_depthwise_conv2d",
    "check_separable_macs",
    "check_separable_ratio",
]
