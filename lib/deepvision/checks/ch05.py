"""The exercises of chapter 05, "Keras basics", declared once: parameters, saving, image files,
learning-rate schedules, checkpoints and the functional API.

Each exercise lists its cases (or, for a saved model or a built one, how it is verified) and the
wrong answers learners give, with the hint each earns; Keras 2 habits (``lr=``,
``monitor='val_acc'``, ``grayscale=True``, ``.h5``) get their own hints. ``tests/test_exercises.py``
turns the same declarations into the checkers' tests. See :mod:`deepvision.checks._exercise` for
the pattern. Keras is imported inside functions only: importing this module does not start
TensorFlow.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from deepvision import data, models
from deepvision.checks._core import CaseFailed, call, close
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.checks.architecture import check_model

# -- dense_parameters -----------------------------------------------------------------------

DENSE_PARAMETERS = Exercise(
    "dense_parameters",
    chapter="ch05",
    answers=("dense_parameters",),
    reference=lambda n_in, units: models.mlp_parameter_count(n_in, (), units),
    cases=[
        Case(n_in, units, label=f"{n_in} inputs and {units} units")
        for n_in, units in ((784, 128), (128, 128), (128, 10), (3, 1))
    ],
    mistakes=[
        Mistake(
            "you counted the weights only (n_in * units); each unit also has a bias: + units",
            lambda n_in, units: n_in * units,
        ),
        Mistake(
            "there is one bias per unit, not one per input as well",
            lambda n_in, units: (n_in + 1) * (units + 1),
        ),
        Mistake(
            "you added one bias per input; there is one bias per unit: + units, not + n_in",
            lambda n_in, units: n_in * units + n_in,
        ),
    ],
    hints=[
        "The weight matrix has one weight per (input, unit) pair.",
        "Each unit also has one bias.",
    ],
    success="n_in * units + units (100,480 for the first layer)",
)

# -- save_and_reload ------------------------------------------------------------------------


def _save_and_reload(model, path):
    import keras

    model.save(path)
    return keras.models.load_model(path)


def _fresh_model(model, path):
    model.save(path)
    return models.mlp_sequential()


def _weights_into_fresh_model(model, path):
    model.save(path)
    fresh = models.mlp_sequential()
    fresh.load_weights(path)
    return fresh


def _recompiled(model, path):
    import keras

    loaded = _save_and_reload(model, path)
    loaded.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    return loaded


_NOTHING_SAVED = Mistake("nothing was saved at the path you were given", lambda model, path: model)
_SAVE_WEIGHTS = Mistake(
    "model.save_weights saves only the weights (and wants a .weights.h5 name); save the whole "
    "model to the .keras path with model.save(path)",
    lambda model, path: model.save_weights(path),
)
_SAME_MODEL = Mistake(
    "you returned the model you saved; return the one keras.models.load_model reads back from "
    "the file",
    lambda model, path: model.save(path) or model,
)
_NOT_LOADED = Mistake("return the loaded keras model", lambda model, path: model.save(path))
_PREDICTS_DIFFERENTLY = Mistake(
    "the reloaded model predicts differently: were the weights saved and loaded "
    "(model.save(path), then keras.models.load_model(path))?",
    _fresh_model,
)
_NOT_COMPILED = Mistake(
    "the reloaded model is not compiled: model.save stores the optimizer and loss too, and "
    "keras.models.load_model restores them (load_weights does not)",
    _weights_into_fresh_model,
)
_OTHER_OPTIMIZER = Mistake(
    "the reloaded model has another optimizer setting than the saved one", _recompiled
)


def _verify_save_and_reload(answers):
    import keras

    save_and_reload = answers["save_and_reload"]
    model = models.compiled_mlp(learning_rate=0.05)
    x = np.random.default_rng(5).uniform(size=(4, 784)).astype(np.float32)
    expected = np.asarray(model(x, training=False))
    with tempfile.TemporaryDirectory(prefix="deepvision-ch05-") as directory:
        path = os.path.join(directory, "mnist_mlp.keras")
        try:
            loaded = call("save_and_reload", save_and_reload, model, path)
        except CaseFailed as failure:
            if ".weights.h5" in str(failure):
                raise CaseFailed(f"{failure}. {_SAVE_WEIGHTS.hint}") from failure
            raise
        if not os.path.isfile(path):
            raise CaseFailed(f"{_NOTHING_SAVED.hint} ({path})")
        if loaded is model:
            raise CaseFailed(_SAME_MODEL.hint)
        if not isinstance(loaded, keras.Model):
            raise CaseFailed(f"{_NOT_LOADED.hint}; got {type(loaded).__name__}")
        got = np.asarray(loaded(x, training=False))
    if not close(got, expected, rtol=0, atol=1e-7):
        raise CaseFailed(_PREDICTS_DIFFERENTLY.hint)
    optimizer = getattr(loaded, "optimizer", None)
    if optimizer is None or not getattr(loaded, "compiled", False):
        raise CaseFailed(_NOT_COMPILED.hint)
    if not np.isclose(float(np.asarray(optimizer.learning_rate)), 0.05):
        raise CaseFailed(_OTHER_OPTIMIZER.hint)
    return "a .keras file that reloads with the same predictions and optimizer"


SAVE_AND_RELOAD = Exercise(
    "save_and_reload",
    chapter="ch05",
    answers=("save_and_reload",),
    reference=_save_and_reload,
    verify=_verify_save_and_reload,
    mistakes=[
        _NOTHING_SAVED,
        _SAVE_WEIGHTS,
        _SAME_MODEL,
        _NOT_LOADED,
        _PREDICTS_DIFFERENTLY,
        _NOT_COMPILED,
        _OTHER_OPTIMIZER,
    ],
    hints=[
        "One call saves the whole model (architecture, weights, optimizer) to the path.",
        "keras.models has the function that reads a .keras file back into a model.",
        "Return what you read back, not the model you were given.",
    ],
    success="a .keras file that reloads with the same predictions and optimizer",
    keras=True,
)

# -- load_digit -----------------------------------------------------------------------------


def _digit_canvas():
    """A dark '7' on a light background, 28x28, as uint8."""
    canvas = np.full((28, 28), 235, dtype=np.uint8)
    canvas[6:9, 7:21] = 20  # the bar
    for row in range(9, 23):  # the stroke down to the left
        column = 20 - (row - 9) // 2
        canvas[row, column - 1 : column + 2] = 30
    return canvas


def _big_colour_canvas():
    """The same '7' at 56x56, in RGB."""
    big = np.repeat(np.repeat(_digit_canvas(), 2, axis=0), 2, axis=1)
    return np.stack([big] * 3, axis=-1)


def _on_png(function, pixels, mode):
    """Save ``pixels`` as a PNG file and call ``function(path)`` on it."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="deepvision-ch05-") as directory:
        path = os.path.join(directory, "digit.png")
        Image.fromarray(pixels, mode=mode).save(path)
        return function(path)


def _load_digit(path):
    """The exercise's answer: the library's reader, as one (1, 784) float32 row."""
    return data.load_digit_image(path, invert=True).reshape(1, 784)


def _same_digit(got, expected):
    """Equal images, up to how the resize interpolates.

    Keras' ``load_img`` resizes with ``nearest`` by default, the library with ``bilinear``: on a
    thin stroke they differ by up to 0.2 at its edges (0.02 on average), while a digit moved by
    one pixel differs by 0.6.
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return False
    difference = np.abs(got - expected)
    return bool(difference.mean() <= 0.03 and difference.max() <= 0.25)


def _read(path, mode="L", size=(28, 28)):
    """What keras.utils.load_img + img_to_array give: float32 (H, W) or (H, W, 3), 0-255."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert(mode)
        if size is not None and image.size != size:
            image = image.resize(size, Image.NEAREST)
        return np.asarray(image, dtype=np.float32)


def _digit_message(label):
    def message(got, expected):
        return (
            f"{label}: expected values in [0, 1] with the digit bright (ours has "
            f"{int(np.sum(expected > 0.5))} bright pixels, yours {int(np.sum(got > 0.5))})"
        )

    return message


LOAD_DIGIT = Exercise(
    "load_digit",
    chapter="ch05",
    answers=("load_digit",),
    reference=_load_digit,
    cases=[
        Case(
            _digit_canvas(),
            "L",
            label="a 28x28 grayscale PNG",
            call=_on_png,
            compare=_same_digit,
            numeric=True,
            message=_digit_message("a 28x28 grayscale PNG"),
        ),
        Case(
            _big_colour_canvas(),
            "RGB",
            label="a 56x56 colour PNG",
            call=_on_png,
            compare=_same_digit,
            numeric=True,
            message=_digit_message("a 56x56 colour PNG"),
        ),
    ],
    mistakes=[
        Mistake(
            "you returned 3 x 784 numbers (red, green and blue): read the image in grayscale, "
            "keras.utils.load_img(path, color_mode='grayscale', ...) (Keras 3 has no "
            "grayscale=True)",
            lambda path: 1 - _read(path, mode="RGB").reshape(1, -1) / 255,
            when=lambda trial: np.size(trial.value) == 3 * 784,
        ),
        Mistake(
            "the image is not 28x28 pixels: resize it as you load it, target_size=(28, 28)",
            lambda path: 1 - _read(path, size=None).reshape(1, -1) / 255,
            when=lambda trial: np.size(trial.value) not in (784, 3 * 784),
        ),
        Mistake(
            "you returned the 784 numbers in another shape; predict wants a batch of flat rows: "
            "reshape to (1, 784)",
            lambda path: 1 - _read(path) / 255,
            when=lambda trial: np.size(trial.value) == 784 and np.shape(trial.value) != (1, 784),
        ),
        Mistake(
            "the values go up to 255: divide by 255 as for MNIST",
            lambda path: 255 - _read(path).reshape(1, 784),
            when=lambda trial: np.max(trial.value) > 1.5,
        ),
        Mistake(
            "the digit is dark on a light background; MNIST digits are light on black: invert "
            "with 1 - x",
            lambda path: _read(path).reshape(1, 784) / 255,
            when=lambda trial: _same_digit(trial.value, 1 - trial.expected),
        ),
        Rejected(
            lambda path: 1 - _read(path).T.reshape(1, 784) / 255,
            says="expected values in [0, 1] with the digit bright",
        ),
    ],
    hints=[
        "keras.utils.load_img can convert to grayscale and resize as it reads: look at its "
        "color_mode and target_size arguments.",
        "keras.utils.img_to_array gives numbers from 0 to 255 of shape (28, 28, 1): scale them "
        "to [0, 1] and make one flat row, shape (1, 784).",
        "MNIST digits are light on black, drawings usually dark on white: invert with 1 - x.",
    ],
    success="grayscale, 28x28, inverted, scaled to [0, 1], shape (1, 784)",
)

# -- learning_rate_schedule -----------------------------------------------------------------

_EPOCHS = 25


def _wrong_epochs(trial):
    """The epochs at which the learner's rate differs from the book's."""
    got, expected = np.ravel(trial.value), np.ravel(trial.expected)
    return {int(e) for e in np.flatnonzero(~np.isclose(got, expected, rtol=1e-6, atol=0))}


def _schedule_message(got, expected):
    got, expected = np.ravel(got), np.ravel(expected)
    first = int(np.flatnonzero(~np.isclose(got, expected, rtol=1e-6, atol=0))[0])
    return f"at epoch {first} expected {expected[first]:g}, got {got[first]:g}"


def _changes_early(epoch):
    if epoch >= 15:
        return 0.001
    if epoch >= 10:
        return 0.01
    if epoch >= 5:
        return 0.02
    return 0.1


def _changes_late(epoch):
    return models.book_learning_rate(epoch - 1)


def _smallest_threshold_first(epoch):
    if epoch > 5:
        return 0.02
    if epoch > 10:
        return 0.01
    if epoch > 15:
        return 0.001
    return 0.1


LEARNING_RATE_SCHEDULE = Exercise(
    "learning_rate_schedule",
    chapter="ch05",
    answers=("learning_rate_schedule",),
    reference=models.book_learning_rate,
    cases=[
        Case(
            label=f"epochs 0 to {_EPOCHS - 1}",
            call=lambda schedule: [schedule(epoch) for epoch in range(_EPOCHS)],
            rtol=1e-6,
            atol=0,
            message=_schedule_message,
        ),
    ],
    mistakes=[
        Mistake(
            "at epoch 5, 10 or 15 you change the rate one epoch early; the book changes it "
            "*after* epochs 5, 10 and 15: use `epoch > 5`, not `>=`",
            _changes_early,
            when=lambda trial: bool(_wrong_epochs(trial)) and _wrong_epochs(trial) <= {5, 10, 15},
        ),
        Mistake(
            "at epoch 6, 11 or 16 you change the rate one epoch late: Keras counts epochs from "
            "0, so epoch 6 (the seventh) already runs at 0.02",
            _changes_late,
            when=lambda trial: bool(_wrong_epochs(trial)) and _wrong_epochs(trial) <= {6, 11, 16},
        ),
        Mistake(
            "at epoch 20 you return 0.02: test the largest threshold first "
            "(epoch > 15, then > 10, then > 5), or the first test catches every epoch",
            _smallest_threshold_first,
            when=lambda trial: np.isclose(np.ravel(trial.value)[20], 0.02),
        ),
        Rejected(lambda epoch: 0.1, says="at epoch 6 expected 0.02"),
        Rejected(lambda epoch: 0.1 * 0.5 ** (epoch // 5), says="at epoch 5 expected 0.1"),
    ],
    hints=[
        "Return 0.1 divided by 1, 5, 10 or 100 depending on the epoch, as in the table.",
        "Keras counts epochs from 0: 'after epoch 5' means epoch > 5.",
        "With if/return, test the largest threshold first (epoch > 15), so that each test only "
        "sees the epochs the earlier ones let through.",
    ],
    success="0.1, 0.02 from epoch 6, 0.01 from 11, 0.001 from 16 (epochs counted from 0)",
)

# -- best_checkpoint ------------------------------------------------------------------------


def _checkpoint_path():
    return os.path.join(tempfile.gettempdir(), "deepvision-check", "best.keras")


def _best_checkpoint(path):
    import keras

    return keras.callbacks.ModelCheckpoint(
        filepath=path, monitor="val_accuracy", mode="max", save_best_only=True
    )


def _checkpoint(**changes):
    def best_checkpoint(path):
        import keras

        settings = {"filepath": path, "monitor": "val_accuracy", "save_best_only": True}
        settings.update(changes)
        return keras.callbacks.ModelCheckpoint(**settings)

    return best_checkpoint


def _early_stopping(path):
    import keras

    return keras.callbacks.EarlyStopping(monitor="val_accuracy")


def _is_checkpoint(callback):
    import keras

    return isinstance(callback, keras.callbacks.ModelCheckpoint)


def _checkpoint_settings(callback):
    """What a ModelCheckpoint does, as compared ('auto' is 'max' for an accuracy)."""
    mode = callback.mode
    if mode == "auto" and "acc" in callback.monitor:
        mode = "max"
    return (
        os.fspath(callback.filepath),
        callback.monitor,
        bool(callback.save_best_only),
        mode,
        bool(callback.save_weights_only),
        callback.save_freq,
    )


def _checkpoint_message(got, expected):
    names = ("filepath", "monitor", "save_best_only", "mode", "save_weights_only", "save_freq")
    settings = ", ".join(
        f"{k}={v!r}" for k, v in zip(names, _checkpoint_settings(got), strict=True)
    )
    return f"expected a ModelCheckpoint keeping the best val_accuracy; got one with {settings}"


def _got(trial, attribute):
    return getattr(trial.got, attribute)


_WEIGHTS_ONLY = Mistake(
    "save the whole model (.keras), not only the weights: leave save_weights_only=False",
    _checkpoint(save_weights_only=True),
    when=lambda trial: _got(trial, "save_weights_only"),
    raises=(ValueError, r"save_weights_only"),
)

BEST_CHECKPOINT = Exercise(
    "best_checkpoint",
    chapter="ch05",
    answers=("best_checkpoint",),
    reference=_best_checkpoint,
    cases=[
        Case(
            setup=lambda: (_checkpoint_path(),),
            label="a .keras path",
            compare=lambda got, expected: (
                _is_checkpoint(got) and _checkpoint_settings(got) == _checkpoint_settings(expected)
            ),
            message=_checkpoint_message,
        ),
    ],
    mistakes=[
        Mistake(
            "return a keras.callbacks.ModelCheckpoint, the callback that saves the model as it "
            "trains",
            _early_stopping,
            when=lambda trial: not _is_checkpoint(trial.got),
        ),
        Mistake(
            "it saves somewhere else: save to the path you are given (filepath=path)",
            _checkpoint(filepath="best.keras"),
            when=lambda trial: os.fspath(trial.got.filepath) != trial.original[0],
        ),
        Mistake(
            "monitor='val_acc' is the Keras 2 name; Keras 3 logs the metric as 'val_accuracy'",
            _checkpoint(monitor="val_acc"),
            when=lambda trial: _got(trial, "monitor") == "val_acc",
        ),
        Mistake(
            "it monitors another quantity; keep the model with the best validation accuracy, "
            "'val_accuracy'",
            _checkpoint(monitor="val_loss"),
            when=lambda trial: _got(trial, "monitor") != "val_accuracy",
        ),
        Mistake(
            "it saves every epoch; keep only the best: save_best_only=True",
            _checkpoint(save_best_only=False),
            when=lambda trial: not _got(trial, "save_best_only"),
        ),
        Mistake(
            "mode='min' keeps the *lowest* accuracy; use mode='max' (or 'auto')",
            _checkpoint(mode="min"),
            when=lambda trial: _got(trial, "mode") == "min",
        ),
        _WEIGHTS_ONLY,
        Mistake(
            "check once per epoch: leave save_freq='epoch' (Keras 3 has no period=)",
            _checkpoint(save_freq=100),
            when=lambda trial: _got(trial, "save_freq") != "epoch",
        ),
    ],
    hints=[
        "keras.callbacks.ModelCheckpoint saves the model during fit; give it the path.",
        "Tell it which logged quantity to watch: the validation accuracy, as Keras 3 names it.",
        "By default it saves every epoch: ask it to keep only the best one (higher accuracy is "
        "better).",
    ],
    success="ModelCheckpoint(path, monitor='val_accuracy', save_best_only=True)",
    keras=True,
)

# -- build_functional_mlp -------------------------------------------------------------------

_SEQUENTIAL = Mistake(
    "this is a keras.Sequential; write it with the functional API: inputs = keras.Input(...), "
    "x = Dense(...)(inputs), ..., keras.Model(inputs, outputs)",
    models.mlp_sequential,
)


def _verify_functional_mlp(answers):
    import keras

    model = call("build_functional_mlp", answers["build_functional_mlp"])
    if isinstance(model, keras.Sequential):
        raise CaseFailed(_SEQUENTIAL.hint)
    result = check_model(model, models.mlp_functional(), name="your model")
    if not result:
        raise CaseFailed(result.message)
    return "functional, " + result.message


BUILD_FUNCTIONAL_MLP = Exercise(
    "build_functional_mlp",
    chapter="ch05",
    answers=("build_functional_mlp",),
    reference=models.mlp_functional,
    verify=_verify_functional_mlp,
    mistakes=[
        _SEQUENTIAL,
        Mistake(
            "your model has 3 Dense layers; expected 4",
            lambda: models.mlp_functional(hidden_units=(128, 128)),
        ),
        Mistake(
            "input shape is (100,); expected (784,)",
            lambda: models.mlp_functional(input_shape=(100,)),
        ),
        Mistake(
            "is followed by tanh; expected ReLU (activation='relu')",
            lambda: models.mlp_functional(activation="tanh"),
        ),
        Rejected(lambda: None, says="did you forget to `return` the model?"),
    ],
    hints=[
        "Start from a tensor, inputs = keras.Input(shape=(784,)), not from a list of layers.",
        "Call each layer on the tensor before it: the same four Dense layers as in chapter 04, "
        "each giving the next tensor.",
        "keras.Model takes the first and the last tensor (inputs= and outputs=); no "
        "keras.Sequential.",
    ],
    success="the book's MLP, written with the functional API",
    keras=True,
)

# -- design_schedule (designed, graded by outcome) ------------------------------------------

DESIGN_EPOCHS = 12
#: The run must end below ``loss`` and no epoch's mean loss may exceed ``peak`` (an untrained
#: network scores log 10 = 2.30: a rate so large that an epoch ends worse than that blew up).
DESIGN_TARGETS = {"loss": 0.3, "peak": 2.5}
_DESIGN_DATA = {}


def design_data():
    """The design exercise's run: 480 MNIST training digits to train on, 120 more to validate.

    Returns:
        ``(x, labels, x_val, labels_val)``, images flattened to 784 and scaled to [0, 1].
    """
    if not _DESIGN_DATA:
        (x, labels), _ = data.load_mnist(600, 10)
        x = x.reshape(len(x), 784).astype(np.float64) / 255
        _DESIGN_DATA["run"] = (x[:480], labels[:480], x[480:], labels[480:])
    return _DESIGN_DATA["run"]


_TOO_SLOW = (
    "the training loss is still high at the end: the rates are too small for too long (start "
    "higher, or decay more slowly)"
)
_BLEW_UP = (
    "in some epoch the loss rose above an untrained network's: the rate is too large, at least "
    "at the start (lower it, or warm up with a small rate for an epoch)"
)
_NOT_POSITIVE = "a learning rate must be a positive number at every epoch"


def _verify_design_schedule(answers):
    from deepvision.ops.regression import train_with_schedule

    schedule = answers["design_schedule"]
    rates = []
    for epoch in range(DESIGN_EPOCHS):
        rate = call("design_schedule", schedule, epoch)
        try:
            rate = float(rate)
        except (TypeError, ValueError) as error:
            raise CaseFailed(
                f"design_schedule({epoch}) returned {rate!r}; expected a number"
            ) from error
        if not np.isfinite(rate) or rate <= 0:
            raise CaseFailed(f"{_NOT_POSITIVE} (epoch {epoch}: {rate:g})")
        rates.append(rate)
    x, labels, x_val, labels_val = design_data()
    run = train_with_schedule(x, labels, np.array(rates), x_val, labels_val)
    loss, peak = run["loss"][-1], max(run["loss"])
    measured = (
        f"(training loss {loss:.3f} after {DESIGN_EPOCHS} epochs, {peak:.2f} at its worst "
        f"epoch; targets: below {DESIGN_TARGETS['loss']} at the end, never above "
        f"{DESIGN_TARGETS['peak']})"
    )
    if not peak <= DESIGN_TARGETS["peak"]:
        raise CaseFailed(f"{_BLEW_UP} {measured}")
    if not loss < DESIGN_TARGETS["loss"]:
        raise CaseFailed(f"{_TOO_SLOW} {measured}")
    return f"your schedule reaches both targets {measured}"


DESIGN_SCHEDULE = Exercise(
    "design_schedule",
    chapter="ch05",
    answers=("design_schedule",),
    reference=lambda epoch: 0.7,
    verify=_verify_design_schedule,
    mistakes=[
        Mistake(_TOO_SLOW, lambda epoch: 0.01),
        Mistake(_BLEW_UP, lambda epoch: 3.0),
        Mistake(_NOT_POSITIVE, lambda epoch: 0.1 - 0.01 * epoch),
        Rejected(lambda epoch: "fast", says="expected a number"),
    ],
    hints=[
        "Try shapes and starting rates in the schedule explorer above: it trains this very run.",
        "Too small a rate never gets there in 12 epochs; too large a one makes the first epochs "
        "worse than no training at all. Look for the window in between.",
        "A constant rate between about 0.5 and 0.8 works; so do schedules that stay in that "
        "window at first.",
    ],
    success="both targets reached",
)

EXERCISES = [
    DENSE_PARAMETERS,
    SAVE_AND_RELOAD,
    LOAD_DIGIT,
    LEARNING_RATE_SCHEDULE,
    BEST_CHECKPOINT,
    BUILD_FUNCTIONAL_MLP,
    DESIGN_SCHEDULE,
]

check_dense_parameters = DENSE_PARAMETERS.checker("check_dense_parameters")
check_save_and_reload = SAVE_AND_RELOAD.checker("check_save_and_reload")
check_load_digit = LOAD_DIGIT.checker("check_load_digit")
check_learning_rate_schedule = LEARNING_RATE_SCHEDULE.checker("check_learning_rate_schedule")
check_best_checkpoint = BEST_CHECKPOINT.checker("check_best_checkpoint")
check_functional_mlp = BUILD_FUNCTIONAL_MLP.checker("check_functional_mlp")
check_design_schedule = DESIGN_SCHEDULE.checker("check_design_schedule")
