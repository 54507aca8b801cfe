"""The exercises of chapter 07, "Components of convolutional neural networks", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops` and
:mod:`deepvision.models.cifar`) and the wrong answers learners give, with the hint each earns:
dropout without the 1 / (1 - rate) rescaling or still active at inference, a global pool over
the wrong axes, batch statistics over the batch axis only, epsilon subtracted (the book's
formula), the unbiased variance, batch statistics at inference, standardising each split with
its own statistics (the book's listing), a unit in the post-activation order, a rotation factor
given in degrees. ``tests/test_exercises.py`` turns the same declarations into the checkers'
tests. See :mod:`deepvision.checks._exercise` for the pattern.

Keras is imported only inside the functions that build models.
"""

from __future__ import annotations

import random

import numpy as np

from deepvision import models, ops
from deepvision.checks._core import CaseFailed, call
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.ops.normalization import KERAS_EPSILON

# -- dropout ----------------------------------------------------------------------------------


def _dropout_with(scale, keep_rule=None, at_inference=None):
    """Dropout with another scaling, keep rule or inference behaviour, as a learner writes it."""

    def wrong(x, rate, training, rng):
        x = np.asarray(x, dtype=np.float64)
        if not training:
            return x if at_inference is None else at_inference(x, rate)
        draws = rng.random(x.shape)
        keep = draws >= rate if keep_rule is None else keep_rule(draws, rate)
        return x * keep * scale(rate)

    return wrong


def _dropout_always(x, rate, training, rng):
    return ops.dropout(x, rate, True, rng)


_RNG = np.random.default_rng(70)
_ACTIVATIONS = _RNG.uniform(0.5, 2.0, size=(6, 8))
_MAPS = _RNG.uniform(0.0, 3.0, size=(2, 4, 4, 3))

DROPOUT = Exercise(
    "dropout",
    chapter="ch07",
    answers=("dropout",),
    reference=ops.dropout,
    cases=[
        Case(_ACTIVATIONS, 0.5, True, np.random.default_rng(1), label="rate 0.5 in training"),
        Case(_ACTIVATIONS, 0.2, True, np.random.default_rng(2), label="rate 0.2 in training"),
        Case(_ACTIVATIONS, 0.5, False, np.random.default_rng(3), label="rate 0.5 at inference"),
        Case(_MAPS, 0.25, True, np.random.default_rng(4), label="feature maps, rate 0.25"),
    ],
    mistakes=[
        Mistake(
            "the survivors must be divided by 1 - rate (inverted dropout), so that the expected "
            "activation is the same with and without dropout",
            _dropout_with(lambda rate: 1.0),
        ),
        Mistake(
            "divide the survivors by the keep probability 1 - rate, not by rate (the two agree "
            "only at rate 0.5)",
            _dropout_with(lambda rate: 1.0 / rate),
        ),
        Mistake(
            "multiplying by 1 - rate shrinks the activations; inverted dropout divides the "
            "survivors by 1 - rate",
            _dropout_with(lambda rate: 1.0 - rate),
        ),
        Mistake(
            "rate is the fraction dropped: keep the units where rng.random(x.shape) >= rate",
            _dropout_with(lambda rate: 1.0 / (1.0 - rate), lambda draws, rate: draws < rate),
        ),
        Mistake(
            "at inference (training=False) dropout does nothing: return x unchanged",
            _dropout_always,
        ),
        Mistake(
            "at inference return x unchanged: with inverted dropout the rescaling happens while "
            "training, so nothing is scaled at test time",
            _dropout_with(lambda rate: 1.0 / (1.0 - rate), at_inference=lambda x, r: x * (1 - r)),
        ),
    ],
    hints=[
        "Draw keep = rng.random(x.shape) >= rate: True for the units that survive.",
        "Multiply x by keep and divide by 1 - rate, so that the mean activation is unchanged.",
        "When training is False, return x as it is.",
    ],
    success="inverted dropout: survivors scaled by 1 / (1 - rate), nothing done at inference",
)

# -- global_avg_pool2d ------------------------------------------------------------------------

_RNG = np.random.default_rng(71)

GLOBAL_AVG_POOL2D = Exercise(
    "global_avg_pool2d",
    chapter="ch07",
    answers=("global_avg_pool2d",),
    reference=ops.global_avg_pool2d,
    cases=[
        Case(_RNG.normal(size=(2, 4, 5, 3)), label="maps (2, 4, 5, 3)"),
        Case(_RNG.normal(size=(3, 8, 8, 7)), label="maps (3, 8, 8, 7)"),
    ],
    mistakes=[
        Mistake(
            "you took each map's maximum; global *average* pooling takes its mean",
            lambda x: np.max(x, axis=(1, 2)),
        ),
        Mistake(
            "you summed each map: divide by its H * W values (take the mean)",
            lambda x: np.sum(x, axis=(1, 2)),
        ),
        Mistake(
            "return shape (N, C): average over the rows and columns and drop those axes "
            "(no keepdims), as GlobalAveragePooling2D does",
            lambda x: np.mean(x, axis=(1, 2), keepdims=True),
        ),
        Mistake(
            "you averaged over the batch: average each image's map over its rows and columns "
            "(axes 1 and 2), one number per image and channel",
            lambda x: np.mean(x, axis=0),
        ),
        Mistake(
            "average each channel on its own (axes 1 and 2 only): the channels must stay apart",
            lambda x: np.mean(x, axis=(1, 2, 3)),
        ),
    ],
    hints=[
        "x has shape (N, H, W, C); the answer has shape (N, C).",
        "Take the mean over the rows and the columns: np.mean(x, axis=(1, 2)).",
    ],
    success="one mean per image and channel, shape (N, C)",
)

# -- batch_norm -------------------------------------------------------------------------------


def _bn_with(axes=(0, 1, 2), ddof=0, root=np.sqrt, epsilon_sign=1.0, affine="gamma-beta"):
    """Batch norm (training mode) with one thing changed, as a learner might write it."""

    def wrong(x, gamma, beta, epsilon=KERAS_EPSILON):
        x = np.asarray(x, dtype=np.float64)
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, ddof=ddof)
        x_hat = (x - mean) / root(var + epsilon_sign * epsilon)
        if affine == "none":
            return x_hat
        if affine == "swapped":
            return beta * x_hat + gamma
        return gamma * x_hat + beta

    return wrong


def _bn_reference(x, gamma, beta, epsilon=KERAS_EPSILON):
    return ops.batch_norm(x, gamma, beta, epsilon)


_RNG = np.random.default_rng(72)
_BN_X = _RNG.normal(size=(6, 4, 4, 3)) * [3.0, 0.5, 2.0] + [1.0, -2.0, 0.0]
_BN_GAMMA, _BN_BETA = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 0.3])

BATCH_NORM = Exercise(
    "batch_norm",
    chapter="ch07",
    answers=("batch_norm",),
    reference=_bn_reference,
    cases=[
        Case(
            _BN_X,
            _BN_GAMMA,
            _BN_BETA,
            label="a batch of maps (6, 4, 4, 3)",
            message="wrong values on a batch of maps (6, 4, 4, 3) (gamma [1.5, 0.5, 2], beta "
            "[0.1, -1, 0.3])",
        ),
        Case(
            _RNG.normal(size=(4, 3, 5, 2)) * 0.01,
            np.ones(2),
            np.zeros(2),
            label="maps with a variance below epsilon (gamma 1, beta 0)",
        ),
        Case(
            _RNG.normal(size=(2, 2, 2, 4)) * 5,
            np.array([1.0, 2.0, 3.0, 4.0]),
            np.array([0.0, 1.0, 0.0, -1.0]),
            0.1,
            label="epsilon 0.1",
        ),
    ],
    mistakes=[
        Mistake(
            "add epsilon to the variance: sqrt(var + epsilon). The book subtracts it, which is "
            "wrong (a variance below epsilon would give the square root of a negative number)",
            _bn_with(epsilon_sign=-1.0),
        ),
        Mistake("you left out epsilon: divide by sqrt(var + epsilon)", _bn_with(epsilon_sign=0.0)),
        Mistake(
            "divide by the standard deviation sqrt(var + epsilon), not by the variance",
            _bn_with(root=lambda v: v),
        ),
        Mistake(
            "you took the statistics over the batch axis only (one mean per pixel and channel): "
            "for feature maps they are over the batch, the rows and the columns, axis=(0, 1, 2)",
            _bn_with(axes=0),
        ),
        Mistake(
            "you took one mean and variance for everything: keep one per channel, axis=(0, 1, 2)",
            _bn_with(axes=None),
        ),
        Mistake(
            "use the biased variance (divide by m, np.var's default), as Keras does; you used "
            "ddof=1",
            _bn_with(ddof=1),
        ),
        Mistake(
            "you returned the normalised values: scale by gamma and shift by beta, "
            "gamma * x_hat + beta",
            _bn_with(affine="none"),
        ),
        Mistake(
            "gamma scales and beta shifts: gamma * x_hat + beta (you swapped them)",
            _bn_with(affine="swapped"),
        ),
    ],
    hints=[
        "Per channel: mean and variance over axis=(0, 1, 2), keepdims=True so they broadcast.",
        "x_hat = (x - mean) / sqrt(var + epsilon): epsilon is added.",
        "Return gamma * x_hat + beta.",
    ],
    success="per-channel statistics over batch and space, sqrt(var + epsilon), gamma and beta",
)

# -- batch_norm_inference ---------------------------------------------------------------------


def _bn_inference_with(root=np.sqrt, epsilon_sign=1.0, batch_stats=False):
    def wrong(x, gamma, beta, running_mean, running_var, epsilon=KERAS_EPSILON):
        x = np.asarray(x, dtype=np.float64)
        if batch_stats:
            return ops.batch_norm(x, gamma, beta, epsilon)
        return gamma * (x - running_mean) / root(running_var + epsilon_sign * epsilon) + beta

    return wrong


_RNG = np.random.default_rng(73)
_RUNNING_MEAN, _RUNNING_VAR = np.array([0.5, -1.0, 2.0]), np.array([4.0, 0.25, 1.5])

BATCH_NORM_INFERENCE = Exercise(
    "batch_norm_inference",
    chapter="ch07",
    answers=("batch_norm_inference",),
    reference=ops.batch_norm_inference,
    cases=[
        Case(
            _RNG.normal(size=(5, 3, 3, 3)),
            _BN_GAMMA,
            _BN_BETA,
            _RUNNING_MEAN,
            _RUNNING_VAR,
            label="a batch of 5 maps",
            message="wrong values on a batch of 5 maps (running mean [0.5, -1, 2], running "
            "variance [4, 0.25, 1.5])",
        ),
        Case(
            _RNG.normal(size=(1, 3, 3, 3)),
            _BN_GAMMA,
            _BN_BETA,
            _RUNNING_MEAN,
            _RUNNING_VAR,
            label="a single image",
        ),
    ],
    mistakes=[
        Mistake(
            "at inference use the running statistics, not the batch's: a prediction must not "
            "depend on the other images in its batch (a batch of one would have variance 0)",
            _bn_inference_with(batch_stats=True),
        ),
        Mistake(
            "divide by sqrt(running_var + epsilon): running_var is a variance, not a standard "
            "deviation",
            _bn_inference_with(root=lambda v: v),
        ),
        Mistake(
            "add epsilon to the running variance: sqrt(running_var + epsilon)",
            _bn_inference_with(epsilon_sign=-1.0),
        ),
        Mistake(
            "you left out epsilon: Keras adds it at inference too, sqrt(running_var + epsilon)",
            _bn_inference_with(epsilon_sign=0.0),
        ),
    ],
    hints=[
        "The same formula as in training, with running_mean and running_var in place of the "
        "batch's mean and variance.",
        "Nothing is computed from x itself except x - running_mean.",
    ],
    success="running statistics at inference, whatever the batch",
)

# -- running_average --------------------------------------------------------------------------


def _running_average(running, batch, momentum=0.99):
    return momentum * np.asarray(running, dtype=np.float64) + (1 - momentum) * np.asarray(batch)


RUNNING_AVERAGE = Exercise(
    "running_average",
    chapter="ch07",
    answers=("running_average",),
    reference=_running_average,
    cases=[
        Case(np.array([0.0, 1.0]), np.array([2.0, 5.0]), label="running [0, 1], batch [2, 5]"),
        Case(np.array([1.0, 4.0, -2.0]), np.array([3.0, 0.0, 1.0]), 0.9, label="momentum 0.9"),
    ],
    mistakes=[
        Mistake(
            "momentum weights the old running value: momentum * running + (1 - momentum) * "
            "batch (you swapped them, so one batch would almost replace the average)",
            lambda running, batch, momentum=0.99: _running_average(batch, running, momentum),
        ),
        Mistake(
            "keep a running average, do not replace it with the batch's value",
            lambda running, batch, momentum=0.99: np.asarray(batch, dtype=np.float64),
        ),
        Mistake(
            "the two weights must add up to 1: momentum * running + (1 - momentum) * batch",
            lambda running, batch, momentum=0.99: (
                momentum * np.asarray(running) + np.asarray(batch)
            ),
        ),
    ],
    hints=["new = momentum * running + (1 - momentum) * batch."],
    success="momentum * running + (1 - momentum) * batch",
)

# -- bn_parameter_count -----------------------------------------------------------------------

BN_PARAMETER_COUNT = Exercise(
    "bn_parameter_count",
    chapter="ch07",
    answers=("bn_parameter_count",),
    reference=ops.batch_norm_parameter_count,
    cases=[Case(64, label="64 channels"), Case(3, label="3 channels"), Case(256, label="256")],
    mistakes=[
        Mistake(
            "the running mean and variance are stored in the layer too: 2C non-trainable "
            "parameters beside gamma and beta",
            lambda channels: (2 * channels, 0),
        ),
        Mistake(
            "the running mean and variance are averaged, not learnt by gradient descent: they "
            "are non-trainable",
            lambda channels: (4 * channels, 0),
        ),
        Mistake(
            "gamma and beta are both learnt, one of each per channel: 2C trainable",
            lambda channels: (channels, channels),
        ),
    ],
    hints=[
        "gamma and beta: one of each per channel, learnt.",
        "Keras also stores a running mean and variance per channel: model.summary() counts them "
        "under 'Non-trainable params'.",
    ],
    success="(2C trainable, 2C non-trainable), 4C in count_params()",
)

# -- standardize_splits -----------------------------------------------------------------------


def _standardize_splits(x_train, x_val, x_test):
    mean, std = ops.fit_standardization(x_train)
    return tuple(ops.standardize(x, mean, std) for x in (x_train, x_val, x_test))


def _own_statistics(x_train, x_val, x_test):
    return tuple(ops.standardize(x, *ops.fit_standardization(x)) for x in (x_train, x_val, x_test))


def _pooled_statistics(x_train, x_val, x_test):
    mean, std = ops.fit_standardization(np.concatenate([x_train, x_val, x_test]))
    return tuple(ops.standardize(x, mean, std) for x in (x_train, x_val, x_test))


def _scalar_statistics(x_train, x_val, x_test):
    x_train = np.asarray(x_train, dtype=np.float64)
    mean, std = x_train.mean(), x_train.std()
    return tuple((np.asarray(x, dtype=np.float64) - mean) / std for x in (x_train, x_val, x_test))


def _pixel_statistics(x_train, x_val, x_test):
    x_train = np.asarray(x_train, dtype=np.float64)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return tuple((np.asarray(x, dtype=np.float64) - mean) / std for x in (x_train, x_val, x_test))


def _flattened(function, *splits):
    returned = function(*splits)
    if not isinstance(returned, (tuple, list)) or len(returned) != 3:
        raise CaseFailed(
            "return three arrays, (train, val, test), each standardised with the training "
            "statistics"
        )
    return np.concatenate([np.ravel(np.asarray(part, dtype=np.float64)) for part in returned])


def _splits(seed):
    rng = np.random.default_rng(seed)
    shift = np.array([0, 20, -15])
    train = rng.integers(40, 220, size=(12, 4, 4, 3)).astype(np.uint8)
    val = np.clip(rng.integers(40, 220, size=(4, 4, 4, 3)) + shift, 0, 255).astype(np.uint8)
    test = np.clip(rng.integers(20, 180, size=(6, 4, 4, 3)) - shift, 0, 255).astype(np.uint8)
    return train, val, test


STANDARDIZE_SPLITS = Exercise(
    "standardize_splits",
    chapter="ch07",
    answers=("standardize_splits",),
    reference=_standardize_splits,
    cases=[
        Case(*_splits(74), label="uint8 splits", call=_flattened, rtol=1e-5, atol=1e-5),
        Case(*_splits(75), label="other uint8 splits", call=_flattened, rtol=1e-5, atol=1e-5),
    ],
    mistakes=[
        Mistake(
            "you standardised each split with its own statistics (the book's listing does): "
            "the validation and test images must use the training set's mean and standard "
            "deviation, or the preprocessing peeks at them",
            _own_statistics,
        ),
        Mistake(
            "the statistics come from the training images only: measuring them on all splits "
            "together lets the test images leak into the preprocessing",
            _pooled_statistics,
        ),
        Mistake(
            "keep one mean and one standard deviation per channel (axis=(0, 1, 2)), not one "
            "number for the whole array",
            _scalar_statistics,
        ),
        Mistake(
            "you took per-pixel statistics (axis=0, as the book's std does): take one mean and "
            "standard deviation per channel, over images, rows and columns, axis=(0, 1, 2)",
            _pixel_statistics,
        ),
    ],
    hints=[
        "Compute mean and std of x_train only, per channel: axis=(0, 1, 2).",
        "Apply (x - mean) / std with those same numbers to x_train, x_val and x_test.",
        "Convert to float first: uint8 arithmetic wraps around.",
    ],
    success="training statistics, per channel, applied to every split",
)

# -- unit (Keras) -----------------------------------------------------------------------------


def _unit_model(unit_function):
    """Two units in a row on (16, 16, 8) inputs: 16 then 32 filters."""
    import keras

    inputs = keras.Input(shape=(16, 16, 8))
    net = unit_function(inputs, 16)
    net = unit_function(net, 32)
    return keras.Model(inputs, net)


def _reference_unit(x, filters):
    return models.unit(x, filters, name=f"unit{random.getrandbits(32)}")


def _unit_with(order=("bn", "relu", "conv"), kernel_size=3, padding="same", conv_activation=None):
    def wrong(x, filters):
        from keras import layers

        for step in order:
            if step == "bn":
                x = layers.BatchNormalization()(x)
            elif step == "relu":
                x = layers.Activation("relu")(x)
            else:
                x = layers.Conv2D(
                    filters, kernel_size, padding=padding, activation=conv_activation
                )(x)
        return x

    return wrong


def _verify_unit(answers):
    from deepvision.checks.architecture import check_builder

    if not callable(answers["unit"]):
        raise CaseFailed(f"expected a function, got {type(answers['unit']).__name__}")

    state = random.getstate()
    try:
        return check_builder(
            lambda: _unit_model(answers["unit"]), lambda: _unit_model(_reference_unit), "unit"
        )
    finally:
        random.setstate(state)


UNIT = Exercise(
    "unit",
    chapter="ch07",
    answers=("unit",),
    reference=_reference_unit,
    verify=_verify_unit,
    mistakes=[
        Mistake(
            "the layers are in another order: after the model's input, expected "
            "BatchNormalization; your model has Conv2D",
            _unit_with(order=("conv", "bn", "relu")),
        ),
        Mistake(
            "your model applies ReLU after the model's input; expected it after the 1st "
            "BatchNormalization",
            _unit_with(order=("relu", "bn", "conv")),
        ),
        Mistake(
            "your model has no BatchNormalization layer; expected 2",
            _unit_with(order=("relu", "conv")),
        ),
        Mistake(
            "the 1st BatchNormalization has no activation; expected ReLU",
            _unit_with(order=("bn", "conv")),
        ),
        Mistake(
            "the 1st Conv2D (3x3, 16 filters) is followed by ReLU; expected no activation there",
            _unit_with(conv_activation="relu"),
        ),
        Mistake(
            "the 1st Conv2D has kernel_size=(5, 5); expected kernel_size=(3, 3)",
            _unit_with(kernel_size=5),
        ),
        Mistake(
            "the 1st Conv2D has padding='valid'; expected padding='same'",
            _unit_with(padding="valid"),
        ),
    ],
    hints=[
        "Three layers, in this order: BatchNormalization, ReLU, Conv2D.",
        "Conv2D(filters, kernel_size=3, strides=1, padding='same') with no activation of its "
        "own: the ReLU comes before it.",
    ],
    success="BatchNormalization → ReLU → Conv2D(3x3, same)",
    keras=True,
)

# -- augmentation (Keras) ---------------------------------------------------------------------


def _flat_layers(layer):
    inner = getattr(layer, "layers", None)
    if inner is None:
        return [layer]
    return [leaf for child in inner for leaf in _flat_layers(child)]


def _factor(value):
    """A Keras factor as (lower, upper)."""
    if isinstance(value, (int, float)):
        return (-float(value), float(value))
    return tuple(float(v) for v in value)


_FRACTIONS = (
    "Keras' factors are fractions in [-1, 1], not degrees or pixels: a rotation of up to 10 "
    "degrees is RandomRotation(10/360) (a fraction of a full turn), a shift of up to 5 of 32 "
    "pixels is RandomTranslation(5/32, 5/32)"
)


def _pipeline(flip="horizontal", height=5 / 32, width=5 / 32, rotation=10 / 360, drop=None):
    """An augmentation pipeline with one thing changed, as a learner might build it."""

    def build():
        import keras
        from keras import layers

        stack = []
        if drop != "flip":
            stack.append(layers.RandomFlip(flip))
        if drop != "shift":
            stack.append(layers.RandomTranslation(height, width))
        if drop != "rotation":
            stack.append(layers.RandomRotation(rotation))
        return keras.Sequential(stack)

    return build


def _verify_augmentation(answers):
    import keras

    state = random.getstate()
    try:
        built = call("build_augmentation", answers["build_augmentation"])
    except CaseFailed as failure:
        error = failure.__cause__
        if error is not None and "factor" in str(error) and "range [-1" in str(error):
            raise CaseFailed(_FRACTIONS) from error
        raise
    finally:
        random.setstate(state)
    if built is None:
        raise CaseFailed("build_augmentation returned None: did you forget the `return`?")
    if not isinstance(built, keras.layers.Layer):
        raise CaseFailed(
            f"build_augmentation should return a Keras layer (a keras.Sequential of "
            f"preprocessing layers), got {type(built).__name__}"
        )
    kinds = {type(layer).__name__: layer for layer in _flat_layers(built)}
    for needed in ("RandomFlip", "RandomTranslation", "RandomRotation"):
        if needed not in kinds:
            raise CaseFailed(f"your pipeline has no {needed} layer")
    if kinds["RandomFlip"].mode != "horizontal":
        raise CaseFailed(
            f"RandomFlip has mode={kinds['RandomFlip'].mode!r}; expected 'horizontal' (the "
            "book's horizontal_flip=True: an upside-down ship is not a CIFAR-10 photo)"
        )
    translation = kinds["RandomTranslation"]
    for axis in ("height", "width"):
        factor = _factor(getattr(translation, f"{axis}_factor"))
        if not np.allclose(factor, (-5 / 32, 5 / 32)):
            raise CaseFailed(
                f"RandomTranslation's {axis}_factor is ({factor[0]:.4g}, {factor[1]:.4g}); "
                "expected ±5/32 = ±0.15625 (a fraction of the image's size, as the book's "
                "width_shift_range=5/32)"
            )
    rotation = _factor(kinds["RandomRotation"].factor)
    if not np.allclose(rotation, (-10 / 360, 10 / 360)):
        raise CaseFailed(
            f"RandomRotation's factor is ({rotation[0]:.4g}, {rotation[1]:.4g}); "
            "expected ±10/360 (the book's rotation_range=10 degrees, as a fraction of a full turn)"
        )
    x = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    state = random.getstate()
    try:
        unchanged = np.asarray(built(x, training=False))
    finally:
        random.setstate(state)
    if unchanged.shape != x.shape or not np.allclose(unchanged, x):
        raise CaseFailed(
            "at inference (training=False) your pipeline changes the images: augmentation "
            "must leave validation and test images as they are"
        )
    return "flip, ±5/32 shifts and ±10° rotations, in training only"


AUGMENTATION = Exercise(
    "build_augmentation",
    chapter="ch07",
    answers=("build_augmentation",),
    reference=models.augmentation_layers,
    verify=_verify_augmentation,
    mistakes=[
        Mistake(_FRACTIONS, _pipeline(rotation=10)),
        Mistake(_FRACTIONS, _pipeline(height=5, width=5)),
        Mistake(
            "RandomFlip has mode='horizontal_and_vertical'; expected 'horizontal'",
            _pipeline(flip="horizontal_and_vertical"),
        ),
        Mistake("RandomFlip has mode='vertical'; expected 'horizontal'", _pipeline("vertical")),
        Mistake("RandomTranslation's width_factor is (-0, 0)", _pipeline(width=0.0)),
        Mistake("RandomRotation's factor is (-0.05556, 0.05556)", _pipeline(rotation=10 / 180)),
        Mistake("your pipeline has no RandomRotation layer", _pipeline(drop="rotation")),
        Mistake("your pipeline has no RandomFlip layer", _pipeline(drop="flip")),
        Rejected(lambda: None, says="returned None"),
    ],
    hints=[
        "keras.Sequential([RandomFlip(...), RandomTranslation(...), RandomRotation(...)]).",
        "Keras' factors are fractions: of the height and width for a shift, of a full turn "
        "(360 degrees) for a rotation.",
    ],
    success="flip, ±5/32 shifts and ±10° rotations, in training only",
    keras=True,
)

EXERCISES = [
    DROPOUT,
    GLOBAL_AVG_POOL2D,
    BATCH_NORM,
    BATCH_NORM_INFERENCE,
    RUNNING_AVERAGE,
    BN_PARAMETER_COUNT,
    UNIT,
    STANDARDIZE_SPLITS,
    AUGMENTATION,
]

check_dropout = DROPOUT.checker("check_dropout")
check_global_avg_pool2d = GLOBAL_AVG_POOL2D.checker("check_global_avg_pool2d")
check_batch_norm = BATCH_NORM.checker("check_batch_norm")
check_batch_norm_inference = BATCH_NORM_INFERENCE.checker("check_batch_norm_inference")
check_running_average = RUNNING_AVERAGE.checker("check_running_average")
check_bn_parameter_count = BN_PARAMETER_COUNT.checker("check_bn_parameter_count")
check_unit = UNIT.checker("check_unit")
check_standardize_splits = STANDARDIZE_SPLITS.checker("check_standardize_splits")
check_augmentation = AUGMENTATION.checker("check_augmentation")
