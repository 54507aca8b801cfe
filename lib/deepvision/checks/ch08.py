"""The exercises of chapter 08, "Rectifiers", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops.rectifiers`) and the wrong
answers learners give, with the hint each earns: the slope put on the positive side or on the
gradient instead of the input, ELU without its "- 1", a threshold that shifts the function, a
PReLU slope gradient summed over the wrong axes or without its mask, dead units counted per value
instead of per channel, and Keras 2 spellings (``alpha=``, ``ThresholdedReLU``, a PReLU without
``shared_axes``). ``tests/test_exercises.py`` turns the same declarations into the checkers'
tests. See :mod:`deepvision.checks._exercise` for the pattern.

Keras is imported only inside the verifier of the Keras exercise, so that importing this module
(and checking the numpy exercises) never starts TensorFlow.
"""

from __future__ import annotations

import numpy as np

from deepvision.checks._core import CaseFailed, call, close
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.ops import rectifiers

_RNG = np.random.default_rng(80)
_Z = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0])
_RANDOM = _RNG.normal(scale=2.0, size=(4, 5))

# -- leaky_relu -----------------------------------------------------------------------------

LEAKY_RELU = Exercise(
    "leaky_relu",
    chapter="ch08",
    answers=("leaky_relu",),
    reference=rectifiers.leaky_relu,
    cases=[
        Case(_Z, 0.3, label="z = [-3, -1, -0.25, 0, 0.5, 2] and alpha = 0.3"),
        Case(_RANDOM, 0.01, label="a random (4, 5) array and alpha = 0.01"),
    ],
    mistakes=[
        Mistake(
            "alpha ignored: negative inputs became 0 (that is ReLU); multiply them by alpha",
            lambda z, alpha=0.3: np.maximum(np.asarray(z, float), 0.0),
        ),
        Mistake(
            "you returned alpha for the negative inputs; leaky ReLU returns alpha * z there",
            lambda z, alpha=0.3: np.where(np.asarray(z) > 0, z, alpha),
        ),
        Mistake(
            "the slope goes on the negative side: z where z > 0, alpha * z where z <= 0",
            lambda z, alpha=0.3: np.where(np.asarray(z) > 0, alpha * np.asarray(z), z),
        ),
        Mistake(
            "you returned the derivative (1 or alpha): leaky ReLU multiplies the negative "
            "*inputs* by alpha, the output is z or alpha * z",
            rectifiers.leaky_relu_derivative,
        ),
    ],
    hints=[
        "np.where(condition, value_if_true, value_if_false) picks element by element.",
        "The condition is z > 0; keep z where it holds, alpha * z where it does not.",
    ],
    success="z for z > 0, alpha * z otherwise",
)

# -- leaky_relu_derivative ------------------------------------------------------------------

LEAKY_RELU_DERIVATIVE = Exercise(
    "leaky_relu_derivative",
    chapter="ch08",
    answers=("leaky_relu_derivative",),
    reference=rectifiers.leaky_relu_derivative,
    cases=[
        Case(_Z, 0.3, label="z = [-3, -1, -0.25, 0, 0.5, 2] and alpha = 0.3"),
        Case(_RANDOM, 0.05, label="a random (4, 5) array and alpha = 0.05"),
    ],
    mistakes=[
        Mistake(
            "that is ReLU's derivative: for z <= 0 leaky ReLU's slope is alpha, not 0 (that is "
            "the point: the unit still receives a gradient)",
            lambda z, alpha=0.3: (np.asarray(z) > 0).astype(float),
        ),
        Mistake(
            "you returned alpha * z for z <= 0: the derivative of alpha * z is the constant alpha",
            lambda z, alpha=0.3: np.where(np.asarray(z) > 0, 1.0, alpha * np.asarray(z)),
        ),
        Mistake(
            "you returned the function, not its derivative: the slope is 1 for z > 0 and alpha "
            "for z <= 0",
            rectifiers.leaky_relu,
        ),
        Mistake(
            "at z = 0 use the left side's slope, alpha (as TensorFlow does): the condition for "
            "slope 1 is z > 0, not z >= 0",
            lambda z, alpha=0.3: np.where(np.asarray(z) >= 0, 1.0, alpha),
        ),
    ],
    hints=[
        "Differentiate each branch: d z / dz and d (alpha z) / dz.",
        "Return an array of the shape of z: 1.0 where z > 0, alpha elsewhere.",
    ],
    success="1 for z > 0, alpha otherwise (alpha at z = 0)",
)

# -- elu and its derivative -----------------------------------------------------------------


def _elu_no_minus_one(z, alpha=1.0):
    z = np.asarray(z, float)
    return np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0.0)))


def _elu_no_alpha(z, alpha=1.0):
    z = np.asarray(z, float)
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_everywhere(z, alpha=1.0):
    return alpha * np.expm1(np.asarray(z, float))


ELU = Exercise(
    "elu",
    chapter="ch08",
    answers=("elu", "elu_derivative"),
    reference=(rectifiers.elu, rectifiers.elu_derivative),
    cases=[
        Case(_Z, 1.0, label="elu of z = [-3, -1, -0.25, 0, 0.5, 2], alpha = 1"),
        Case(_RANDOM, 0.5, label="elu of a random (4, 5) array, alpha = 0.5", rtol=1e-6),
        Case(
            _Z,
            1.0,
            function="elu_derivative",
            label="elu_derivative of z = [-3, -1, -0.25, 0, 0.5, 2], alpha = 1",
        ),
        Case(
            _RANDOM,
            0.5,
            function="elu_derivative",
            label="elu_derivative of a random (4, 5) array, alpha = 0.5",
        ),
    ],
    mistakes=[
        Mistake(
            "elu: you forgot the - 1: alpha * (exp(z) - 1) is 0 at z = 0 and tends to -alpha; "
            "alpha * exp(z) jumps at 0",
            elu=_elu_no_minus_one,
        ),
        Mistake("elu: multiply exp(z) - 1 by alpha", elu=_elu_no_alpha),
        Mistake(
            "elu: positive inputs pass unchanged; the exponential branch is for z <= 0 only",
            elu=_elu_everywhere,
        ),
        Mistake(
            "elu_derivative: for z <= 0 the derivative of alpha * (exp(z) - 1) is alpha * exp(z) "
            "(the - 1 is a constant and disappears)",
            elu_derivative=lambda z, alpha=1.0: np.where(
                np.asarray(z) > 0, 1.0, alpha * np.expm1(np.minimum(np.asarray(z, float), 0.0))
            ),
        ),
        Mistake(
            "elu_derivative: for z > 0 the slope is 1, not exp(z)",
            elu_derivative=lambda z, alpha=1.0: alpha * np.exp(np.asarray(z, float)),
        ),
        Mistake(
            "elu_derivative: you returned elu itself, not its derivative",
            elu_derivative=rectifiers.elu,
        ),
    ],
    hints=[
        "Use np.where(z > 0, ..., ...) for both functions.",
        "np.exp(z) - 1 (or np.expm1(z)) on the negative side, times alpha.",
        "The derivative of alpha * (exp(z) - 1) is alpha * exp(z), which is elu(z) + alpha.",
    ],
    success="alpha (exp(z) - 1) below 0 and its derivative alpha exp(z)",
)

# -- thresholded_relu -----------------------------------------------------------------------

THRESHOLDED_RELU = Exercise(
    "thresholded_relu",
    chapter="ch08",
    answers=("thresholded_relu",),
    reference=rectifiers.thresholded_relu,
    cases=[
        Case(np.array([-1.0, 0.0, 0.5, 1.5, 3.0]), 1.0, label="z = [-1, 0, 0.5, 1.5, 3], theta 1"),
        Case(
            np.array([0.2, 0.5, 0.7, 1.0]),
            0.5,
            label="z = [0.2, 0.5, 0.7, 1] with theta = 0.5 (one input exactly at theta)",
        ),
        Case(_RANDOM, 0.3, label="a random (4, 5) array and theta = 0.3"),
    ],
    mistakes=[
        Mistake(
            "you subtracted theta (max(0, z - theta)): the thresholded ReLU keeps z itself where "
            "z > theta, it does not shift the function",
            lambda z, theta=1.0: np.maximum(np.asarray(z, float) - theta, 0.0),
        ),
        Mistake(
            "you returned a mask (1 where z > theta); return z there, 0 elsewhere",
            lambda z, theta=1.0: (np.asarray(z) > theta).astype(float),
        ),
        Mistake(
            "at z = theta the output is 0 (the formula says z <= theta gives 0): use z > theta, "
            "not z >= theta",
            lambda z, theta=1.0: np.where(np.asarray(z) >= theta, z, 0.0),
        ),
        Mistake(
            "theta ignored: that is the plain ReLU (theta = 0)",
            lambda z, theta=1.0: np.maximum(np.asarray(z, float), 0.0),
        ),
    ],
    hints=[
        "One np.where: the condition is z > theta.",
        "Where the condition holds return z unchanged; elsewhere 0.",
    ],
    success="z where z > theta, 0 elsewhere",
)

# -- prelu_slope_gradient -------------------------------------------------------------------


def _slope_gradient(dout, z):
    """dalpha for one slope per channel (alpha of shape (C,))."""
    z = np.asarray(z, float)
    alpha = np.zeros(z.shape[-1])
    return rectifiers.prelu_backward(dout, z, alpha)[1]


def _slope_gradient_unmasked(dout, z):
    z, dout = np.asarray(z, float), np.asarray(dout, float)
    return (dout * z).reshape(-1, z.shape[-1]).sum(axis=0)


def _slope_gradient_positive_side(dout, z):
    z, dout = np.asarray(z, float), np.asarray(dout, float)
    return np.where(z > 0, dout * z, 0.0).reshape(-1, z.shape[-1]).sum(axis=0)


def _slope_gradient_mean(dout, z):
    z = np.asarray(z, float)
    return _slope_gradient(dout, z) / (z.size // z.shape[-1])


def _slope_gradient_one_number(dout, z):
    return np.sum(_slope_gradient(dout, z))


def _slope_gradient_first_image(dout, z):
    return _slope_gradient(np.asarray(dout)[:1], np.asarray(z)[:1])


def _slope_gradient_dout_only(dout, z):
    z, dout = np.asarray(z, float), np.asarray(dout, float)
    return np.where(z > 0, 0.0, dout).reshape(-1, z.shape[-1]).sum(axis=0)


_RNG = np.random.default_rng(81)

PRELU_SLOPE_GRADIENT = Exercise(
    "prelu_slope_gradient",
    chapter="ch08",
    answers=("prelu_slope_gradient",),
    reference=_slope_gradient,
    cases=[
        Case(
            np.ones((1, 1, 1, 2)),
            np.array([[[[-2.0, 3.0]]]]),
            label="one position, dout = 1 and z = [-2, 3] in two channels",
            message="for z = [-2, 3] and dout = 1 expected [-2, 0] (the negative input feeds "
            "its channel's slope; the positive one does not), got {got}",
        ),
        Case(
            _RNG.normal(size=(3, 4, 4, 5)),
            _RNG.normal(size=(3, 4, 4, 5)),
            label="dout and z of shape (3, 4, 4, 5)",
        ),
        Case(
            _RNG.normal(size=(6, 3)),
            _RNG.normal(size=(6, 3)),
            label="a dense layer's dout and z of shape (6, 3)",
        ),
    ],
    mistakes=[
        Mistake(
            "you summed dout * z everywhere: only the entries with z <= 0 went through alpha "
            "(the positive ones are z, whatever alpha is)",
            _slope_gradient_unmasked,
        ),
        Mistake(
            "you used the entries with z > 0; alpha multiplies the ones with z <= 0",
            _slope_gradient_positive_side,
        ),
        Mistake(
            "you averaged: a shared weight's gradient is the *sum* of the gradients of all the "
            "places it is used",
            _slope_gradient_mean,
        ),
        Mistake(
            "one slope per channel: sum over the batch and the positions but keep the channel "
            "axis, a result of shape (C,)",
            _slope_gradient_one_number,
        ),
        Mistake(
            "sum over the whole batch, not the first image only",
            _slope_gradient_first_image,
        ),
        Mistake(
            "d(alpha * z) / d alpha is z: multiply dout by z",
            _slope_gradient_dout_only,
        ),
    ],
    hints=[
        "For one entry with z <= 0 the output is alpha * z, so d out / d alpha = z.",
        "Mask: np.where(z <= 0, dout * z, 0.0).",
        "Each channel's slope is shared by every image and position: sum over every axis but "
        "the last (reshape to (-1, C), then sum over axis 0).",
    ],
    success="the sum of dout * z over the entries with z <= 0, one number per channel",
)

# -- dead_fraction --------------------------------------------------------------------------


def _dead_fraction(pre_activations):
    return rectifiers.dead_unit_fraction(pre_activations)


def _dead_per_value(pre_activations):
    return float(np.mean(np.asarray(pre_activations) <= 0))


def _dead_strict(pre_activations):
    z = np.asarray(pre_activations, float)
    return float(np.mean(np.all(z.reshape(-1, z.shape[-1]) < 0, axis=0)))


def _dead_per_position(pre_activations):
    z = np.asarray(pre_activations, float)
    return float(np.mean(np.all(z <= 0, axis=0)))


def _dead_count(pre_activations):
    z = np.asarray(pre_activations, float)
    return int(np.sum(np.all(z.reshape(-1, z.shape[-1]) <= 0, axis=0)))


def _dead_any(pre_activations):
    z = np.asarray(pre_activations, float)
    return float(np.mean(np.any(z.reshape(-1, z.shape[-1]) <= 0, axis=0)))


def _maps_with_dead_channels():
    rng = np.random.default_rng(82)
    z = rng.normal(size=(5, 4, 4, 8))
    z[..., [1, 4, 6]] = -np.abs(z[..., [1, 4, 6]])  # never fire
    z[..., 6] = np.minimum(z[..., 6], 0.0)
    z[2, 1, 3, 6] = 0.0  # exactly 0: no gradient either
    z[..., 2] = -np.abs(z[..., 2])
    z[4, 3, 0, 2] = 0.7  # fires once: alive
    z[..., 5] = np.abs(z[..., 5]) + 0.1  # fires everywhere
    return z


DEAD_FRACTION = Exercise(
    "dead_fraction",
    chapter="ch08",
    answers=("dead_fraction",),
    reference=_dead_fraction,
    cases=[
        Case(
            _maps_with_dead_channels(),
            label="feature maps (5, 4, 4, 8) whose channels 1, 4 and 6 never fire",
            message="for maps (5, 4, 4, 8) whose channels 1, 4 and 6 never fire expected 3/8 = "
            "0.375, got {got}",
        ),
        Case(
            np.array([[-1.0, 2.0, 0.0], [-0.5, -1.0, 0.0], [-2.0, 0.3, 0.0]]),
            label="a dense layer's pre-activations (3 inputs, 3 units)",
            message="for the (3, 3) dense pre-activations expected 2/3 (units 0 and 2 never "
            "fire), got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "you counted values, not units: a unit (one channel) is dead only when it is <= 0 for "
            "every image and every position",
            _dead_per_value,
        ),
        Mistake(
            "a pre-activation of exactly 0 gives ReLU's output 0 and gradient 0 too: count z <= 0 "
            "as not firing, not only z < 0",
            _dead_strict,
        ),
        Mistake(
            "a channel's filter is shared by every position: look at all positions of all images "
            "(reshape to (-1, C)), not position by position",
            _dead_per_position,
        ),
        Mistake(
            "return the fraction of the channels (between 0 and 1), not their number",
            _dead_count,
        ),
        Mistake(
            "a unit that fires even once in the batch is alive: it is dead when *all* its values "
            "are <= 0 (np.all), not any",
            _dead_any,
        ),
    ],
    hints=[
        "Put every value of one channel in one column: z.reshape(-1, z.shape[-1]).",
        "A channel is dead when np.all(column <= 0).",
        "Return the mean of that boolean per channel: a fraction.",
    ],
    success="the fraction of channels that are <= 0 for every image and position",
)

# -- keras_rectifier ------------------------------------------------------------------------

_KERAS_INPUT = np.random.default_rng(83).normal(scale=1.5, size=(2, 4, 4, 3)).astype("float32")
_KERAS_CASES = [
    ("leaky", 0.1, lambda z: rectifiers.leaky_relu(z, 0.1)),
    ("thresholded", 0.5, lambda z: rectifiers.thresholded_relu(z, 0.5)),
    ("prelu", 0.25, lambda z: rectifiers.prelu(z, 0.25)),
]


def _keras_rectifier(kind, parameter):
    from keras import initializers, layers

    if kind == "leaky":
        return layers.LeakyReLU(negative_slope=parameter)
    if kind == "thresholded":
        return layers.ReLU(threshold=parameter)
    return layers.PReLU(alpha_initializer=initializers.Constant(parameter), shared_axes=[1, 2])


def _rectifier_except(kind, make):
    """The reference layers, except ``make(parameter)`` for ``kind``."""

    def wrong(kind_, parameter):
        return make(parameter) if kind_ == kind else _keras_rectifier(kind_, parameter)

    return wrong


def _called(kind, parameter):
    return _keras_rectifier(kind, parameter)(_KERAS_INPUT)


def _leaky_default(parameter):
    from keras import layers

    return layers.LeakyReLU()


def _relu_max_value(parameter):
    from keras import layers

    return layers.ReLU(max_value=parameter)


def _prelu_per_value(parameter):
    from keras import initializers, layers

    return layers.PReLU(alpha_initializer=initializers.Constant(parameter))


def _prelu_from_zero(parameter):
    from keras import layers

    return layers.PReLU(shared_axes=[1, 2])


def _prelu_as_leaky(parameter):
    from keras import layers

    return layers.LeakyReLU(negative_slope=parameter)


def _prelu_as_elu(parameter):
    from keras import layers

    return layers.ELU(alpha=parameter)


_NOT_A_LAYER = Mistake(
    "return a Keras layer (keras.layers.LeakyReLU(...), keras.layers.ReLU(...), "
    "keras.layers.PReLU(...)), not the result of calling it",
    _called,
)
_LEAKY_DEFAULT = Mistake(
    "leaky: the slope was not passed; Keras 3 spells it LeakyReLU(negative_slope=...) "
    "(Keras 2's alpha= is deprecated)",
    _rectifier_except("leaky", _leaky_default),
)
_MAX_VALUE = Mistake(
    "thresholded: max_value= caps the output from above; the threshold below which the output "
    "is 0 is ReLU(threshold=...)",
    _rectifier_except("thresholded", _relu_max_value),
)
_PRELU_PER_VALUE = Mistake(
    "prelu: without shared_axes=[1, 2] Keras learns one slope per value of the (H, W, C) map; "
    "share it over the height and width to get one slope per channel",
    _rectifier_except("prelu", _prelu_per_value),
)
_PRELU_INITIAL = Mistake(
    "prelu: the slopes must start at parameter: alpha_initializer=keras.initializers."
    "Constant(parameter) (the default starts them at 0, a plain ReLU)",
    _rectifier_except("prelu", _prelu_from_zero),
)
_PRELU_FIXED = Mistake(
    "prelu: LeakyReLU's slope is fixed; PReLU learns it (keras.layers.PReLU, a layer with a "
    "trainable weight)",
    _rectifier_except("prelu", _prelu_as_leaky),
)


def _verify_keras_rectifier(answers):
    import keras

    make = answers["keras_rectifier"]
    for kind, parameter, reference in _KERAS_CASES:
        layer = call("keras_rectifier", make, kind, parameter)
        if layer is None:
            raise CaseFailed("keras_rectifier returned None: did you forget the `return`?")
        if not isinstance(layer, keras.layers.Layer):
            raise CaseFailed(f"{_NOT_A_LAYER.hint}; for {kind!r} got {type(layer).__name__}")
        try:
            got = keras.ops.convert_to_numpy(layer(_KERAS_INPUT))
        except Exception as error:  # a layer that cannot run on (N, H, W, C) maps
            raise CaseFailed(
                f"the layer for {kind!r} failed on (2, 4, 4, 3) maps: {type(error).__name__}"
            ) from error
        right = close(got, reference(_KERAS_INPUT.astype(float)), rtol=1e-5, atol=1e-6)
        if kind == "prelu":
            if right and not layer.trainable_weights:
                raise CaseFailed(_PRELU_FIXED.hint)
            alpha = layer.alpha if isinstance(layer, keras.layers.PReLU) else None
            if alpha is not None and tuple(alpha.shape) == (4, 4, 3):
                raise CaseFailed(_PRELU_PER_VALUE.hint)
            if alpha is not None and np.allclose(np.asarray(alpha), 0.0):
                raise CaseFailed(_PRELU_INITIAL.hint)
        if right:
            continue
        if kind == "leaky":
            raise CaseFailed(_LEAKY_DEFAULT.hint)
        if kind == "thresholded":
            raise CaseFailed(_MAX_VALUE.hint)
        raise CaseFailed(f"the layer for {kind!r} with parameter {parameter} computes wrong values")
    return "LeakyReLU(negative_slope), ReLU(threshold) and a per-channel PReLU"


KERAS_RECTIFIER = Exercise(
    "keras_rectifier",
    chapter="ch08",
    answers=("keras_rectifier",),
    reference=_keras_rectifier,
    verify=_verify_keras_rectifier,
    mistakes=[
        _NOT_A_LAYER,
        _LEAKY_DEFAULT,
        _MAX_VALUE,
        _PRELU_PER_VALUE,
        _PRELU_INITIAL,
        _PRELU_FIXED,
        Rejected(_rectifier_except("prelu", _prelu_as_elu), says="computes wrong values"),
    ],
    hints=[
        "All three live in keras.layers: LeakyReLU, ReLU and PReLU.",
        "Keras 3 renamed LeakyReLU's alpha to negative_slope and dropped ThresholdedReLU: "
        "ReLU(threshold=...) does its job.",
        "PReLU(alpha_initializer=keras.initializers.Constant(parameter), shared_axes=[1, 2]).",
    ],
    success="LeakyReLU(negative_slope), ReLU(threshold) and a per-channel PReLU",
    keras=True,
)

EXERCISES = [
    LEAKY_RELU,
    LEAKY_RELU_DERIVATIVE,
    ELU,
    THRESHOLDED_RELU,
    PRELU_SLOPE_GRADIENT,
    DEAD_FRACTION,
    KERAS_RECTIFIER,
]

check_leaky_relu = LEAKY_RELU.checker("check_leaky_relu")
check_leaky_relu_derivative = LEAKY_RELU_DERIVATIVE.checker("check_leaky_relu_derivative")
check_elu = ELU.checker("check_elu")
check_thresholded_relu = THRESHOLDED_RELU.checker("check_thresholded_relu")
check_prelu_slope_gradient = PRELU_SLOPE_GRADIENT.checker("check_prelu_slope_gradient")
check_dead_fraction = DEAD_FRACTION.checker("check_dead_fraction")
check_keras_rectifier = KERAS_RECTIFIER.checker("check_keras_rectifier")
