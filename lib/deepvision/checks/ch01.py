"""Checkers for chapter 01, "Machine learning basics".

Each checker takes the learner's function, runs it on cases whose answers come from the
reference implementation in :mod:`deepvision.ops`, and explains the first failure in terms of the
mistake that usually causes it.

Taught in: chapter 01 (the exercises).
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.checks._core import CaseFailed, as_array, call, close, run


def check_softmax(softmax):
    """Check ``softmax(scores)``: probabilities along the last axis, stable for large scores."""
    name = "softmax"

    def cases():
        book = as_array(name, call(name, softmax, np.array([9.0, 6.0])), (2,))
        if close(book, [np.exp(9) / (np.exp(9) + np.exp(6)), np.exp(6) / (np.exp(9) + np.exp(6))]):
            pass
        elif np.isclose(book.sum(), 15.0) or close(book, [9.0, 6.0]):
            raise CaseFailed("for [9, 6] you returned the scores unchanged; exponentiate them")
        elif not np.isclose(book.sum(), 1.0):
            raise CaseFailed(
                f"for scores [9, 6] your probabilities sum to {book.sum():.4g}; divide each "
                "exponential by the sum of all of them"
            )
        else:
            raise CaseFailed(
                f"for scores [9, 6] expected [0.9526, 0.0474], got {np.round(book, 4)}"
            )
        rng = np.random.default_rng(1)
        batch = rng.normal(size=(4, 5)) * 3
        got = as_array(name, call(name, softmax, batch.copy()), batch.shape)
        if not close(got, ops.softmax(batch)):
            if close(got, ops.softmax(batch, axis=0)):
                raise CaseFailed(
                    "on a batch of shape (4, 5) your probabilities sum to 1 down each column; "
                    "each row (one example's scores) should sum to 1: use axis=-1"
                )
            if np.isclose(got.sum(), 1.0):
                raise CaseFailed(
                    "on a batch of shape (4, 5) the whole array sums to 1; each row should: "
                    "sum along the last axis with keepdims=True"
                )
            raise CaseFailed(
                "on a batch of shape (4, 5) each row should be the softmax of that row"
            )
        large = np.array([[1000.0, 999.0, 990.0], [-1000.0, -1001.0, -1010.0]])
        with np.errstate(all="ignore"):
            got = as_array(name, call(name, softmax, large.copy()), large.shape)
        if not np.all(np.isfinite(got)):
            raise CaseFailed(
                "scores like [1000, 999, 990] give NaN or inf: exp(1000) overflows. Subtract each "
                "row's maximum before exponentiating; it cancels out in the ratio"
            )
        if not close(got, ops.softmax(large)):
            raise CaseFailed("scores like [1000, 999, 990] give the wrong probabilities")
        return "probabilities along the last axis, stable for large scores"

    return run(name, cases)


def check_cross_entropy(cross_entropy):
    """Check ``cross_entropy(probs, labels)``: mean of -ln p(true class) over the batch."""
    name = "cross_entropy"

    def cases():
        book = call(name, cross_entropy, np.array([[0.953, 0.047]]), np.array([1]))
        book = float(as_array(name, book, ()))
        if np.isclose(book, -np.log10(0.047), rtol=1e-3):
            raise CaseFailed(
                "you used log base 10 (you got the book's 1.328); cross-entropy uses the natural "
                "log: -ln(0.047) = 3.058"
            )
        if np.isclose(book, np.log(0.047), rtol=1e-3):
            raise CaseFailed("the loss must be positive: take the negative of the log")
        if np.isclose(book, -np.log(0.953), rtol=1e-3):
            raise CaseFailed("you took the probability of the wrong class; index with the label")
        if not np.isclose(book, -np.log(0.047), rtol=1e-4):
            raise CaseFailed(
                f"for probs [[0.953, 0.047]] and label 1 expected 3.058, got {book:.4g}"
            )
        rng = np.random.default_rng(2)
        probs = ops.softmax(rng.normal(size=(6, 4)))
        labels = np.array([0, 3, 1, 2, 3, 0])
        got = float(as_array(name, call(name, cross_entropy, probs.copy(), labels.copy()), ()))
        expected = ops.cross_entropy(probs, labels)
        if np.isclose(got, expected * len(labels)):
            raise CaseFailed(
                "for a batch of 6 you returned the sum; return the mean over the batch"
            )
        if np.isclose(got, -np.mean(np.log(probs.max(axis=1)))):
            raise CaseFailed(
                "you used the highest probability; use the probability of the true label"
            )
        if not np.isclose(got, expected, rtol=1e-6):
            raise CaseFailed(f"for a batch of 6 expected {expected:.6f}, got {got:.6f}")
        return "natural log, true class, mean over the batch"

    return run(name, cases)


def check_mse(mse):
    """Check ``mse(y_pred, y_true)``: the mean of squared differences."""
    name = "mse"

    def cases():
        y_pred, y_true = np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])
        got = float(as_array(name, call(name, mse, y_pred.copy(), y_true.copy()), ()))
        expected = ops.mse(y_pred, y_true)  # 0.375
        if np.isclose(got, np.mean(np.abs(y_pred - y_true))):
            raise CaseFailed("you averaged absolute differences; square them")
        if np.isclose(got, np.mean(y_pred - y_true)):
            raise CaseFailed("plain differences cancel out; square each difference")
        if np.isclose(got, expected * len(y_true)):
            raise CaseFailed("you returned the sum of squares; divide by the number of items")
        if np.isclose(got, expected / 2):
            raise CaseFailed("you returned the 1/(2n) form; this exercise asks for the plain mean")
        if np.isclose(got, np.sqrt(expected)):
            raise CaseFailed("you took a square root (that is the RMSE); return the mean square")
        if not np.isclose(got, expected):
            raise CaseFailed(f"for {y_pred} against {y_true} expected {expected}, got {got:.6g}")
        rng = np.random.default_rng(3)
        y_pred, y_true = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
        got = float(as_array(name, call(name, mse, y_pred.copy(), y_true.copy()), ()))
        if not np.isclose(got, ops.mse(y_pred, y_true)):
            raise CaseFailed("on a (5, 3) array average over every element, not one axis")
        return "mean of squared differences"

    return run(name, cases)


def check_l2_penalty(l2_penalty):
    """Check ``l2_penalty(weights, lam)``: lam times the sum of squared weights."""
    name = "l2_penalty"

    def cases():
        weights = np.array([[1.0, -2.0], [3.0, 0.5]])
        got = float(as_array(name, call(name, l2_penalty, weights.copy(), 0.01), ()))
        expected = ops.l2_penalty(weights, 0.01)  # 0.1425
        if np.isclose(got, expected / 0.01):
            raise CaseFailed("you forgot to multiply by the weight decay lam")
        if np.isclose(got, 0.01 * np.abs(weights).sum()):
            raise CaseFailed("that is the L1 penalty (absolute values); L2 squares each weight")
        if np.isclose(got, 0.01 * np.sqrt((weights**2).sum())):
            raise CaseFailed("do not take the square root: the penalty is the plain sum of squares")
        if np.isclose(got, 0.01 * weights.sum() ** 2):
            raise CaseFailed("square each weight, then sum (not the square of the sum)")
        if not np.isclose(got, expected):
            raise CaseFailed(f"expected {expected}, got {got:.6g}")
        got = float(as_array(name, call(name, l2_penalty, weights.copy(), 0.0), ()))
        if not np.isclose(got, 0.0):
            raise CaseFailed("with lam = 0 the penalty must be 0")
        return "lam * sum of squared weights"

    return run(name, cases)


def check_gradient_descent_step(gradient_descent_step):
    """Check ``gradient_descent_step(theta, grad, lr)``: theta - lr * grad."""
    name = "gradient_descent_step"

    def cases():
        theta, grad = np.array([1.0, -2.0, 0.5]), np.array([0.2, -0.4, 1.0])
        got = as_array(
            name, call(name, gradient_descent_step, theta.copy(), grad.copy(), 0.1), theta.shape
        )
        expected = theta - 0.1 * grad
        if close(got, theta + 0.1 * grad):
            raise CaseFailed(
                "you stepped uphill: subtract lr * grad, the gradient points up the slope"
            )
        if close(got, theta - grad):
            raise CaseFailed("you forgot to multiply the gradient by the learning rate")
        if close(got, theta - 0.1):
            raise CaseFailed("multiply the learning rate by the gradient, do not subtract lr alone")
        if not close(got, expected):
            raise CaseFailed(f"expected {expected}, got {got}")
        return "theta - lr * grad"

    return run(name, cases)


def check_linear_regression(train_linear_regression):
    """Check ``train_linear_regression(x, y, lr, steps)``: returns (theta, beta) that fit."""
    name = "train_linear_regression"

    def cases():
        rng = np.random.default_rng(4)
        x = rng.uniform(-1, 1, size=(200, 2))
        true_theta, true_beta = np.array([2.0, -3.0]), 0.5
        y = x @ true_theta + true_beta + rng.normal(scale=0.05, size=200)
        result = call(name, train_linear_regression, x.copy(), y.copy(), 0.5, 500)
        if not isinstance(result, (tuple, list)) or len(result) < 2:
            raise CaseFailed("return a tuple (theta, beta)")
        theta = as_array(name + " theta", result[0], (2,))
        beta = float(as_array(name + " beta", result[1], ()))
        if not np.all(np.isfinite(theta)) or not np.isfinite(beta) or np.abs(theta).max() > 1e6:
            raise CaseFailed(
                "the parameters blew up (huge, inf or NaN): check the sign of the update "
                "(subtract lr * gradient) and the size of the gradient (divide by N)"
            )
        if np.allclose(beta, 0.0) and not np.allclose(theta, 0.0):
            raise CaseFailed("beta stayed at 0: update the bias with its own gradient too")
        if not (np.allclose(theta, true_theta, atol=0.05) and abs(beta - true_beta) < 0.05):
            raise CaseFailed(
                f"data made with theta=[2, -3], beta=0.5 gave theta={np.round(theta, 3)}, "
                f"beta={beta:.3f}; check the gradients (divide by N) and the number of steps"
            )
        return "recovers theta=[2, -3], beta=0.5 from noisy data"

    return run(name, cases)
