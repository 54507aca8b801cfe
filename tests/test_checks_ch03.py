"""Chapter 03 checkers: the reference passes, plausible wrong answers fail with the right hint."""

import numpy as np
import pytest

from deepvision import checks, ops
from deepvision.checks import ch03
from tests.gradcheck import centred_difference


def _fails(result, hint):
    assert not result, f"a wrong answer passed: {result!r}"
    assert hint in result.message, result.message


def _todo(*args):
    raise NotImplementedError()


# ----------------------------------------------------------------------------- activations


def test_sigmoid_accepts_the_reference_and_the_plain_formula():
    assert ch03.check_sigmoid(ops.sigmoid)
    with np.errstate(over="ignore"):
        assert ch03.check_sigmoid(lambda z: 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda z: 1 / (1 + np.exp(z)), "the exponent is -z"),
        (lambda z: np.exp(-z), "that is e^(-2)"),
        (lambda z: np.full(np.shape(z), 0.739), "book's misprint"),
        (lambda z: np.tanh(z), "should be 0.8808"),
        (lambda z: np.exp(z) / (1 + np.exp(z)), "sigmoid([-800, 800])"),
    ],
)
def test_sigmoid_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_sigmoid(wrong), hint)


def test_sigmoid_derivative_accepts_the_reference():
    assert ch03.check_sigmoid_derivative(ops.sigmoid_derivative)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (ops.sigmoid, "you returned sigma(z) itself"),
        (lambda z: z * (1 - z), "apply the sigmoid first"),
        (lambda z: 1 - ops.sigmoid(z), "multiply by sigma(z)"),
        (lambda z: ops.sigmoid(z) * (1 + ops.sigmoid(z)), "not (1 + sigma(z))"),
        (lambda z: ops.sigmoid(-z) * ops.sigmoid(-z), "at z = 0 expect 0.25"),
    ],
)
def test_sigmoid_derivative_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_sigmoid_derivative(wrong), hint)


def test_relu_accepts_the_reference():
    assert ch03.check_relu(ops.relu, ops.relu_derivative)
    assert ch03.check_relu(lambda z: z * (z > 0), lambda z: (z > 0) * 1.0)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (np.abs, "negative inputs become 0"),
        (ops.step, "that is the step function"),
        (lambda z: np.minimum(z, 0), "kept the negative part"),
        (lambda z: np.maximum(z, 1), "should be"),
    ],
)
def test_relu_rejects_wrong_functions(wrong, hint):
    _fails(ch03.check_relu(wrong, ops.relu_derivative), hint)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (ops.relu, "returned relu(z)"),
        (lambda z: (z >= 0).astype(float), "relu_derivative(0) should be 0"),
        (lambda z: np.ones_like(z), "1 where z > 0 and 0 elsewhere"),
    ],
)
def test_relu_rejects_wrong_derivatives(wrong, hint):
    _fails(ch03.check_relu(ops.relu, wrong), hint)


# ------------------------------------------------------------------------------ perceptron


def _perceptron(x, w, b):
    return ops.step(x @ w + b)


AND = (np.array([1.0, 1.0]), -1.5)
OR = (np.array([1.0, 1.0]), -0.5)


def _gates(gate):
    return {"AND": AND, "OR": OR}[gate]


def test_perceptron_accepts_the_reference_and_other_valid_gate_weights():
    assert ch03.check_perceptron(_perceptron, _gates)
    other = {"AND": ([2.0, 3.0], -4.0), "OR": ([5.0, 5.0], -1.0)}
    assert ch03.check_perceptron(_perceptron, other.get)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, w, b: x @ w + b, "pass it through the step function"),
        (lambda x, w, b: ops.step(x @ w), "the bias is missing"),
        (lambda x, w, b: ops.sigmoid(x @ w + b), "that is a sigmoid neuron"),
        (lambda x, w, b: (x @ w + b >= 0).astype(float), "step(0) is 0"),
    ],
)
def test_perceptron_rejects_wrong_neurons(wrong, hint):
    _fails(ch03.check_perceptron(wrong, _gates), hint)


def test_perceptron_rejects_swapped_or_wrong_gate_weights():
    swapped = {"AND": OR, "OR": AND}
    _fails(ch03.check_perceptron(_perceptron, swapped.get), "with your AND weights")
    wrong_or = {"AND": AND, "OR": ([1.0, 1.0], 0.5)}
    _fails(ch03.check_perceptron(_perceptron, wrong_or.get), "with your OR weights")
    three = {"AND": ([1.0, 1.0, 1.0], -0.5), "OR": OR}
    _fails(ch03.check_perceptron(_perceptron, three.get), "returned shape (3,)")
    _fails(ch03.check_perceptron(_perceptron, lambda gate: AND[0]), "should return a pair (w, b)")


def test_no_single_perceptron_on_a_weight_grid_computes_xor():
    grid = np.linspace(-2, 2, 17)
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                out = _perceptron(ch03.GATE_INPUTS, np.array([w1, w2]), b)
                assert not np.array_equal(out, ch03.GATE_TARGETS["XOR"])


def _xor(x):
    hidden = np.stack([_perceptron(x, *OR), _perceptron(x, np.array([-1.0, -1.0]), 1.5)], axis=1)
    return _perceptron(hidden, *AND)


def test_xor_network_accepts_two_layers_and_rejects_one():
    assert ch03.check_xor_network(_xor)
    _fails(ch03.check_xor_network(lambda x: _perceptron(x, *OR)), "that is OR, not XOR")
    _fails(ch03.check_xor_network(lambda x: _perceptron(x, *AND)), "that is AND, not XOR")
    _fails(ch03.check_xor_network(lambda x: 1 - _xor(x)), "expected [0, 1, 1, 0]")
    _fails(ch03.check_xor_network(lambda x: _xor(x)[None, :]), "should give 4 outputs")


# ------------------------------------------------------------------------ dense and one-hot


def test_dense_accepts_the_reference():
    assert ch03.check_dense(lambda x, w, b: ops.dense_forward(x, w, b)[0])


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, w, b: x @ w.T + b, "the weights are transposed"),
        (lambda x, w, b: x @ w, "the bias is missing"),
        (lambda x, w, b: x @ w + b.sum(), "not its sum"),
        (lambda x, w, b: (w.T @ x.T).T + b[0], "expected x @ w + b"),
        (lambda x, w, b: w @ x.T, "should give shape (4, 3)"),
    ],
)
def test_dense_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_dense(wrong), hint)


def test_one_hot_accepts_the_reference_and_np_eye():
    assert ch03.check_one_hot(ops.one_hot)
    assert ch03.check_one_hot(lambda labels, num_classes: np.eye(num_classes)[labels])


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda labels, c: ops.one_hot(labels, c).T, "each COLUMN has the 1"),
        (lambda labels, c: np.eye(c)[labels - 1], "one column off"),
        (lambda y, c: np.eye(y.max())[np.minimum(y, y.max() - 1)], "not labels.max()"),
        (lambda labels, c: np.ones((len(labels), c)), "labels [2, 0, 3, 1] should give"),
    ],
)
def test_one_hot_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_one_hot(wrong), hint)


def _two_layer(x, w1, b1, w2, b2):
    return ops.softmax(ops.relu(x @ w1 + b1) @ w2 + b2)


def test_two_layer_forward_accepts_the_reference():
    assert ch03.check_two_layer_forward(_two_layer)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, w1, b1, w2, b2: ops.relu(x @ w1 + b1) @ w2 + b2, "finish with softmax"),
        (lambda x, w1, b1, w2, b2: ops.softmax((x @ w1 + b1) @ w2 + b2), "has no ReLU"),
        (lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(ops.relu(x @ w1 + b1) @ w2 + b2)),
         "do not apply ReLU to the output"),
        (lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(x @ w1 + b1) @ w2 + b2, axis=0),
         "mixes examples"),
        (lambda x, w1, b1, w2, b2: ops.softmax(ops.relu(x @ w1) @ w2), "biases b1 and b2"),
        (lambda x, w1, b1, w2, b2: ops.sigmoid(ops.relu(x @ w1 + b1) @ w2 + b2), "sum to 1"),
    ],
)
def test_two_layer_forward_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_two_layer_forward(wrong), hint)


# ------------------------------------------------------------------ gradients and gradcheck


def _centred(f, x, h=1e-5):
    return centred_difference(f, x, h)


def _forward_difference(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    base = f(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        grad[index] = (f(x) - base) / h
        x[index] = saved
    return grad


def _no_restore(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        grad[index] = (plus - f(x)) / (2 * h)
    return grad


def test_numerical_gradient_accepts_centred_differences():
    assert ch03.check_numerical_gradient(_centred)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (_forward_difference, "forward difference"),
        (lambda f, x, h=1e-5: _centred(f, x, h) * 2, "divide by 2h"),
        (_no_restore, "x changed after your call"),
        (lambda f, x, h=1e-5: 3 * x, "the gradient is 3x^2"),
    ],
)
def test_numerical_gradient_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_numerical_gradient(wrong), hint)


def _dense_backward(dout, x, w):
    return ops.dense_backward(dout, (x, w))


def test_dense_backward_accepts_the_reference():
    assert ch03.check_dense_backward(_dense_backward)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda d, x, w: (d @ w, x.T @ d, d.sum(0)), "dx uses the transposed kernel"),
        (lambda d, x, w: (d @ w.T, d.T @ x, d.sum(0)), "dw is transposed"),
        (lambda d, x, w: (d @ w.T, x.T @ d / len(x), d.sum(0)), "dw is divided by N"),
        (lambda d, x, w: (d @ w.T, x.T @ d, d.mean(0)), "not the mean"),
        (lambda d, x, w: (d @ w.T, x.T @ d, d.sum(1)), "wrong axis"),
        (lambda d, x, w: (d @ w.T, x.T @ d), "return a tuple (dx, dw, db)"),
    ],
)
def test_dense_backward_rejects_wrong_answers(wrong, hint):
    _fails(ch03.check_dense_backward(wrong), hint)


# --------------------------------------------------------------------------- every checker


@pytest.mark.parametrize(
    "checker,args",
    [
        (ch03.check_sigmoid, (_todo,)),
        (ch03.check_sigmoid_derivative, (_todo,)),
        (ch03.check_relu, (_todo, _todo)),
        (ch03.check_relu, (ops.relu, _todo)),
        (ch03.check_perceptron, (_todo, _gates)),
        (ch03.check_perceptron, (_perceptron, _todo)),
        (ch03.check_xor_network, (_todo,)),
        (ch03.check_dense, (_todo,)),
        (ch03.check_one_hot, (_todo,)),
        (ch03.check_two_layer_forward, (_todo,)),
        (ch03.check_numerical_gradient, (_todo,)),
        (ch03.check_dense_backward, (_todo,)),
    ],
)
def test_an_untouched_exercise_raises_not_implemented_and_is_exported(checker, args):
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        checker(*args)
    assert getattr(checks, checker.__name__) is checker
