"""Checkers for chapter 03, "Artificial neural networks".

Each checker runs the learner's function on cases whose answers come from :mod:`deepvision.ops`
(itself tested against Keras and finite differences), and names the usual mistake behind a wrong
answer: a flipped sign in the sigmoid, sigma(z) given as its own derivative, transposed weights,
a forgotten bias, one-hot rows along the wrong axis...

Taught in: chapter 03 (the exercises).
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.checks._core import CaseFailed, as_array, call, close, run

#: The four inputs of a two-input logic gate, one per row.
GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATE_TARGETS = {
    "AND": np.array([0.0, 0.0, 0.0, 1.0]),
    "OR": np.array([0.0, 1.0, 1.0, 1.0]),
    "XOR": np.array([0.0, 1.0, 1.0, 0.0]),
}


def check_sigmoid(sigmoid):
    """Check ``sigmoid(z)``: 1 / (1 + e^-z) on arrays, finite for large |z|."""
    name = "sigmoid"

    def cases():
        got = float(as_array(name, call(name, sigmoid, np.array(2.0)), ()))
        if np.isclose(got, 1 / (1 + np.exp(2.0))):
            raise CaseFailed("sigmoid(2) came out below 0.5: the exponent is -z, e^(-z)")
        if np.isclose(got, 0.739, atol=1e-3):
            raise CaseFailed("0.739 is the book's misprint: 1 / (1 + e^-2) = 1 / 1.1353 = 0.8808")
        if np.isclose(got, np.exp(-2.0)):
            raise CaseFailed("that is e^(-2); the sigmoid is 1 / (1 + e^(-z))")
        if not np.isclose(got, 0.880797, atol=1e-6):
            raise CaseFailed(f"sigmoid(2) should be 0.8808, got {got:.4f}")
        z = np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 10.0]])
        got = as_array(name, call(name, sigmoid, z.copy()), z.shape)
        if not close(got, ops.sigmoid(z)):
            raise CaseFailed("apply the formula to every element (use np.exp, not math.exp)")
        with np.errstate(over="ignore", invalid="ignore"):
            extreme = as_array(name, call(name, sigmoid, np.array([-800.0, 800.0])), (2,))
        if not np.all(np.isfinite(extreme)) or not close(extreme, [0.0, 1.0], atol=1e-12):
            raise CaseFailed(f"sigmoid([-800, 800]) should be [0, 1], got {extreme}")
        return "1 / (1 + e^(-z)); sigmoid(2) = 0.8808"

    return run(name, cases)


def check_sigmoid_derivative(sigmoid_derivative):
    """Check ``sigmoid_derivative(z)``: sigma(z) * (1 - sigma(z)), a function of z."""
    name = "sigmoid_derivative"

    def cases():
        z = np.array([-4.0, -1.0, 0.0, 0.5, 2.0, 6.0])
        got = as_array(name, call(name, sigmoid_derivative, z.copy()), z.shape)
        s = ops.sigmoid(z)
        if close(got, s):
            raise CaseFailed(
                "you returned sigma(z) itself; its derivative is sigma(z) * (1 - sigma(z))"
            )
        if close(got, z * (1 - z)):
            raise CaseFailed(
                "you computed z * (1 - z); apply the sigmoid first: s = sigmoid(z); s * (1 - s)"
            )
        if close(got, 1 - s):
            raise CaseFailed("you returned 1 - sigma(z); multiply by sigma(z): s * (1 - s)")
        if close(got, s * (1 + s)):
            raise CaseFailed("the factor is (1 - sigma(z)), not (1 + sigma(z))")
        if not close(got, ops.sigmoid_derivative(z)):
            raise CaseFailed(f"at z = 0 expect 0.25 (the maximum), got {got[2]:.4g}")
        return "sigma(z) * (1 - sigma(z)), largest (0.25) at z = 0"

    return run(name, cases)


def check_relu(relu, relu_derivative):
    """Check ``relu(z)`` = max(0, z) and ``relu_derivative(z)`` = 1 where z > 0, else 0."""
    name = "relu"

    def cases():
        z = np.array([[-2.0, -0.5, 0.0], [0.25, 1.0, 7.0]])
        got = as_array(name, call(name, relu, z.copy()), z.shape)
        if close(got, np.abs(z)):
            raise CaseFailed("relu(-2) should be 0, not 2: negative inputs become 0, not positive")
        if close(got, ops.step(z)):
            raise CaseFailed("that is the step function; ReLU passes positive z through: max(0, z)")
        if close(got, np.minimum(z, 0)):
            raise CaseFailed("you kept the negative part; ReLU is max(0, z)")
        if close(got, np.maximum(z, 0).sum()):
            raise CaseFailed("apply max(0, z) to each element: np.maximum(z, 0), not max(...)")
        if not close(got, ops.relu(z)):
            raise CaseFailed(f"relu({z.ravel().tolist()}) should be {ops.relu(z).ravel().tolist()}")
        dname = "relu_derivative"
        got = as_array(dname, call(dname, relu_derivative, z.copy()), z.shape)
        if close(got, ops.relu(z)):
            raise CaseFailed(
                "relu_derivative returned relu(z); the slope is 1 where z > 0 and 0 elsewhere"
            )
        if close(got, (z >= 0).astype(float)) and not close(got, ops.relu_derivative(z)):
            raise CaseFailed(
                "relu_derivative(0) should be 0 (the convention TensorFlow uses): test z > 0"
            )
        if not close(got, ops.relu_derivative(z)):
            raise CaseFailed("relu_derivative should be 1 where z > 0 and 0 elsewhere")
        return "max(0, z), slope 1 for z > 0 and 0 otherwise"

    return run(name, cases)


def check_perceptron(perceptron, gate_parameters):
    """Check ``perceptron(x, w, b)`` = step(x @ w + b), and ``gate_parameters(gate)`` -> (w, b)
    that make a perceptron compute ``"AND"`` and ``"OR"``."""
    name = "perceptron"

    def cases():
        rng = np.random.default_rng(6)
        x, w, b = rng.normal(size=(8, 3)), rng.normal(size=3), 1.5
        got = as_array(name, call(name, perceptron, x.copy(), w.copy(), b), (8,))
        expected = ops.step(x @ w + b)
        if close(got, x @ w + b):
            raise CaseFailed("you returned x @ w + b; pass it through the step function")
        if close(got, ops.step(x @ w)) and not close(got, expected):
            raise CaseFailed("the bias is missing: step(x @ w + b)")
        if close(got, ops.sigmoid(x @ w + b)):
            raise CaseFailed("that is a sigmoid neuron; the perceptron outputs exactly 0 or 1")
        if not close(got, expected):
            raise CaseFailed("expected step(x @ w + b): 1 where x @ w + b > 0, else 0")
        edge = as_array(name, call(name, perceptron, np.array([[1.0, 1.0]]), np.ones(2), -2.0))
        if not close(edge.reshape(-1), [0.0]):
            raise CaseFailed(
                "step(0) is 0: where x @ w + b is exactly 0 the output must be 0 (test > 0)"
            )
        for gate in ("AND", "OR"):
            pair = call("gate_parameters", gate_parameters, gate)
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise CaseFailed(f"gate_parameters({gate!r}) should return a pair (w, b)")
            weights, bias = pair
            w_gate = as_array(f"the {gate} weights", weights, (2,))
            bias = float(as_array(f"the {gate} bias", bias, ()))
            out = as_array(name, call(name, perceptron, GATE_INPUTS.copy(), w_gate, bias), (4,))
            if not close(out, GATE_TARGETS[gate]):
                raise CaseFailed(
                    f"with your {gate} weights {w_gate.tolist()} and bias {bias} the outputs for "
                    f"inputs 00, 01, 10, 11 are {out.tolist()}; expected "
                    f"{GATE_TARGETS[gate].tolist()}"
                )
        return "step(x @ w + b); AND and OR gates work"

    return run(name, cases)


def check_xor_network(xor_network):
    """Check ``xor_network(x)``: two layers of perceptrons that compute XOR on (N, 2) inputs."""
    name = "xor_network"

    def cases():
        got = as_array(name, call(name, xor_network, GATE_INPUTS.copy()))
        if got.shape == (4, 1):
            got = got[:, 0]
        if got.shape != (4,):
            raise CaseFailed(f"inputs of shape (4, 2) should give 4 outputs (4,), got {got.shape}")
        for gate in ("OR", "AND"):
            if close(got, GATE_TARGETS[gate]):
                raise CaseFailed(
                    f"that is {gate}, not XOR: XOR(1, 1) = 0. One way: "
                    "XOR = AND(OR(a, b), NAND(a, b)), a hidden layer of two neurons"
                )
        if not close(got, GATE_TARGETS["XOR"]):
            raise CaseFailed(
                f"for inputs 00, 01, 10, 11 expected [0, 1, 1, 0], got {got.tolist()}"
            )
        return "XOR from a hidden layer of two perceptrons"

    return run(name, cases)


def _dense_case(name, dense, n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    got = as_array(name, call(name, dense, x.copy(), w.copy(), b.copy()))
    expected = x @ w + b
    if got.shape != expected.shape:
        raise CaseFailed(
            f"x {x.shape} with w {w.shape} should give shape {expected.shape}, got {got.shape}"
        )
    if n_in == n_out and close(got, x @ w.T + b):
        raise CaseFailed(
            "the weights are transposed: a Keras kernel is (n_in, n_out), so compute x @ w + b"
        )
    if close(got, x @ w):
        raise CaseFailed("the bias is missing: x @ w + b")
    if close(got, x @ w + b.sum()):
        raise CaseFailed("add the bias vector b (one per neuron), not its sum")
    if not close(got, expected):
        raise CaseFailed(f"for x {x.shape}, w {w.shape}, b {b.shape} expected x @ w + b")


def check_dense(dense):
    """Check ``dense(x, w, b)`` = x @ w + b for x (N, n_in), w (n_in, n_out), b (n_out,)."""
    name = "dense"

    def cases():
        for shape, seed in (((4, 3, 3), 0), ((5, 4, 2), 1), ((1, 2, 6), 2)):
            _dense_case(name, dense, *shape, seed)
        return "x @ w + b with a (n_in, n_out) kernel"

    return run(name, cases)


def check_one_hot(one_hot):
    """Check ``one_hot(labels, num_classes)``: shape (N, num_classes), a single 1 per row."""
    name = "one_hot"

    def cases():
        # N == num_classes, so a transposed answer has the right shape
        labels = np.array([2, 0, 3, 1])
        got = as_array(name, call(name, one_hot, labels.copy(), 4))
        expected = ops.one_hot(labels, 4)
        if got.shape == (4, labels.max()):
            raise CaseFailed("use num_classes for the number of columns, not labels.max()")
        if got.shape != (4, 4):
            raise CaseFailed(f"4 labels and 4 classes should give shape (4, 4), got {got.shape}")
        if close(got, expected.T):
            raise CaseFailed(
                "each COLUMN has the 1: you built (num_classes, N); row n should have its 1 in "
                "column labels[n]"
            )
        if close(got, np.roll(expected, -1, axis=1)) or close(got, np.roll(expected, 1, axis=1)):
            raise CaseFailed("the 1 is one column off: class k goes in column k (counting from 0)")
        if not close(got, expected):
            raise CaseFailed(f"labels [2, 0, 3, 1] should give {expected.astype(int).tolist()}")
        labels = np.array([3, 3, 0, 9, 5])
        got = as_array(name, call(name, one_hot, labels.copy(), 10))
        if got.shape == (5, labels.max()):
            raise CaseFailed("use num_classes for the number of columns, not labels.max()")
        if got.shape != (5, 10):
            raise CaseFailed(f"5 labels with 10 classes should give shape (5, 10), got {got.shape}")
        if not close(got, ops.one_hot(labels, 10)):
            raise CaseFailed("labels [3, 3, 0, 9, 5]: row n needs a single 1, in column labels[n]")
        return "shape (N, num_classes), a 1 in column labels[n] of row n"

    return run(name, cases)


def _two_layer_reference(x, w1, b1, w2, b2):
    return ops.softmax(ops.relu(x @ w1 + b1) @ w2 + b2)


def check_two_layer_forward(two_layer_forward):
    """Check ``two_layer_forward(x, w1, b1, w2, b2)`` = softmax(relu(x @ w1 + b1) @ w2 + b2)."""
    name = "two_layer_forward"

    def cases():
        rng = np.random.default_rng(8)
        x = rng.normal(size=(6, 4))
        w1, b1 = rng.normal(size=(4, 5)), rng.normal(size=5)
        w2, b2 = rng.normal(size=(5, 3)), rng.normal(size=3)
        args = (x, w1, b1, w2, b2)
        got = as_array(name, call(name, two_layer_forward, *(a.copy() for a in args)))
        expected = _two_layer_reference(*args)
        if got.shape != expected.shape:
            raise CaseFailed(f"6 examples and 3 classes should give shape (6, 3), got {got.shape}")
        hidden = ops.relu(x @ w1 + b1)
        if close(got, hidden @ w2 + b2):
            raise CaseFailed("you returned the scores (logits); finish with softmax")
        if close(got, ops.softmax((x @ w1 + b1) @ w2 + b2)):
            raise CaseFailed(
                "the hidden layer has no ReLU: without it two layers collapse into one linear layer"
            )
        if close(got, ops.softmax(ops.relu(hidden @ w2 + b2))):
            raise CaseFailed("do not apply ReLU to the output scores; softmax them directly")
        if close(got, ops.softmax(hidden @ w2 + b2, axis=0)):
            raise CaseFailed("softmax along axis 0 mixes examples; each row (example) sums to 1")
        if close(got, ops.softmax(ops.relu(x @ w1) @ w2)):
            raise CaseFailed("the biases b1 and b2 are missing")
        if not np.allclose(got.sum(axis=1), 1.0):
            raise CaseFailed("each row should be probabilities that sum to 1")
        if not close(got, expected):
            raise CaseFailed("expected softmax(relu(x @ w1 + b1) @ w2 + b2)")
        return "softmax(relu(x @ w1 + b1) @ w2 + b2)"

    return run(name, cases)


def check_numerical_gradient(numerical_gradient):
    """Check ``numerical_gradient(f, x, h)``: centred differences, x left unchanged."""
    name = "numerical_gradient"

    def cases():
        x = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.3]])
        original = x.copy()

        def f(v):
            return float(np.sum(v**3))

        got = as_array(name, call(name, numerical_gradient, f, x, 1e-3), x.shape)
        if not np.array_equal(x, original):
            raise CaseFailed(
                "x changed after your call: put each entry back after nudging it (x[i] = saved)"
            )
        exact = 3 * x**2
        forward = ((x + 1e-3) ** 3 - x**3) / 1e-3
        if close(got, forward, rtol=1e-6, atol=1e-9):
            raise CaseFailed(
                "that is the forward difference (f(x + h) - f(x)) / h; use the centred one, "
                "(f(x + h) - f(x - h)) / 2h: its error shrinks like h^2, not h"
            )
        if close(got, 2 * exact, rtol=1e-5, atol=1e-5):
            raise CaseFailed("divide by 2h, not h: the two points are 2h apart")
        if not close(got, exact, rtol=1e-5, atol=2e-6):
            raise CaseFailed(
                f"for f(x) = sum(x^3) the gradient is 3x^2 = {exact.round(4).tolist()}, "
                f"got {np.round(got, 4).tolist()}"
            )
        return "centred differences, x unchanged"

    return run(name, cases)


def check_dense_backward(dense_backward):
    """Check ``dense_backward(dout, x, w)`` -> (dx, dw, db) against the reference gradients."""
    name = "dense_backward"

    def cases():
        for (n, n_in, n_out), seed in (((3, 3, 3), 0), ((4, 5, 2), 1)):
            rng = np.random.default_rng(seed + 20)
            x, w = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out))
            dout = rng.normal(size=(n, n_out))
            result = call(name, dense_backward, dout.copy(), x.copy(), w.copy())
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                raise CaseFailed("return a tuple (dx, dw, db)")
            dx_ref, dw_ref, db_ref = ops.dense_backward(dout, (x, w))
            dx = as_array("dx", result[0])
            dw = as_array("dw", result[1])
            db = as_array("db", result[2])
            if n == n_in == n_out and close(dx, dout @ w):
                raise CaseFailed("dx uses the transposed kernel: dx = dout @ w.T")
            if dx.shape != x.shape:
                raise CaseFailed(f"dx must have the shape of x, {x.shape}; got {dx.shape}")
            if not close(dx, dx_ref):
                raise CaseFailed("dx should be dout @ w.T")
            if n == n_in == n_out and close(dw, dout.T @ x):
                raise CaseFailed("dw is transposed: dw = x.T @ dout, shaped like w (n_in, n_out)")
            if dw.shape != w.shape:
                raise CaseFailed(f"dw must have the shape of w, {w.shape}; got {dw.shape}")
            if close(dw, dw_ref / n):
                raise CaseFailed(
                    "dw is divided by N; dout already carries any 1/N of the loss: dw = x.T @ dout"
                )
            if not close(dw, dw_ref):
                raise CaseFailed("dw should be x.T @ dout")
            if db.shape == (n,) and n != n_out:
                raise CaseFailed("db summed over the wrong axis: sum over the batch, axis=0")
            if close(db, db_ref / n):
                raise CaseFailed("db should be the SUM of dout over the batch, not the mean")
            if n == n_out and close(db, dout.sum(axis=1)):
                raise CaseFailed("db summed over the wrong axis: sum over the batch, axis=0")
            if db.shape != (n_out,):
                raise CaseFailed(f"db must have the shape of b, ({n_out},); got {db.shape}")
            if not close(db, db_ref):
                raise CaseFailed("db should be dout.sum(axis=0)")
        return "dx = dout @ w.T, dw = x.T @ dout, db = dout.sum(axis=0)"

    return run(name, cases)
