"""The exercises of chapter 03, "Artificial neural networks", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops`, itself tested against Keras and
finite differences) and the wrong answers learners give, with the hint each earns: a flipped sign
in the sigmoid, sigma(z) given as its own derivative, transposed weights, a forgotten bias, one-hot
rows along the wrong axis...; ``tests/test_exercises.py`` turns the same declarations into the
checkers' tests. See :mod:`deepvision.checks._exercise` for the pattern.
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.checks._core import CaseFailed
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.models import numpy_mlp

#: The four inputs of a two-input logic gate, one per row.
GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATE_TARGETS = {
    "AND": np.array([0.0, 0.0, 0.0, 1.0]),
    "OR": np.array([0.0, 1.0, 1.0, 1.0]),
    "XOR": np.array([0.0, 1.0, 1.0, 0.0]),
}

# -- perceptron and gate_parameters -----------------------------------------------------------


def _perceptron(x, w, b):
    return ops.step(np.asarray(x) @ np.asarray(w) + b)


_AND = (np.array([1.0, 1.0]), -1.5)
_OR = (np.array([1.0, 1.0]), -0.5)
_NAND = (np.array([-1.0, -1.0]), 1.5)
_GATES = {"AND": _AND, "OR": _OR}


def _gate_parameters(gate):
    return _GATES[gate]


class _Gate:
    """What ``gate_parameters(gate)`` returned, read as a perceptron's outputs on the four inputs.

    ``problem`` names what makes the pair unusable (``"pair"``, ``"numbers"``, ``"weights"``,
    ``"bias"``); the outputs come from the reference perceptron, so that only the parameters are
    judged here (the learner's perceptron has its own cases).
    """

    def __init__(self, gate, returned):
        self.gate, self.problem, self.w, self.b, self.outputs = gate, None, None, None, None
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            self.problem = "pair"
            return
        try:
            self.w = np.asarray(returned[0], dtype=np.float64)
            b = np.asarray(returned[1], dtype=np.float64)
        except (TypeError, ValueError):
            self.problem = "numbers"
            return
        if self.w.shape != (2,):
            self.problem = "weights"
        elif b.size != 1:
            self.problem = "bias"
        else:
            self.b = float(b.reshape(()))
            self.outputs = _perceptron(GATE_INPUTS, self.w, self.b)


def _same_gate(got, expected):
    return got.outputs is not None and np.array_equal(got.outputs, expected.outputs)


def _gate_message(got, expected):
    where = f"gate_parameters({got.gate!r})"
    if got.problem == "bias":
        return f"{where} should return one number as the bias b"
    if got.problem is not None:
        return f"{where} should return a pair (w, b): w an array of 2 weights, b one number"
    return (
        f"with your {got.gate} weights {got.w.tolist()} and bias {got.b} the outputs for inputs "
        f"00, 01, 10, 11 are {got.outputs.tolist()}; expected {expected.outputs.tolist()}"
    )


def _gate_case(gate):
    return Case(
        gate,
        function="gate_parameters",
        label=f"the {gate} gate",
        result=lambda returned, args: _Gate(args[0], returned),
        compare=_same_gate,
        message=_gate_message,
    )


def _neuron_inputs():
    rng = np.random.default_rng(6)
    return rng.normal(size=(8, 3)), rng.normal(size=3), 1.5


PERCEPTRON = Exercise(
    "perceptron",
    chapter="ch03",
    answers=("perceptron", "gate_parameters"),
    reference=(_perceptron, _gate_parameters),
    cases=[
        Case(
            *_neuron_inputs(),
            label="x (8, 3), w (3,), b = 1.5",
            message="expected step(x @ w + b): 1 where x @ w + b > 0, else 0; got {got}",
        ),
        Case(
            np.array([[-1.0, -1.0]]),
            np.ones(2),
            2.0,
            label="x @ w + b = 0",
            message="for x @ w + b = 0 expected [0.], got {got}",
        ),
        _gate_case("AND"),
        _gate_case("OR"),
    ],
    mistakes=[
        Mistake(
            "you returned x @ w + b; pass it through the step function",
            lambda x, w, b: x @ w + b,
        ),
        Mistake("the bias is missing: step(x @ w + b)", lambda x, w, b: ops.step(x @ w)),
        Mistake(
            "that is a sigmoid neuron; the perceptron outputs exactly 0 or 1",
            lambda x, w, b: ops.sigmoid(x @ w + b),
        ),
        Mistake(
            "step(0) is 0: where x @ w + b is exactly 0 the output must be 0 (test > 0, not >= 0)",
            lambda x, w, b: (x @ w + b >= 0).astype(np.float64),
        ),
        Mistake(
            "gate_parameters(gate) should return a pair (w, b): the weights, then the bias",
            gate_parameters=lambda gate: _GATES[gate][0],
            when=lambda trial: trial.got.problem == "pair",
        ),
        Mistake(
            "w holds one weight per input, and a gate has two inputs: w has shape (2,)",
            gate_parameters={"AND": ([1.0, 1.0, 1.0], -0.5), "OR": _OR}.get,
            when=lambda trial: trial.got.problem == "weights",
        ),
        Mistake(
            "your AND weights and bias compute OR: one input on is already enough. Lower the bias "
            "until only both inputs together push x @ w + b above 0",
            gate_parameters={"AND": _OR, "OR": _OR}.get,
        ),
        Mistake(
            "your OR weights and bias compute AND: the neuron needs both inputs on. Raise the bias "
            "until one input on is enough to push x @ w + b above 0",
            gate_parameters={"AND": _AND, "OR": _AND}.get,
        ),
        Rejected(
            gate_parameters={"AND": _AND, "OR": ([1.0, 1.0], 0.5)}.get, says="with your OR weights"
        ),
    ],
    hints=[
        "The perceptron is step(x @ w + b): 1 where x @ w + b > 0, else 0 (astype(float) turns "
        "True and False into 1.0 and 0.0).",
        "For a gate, write out x1 * w1 + x2 * w2 + b for the four inputs 00, 01, 10, 11, and ask "
        "which of them must come out above 0.",
        "AND: w = (1, 1) and b = -1.5 work, as the text shows. OR needs a bias that one input on "
        "already overcomes.",
    ],
    success="step(x @ w + b); AND and OR gates work",
)

# -- xor_network ----------------------------------------------------------------------------


def _xor_reference(x):
    x = np.asarray(x) > 0.5
    return np.logical_xor(x[:, 0], x[:, 1]).astype(np.float64)


def _xor_from_gates(x):
    hidden = np.stack([_perceptron(x, *_OR), _perceptron(x, *_NAND)], axis=1)
    return _perceptron(hidden, *_AND)


def _flat_column(returned, args):
    """Accept an (N, 1) column of outputs as well as (N,)."""
    return np.ravel(returned) if np.shape(returned) == (len(args[0]), 1) else returned


XOR_NETWORK = Exercise(
    "xor_network",
    chapter="ch03",
    answers=("xor_network",),
    reference=_xor_reference,
    cases=[
        Case(
            GATE_INPUTS,
            label="the inputs 00, 01, 10, 11 (shape (4, 2))",
            result=_flat_column,
            numeric=True,
            message="for inputs 00, 01, 10, 11 expected [0, 1, 1, 0], got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "that is OR, not XOR: XOR(1, 1) = 0, and no single perceptron computes XOR. Feed two "
            "hidden perceptrons (OR and NAND) into an output perceptron (AND)",
            lambda x: _perceptron(x, *_OR),
        ),
        Mistake(
            "that is AND, not XOR: XOR(0, 1) = XOR(1, 0) = 1, and no single perceptron computes "
            "XOR. Feed two hidden perceptrons (OR and NAND) into an output perceptron (AND)",
            lambda x: _perceptron(x, *_AND),
        ),
        Rejected(lambda x: 1 - _xor_from_gates(x), says="expected [0, 1, 1, 0]"),
        Rejected(lambda x: _xor_from_gates(x)[np.newaxis, :], says="returned shape (1, 4)"),
    ],
    hints=[
        "One perceptron draws one line, and XOR's 1s and 0s cannot be split by one line: you "
        "need a hidden layer.",
        "Hidden layer: an OR perceptron and a NAND perceptron (w = (-1, -1), b = 1.5), each "
        "giving N outputs.",
        "Put the two hidden outputs side by side, shape (N, 2) (np.stack(..., axis=1)), and feed "
        "them to an AND perceptron.",
    ],
    success="XOR from a hidden layer of two perceptrons",
)

# -- sigmoid --------------------------------------------------------------------------------


def _quietly(function, *args):
    """Call ``function`` without numpy's overflow warnings (e^800 is inf, and that is fine)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return function(*args)


SIGMOID = Exercise(
    "sigmoid",
    chapter="ch03",
    answers=("sigmoid",),
    reference=ops.sigmoid,
    cases=[
        Case(np.array(2.0), label="z = 2", message="sigmoid(2) should be 0.8808, got {got}"),
        Case(
            np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 10.0]]),
            label="z of shape (2, 3)",
            message="for {label} expected {expected}, got {got}: apply the formula to every "
            "element (use np.exp, not math.exp)",
        ),
        Case(
            np.array([-800.0, 800.0]),
            label="z = [-800, 800]",
            call=_quietly,
            atol=1e-12,
            message="sigmoid([-800, 800]) should be [0, 1], got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "sigmoid(2) came out below 0.5: the exponent is -z, e^(-z)",
            lambda z: 1 / (1 + np.exp(z)),
        ),
        Mistake(
            "0.739 is the book's misprint: 1 / (1 + e^-2) = 1 / 1.1353 = 0.8808",
            lambda z: np.full(np.shape(z), 0.739),
            when=lambda trial: np.shape(trial.value) == () and abs(trial.value - 0.739) < 1e-3,
        ),
        Mistake("that is e^(-2); the sigmoid is 1 / (1 + e^(-z))", lambda z: np.exp(-z)),
        Mistake(
            "sigmoid([-800, 800]) gave inf or NaN: e^800 overflows to inf, and inf / inf is NaN. "
            "Use 1 / (1 + e^(-z)): there an overflow only makes the denominator infinite, and "
            "1 / inf = 0 is right",
            lambda z: np.exp(z) / (1 + np.exp(z)),
            when=lambda trial: not np.all(np.isfinite(trial.value)),
        ),
        Rejected(np.tanh, says="sigmoid(2) should be 0.8808"),
    ],
    hints=[
        "sigmoid(z) = 1 / (1 + e^(-z)); np.exp works on every element of an array at once.",
        "sigmoid(0) = 0.5, sigmoid(2) = 0.8808, and large positive z gives values near 1.",
        "For z = -800, e^(800) is inf and 1 / (1 + inf) = 0: fine, even if numpy warns.",
    ],
    success="1 / (1 + e^(-z)); sigmoid(2) = 0.8808",
)

# -- sigmoid_derivative ---------------------------------------------------------------------

SIGMOID_DERIVATIVE = Exercise(
    "sigmoid_derivative",
    chapter="ch03",
    answers=("sigmoid_derivative",),
    reference=ops.sigmoid_derivative,
    cases=[
        Case(
            np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0]),
            label="z = [-4, -1, 0, 0.5, 2, 6]",
            message="for {label} expected sigma(z) * (1 - sigma(z)) = {expected}, got {got} "
            "(largest, 0.25, at z = 0)",
        ),
    ],
    mistakes=[
        Mistake(
            "you returned sigma(z) itself; its derivative is sigma(z) * (1 - sigma(z))",
            ops.sigmoid,
        ),
        Mistake(
            "you computed z * (1 - z); apply the sigmoid first: s = sigmoid(z), then s * (1 - s)",
            lambda z: z * (1 - z),
        ),
        Mistake(
            "you returned 1 - sigma(z); multiply by sigma(z): s * (1 - s)",
            lambda z: 1 - ops.sigmoid(z),
        ),
        Mistake(
            "the factor is (1 - sigma(z)), not (1 + sigma(z))",
            lambda z: ops.sigmoid(z) * (1 + ops.sigmoid(z)),
        ),
        Rejected(
            lambda z: ops.sigmoid(-z) * ops.sigmoid(-z), says="expected sigma(z) * (1 - sigma(z))"
        ),
    ],
    hints=[
        "The argument is the pre-activation z: compute s = sigmoid(z) first.",
        "The derivative is s * (1 - s): 0.25 at z = 0, nearly 0 for large |z|.",
    ],
    success="sigma(z) * (1 - sigma(z)), largest (0.25) at z = 0",
)

# -- relu and relu_derivative ---------------------------------------------------------------

_Z = np.array([[-2.0, -0.5, 0.0], [0.25, 1.0, 7.0]])

RELU = Exercise(
    "relu",
    chapter="ch03",
    answers=("relu", "relu_derivative"),
    reference=(ops.relu, ops.relu_derivative),
    cases=[
        Case(
            _Z,
            label="z = [[-2, -0.5, 0], [0.25, 1, 7]]",
            message="relu of {label} should be {expected}, got {got}",
        ),
        Case(
            _Z,
            function="relu_derivative",
            label="z = [[-2, -0.5, 0], [0.25, 1, 7]]",
            message="relu_derivative should be 1 where z > 0 and 0 elsewhere: for {label} "
            "expected {expected}, got {got}",
        ),
    ],
    mistakes=[
        Mistake("relu(-2) should be 0, not 2: negative inputs become 0, not positive", np.abs),
        Mistake("that is the step function; ReLU passes positive z through: max(0, z)", ops.step),
        Mistake("you kept the negative part; ReLU is max(0, z)", lambda z: np.minimum(z, 0)),
        Mistake(
            "np.max(z, 0) is the largest entry along axis 0; ReLU needs the elementwise maximum "
            "of z and 0, applied to each element",
            lambda z: np.max(z, 0),
        ),
        Rejected(lambda z: np.maximum(z, 1), says="should be"),
        Mistake(
            "relu_derivative returned relu(z); the slope is 1 where z > 0 and 0 elsewhere",
            relu_derivative=ops.relu,
        ),
        Mistake(
            "relu_derivative(0) should be 0 (the convention TensorFlow uses): test z > 0",
            relu_derivative=lambda z: (z >= 0).astype(np.float64),
        ),
        Rejected(relu_derivative=np.ones_like, says="1 where z > 0 and 0 elsewhere"),
    ],
    hints=[
        "relu(z) = max(0, z) for each element; Python's max does not work elementwise on arrays.",
        "Its slope is 1 where z > 0 and 0 where z < 0; at z = 0 take 0, as TensorFlow does.",
        "A comparison like z > 0 gives an array of booleans; .astype(float) turns them into 1.0 "
        "and 0.0.",
    ],
    success="max(0, z), slope 1 for z > 0 and 0 otherwise",
)

# -- dense ----------------------------------------------------------------------------------


def _dense(x, w, b):
    return ops.dense_forward(x, w, b)[0]


def _dense_case(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    label = f"x {x.shape}, w {w.shape}, b {b.shape}"
    return Case(x, w, b, label=label, message=f"for {label} expected x @ w + b")


DENSE = Exercise(
    "dense",
    chapter="ch03",
    answers=("dense",),
    reference=_dense,
    cases=[_dense_case(4, 3, 3, 0), _dense_case(5, 4, 2, 1), _dense_case(1, 2, 6, 2)],
    mistakes=[
        Mistake(
            "the weights are transposed: a Keras kernel is (n_in, n_out), so compute x @ w + b",
            lambda x, w, b: x @ w.T + b,
        ),
        Mistake("the bias is missing: x @ w + b", lambda x, w, b: x @ w),
        Mistake(
            "add the bias vector b (one per neuron), not its sum", lambda x, w, b: x @ w + b.sum()
        ),
        Rejected(lambda x, w, b: (w.T @ x.T).T + b[0], says="expected x @ w + b"),
        Rejected(lambda x, w, b: w @ x.T, says="expected (4, 3)"),
    ],
    hints=[
        "Each neuron j computes sum_i x[n, i] * w[i, j] + b[j]: one matrix product does them all.",
        "Shapes: (N, n_in) @ (n_in, n_out) gives (N, n_out); then add b (n_out,), which "
        "broadcasts over the N rows.",
    ],
    success="x @ w + b with a (n_in, n_out) kernel",
)

# -- one_hot --------------------------------------------------------------------------------


def _columns_from_labels(trial):
    labels, num_classes = trial.original
    columns = np.shape(trial.got)[1:2]
    largest = int(np.max(labels))
    return columns != (num_classes,) and columns in ((largest,), (largest + 1,))


def _one_column_off(trial):
    return any(trial.case.same(trial.value, np.roll(trial.expected, k, axis=1)) for k in (-1, 1))


ONE_HOT = Exercise(
    "one_hot",
    chapter="ch03",
    answers=("one_hot",),
    reference=ops.one_hot,
    cases=[
        # N == num_classes, so a transposed answer has the right shape
        Case(
            np.array([2, 0, 3, 1]),
            4,
            label="labels [2, 0, 3, 1] with 4 classes",
            message="labels [2, 0, 3, 1] should give [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], "
            "[0, 1, 0, 0]], got {got}",
        ),
        Case(
            np.array([3, 3, 0, 9, 5]),
            10,
            label="labels [3, 3, 0, 9, 5] with 10 classes",
            message="labels [3, 3, 0, 9, 5]: row n needs a single 1, in column labels[n]",
        ),
        # the largest class is missing from the batch: the width must come from num_classes
        Case(
            np.array([1, 4, 2]),
            6,
            label="labels [1, 4, 2] with 6 classes",
            message="labels [1, 4, 2] with 6 classes: row n needs a single 1, in column labels[n]",
        ),
    ],
    mistakes=[
        Mistake(
            "use num_classes for the number of columns, not the largest label: a batch need not "
            "contain every class",
            lambda labels, c: np.eye(labels.max() + 1)[labels],
            when=_columns_from_labels,
        ),
        Mistake(
            "each COLUMN has the 1: you built (num_classes, N); row n should have its 1 in "
            "column labels[n]",
            lambda labels, c: ops.one_hot(labels, c).T,
        ),
        Mistake(
            "the 1 is one column off: class k goes in column k (counting from 0)",
            lambda labels, c: np.eye(c)[labels - 1],
            when=_one_column_off,
        ),
        Rejected(lambda labels, c: np.ones((len(labels), c)), says="labels [2, 0, 3, 1] should"),
        # the same misconception written another way: the mistake above must name it too
        Rejected(
            lambda y, c: np.eye(y.max())[np.minimum(y, y.max() - 1)], says="not the largest label"
        ),
    ],
    hints=[
        "Start from zeros of shape (N, num_classes).",
        "Row n gets a 1 in column labels[n]: a loop over n works, and numpy's indexing with two "
        "index arrays (one for the rows, one for the columns) sets them all at once.",
    ],
    success="shape (N, num_classes), a 1 in column labels[n] of row n",
)

# -- two_layer_forward ----------------------------------------------------------------------


def _two_layer_forward(x, w1, b1, w2, b2):
    return numpy_mlp.mlp_forward([(w1, b1), (w2, b2)], x)[0]


def _two_layer_args():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(6, 4))
    w1, b1 = rng.normal(size=(4, 5)), rng.normal(size=5)
    w2, b2 = rng.normal(size=(5, 3)), rng.normal(size=3)
    return x, w1, b1, w2, b2


TWO_LAYER_FORWARD = Exercise(
    "two_layer_forward",
    chapter="ch03",
    answers=("two_layer_forward",),
    reference=_two_layer_forward,
    cases=[
        Case(
            *_two_layer_args(),
            label="6 examples, 4 features, 5 hidden units and 3 classes",
            message="for {label} expected softmax(relu(x @ w1 + b1) @ w2 + b2) = {expected}, "
            "got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "you returned the scores (logits); finish with softmax",
            lambda x, w1, b1, w2, b2: ops.relu(x @ w1 + b1) @ w2 + b2,
        ),
        Mistake(
            "the hidden layer has no ReLU: without it two layers collapse into one linear layer",
            lambda x, w1, b1, w2, b2: ops.softmax((x @ w1 + b1) @ w2 + b2),
        ),
        Mistake(
            "do not apply ReLU to the output scores; softmax them directly",
            lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(ops.relu(x @ w1 + b1) @ w2 + b2)),
        ),
        Mistake(
            "softmax along axis 0 mixes examples; each row (example) sums to 1",
            lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(x @ w1 + b1) @ w2 + b2, axis=0),
        ),
        Mistake(
            "the biases b1 and b2 are missing",
            lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(x @ w1) @ w2),
        ),
        Mistake(
            "each row should be probabilities that sum to 1: finish with a softmax over each "
            "row's scores (a sigmoid squashes each score on its own)",
            lambda x, w1, b1, w2, b2: ops.sigmoid(ops.relu(x @ w1 + b1) @ w2 + b2),
            when=lambda trial: not np.allclose(np.sum(trial.value, axis=-1), 1.0),
        ),
    ],
    hints=[
        "Hidden layer: a dense layer (x @ w1 + b1), then ReLU.",
        "Output layer: a dense layer on the hidden activations (@ w2 + b2), then softmax along "
        "the last axis.",
    ],
    success="softmax(relu(x @ w1 + b1) @ w2 + b2)",
)

# -- numerical_gradient ---------------------------------------------------------------------


def _cubic(x):
    """f(x) = sum(x^3): its gradient is 3 x^2, which centred differences give to O(h^2)."""
    return float(np.sum(np.asarray(x) ** 3))


def _differences(f, x, h, kind):
    """A wrong answer's differences, entry by entry, putting x back ("forward", "over-h")."""
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = f(x)
        x[index] = saved if kind == "forward" else saved - h
        minus = f(x)
        x[index] = saved
        grad[index] = (plus - minus) / h
    return grad


def _not_put_back(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        grad[index] = (plus - f(x)) / (2 * h)
    return grad


def _x_changed(trial):
    # exactness up to round-off: `x[i] += h; ...; x[i] -= h` may leave a last-bit difference
    return not np.allclose(trial.args[1], trial.original[1], rtol=0, atol=1e-12)


_POINT = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.3]])

NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient",
    chapter="ch03",
    answers=("numerical_gradient",),
    reference=ops.numerical_gradient,
    cases=[
        Case(
            _cubic,
            _POINT,
            1e-3,
            label="f(x) = sum(x^3) at x = [[0.5, -1, 2], [1.5, 0, -0.3]], h = 1e-3",
            rtol=1e-5,
            atol=2e-6,
            message="for f(x) = sum(x^3) the gradient is 3x^2, about {expected}, got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "x changed after your call: put each entry back after nudging it (x[i] = saved)",
            _not_put_back,
            when=_x_changed,
        ),
        Mistake(
            "that is the forward difference (f(x + h) - f(x)) / h; use the centred one, "
            "(f(x + h) - f(x - h)) / 2h: its error shrinks like h^2, not h",
            lambda f, x, h=1e-5: _differences(f, x, h, "forward"),
        ),
        Mistake(
            "divide by 2h, not h: the two points are 2h apart",
            lambda f, x, h=1e-5: _differences(f, x, h, "over-h"),
        ),
        Rejected(lambda f, x, h=1e-5: 3 * x, says="the gradient is 3x^2"),
    ],
    hints=[
        "Loop over every index of x (np.ndindex(x.shape)) and fill an array of zeros shaped "
        "like x, one entry per index.",
        "Save x[index] before you nudge it, and put the saved value back after the two "
        "evaluations of f: x must be unchanged when you return.",
        "Divide by 2h: the two points x + h and x - h are 2h apart.",
    ],
    success="centred differences, x unchanged",
)

# -- dense_backward -------------------------------------------------------------------------

_GRADIENTS = ("dx", "dw", "db")


def _dense_backward(dout, x, w):
    return ops.dense_backward(dout, (x, w))


def _gradient(index):
    """Read gradient ``index`` from what dense_backward returned: the tuple (dx, dw, db)."""

    def read(returned, args):
        if returned is None:
            raise CaseFailed("dense_backward returned None: did you forget the `return` statement?")
        if not isinstance(returned, (tuple, list)) or len(returned) != 3:
            raise CaseFailed("return a tuple (dx, dw, db): the gradients of x, w and b")
        return returned[index]

    return read


def _dense_backward_cases(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out))
    dout = rng.normal(size=(n, n_out))
    formulas = ("dout @ w.T", "x.T @ dout", "dout.sum(axis=0)")
    return [
        Case(
            dout,
            x,
            w,
            label=f"{name}, with x {x.shape} and w {w.shape},",
            result=_gradient(index),
            message=f"{name} should be {formula}",
        )
        for index, (name, formula) in enumerate(zip(_GRADIENTS, formulas, strict=True))
    ]


DENSE_BACKWARD = Exercise(
    "dense_backward",
    chapter="ch03",
    answers=("dense_backward",),
    reference=_dense_backward,
    cases=_dense_backward_cases(3, 3, 3, 20) + _dense_backward_cases(4, 5, 2, 21),
    mistakes=[
        Mistake(
            "dx uses the kernel untransposed: dx has the shape of x, (N, n_in), so multiply dout "
            "(N, n_out) by the transposed kernel, w.T (n_out, n_in)",
            lambda d, x, w: (d @ w, x.T @ d, d.sum(axis=0)),
        ),
        Mistake(
            "dw is transposed: dw has the shape of w, (n_in, n_out), so it is x.T @ dout",
            lambda d, x, w: (d @ w.T, d.T @ x, d.sum(axis=0)),
        ),
        Mistake(
            "dw is divided by N; dout already carries any 1/N of the loss: dw = x.T @ dout",
            lambda d, x, w: (d @ w.T, x.T @ d / len(x), d.sum(axis=0)),
        ),
        Mistake(
            "db should be the SUM of dout over the batch, not the mean",
            lambda d, x, w: (d @ w.T, x.T @ d, d.mean(axis=0)),
        ),
        Mistake(
            "db summed over the wrong axis: sum over the batch, axis=0 (db has the shape of b)",
            lambda d, x, w: (d @ w.T, x.T @ d, d.sum(axis=1)),
        ),
        Rejected(lambda d, x, w: (d @ w.T, x.T @ d), says="return a tuple (dx, dw, db)"),
    ],
    hints=[
        "Each gradient has the shape of what it is the gradient of: dx like x, dw like w, db "
        "like b.",
        "Work out where the transposes go from the shapes: dout is (N, n_out), x is (N, n_in), "
        "w is (n_in, n_out).",
        "The bias is added to every example of the batch, so its gradient adds up dout over the "
        "batch.",
    ],
    success="dx = dout @ w.T, dw = x.T @ dout, db = dout.sum(axis=0)",
)

# -- softmax_cross_entropy_gradient ---------------------------------------------------------


def _softmax_cross_entropy_gradient(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    return (ops.softmax(logits) - ops.one_hot(labels, logits.shape[1])) / logits.shape[0]


def _logits_case(n, num_classes, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=scale, size=(n, num_classes))
    labels = rng.integers(0, num_classes, size=n)
    return Case(
        logits,
        labels,
        label=f"{n} examples, {num_classes} classes",
        message="for {label} expected (softmax(logits) - one_hot(labels)) / N = {expected}, "
        "got {got}",
    )


def _one_hot_of(logits, labels):
    return ops.one_hot(labels, np.shape(logits)[1])


SOFTMAX_CROSS_ENTROPY_GRADIENT = Exercise(
    "softmax_cross_entropy_gradient",
    chapter="ch03",
    answers=("softmax_cross_entropy_gradient",),
    reference=_softmax_cross_entropy_gradient,
    cases=[_logits_case(4, 3, 30), _logits_case(6, 10, 31, scale=3.0)],
    mistakes=[
        Mistake(
            "divide by N, the number of examples: the loss is the MEAN cross-entropy over the "
            "batch, so each example's gradient is (y_hat - y) / N",
            lambda z, y: ops.softmax(z) - _one_hot_of(z, y),
        ),
        Mistake(
            "the sign is flipped: the gradient is y_hat - y (probabilities minus one-hot), so "
            "gradient descent lowers the score of wrong classes",
            lambda z, y: (_one_hot_of(z, y) - ops.softmax(z)) / len(z),
        ),
        Mistake(
            "you subtracted the one-hot labels from the scores (logits); take the softmax "
            "first: y_hat = softmax(logits)",
            lambda z, y: (np.asarray(z) - _one_hot_of(z, y)) / len(z),
        ),
        Mistake(
            "the one-hot labels are missing: the gradient is y_hat - y, not y_hat",
            lambda z, y: ops.softmax(z) / len(z),
        ),
        Mistake(
            "softmax along axis 0 mixes examples: take it along each row (axis=-1)",
            lambda z, y: (ops.softmax(z, axis=0) - _one_hot_of(z, y)) / len(z),
        ),
    ],
    hints=[
        "The gradient of the mean cross-entropy with respect to the scores is "
        "(y_hat - y) / N, with y_hat = softmax(logits) and y the one-hot labels.",
        "Turn the labels into one-hot rows (your one_hot, exercise 7) with as many columns as "
        "logits has; ops.softmax(logits) gives y_hat row by row.",
        "N is the number of rows (examples) of logits.",
    ],
    success="(softmax(logits) - one_hot(labels)) / N, the mean loss's gradient",
)

# -- mlp_train_step (the capstone) ----------------------------------------------------------


def _flat_parameters(returned, args):
    """Read the new parameters a step returned as one vector, after checking their structure."""
    params = args[0]
    if returned is None:
        raise CaseFailed("mlp_train_step returned None: return the new [(w1, b1), (w2, b2)]")
    if not isinstance(returned, (list, tuple)) or len(returned) != len(params):
        raise CaseFailed(
            "return the new parameters as a list of two (w, b) pairs, [(w1, b1), (w2, b2)], "
            "like params"
        )
    flat = []
    for k, (layer, (w, b)) in enumerate(zip(returned, params, strict=True)):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise CaseFailed(f"layer {k + 1} of what you returned is not a (w, b) pair")
        for name, got, expected in ((f"w{k + 1}", layer[0], w), (f"b{k + 1}", layer[1], b)):
            if np.shape(got) != np.shape(expected):
                raise CaseFailed(
                    f"the new {name} has shape {np.shape(got)}; it should keep the shape of the "
                    f"old one, {np.shape(expected)}"
                )
            flat.append(np.ravel(np.asarray(got, dtype=np.float64)))
    return np.concatenate(flat)


def _step_args(seed):
    rng = np.random.default_rng(seed)
    params = [
        (rng.normal(size=(5, 4)), rng.normal(scale=0.5, size=4)),
        (rng.normal(size=(4, 3)), rng.normal(scale=0.5, size=3)),
    ]
    return params, rng.normal(size=(6, 5)), rng.integers(0, 3, size=6), 0.5


def _step_with(gradients, sign=-1.0, biases=True):
    """A step that applies ``gradients(params, x, labels) -> [(dw, db), ...]``."""

    def step(params, x, labels, lr):
        return [
            (w + sign * lr * dw, (b + sign * lr * db) if biases else b)
            for (w, b), (dw, db) in zip(params, gradients(params, x, labels), strict=True)
        ]

    return step


def _gradients(params, x, labels, relu_derivative=True, second_input="h"):
    (w1, b1), (w2, b2) = params
    z1 = x @ w1 + b1
    h = ops.relu(z1)
    dlogits = _softmax_cross_entropy_gradient(h @ w2 + b2, labels)
    dh, dw2, db2 = ops.dense_backward(dlogits, (h if second_input == "h" else z1, w2))
    dz1 = dh * ops.relu_derivative(z1) if relu_derivative else dh
    _, dw1, db1 = ops.dense_backward(dz1, (x, w1))
    return [(dw1, db1), (dw2, db2)]


MLP_TRAIN_STEP = Exercise(
    "mlp_train_step",
    chapter="ch03",
    answers=("mlp_train_step",),
    reference=numpy_mlp.train_step,
    cases=[
        Case(
            *_step_args(seed),
            label=f"a 5-4-3 network on 6 examples (seed {seed}), lr = 0.5",
            result=_flat_parameters,
            message="for {label} the new parameters should be those of one gradient-descent "
            "step, p - lr * dp: expected {expected}, got {got}",
        )
        for seed in (40, 41)
    ],
    mistakes=[
        Mistake(
            "the hidden layer's gradient skips the ReLU: multiply dh by relu_derivative(z1) "
            "(the pre-activation) before the first layer's dense_backward",
            _step_with(lambda p, x, y: _gradients(p, x, y, relu_derivative=False)),
        ),
        Mistake(
            "the second layer's input is h = relu(z1), the activation, not the pre-activation "
            "z1: pass h to its dense_backward (dw2 = h.T @ dlogits)",
            _step_with(lambda p, x, y: _gradients(p, x, y, second_input="z1")),
        ),
        Mistake(
            "the update goes uphill: gradient descent subtracts, p - lr * dp",
            _step_with(_gradients, sign=1.0),
        ),
        Mistake(
            "the biases did not move: update them too, b - lr * db",
            _step_with(_gradients, biases=False),
        ),
        Mistake(
            "the step is not scaled by lr: p - lr * dp",
            lambda params, x, labels, lr: _step_with(_gradients)(params, x, labels, 1.0),
        ),
        Rejected(lambda params, x, labels, lr: params[0], says="is not a (w, b) pair"),
        Rejected(lambda params, x, labels, lr: params[:1], says="list of two (w, b) pairs"),
    ],
    hints=[
        "Forward: z1 = dense(x, w1, b1), h = relu(z1), logits = dense(h, w2, b2). Keep z1 and h: "
        "the backward pass needs them.",
        "Backward, from the loss down: dlogits = softmax_cross_entropy_gradient(logits, labels); "
        "dense_backward(dlogits, h, w2) gives dh, dw2, db2; dh * relu_derivative(z1) is the "
        "hidden layer's dout.",
        "Update every parameter, p - lr * dp, and return [(w1, b1), (w2, b2)].",
    ],
    success="one step of forward, backward and gradient descent, exactly the library's",
)

EXERCISES = [
    PERCEPTRON,
    XOR_NETWORK,
    SIGMOID,
    SIGMOID_DERIVATIVE,
    RELU,
    DENSE,
    ONE_HOT,
    TWO_LAYER_FORWARD,
    NUMERICAL_GRADIENT,
    DENSE_BACKWARD,
    SOFTMAX_CROSS_ENTROPY_GRADIENT,
    MLP_TRAIN_STEP,
]

check_perceptron = PERCEPTRON.checker("check_perceptron")
check_xor_network = XOR_NETWORK.checker("check_xor_network")
check_sigmoid = SIGMOID.checker("check_sigmoid")
check_sigmoid_derivative = SIGMOID_DERIVATIVE.checker("check_sigmoid_derivative")
check_relu = RELU.checker("check_relu")
check_dense = DENSE.checker("check_dense")
check_one_hot = ONE_HOT.checker("check_one_hot")
check_two_layer_forward = TWO_LAYER_FORWARD.checker("check_two_layer_forward")
check_numerical_gradient = NUMERICAL_GRADIENT.checker("check_numerical_gradient")
check_dense_backward = DENSE_BACKWARD.checker("check_dense_backward")
check_softmax_cross_entropy_gradient = SOFTMAX_CROSS_ENTROPY_GRADIENT.checker(
    "check_softmax_cross_entropy_gradient"
)
check_mlp_train_step = MLP_TRAIN_STEP.checker("check_mlp_train_step")
