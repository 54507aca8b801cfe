"""Chapter 03 checkers: what the generated tests (tests/test_exercises.py) cannot say.

The declarations in ``deepvision.checks.ch03`` give their own tests: the reference passes and each
declared wrong answer earns its hint. Here: other correct ways of writing an answer pass too (a
checker that rejects a right answer is as wrong as one that accepts a wrong one), every answer of
a two-function exercise reports an untouched cell, and the claim the XOR exercise rests on.
"""

import numpy as np
import pytest

from deepvision import ops
from deepvision.checks import ch03


def _perceptron(x, w, b):
    return ops.step(x @ w + b)


def _xor_column(x):
    hidden = np.stack(
        [_perceptron(x, np.array([1.0, 1.0]), -0.5), _perceptron(x, np.array([-1.0, -1.0]), 1.5)],
        axis=1,
    )
    return _perceptron(hidden, np.array([1.0, 1.0]), -1.5)[:, np.newaxis]  # (N, 1) is fine too


def _other_gates(gate):
    return {"AND": ([2.0, 3.0], -4.0), "OR": (np.array([5.0, 5.0]), np.array([-1.0]))}[gate]


def _sigmoid_as_written(z):
    return 1 / (1 + np.exp(-z))  # overflows in e^800: numpy warns, the answer is still right


def _nudged_and_put_back(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        minus = f(x)
        x[index] += h  # back, up to round-off
        grad[index] = (plus - minus) / (2 * h)
    return grad


def _gradient_by_loop(logits, labels):
    grad = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)  # no max-shift: fine here
    for n, label in enumerate(labels):
        grad[n, label] -= 1.0
    return grad / len(logits)


def _step_in_place(params, x, labels, lr):
    """A learner's step that updates the arrays in place and returns the same list."""
    (w1, b1), (w2, b2) = params
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0)
    dlogits = _gradient_by_loop(h @ w2 + b2, labels)
    dh = dlogits @ w2.T
    w2 -= lr * h.T @ dlogits
    b2 -= lr * dlogits.sum(axis=0)
    dz1 = dh * (z1 > 0)
    w1 -= lr * x.T @ dz1
    b1 -= lr * dz1.sum(axis=0)
    return params


@pytest.mark.parametrize(
    ("checker", "answers"),
    [
        (ch03.check_perceptron, (_perceptron, _other_gates)),
        (ch03.check_xor_network, (_xor_column,)),
        (ch03.check_sigmoid, (_sigmoid_as_written,)),
        (ch03.check_relu, (lambda z: z * (z > 0), lambda z: (z > 0) * 1.0)),
        (ch03.check_dense, (lambda x, w, b: np.einsum("ni,ij->nj", x, w) + b,)),
        (ch03.check_one_hot, (lambda labels, num_classes: np.eye(num_classes)[labels],)),
        (ch03.check_numerical_gradient, (_nudged_and_put_back,)),
        (ch03.check_dense_backward, (lambda d, x, w: [d @ w.T, x.T @ d, d.sum(axis=0)],)),
        (ch03.check_softmax_cross_entropy_gradient, (_gradient_by_loop,)),
        (ch03.check_mlp_train_step, (_step_in_place,)),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_other_correct_answers_pass(checker, answers):
    # e^800 overflows in the plain sigmoid: the checker, not the learner, must quiet numpy there
    with np.errstate(over="raise"):
        result = checker(*answers)
    assert result, result.message


def test_no_single_perceptron_on_a_weight_grid_computes_xor():
    grid = np.linspace(-2, 2, 17)
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                out = _perceptron(ch03.GATE_INPUTS, np.array([w1, w2]), b)
                assert not np.array_equal(out, ch03.GATE_TARGETS["XOR"])
