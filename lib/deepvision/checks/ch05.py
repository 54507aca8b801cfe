"""Checkers for chapter 05, "Keras basics": parameters, the functional API, saving, image files,
learning-rate schedules and checkpoints.

Each checker runs the learner's function on its own cases and explains the first failure;
Keras 2 habits (``lr=``, ``monitor='val_acc'``, ``grayscale=True``, ``.h5``) get their own hints.

Taught in: chapter 05 (the exercises).
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from deepvision.checks._core import CaseFailed, as_array, call, close, run
from deepvision.checks.architecture import check_model


def check_dense_parameters(dense_parameters):
    """Check ``dense_parameters(n_in, units)``: n_in * units weights + units biases."""
    name = "dense_parameters"

    def cases():
        for n_in, units in ((784, 128), (128, 128), (128, 10), (3, 1)):
            got = call(name, dense_parameters, n_in, units)
            got = float(as_array(name, got, ()))
            expected = n_in * units + units
            if got == n_in * units:
                raise CaseFailed(
                    f"for {n_in} inputs and {units} units you counted the weights only "
                    f"({n_in * units}); each unit also has a bias: + {units}"
                )
            if got == (n_in + 1) * (units + 1):
                raise CaseFailed("there is one bias per unit, not one per input as well")
            if got != expected:
                raise CaseFailed(
                    f"for {n_in} inputs and {units} units expected {expected}, got {got:g}"
                )
        return "n_in * units + units (100,480 for the first layer)"

    return run(name, cases)


def check_functional_mlp(build_functional_mlp):
    """Check ``build_functional_mlp()``: the book's MLP written with the functional API."""
    name = "build_functional_mlp"

    def cases():
        import keras

        from deepvision.models import mlp_sequential

        model = call(name, build_functional_mlp)
        if isinstance(model, keras.Sequential):
            raise CaseFailed(
                "this is a keras.Sequential; write it with the functional API: "
                "inputs = keras.Input(...), x = Dense(...)(inputs), ..., "
                "keras.Model(inputs, outputs)"
            )
        result = check_model(model, mlp_sequential(), name="your model")
        if not result:
            raise CaseFailed(result.message)
        return "functional, " + result.message

    return run(name, cases)


def check_save_and_reload(save_and_reload):
    """Check ``save_and_reload(model, path)``: saves to a ``.keras`` file and loads it back."""
    name = "save_and_reload"

    def cases():
        import keras

        from deepvision.models import mlp_sequential

        keras.utils.set_random_seed(5)
        model = mlp_sequential()
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=0.05),
            loss="categorical_crossentropy",
            metrics=["accuracy"],
        )
        x = np.random.default_rng(5).uniform(size=(4, 784)).astype(np.float32)
        expected = model.predict(x, verbose=0)
        with tempfile.TemporaryDirectory(prefix="deepvision-ch05-") as directory:
            path = os.path.join(directory, "mnist_mlp.keras")
            loaded = call(name, save_and_reload, model, path)
            if not os.path.isfile(path):
                raise CaseFailed(f"nothing was saved at the path you were given ({path})")
            if loaded is model:
                raise CaseFailed(
                    "you returned the model you saved; return the one keras.models.load_model "
                    "reads back from the file"
                )
            if not isinstance(loaded, keras.Model):
                raise CaseFailed(f"return the loaded keras model; got {type(loaded).__name__}")
            got = loaded.predict(x, verbose=0)
        if not close(got, expected, rtol=0, atol=1e-7):
            raise CaseFailed(
                "the reloaded model predicts differently: were the weights saved and loaded "
                "(model.save(path), then keras.models.load_model(path))?"
            )
        optimizer = getattr(loaded, "optimizer", None)
        if optimizer is None or not getattr(loaded, "compiled", False):
            raise CaseFailed(
                "the reloaded model is not compiled: model.save stores the optimizer and loss "
                "too, and keras.models.load_model restores them (load_weights does not)"
            )
        if not np.isclose(float(np.asarray(optimizer.learning_rate)), 0.05):
            raise CaseFailed("the reloaded model has another optimizer setting than the saved one")
        return "a .keras file that reloads with the same predictions and optimizer"

    return run(name, cases)


def _digit_canvas():
    """A dark '7' on a light background, 28x28, as uint8."""
    canvas = np.full((28, 28), 235, dtype=np.uint8)
    canvas[6:9, 7:21] = 20  # the bar
    for row in range(9, 23):  # the stroke down to the left
        column = 20 - (row - 9) // 2
        canvas[row, column - 1 : column + 2] = 30
    return canvas


def reference_load_digit(path):
    """The exercise's answer: (1, 784) float32, grayscale 28x28, inverted, in [0, 1]."""
    import keras

    image = keras.utils.load_img(path, color_mode="grayscale", target_size=(28, 28))
    x = keras.utils.img_to_array(image).reshape(1, 784) / 255
    return (1.0 - x).astype(np.float32)


def check_load_digit(load_digit):
    """Check ``load_digit(path)``: any digit picture -> (1, 784) MNIST-like row (white on black)."""
    name = "load_digit"

    def cases():
        from PIL import Image

        canvas = _digit_canvas()
        with tempfile.TemporaryDirectory(prefix="deepvision-ch05-") as directory:
            small = os.path.join(directory, "digit28.png")
            Image.fromarray(canvas, mode="L").save(small)
            big = os.path.join(directory, "digit56_rgb.png")
            rgb = np.repeat(np.repeat(canvas, 2, axis=0), 2, axis=1)
            Image.fromarray(np.stack([rgb] * 3, axis=-1), mode="RGB").save(big)
            for path, label in ((small, "a 28x28 grayscale PNG"), (big, "a 56x56 colour PNG")):
                got = np.asarray(call(name, load_digit, path))
                want = reference_load_digit(path)
                if got.size == 3 * 784:
                    raise CaseFailed(
                        f"{label} gave {got.size} numbers: read it in grayscale, "
                        "keras.utils.load_img(path, color_mode='grayscale', ...) "
                        "(Keras 3 has no grayscale=True)"
                    )
                if got.size != 784:
                    raise CaseFailed(
                        f"{label} gave shape {got.shape}: resize it with target_size=(28, 28)"
                    )
                if got.shape != (1, 784):
                    raise CaseFailed(
                        f"you returned shape {got.shape}; predict wants a batch of flat rows: "
                        "reshape to (1, 784)"
                    )
                got = as_array(name, got, (1, 784))
                if close(got, 255 * want, atol=3) or close(got, 255 * (1 - want), atol=3):
                    raise CaseFailed("the values go up to 255: divide by 255 as for MNIST")
                if close(got, 1 - want, atol=0.02):
                    raise CaseFailed(
                        "the digit is dark on a light background; MNIST digits are light on "
                        "black: invert with 1 - x"
                    )
                if not close(got, want, atol=0.02):
                    raise CaseFailed(
                        f"{label}: expected values in [0, 1] with the digit bright "
                        f"(ours has {np.sum(want > 0.5)} bright pixels, yours {np.sum(got > 0.5)})"
                    )
        return "grayscale, 28x28, inverted, scaled to [0, 1], shape (1, 784)"

    return run(name, cases)


def reference_learning_rate_schedule(epoch):
    """The book's step schedule (Keras counts epochs from 0)."""
    learning_rate = 0.1
    if epoch > 15:
        return learning_rate / 100
    if epoch > 10:
        return learning_rate / 10
    if epoch > 5:
        return learning_rate / 5
    return learning_rate


def check_learning_rate_schedule(learning_rate_schedule):
    """Check ``learning_rate_schedule(epoch)``: 0.1, then 0.02 after epoch 5, 0.01 after 10,
    0.001 after 15."""
    name = "learning_rate_schedule"

    def cases():
        got = {}
        for epoch in range(25):
            value = call(name, learning_rate_schedule, epoch)
            got[epoch] = float(as_array(name, value, ()))
        expected = {epoch: reference_learning_rate_schedule(epoch) for epoch in range(25)}
        wrong = [e for e in range(25) if not np.isclose(got[e], expected[e], rtol=1e-9)]
        if not wrong:
            return "0.1, 0.02 from epoch 6, 0.01 from 11, 0.001 from 16 (epochs counted from 0)"
        first = wrong[0]
        if set(wrong) <= {5, 10, 15}:
            raise CaseFailed(
                f"at epoch {first} you return {got[first]:g}; the book changes the rate *after* "
                f"epochs 5, 10 and 15: use `epoch > 5`, not `>=`"
            )
        if got[20] == 0.02:
            raise CaseFailed(
                "at epoch 20 you return 0.02: test the largest threshold first "
                "(epoch > 15, then > 10, then > 5), or the first test catches every epoch"
            )
        raise CaseFailed(f"at epoch {first} expected {expected[first]:g}, got {got[first]:g}")

    return run(name, cases)


def check_best_checkpoint(best_checkpoint):
    """Check ``best_checkpoint(path)``: a ModelCheckpoint keeping only the best val_accuracy."""
    name = "best_checkpoint"

    def cases():
        import keras

        path = os.path.join(tempfile.gettempdir(), "deepvision-check", "best.keras")
        callback = call(name, best_checkpoint, path)
        if not isinstance(callback, keras.callbacks.ModelCheckpoint):
            raise CaseFailed(
                f"return a keras.callbacks.ModelCheckpoint; got {type(callback).__name__}"
            )
        if os.fspath(callback.filepath) != path:
            raise CaseFailed(
                f"it saves to {callback.filepath!r}; save to the path you are given ({path!r})"
            )
        if callback.monitor == "val_acc":
            raise CaseFailed(
                "monitor='val_acc' is the Keras 2 name; Keras 3 logs the metric as 'val_accuracy'"
            )
        if callback.monitor != "val_accuracy":
            raise CaseFailed(f"it monitors {callback.monitor!r}; monitor 'val_accuracy'")
        if not callback.save_best_only:
            raise CaseFailed("it saves every epoch; keep only the best: save_best_only=True")
        if callback.mode == "min":
            raise CaseFailed("mode='min' keeps the *lowest* accuracy; use mode='max' (or 'auto')")
        if callback.save_weights_only:
            raise CaseFailed("save the whole model (.keras), not only the weights")
        if callback.save_freq != "epoch":
            raise CaseFailed(
                "check once per epoch: leave save_freq='epoch' (Keras 3 has no period=)"
            )
        return "ModelCheckpoint(path, monitor='val_accuracy', save_best_only=True)"

    return run(name, cases)
