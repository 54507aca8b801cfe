"""The chapter 01 checkers pass the reference and fail plausible wrong answers, with a hint."""

import numpy as np
import pytest

from deepvision import checks, ops


def _stable_softmax(x):
    return ops.softmax(x)


def _naive_softmax(x):
    with np.errstate(all="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)


def _softmax_axis0(x):
    return ops.softmax(x, axis=0) if np.ndim(x) > 1 else ops.softmax(x)


def _softmax_whole_array(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _unimplemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (_naive_softmax, "overflows"),
        (_softmax_axis0, "each row"),
        (_softmax_whole_array, "whole array sums to 1"),
        (lambda x: np.exp(x), "sum to"),
        (lambda x: x, "unchanged"),
        (lambda x: None, "forget the `return`"),
        (lambda x: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_softmax_checker_rejects(wrong, hint):
    result = checks.check_softmax(wrong)
    assert not result
    assert hint in result.message


def _ce(probs, labels, log=np.log, reduce=np.mean, sign=-1):
    probs = np.asarray(probs)
    return sign * reduce(log(probs[np.arange(len(labels)), labels]))


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda p, lab: _ce(p, lab, log=np.log10), "log base 10"),
        (lambda p, lab: _ce(p, lab, reduce=np.sum), "returned the sum"),
        (lambda p, lab: _ce(p, lab, sign=1), "negative"),
        (lambda p, lab: -np.mean(np.log(np.asarray(p).max(axis=1))), "wrong class"),
    ],
)
def test_cross_entropy_checker_rejects(wrong, hint):
    result = checks.check_cross_entropy(wrong)
    assert not result
    assert hint in result.message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda a, b: np.mean(np.abs(a - b)), "absolute"),
        (lambda a, b: np.sum((a - b) ** 2), "sum of squares"),
        (lambda a, b: np.mean((a - b) ** 2) / 2, "1/(2n)"),
        (lambda a, b: np.sqrt(np.mean((a - b) ** 2)), "RMSE"),
        (lambda a, b: np.mean((a - b) ** 2, axis=0), "returned shape (3,)"),
    ],
)
def test_mse_checker_rejects(wrong, hint):
    result = checks.check_mse(wrong)
    assert not result
    assert hint in result.message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda w, lam: np.sum(w**2), "weight decay"),
        (lambda w, lam: lam * np.sum(np.abs(w)), "L1"),
        (lambda w, lam: lam * np.sqrt(np.sum(w**2)), "square root"),
        (lambda w, lam: lam * np.sum(w) ** 2, "square each weight"),
    ],
)
def test_l2_checker_rejects(wrong, hint):
    result = checks.check_l2_penalty(wrong)
    assert not result
    assert hint in result.message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda t, g, lr: t + lr * g, "uphill"),
        (lambda t, g, lr: t - g, "learning rate"),
        (lambda t, g, lr: t - lr, "multiply"),
    ],
)
def test_gradient_step_checker_rejects(wrong, hint):
    result = checks.check_gradient_descent_step(wrong)
    assert not result
    assert hint in result.message


def _train(x, y, lr, steps, bias=True, sign=1.0, scale=None):
    theta, beta = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = x @ theta + beta - y
        n = scale or len(y)
        theta = theta - sign * lr * x.T @ error / n
        if bias:
            beta = beta - sign * lr * np.mean(error)
    return theta, beta


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, y, lr, s: _train(x, y, lr, s, bias=False), "beta stayed at 0"),
        (lambda x, y, lr, s: _train(x, y, lr, s, sign=-1.0), "blew up"),
        (lambda x, y, lr, s: _train(x, y, lr, 3), "check the gradients"),
        (lambda x, y, lr, s: _train(x, y, lr, s)[0], "return a tuple"),
    ],
)
def test_linear_regression_checker_rejects(wrong, hint):
    with np.errstate(all="ignore"):
        result = checks.check_linear_regression(wrong)
    assert not result
    assert hint in result.message


def test_reference_solutions_pass_every_checker():
    assert checks.check_softmax(_stable_softmax)
    assert checks.check_cross_entropy(ops.cross_entropy)
    assert checks.check_mse(ops.mse)
    assert checks.check_l2_penalty(ops.l2_penalty)
    assert checks.check_gradient_descent_step(ops.gradient_descent_step)
    assert checks.check_linear_regression(lambda x, y, lr, s: _train(x, y, lr, s))


@pytest.mark.parametrize(
    "checker",
    [
        checks.check_softmax,
        checks.check_cross_entropy,
        checks.check_mse,
        checks.check_l2_penalty,
        checks.check_gradient_descent_step,
        checks.check_linear_regression,
    ],
)
def test_an_untouched_exercise_raises_not_implemented_with_instructions(checker):
    with pytest.raises(NotImplementedError, match="is not implemented yet"):
        checker(_unimplemented)


def test_results_render_as_one_line_with_a_mark():
    good, bad = checks.check_mse(ops.mse), checks.check_mse(lambda a, b: 0.0)
    assert repr(good).startswith("✔ mse") and repr(bad).startswith("✘ mse")
    assert "<b>✘ mse</b>" in bad._repr_html_()
    assert not checks.check_mse("not a function")
