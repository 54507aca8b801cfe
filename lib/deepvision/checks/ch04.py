"""The exercises of chapter 04, "Neural networks in action" (the book's MLP on MNIST), declared
once.

Each exercise lists its cases (or, for a trained model, how it is verified) and the wrong answers
learners give, with the hint each earns; ``tests/test_exercises.py`` turns the same declarations
into the checkers' tests. See :mod:`deepvision.checks._exercise` for the pattern.

:func:`check_train_mlp` trains through the learner's function on the training split and grades on
the test split, which the learner's function never sees. Keras is imported inside functions only:
importing this module does not start TensorFlow.
"""

from __future__ import annotations

import weakref
from collections import namedtuple

import numpy as np

from deepvision import config, models, ops
from deepvision.checks._core import CaseFailed, call
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.checks.architecture import check_builder

#: Test accuracy :func:`check_train_mlp` asks for, per mode. Full mode: the book reports about
#: 97% after 10 epochs of SGD(0.01) (the course measured 97.0%); quick mode trains on 2,000
#: images for a few epochs (about 80%).
ACCURACY_THRESHOLD = {"full": 0.95, "quick": 0.70}


# -- prepare_images -------------------------------------------------------------------------


def _images(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    x[0, 0, 0], x[-1, -1, -1] = 0, 255  # the full range is present
    return x


def _prepare_images(x):
    x = np.asarray(x)
    return x.reshape(len(x), 784).astype(np.float32) / 255


def _flat(x):
    return np.asarray(x).reshape(len(x), 784).astype(np.float32)


def _prepare_message(got, _expected):
    return (
        "for a batch of 7 images expected x / 255 flattened in row order (values 0 to 1); got "
        f"values from {np.min(got):.3g} to {np.max(got):.3g}"
    )


_FIXED_BATCH = Mistake(
    "your function cannot reshape a batch of 7 images: use len(x) (or -1) in the reshape, "
    "(len(x), 784), not a fixed (60000, 784)",
    lambda x: x.reshape(60000, 784).astype("float32") / 255,
    raises=(ValueError, r"cannot reshape .* into shape \(\d+, ?784\)"),
)

PREPARE_IMAGES = Exercise(
    "prepare_images",
    chapter="ch04",
    answers=("prepare_images",),
    reference=_prepare_images,
    cases=[
        Case(
            _images(7, 0),
            label="a batch of 7 images",
            rtol=1e-5,
            atol=1e-6,
            message=_prepare_message,
        ),
    ],
    mistakes=[
        Mistake(
            "the images are still 28x28: flatten each one to 784 numbers",
            lambda x: x.astype("float32") / 255,
            when=lambda trial: np.shape(trial.value) == np.shape(trial.original[0]),
        ),
        Mistake(
            "you returned shape (784, 7); one row per image: (7, 784)",
            lambda x: x.reshape(784, len(x)).astype("float32") / 255,
            when=lambda trial: np.shape(trial.value) == np.shape(trial.expected)[::-1],
        ),
        _FIXED_BATCH,
        Mistake("the values still go from 0 to 255: divide by 255", _flat),
        Mistake(
            "you computed x - 1: the book's `x - 127.5 / 127.5` divides before it subtracts. "
            "This exercise wants [0, 1] anyway: x / 255",
            lambda x: _flat(x) - 127.5 / 127.5,
        ),
        Mistake(
            "you scaled to [-1, 1]; this exercise asks for [0, 1]: x / 255",
            lambda x: (_flat(x) - 127.5) / 127.5,
        ),
        Mistake(
            "integer division (//) keeps only 0 and 1: convert to float32 first, then / 255",
            lambda x: x.reshape(len(x), 784) // 255,
        ),
        Mistake(
            "the values are right but not float32 (x / 255 on integers gives float64); Keras "
            "computes in float32: use .astype('float32')",
            lambda x: x.reshape(len(x), 784) / 255,
            when=lambda trial: (
                np.asarray(trial.got).dtype != np.float32
                and trial.case.same(trial.value, trial.expected)
            ),
        ),
        Rejected(
            lambda x: x.reshape(len(x), 28, 28).transpose(0, 2, 1).reshape(len(x), 784) / 255,
            says="flattened in row order",
        ),
    ],
    hints=[
        "Two steps: flatten each 28x28 image into 784 numbers, then scale the values to [0, 1].",
        "x.reshape(len(x), 784) keeps one row per image, whatever the batch size.",
        "Convert to float32 before dividing by 255: integers cannot hold the fractions.",
    ],
    success="float32 (N, 784) with values in [0, 1]",
)

# -- one_hot --------------------------------------------------------------------------------


def _labels_of(trial):
    return np.asarray(trial.original[0]).astype(np.int64), int(trial.original[1])


def _one_off(trial):
    labels, num_classes = _labels_of(trial)
    if np.shape(trial.value) != (len(labels), num_classes):
        return False
    columns = np.argmax(trial.value, axis=1)
    return any(
        np.array_equal(columns, (labels + shift) % num_classes) for shift in (1, -1)
    ) and np.allclose(trial.value.sum(axis=1), 1)


def _largest_label_columns(trial):
    labels, num_classes = _labels_of(trial)
    columns = int(labels.max()) + 1
    return columns != num_classes and np.shape(trial.value) == (len(labels), columns)


def _one_hot_message(labels, num_classes):
    def message(got, _expected):
        return (
            f"for labels {labels.tolist()} with num_classes={num_classes} expected rows with a "
            f"single 1 in columns {labels.tolist()}; got the largest value in columns "
            f"{np.argmax(got, axis=1).tolist()} (row sums {np.round(got.sum(axis=1), 3).tolist()})"
        )

    return message


_LABELS = np.array([3, 0, 1, 9, 3], dtype=np.uint8)
_FEW_LABELS = np.array([0, 2, 1])

ONE_HOT = Exercise(
    "one_hot",
    chapter="ch04",
    answers=("one_hot",),
    reference=ops.one_hot,
    cases=[
        Case(
            _LABELS,
            10,
            label="labels [3, 0, 1, 9, 3] with num_classes=10",
            message=_one_hot_message(_LABELS, 10),
        ),
        Case(
            _FEW_LABELS,
            5,
            label="labels [0, 2, 1] with num_classes=5",
            message=_one_hot_message(_FEW_LABELS, 5),
        ),
    ],
    mistakes=[
        Mistake(
            "you returned the labels unchanged; turn each label into a row of num_classes "
            "numbers, all 0 except a 1 in the label's column",
            lambda labels, num_classes: labels,
        ),
        Mistake(
            "you returned one column per label, shape (num_classes, N); one row per label: "
            "shape (N, num_classes), (5, 10) for 5 labels",
            lambda labels, num_classes: np.eye(num_classes)[labels].T,
            when=lambda trial: np.shape(trial.value) == np.shape(trial.expected)[::-1],
        ),
        Mistake(
            "labels [0, 2, 1] with num_classes=5 gave 3 columns: use num_classes, not the "
            "largest label + 1 (a batch may not contain every class)",
            lambda labels, num_classes: np.eye(labels.max() + 1)[labels],
            when=_largest_label_columns,
        ),
        Mistake(
            "the 1 is one position off: label k puts its 1 in column k",
            lambda labels, num_classes: np.eye(num_classes)[(labels + 1) % num_classes],
            when=_one_off,
        ),
    ],
    hints=[
        "One row per label, num_classes columns: all 0 except a 1 in the label's column.",
        "Row k of np.eye(num_classes) is the one-hot vector of label k.",
        "Index np.eye(num_classes) with the whole array of labels at once; the number of "
        "columns is num_classes, whatever labels the batch holds.",
    ],
    success="one row per label, a single 1 in the label's column",
)

# -- build_mlp ------------------------------------------------------------------------------


def reference_mlp():
    """The model the chapter asks for (``deepvision.models.mlp_sequential()``)."""
    return models.mlp_sequential()


def _dense_stack(units, activations, input_shape=(784,), flatten=False):
    import keras

    layers = [keras.Input(shape=input_shape)] + ([keras.layers.Flatten()] if flatten else [])
    layers += [keras.layers.Dense(n, activation=a) for n, a in zip(units, activations, strict=True)]
    return keras.Sequential(layers)


def _without_input():
    import keras

    return keras.Sequential([keras.layers.Dense(128, activation="relu")])


BOOK_UNITS = (128, 128, 128, 10)
BOOK_ACTIVATIONS = ("relu", "relu", "relu", "softmax")

BUILD_MLP = Exercise(
    "build_mlp",
    chapter="ch04",
    answers=("build_mlp",),
    reference=reference_mlp,
    verify=lambda answers: check_builder(answers["build_mlp"], reference_mlp, "build_mlp"),
    mistakes=[
        Mistake(
            "your model has 3 Dense layers; expected 4",
            lambda: models.mlp_sequential(hidden_units=(128, 128)),
        ),
        Mistake(
            "is followed by sigmoid; expected ReLU (activation='relu')",
            lambda: models.mlp_sequential(activation="sigmoid"),
        ),
        Mistake(
            "the 3rd Dense has units=64; expected units=128",
            lambda: models.mlp_sequential(hidden_units=(128, 128, 64)),
        ),
        Mistake(
            "the 4th Dense (10 units) is followed by ReLU; expected softmax",
            lambda: _dense_stack(BOOK_UNITS, ("relu",) * 4),
        ),
        Mistake(
            "input shape is (2352,); expected (784,)",
            lambda: models.mlp_sequential(input_shape=(28 * 28 * 3,)),
        ),
        Mistake(
            "input shape is (28, 28); expected (784,)",
            lambda: _dense_stack(BOOK_UNITS, BOOK_ACTIVATIONS, input_shape=(28, 28), flatten=True),
        ),
        Mistake("start it with keras.Input(shape=...)", _without_input),
        Rejected(lambda: None, says="did you forget to `return` the model?"),
    ],
    hints=[
        "keras.Sequential([...]) takes the list of layers in order, starting with "
        "keras.Input(shape=(784,)).",
        "Three hidden layers of 128 units with ReLU, then one layer of 10 units with softmax: "
        "four Dense layers in all.",
        "The images arrive flattened, so the input shape is (784,), not (28, 28).",
    ],
    success="the book's Dense 128-128-128-10 (ReLU, softmax) on (784,) inputs",
    keras=True,
)

# -- compile_mlp ----------------------------------------------------------------------------

#: What ``compile_mlp`` left behind: the model it was given, and what it returned.
_Compiled = namedtuple("_Compiled", "model returned")


def _is_compiled(model):
    return bool(getattr(model, "compiled", False)) and getattr(model, "optimizer", None) is not None


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)


def _metric_names(model):
    names = []
    for metric in model.get_compile_config().get("metrics") or []:
        if isinstance(metric, dict):
            metric = metric.get("config", {}).get("name", metric.get("class_name"))
        names.append(str(metric))
    return names


def _compilation(model):
    """How ``model`` is compiled, as compared (None when it is not compiled)."""
    if not _is_compiled(model):
        return None
    optimizer = model.optimizer
    loss_config = model.get_compile_config().get("loss")
    return {
        "optimizer": type(optimizer).__name__,
        "learning_rate": round(float(np.asarray(optimizer.learning_rate)), 6),
        "momentum": float(getattr(optimizer, "momentum", 0.0) or 0.0),
        "nesterov": bool(getattr(optimizer, "nesterov", False)),
        "loss": _loss_name(model.loss),
        "from_logits": bool(
            isinstance(loss_config, dict) and loss_config.get("config", {}).get("from_logits")
        ),
        "accuracy": any(
            m in ("accuracy", "acc", "categorical_accuracy") for m in _metric_names(model)
        ),
    }


def _setting(trial, key):
    """One setting of the model the learner compiled (None when it is not compiled)."""
    found = _compilation(trial.got.model)
    return None if found is None else found[key]


def _compile_message(got, expected):
    return (
        f"the model is not compiled as asked: expected {_compilation(expected.model)}, "
        f"got {_compilation(got.model)}"
    )


def _compile_reference(model):
    import keras

    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _compiler(**changes):
    """A compile_mlp that compiles with one setting changed."""

    def compile_mlp(model):
        import keras

        settings = {
            "optimizer": keras.optimizers.SGD(learning_rate=0.01),
            "loss": "categorical_crossentropy",
            "metrics": ["accuracy"],
        }
        settings.update({key: make() for key, make in changes.items()})
        model.compile(**settings)
        return model

    return compile_mlp


def _compile_a_new_model(model):
    return _compile_reference(reference_mlp())


def _sgd(**kwargs):
    def make():
        import keras

        return keras.optimizers.SGD(**kwargs)

    return make


def _adam():
    import keras

    return keras.optimizers.Adam(0.01)


def _logits_loss():
    import keras

    return keras.losses.CategoricalCrossentropy(from_logits=True)


def _returned_a_new_compiled_model(trial):
    returned = trial.got.returned
    return (
        not _is_compiled(trial.got.model)
        and returned is not trial.got.model
        and _is_compiled(returned)
    )


COMPILE_MLP = Exercise(
    "compile_mlp",
    chapter="ch04",
    answers=("compile_mlp",),
    reference=_compile_reference,
    cases=[
        Case(
            setup=lambda: (reference_mlp(),),
            label="the book's MLP",
            result=lambda returned, args: _Compiled(args[0], returned),
            compare=lambda got, expected: (
                _compilation(got.model) is not None
                and _compilation(got.model) == _compilation(expected.model)
            ),
            message=_compile_message,
        ),
    ],
    mistakes=[
        Mistake(
            "compile the model you are given (model.compile(...)), not a new one",
            _compile_a_new_model,
            when=_returned_a_new_compiled_model,
        ),
        Mistake(
            "the model is not compiled: call model.compile(optimizer=..., loss=..., metrics=...)",
            lambda model: None,
            when=lambda trial: not _is_compiled(trial.got.model),
        ),
        Mistake(
            "the optimizer is not SGD: the book's network uses keras.optimizers.SGD (try the "
            "others in the experiment below)",
            _compiler(optimizer=_adam),
            when=lambda trial: _setting(trial, "optimizer") != "SGD",
        ),
        Mistake(
            "the learning rate is not 0.01: keras.optimizers.SGD(learning_rate=0.01) (Keras 3 "
            "has no `lr=` argument)",
            _compiler(optimizer=_sgd(learning_rate=0.1)),
            when=lambda trial: not np.isclose(_setting(trial, "learning_rate"), 0.01, rtol=1e-5),
        ),
        Mistake(
            "plain SGD: no momentum and no Nesterov for this exercise",
            _compiler(optimizer=_sgd(learning_rate=0.01, momentum=0.9)),
            when=lambda trial: _setting(trial, "momentum") != 0.0 or _setting(trial, "nesterov"),
        ),
        Mistake(
            "sparse_categorical_crossentropy expects integer labels; the labels here are "
            "one-hot vectors, so use categorical_crossentropy",
            _compiler(loss=lambda: "sparse_categorical_crossentropy"),
            when=lambda trial: _setting(trial, "loss") == "sparse_categorical_crossentropy",
        ),
        Mistake(
            "the loss is not categorical cross-entropy: for one-hot labels and softmax outputs "
            "use loss='categorical_crossentropy'",
            _compiler(loss=lambda: "mse"),
            when=lambda trial: _setting(trial, "loss") != "categorical_crossentropy",
        ),
        Mistake(
            "from_logits=True is for raw scores; the last layer already applies softmax",
            _compiler(loss=_logits_loss),
            when=lambda trial: _setting(trial, "from_logits"),
        ),
        Mistake(
            "no accuracy is reported: add metrics=['accuracy']",
            _compiler(metrics=lambda: None),
            when=lambda trial: not _setting(trial, "accuracy"),
        ),
        Rejected(
            lambda model: _compile_a_new_model(model) and None,
            says="the model is not compiled",
        ),
    ],
    hints=[
        "model.compile(...) changes the model you are given in place; it needs an optimizer, a "
        "loss and the metrics to report.",
        "The optimizer is an object: keras.optimizers.SGD with the learning rate as a keyword "
        "argument (Keras 3 calls it learning_rate=).",
        "The labels are one-hot vectors, so the loss is categorical (not sparse) cross-entropy; "
        "the metric is named 'accuracy'.",
    ],
    success="SGD(learning_rate=0.01), categorical cross-entropy, accuracy",
    keras=True,
)

# -- accuracy -------------------------------------------------------------------------------

# Five images, five classes: a square batch, so that an argmax down the columns (axis=0) gives
# an answer instead of a shape error. Rows 0, 1 and 4 have their highest probability at the label.
_PROBS = np.array(
    [
        [0.10, 0.60, 0.10, 0.10, 0.10],
        [0.50, 0.20, 0.10, 0.10, 0.10],
        [0.05, 0.20, 0.05, 0.30, 0.40],
        [0.20, 0.45, 0.25, 0.05, 0.05],
        [0.10, 0.10, 0.10, 0.55, 0.15],
    ]
)
_PROB_LABELS = np.array([1, 0, 1, 2, 3])
_TALL = np.array([[0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])


def _accuracy(probs, labels):
    return float(np.mean(np.argmax(probs, axis=1) == np.asarray(labels)))


ACCURACY = Exercise(
    "accuracy",
    chapter="ch04",
    answers=("accuracy",),
    reference=_accuracy,
    cases=[
        Case(
            _PROBS,
            _PROB_LABELS,
            label="5 images of 5 classes",
            message="expected 0.6 (3 of 5 rows have their highest probability at the label), "
            "got {got}: compare each row's most probable class with its label",
        ),
        Case(
            _TALL,
            np.array([0, 0, 2, 1]),
            label="4 images of 3 classes, all right",
            message="for a (4, 3) batch that is all right expected 1.0, got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "you returned the number of correct rows (3); divide by the number of rows",
            lambda probs, labels: np.sum(np.argmax(probs, axis=1) == labels),
        ),
        Mistake(
            "you returned a percentage (60); return the fraction 0.6",
            lambda probs, labels: 100 * np.mean(np.argmax(probs, axis=1) == labels),
        ),
        Mistake(
            "you took the argmax down the columns (axis=0); use axis=1, per row",
            lambda probs, labels: np.mean(np.argmax(probs, axis=0) == labels),
        ),
        Rejected(lambda probs, labels: np.mean(np.max(probs, axis=1)), says="expected 0.6"),
    ],
    hints=[
        "A row is right when its most probable class is the label.",
        "np.argmax(probs, axis=1) gives each row's most probable class.",
        "Compare with the labels and average: the mean of the matches is the fraction right.",
    ],
    success="fraction of rows whose argmax is the label",
)

# -- train_mlp ------------------------------------------------------------------------------

# the learner's training function -> (its trained model, test accuracy): the self-check and the
# graded cell share one training run
_TRAINED = weakref.WeakKeyDictionary()


def held_out_mnist():
    """The test split as the checker grades it: float32 (N, 784) in [0, 1] and integer labels."""
    from deepvision import data

    _, (x_test, y_test) = data.load_mnist()
    return _prepare_images(x_test), y_test.astype(np.int64)


def _training_mnist():
    """The training split as the learner's function receives it: prepared, one-hot labels."""
    from deepvision import data

    (x_train, y_train), _ = data.load_mnist()
    return _prepare_images(x_train), np.eye(10, dtype=np.float32)[y_train]


def _train_reference(x_train, y_train):
    model = models.compiled_mlp()
    model.fit(x_train, y_train, batch_size=32, epochs=config.budget("ch04_mlp").epochs, verbose=0)
    return model


_RETURNED_HISTORY = Mistake(
    "you returned what model.fit returns (a History, the record of the losses); return the "
    "model itself",
    lambda x_train, y_train: models.compiled_mlp().fit(x_train[:32], y_train[:32], verbose=0),
)
_NOT_A_MODEL = Mistake("return the trained keras model", lambda x_train, y_train: None)
_WRONG_INPUT = Mistake(
    "this exercise feeds flattened images of shape (784,): start the model with "
    "keras.Input(shape=(784,))",
    lambda x_train, y_train: _dense_stack((10,), ("softmax",), input_shape=(28, 28), flatten=True),
)
_WRONG_OUTPUT = Mistake(
    "one probability per digit: the last layer needs 10 units (and softmax)",
    lambda x_train, y_train: _dense_stack((5,), ("softmax",)),
)
_UNDERTRAINED = Mistake(
    "train it for config.budget('ch04_mlp').epochs epochs on the data as given (already scaled "
    "to [0, 1], with one-hot labels: do not scale it again)",
    lambda x_train, y_train: models.compiled_mlp(),
)


def _trained_and_scored(train_mlp):
    """Call the learner's function on the training split; score its model on the test split."""
    import keras

    x_train, y_train = _training_mnist()
    model = call("train_mlp", train_mlp, x_train, y_train)
    if isinstance(model, keras.callbacks.History):
        raise CaseFailed(_RETURNED_HISTORY.hint)
    if not isinstance(model, keras.Model):
        if model is None:
            raise CaseFailed(
                f"train_mlp returned None: {_NOT_A_MODEL.hint} (did you forget the `return` "
                "statement?)"
            )
        raise CaseFailed(f"{_NOT_A_MODEL.hint}; got {type(model).__name__}")
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
    except (AttributeError, ValueError, IndexError, TypeError):
        input_shape = None
    if input_shape != (784,):
        raise CaseFailed(f"the model's input shape is {input_shape}; {_WRONG_INPUT.hint}")
    x_test, y_test = held_out_mnist()
    # one direct call: no tf.function tracing, no retracing warnings
    probs = np.asarray(model(x_test, training=False))
    if probs.shape != (len(x_test), 10):
        raise CaseFailed(
            f"the model outputs shape {probs.shape[1:]}; expected (10,): {_WRONG_OUTPUT.hint}"
        )
    return model, float(np.mean(np.argmax(probs, axis=1) == y_test))


def _verify_train_mlp(answers, threshold=None):
    train_mlp = answers["train_mlp"]
    threshold = ACCURACY_THRESHOLD[config.mode_name()] if threshold is None else threshold
    key = train_mlp if callable(train_mlp) else None
    if key is not None and key in _TRAINED:
        _, score = _TRAINED[key]
    else:
        model, score = _trained_and_scored(train_mlp)
        if key is not None:
            _TRAINED[key] = (model, score)
    if score < threshold:
        raise CaseFailed(
            f"test accuracy {score:.1%}, below the {threshold:.0%} asked for in "
            f"{config.mode_name()} mode: {_UNDERTRAINED.hint}"
        )
    return f"test accuracy {score:.1%} on {config.mode_name()}-mode held-out images"


TRAIN_MLP = Exercise(
    "train_mlp",
    chapter="ch04",
    answers=("train_mlp",),
    reference=_train_reference,
    verify=_verify_train_mlp,
    mistakes=[
        _UNDERTRAINED,
        _WRONG_INPUT,
        _WRONG_OUTPUT,
        _RETURNED_HISTORY,
        _NOT_A_MODEL,
    ],
    hints=[
        "Reuse your build_mlp and compile_mlp, then call model.fit on the data you are given.",
        "Train for config.budget('ch04_mlp').epochs epochs; batch_size=32 is the book's.",
        "The data arrive prepared (float32 in [0, 1], one-hot labels): do not scale them again, "
        "and return the model, not what fit returns.",
    ],
    success="reaches the mode's test accuracy on held-out images",
    keras=True,
)

# -- choose_threshold (designed, graded by outcome) -----------------------------------------


def threshold_outcome(probs, labels, threshold):
    """What a refuse-when-unsure rule does: answer only where the top probability >= threshold.

    Returns:
        ``(coverage, accuracy)``: the fraction of digits answered, and the accuracy on those
        (1.0 when none is answered).

    Taught in: chapter 04, "How well did it learn?".
    """
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    answered = probs.max(axis=1) >= threshold
    if not answered.any():
        return 0.0, 1.0
    correct = np.argmax(probs, axis=1) == labels
    return float(answered.mean()), float(correct[answered].mean())


def _best_threshold(probs, labels, target):
    """The lowest threshold whose answered digits are at least ``target`` accurate."""
    probs = np.asarray(probs, dtype=np.float64)
    confidence = probs.max(axis=1)
    correct = np.argmax(probs, axis=1) == np.asarray(labels).reshape(-1)
    order = np.argsort(-confidence, kind="stable")
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    good = np.flatnonzero(running >= target)
    if len(good) == 0:
        return float(confidence.max()) + 1e-9  # answer nothing
    k = good[-1]
    # all digits as confident as the k-th are answered together (ties): step down to a valid one
    while k >= 0 and threshold_outcome(probs, labels, confidence[order[k]])[1] < target:
        k -= 1
    return float(confidence[order[k]]) if k >= 0 else float(confidence.max()) + 1e-9


def _threshold_case(seed, target, count=400):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=count)
    strength = rng.uniform(0.0, 6.0, size=count)  # some digits are easy, others hard
    logits = rng.normal(size=(count, 10)) + strength[:, None] * np.eye(10)[labels]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    return probs / probs.sum(axis=1, keepdims=True), labels, target


_THRESHOLD_CASES = [_threshold_case(41, 0.95), _threshold_case(42, 0.99), _threshold_case(43, 0.5)]
_TOO_LOW = "too many of the digits your rule answers are wrong: raise the threshold"
_TOO_HIGH = (
    "your rule refuses more digits than it needs to: a lower threshold still reaches the target "
    "accuracy on the digits it answers"
)
COVERAGE_SLACK = 0.02


def _verify_choose_threshold(answers):
    choose = answers["choose_threshold"]
    lines = []
    for probs, labels, target in _THRESHOLD_CASES:
        got = call("choose_threshold", choose, probs.copy(), labels.copy(), target)
        try:
            threshold = float(got)
        except (TypeError, ValueError) as error:
            raise CaseFailed(f"choose_threshold returned {got!r}; expected a number") from error
        coverage, accuracy = threshold_outcome(probs, labels, threshold)
        best, _ = threshold_outcome(probs, labels, _best_threshold(probs, labels, target))
        where = (
            f"(target {target:.0%}: with threshold {threshold:.3f} your rule answers "
            f"{coverage:.1%} of the digits, {accuracy:.1%} of them right"
        )
        if accuracy < target:
            raise CaseFailed(f"{_TOO_LOW} {where})")
        if coverage < best - COVERAGE_SLACK:
            raise CaseFailed(f"{_TOO_HIGH} {where}; {best:.1%} can be answered)")
        lines.append(f"{target:.0%}: answers {coverage:.1%}")
    return "the target accuracy, answering as many digits as possible (" + ", ".join(lines) + ")"


CHOOSE_THRESHOLD = Exercise(
    "choose_threshold",
    chapter="ch04",
    answers=("choose_threshold",),
    reference=_best_threshold,
    verify=_verify_choose_threshold,
    mistakes=[
        Mistake(_TOO_LOW, lambda probs, labels, target: 0.0),
        Mistake(_TOO_HIGH, lambda probs, labels, target: 0.999999),
        Mistake(_TOO_HIGH, lambda probs, labels, target: target),  # confidence read as accuracy
        Rejected(lambda probs, labels, target: "high", says="expected a number"),
    ],
    hints=[
        "Step through the mistakes in the prediction explorer: how confident is the network "
        "when it is wrong?",
        "Sort the digits by their top probability, most confident first; the accuracy of the "
        "first k of them tells you whether answering those k is good enough.",
        "Take the largest k whose accuracy reaches the target, and return the k-th confidence.",
    ],
    success="the target accuracy, answering as many digits as possible",
)

EXERCISES = [PREPARE_IMAGES, ONE_HOT, BUILD_MLP, COMPILE_MLP, ACCURACY, CHOOSE_THRESHOLD, TRAIN_MLP]

check_prepare_images = PREPARE_IMAGES.checker("check_prepare_images")
check_one_hot_labels = ONE_HOT.checker("check_one_hot_labels")
check_build_mlp = BUILD_MLP.checker("check_build_mlp")
check_compile_mlp = COMPILE_MLP.checker("check_compile_mlp")
check_prediction_accuracy = ACCURACY.checker("check_prediction_accuracy")
check_choose_threshold = CHOOSE_THRESHOLD.checker("check_choose_threshold")


def check_train_mlp(train_mlp, threshold=None):
    """Check ``train_mlp(x_train, y_train)`` returns a model reaching the mode's test accuracy.

    The checker loads MNIST itself, prepares the training split (float32 (N, 784) in [0, 1],
    one-hot labels), calls the learner's function on it, and measures the returned model's
    accuracy on the test split. The threshold is :data:`ACCURACY_THRESHOLD` for the mode. The
    first check of a function trains; later checks of the same function reuse that run.

    Returns a CheckResult: truthy when correct, with a hint when not.
    """
    return TRAIN_MLP.check(train_mlp, threshold=threshold)


check_train_mlp.exercise = TRAIN_MLP
