"""The exercises of chapter 01, "Machine learning basics", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops`) and the wrong answers learners
give, with the hint each earns; ``tests/test_exercises.py`` turns the same declarations into the
checkers' tests. See :mod:`deepvision.checks._exercise` for the pattern.
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.checks._core import CaseFailed
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected

# -- softmax --------------------------------------------------------------------------------


def _softmax_naive(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_down_columns(x):
    return ops.softmax(x, axis=0) if np.ndim(x) > 1 else ops.softmax(x)


def _softmax_whole_array(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


SOFTMAX = Exercise(
    "softmax",
    chapter="ch01",
    answers=("softmax",),
    reference=ops.softmax,
    cases=[
        Case(np.array([9.0, 6.0]), label="the book's scores [9, 6]"),
        Case(np.random.default_rng(1).normal(size=(4, 5)) * 3, label="a batch of shape (4, 5)"),
        Case(
            np.array([[1000.0, 999.0, 990.0], [-1000.0, -1001.0, -1010.0]]),
            label="scores like [1000, 999, 990]",
        ),
    ],
    mistakes=[
        Mistake("for [9, 6] you returned the scores unchanged; exponentiate them", lambda x: x),
        Mistake(
            "on a batch of shape (4, 5) your probabilities sum to 1 down each column; each row "
            "(one example's scores) should sum to 1: use axis=-1",
            _softmax_down_columns,
        ),
        Mistake(
            "on a batch of shape (4, 5) the whole array sums to 1; each row should: sum along "
            "the last axis with keepdims=True",
            _softmax_whole_array,
        ),
        Mistake(
            "scores like [1000, 999, 990] give NaN or inf: exp(1000) overflows. Subtract each "
            "row's maximum before exponentiating; it cancels out in the ratio",
            _softmax_naive,
            when=lambda trial: not np.all(np.isfinite(trial.value)),
        ),
        Mistake(
            "your probabilities do not sum to 1: divide each exponential by the sum of all the "
            "exponentials of its row",
            np.exp,
            when=lambda trial: not np.allclose(np.sum(trial.value, axis=-1), 1.0),
        ),
    ],
    hints=[
        "Exponentiate every score, then divide by the sum of the exponentials of its row.",
        "Work along the last axis: np.sum(..., axis=-1, keepdims=True) keeps one sum per row.",
        "exp(1000) is infinite in float64. Subtracting the row's maximum first changes nothing "
        "in the ratio and keeps every exponent <= 0.",
    ],
    success="probabilities along the last axis, stable for large scores",
)

# -- cross-entropy --------------------------------------------------------------------------


def _picked(probs, labels):
    probs = np.asarray(probs)
    return probs[np.arange(len(labels)), np.asarray(labels)]


_CE_BATCH = ops.softmax(np.random.default_rng(2).normal(size=(6, 4)))

CROSS_ENTROPY = Exercise(
    "cross_entropy",
    chapter="ch01",
    answers=("cross_entropy",),
    reference=ops.cross_entropy,
    cases=[
        Case(
            np.array([[0.953, 0.047]]),
            np.array([1]),
            label="probs [[0.953, 0.047]], label 1",
            rtol=1e-4,
            message="for probs [[0.953, 0.047]] and label 1 expected 3.058, got {got}",
        ),
        Case(
            _CE_BATCH,
            np.array([0, 3, 1, 2, 3, 0]),
            label="a batch of 6",
            message="for a batch of 6 expected {expected}, got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "you used log base 10 (you got the book's 1.328); cross-entropy uses the natural "
            "log: -ln(0.047) = 3.058",
            lambda p, y: -np.mean(np.log10(_picked(p, y))),
        ),
        Mistake(
            "the loss must be positive: take the negative of the log",
            lambda p, y: np.mean(np.log(_picked(p, y))),
        ),
        Mistake(
            "you took the probability of another class (the highest one?); take the probability "
            "of the true class, probs[n, labels[n]]",
            lambda p, y: -np.mean(np.log(np.asarray(p).max(axis=1))),
        ),
        Mistake(
            "for a batch of 6 you returned the sum; return the mean over the batch",
            lambda p, y: -np.sum(np.log(_picked(p, y))),
        ),
    ],
    hints=[
        "Pick, in each row, the probability of the true class: probs[np.arange(N), labels].",
        "The loss of one example is -ln(p): natural log (np.log), and a minus sign.",
        "Average over the examples of the batch (np.mean), do not sum.",
    ],
    success="natural log, true class, mean over the batch",
)

# -- MSE ------------------------------------------------------------------------------------

MSE = Exercise(
    "mse",
    chapter="ch01",
    answers=("mse",),
    reference=ops.mse,
    cases=[
        Case(
            np.array([3.0, -0.5, 2.0, 7.0]),
            np.array([2.5, 0.0, 2.0, 8.0]),
            label="[3, -0.5, 2, 7] against [2.5, 0, 2, 8]",
        ),
        Case(
            *np.random.default_rng(3).normal(size=(2, 5, 3)),
            label="two arrays of shape (5, 3)",
            message="on a (5, 3) array average over every element, not one axis",
        ),
    ],
    mistakes=[
        Mistake(
            "you averaged absolute differences; square them", lambda a, b: np.mean(np.abs(a - b))
        ),
        Mistake(
            "plain differences cancel out; square each difference", lambda a, b: np.mean(a - b)
        ),
        Mistake(
            "you returned the sum of squares; divide by the number of items",
            lambda a, b: np.sum((a - b) ** 2),
        ),
        Mistake(
            "you returned the 1/(2n) form; this exercise asks for the plain mean",
            lambda a, b: np.mean((a - b) ** 2) / 2,
        ),
        Mistake(
            "you took a square root (that is the RMSE); return the mean square",
            lambda a, b: np.sqrt(np.mean((a - b) ** 2)),
        ),
        Mistake(
            "you averaged over one axis only: return one number, the mean over every element",
            lambda a, b: np.mean((a - b) ** 2, axis=0),
        ),
    ],
    hints=[
        "Take the difference of each prediction and its target, and square it.",
        "Then average all of them: one number, np.mean over every element.",
    ],
    success="mean of squared differences",
)

# -- L2 penalty -----------------------------------------------------------------------------

_WEIGHTS = np.array([[1.0, -2.0], [3.0, 0.5]])

L2_PENALTY = Exercise(
    "l2_penalty",
    chapter="ch01",
    answers=("l2_penalty",),
    reference=ops.l2_penalty,
    cases=[
        Case(_WEIGHTS, 0.01, label="weights [[1, -2], [3, 0.5]] with lam = 0.01"),
        Case(_WEIGHTS, 0.0, label="lam = 0", message="with lam = 0 the penalty must be 0"),
    ],
    mistakes=[
        Mistake("you forgot to multiply by the weight decay lam", lambda w, lam: np.sum(w**2)),
        Mistake(
            "that is the L1 penalty (absolute values); L2 squares each weight",
            lambda w, lam: lam * np.sum(np.abs(w)),
        ),
        Mistake(
            "do not take the square root: the penalty is the plain sum of squares",
            lambda w, lam: lam * np.sqrt(np.sum(w**2)),
        ),
        Mistake(
            "square each weight, then sum (not the square of the sum)",
            lambda w, lam: lam * np.sum(w) ** 2,
        ),
    ],
    hints=[
        "Square every weight and add them all up.",
        "Multiply the sum by the weight decay lam.",
    ],
    success="lam * sum of squared weights",
)

# -- gradient descent step ------------------------------------------------------------------

GRADIENT_DESCENT_STEP = Exercise(
    "gradient_descent_step",
    chapter="ch01",
    answers=("gradient_descent_step",),
    reference=ops.gradient_descent_step,
    cases=[
        Case(
            np.array([1.0, -2.0, 0.5]),
            np.array([0.2, -0.4, 1.0]),
            0.1,
            label="theta [1, -2, 0.5], grad [0.2, -0.4, 1], lr 0.1",
        ),
    ],
    mistakes=[
        Mistake(
            "you stepped uphill: subtract lr * grad, the gradient points up the slope",
            lambda t, g, lr: t + lr * g,
        ),
        Mistake("you forgot to multiply the gradient by the learning rate", lambda t, g, lr: t - g),
        Mistake(
            "multiply the learning rate by the gradient, do not subtract lr alone",
            lambda t, g, lr: t - lr,
        ),
    ],
    hints=[
        "The gradient points uphill; a step goes the other way.",
        "How far: the learning rate times the gradient.",
    ],
    success="theta - lr * grad",
)

# -- a training loop ------------------------------------------------------------------------

_TRUE_THETA, _TRUE_BETA = np.array([2.0, -3.0]), 0.5


def _regression_data():
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, size=(200, 2))
    y = x @ _TRUE_THETA + _TRUE_BETA + rng.normal(scale=0.05, size=200)
    return x, y


def _fit(x, y, lr, steps, bias=True, sign=1.0):
    theta, beta = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = x @ theta + beta - y
        theta = theta - sign * lr * x.T @ error / len(y)
        if bias:
            beta = beta - sign * lr * np.mean(error)
    return theta, beta


def _pair(result):
    """(theta, beta) as floats, or None when ``result`` is not such a pair."""
    if not isinstance(result, (tuple, list)) or len(result) < 2:
        return None
    theta = np.asarray(result[0], dtype=np.float64)
    beta = np.asarray(result[1], dtype=np.float64)
    return (theta, float(beta)) if theta.shape == (2,) and beta.shape == () else None


def _fits(got, _expected):
    pair = _pair(got)
    return pair is not None and (
        np.allclose(pair[0], _TRUE_THETA, atol=0.05) and abs(pair[1] - _TRUE_BETA) < 0.05
    )


def _blew_up(trial):
    pair = _pair(trial.got)
    return pair is not None and (
        not np.all(np.isfinite(pair[0])) or not np.isfinite(pair[1]) or np.abs(pair[0]).max() > 1e6
    )


def _regression_message(got, _expected):
    pair = _pair(got)
    if pair is None:
        return "return a tuple (theta, beta): theta of shape (2,) and beta a number"
    return (
        f"data made with theta=[2, -3], beta=0.5 gave theta={np.round(pair[0], 3)}, "
        f"beta={pair[1]:.3f}; check the gradients (divide by N) and the number of steps"
    )


TRAIN_LINEAR_REGRESSION = Exercise(
    "train_linear_regression",
    chapter="ch01",
    answers=("train_linear_regression",),
    reference=lambda x, y, lr, steps: _fit(x, y, lr, steps),
    cases=[
        Case(
            *_regression_data(),
            0.5,
            500,
            label="data made with theta=[2, -3], beta=0.5",
            compare=_fits,
            message=_regression_message,
        ),
    ],
    mistakes=[
        Mistake(
            "return a tuple (theta, beta)",
            lambda x, y, lr, s: _fit(x, y, lr, s)[0],
            when=lambda trial: _pair(trial.got) is None,
        ),
        Mistake(
            "the parameters blew up (huge, inf or NaN): check the sign of the update "
            "(subtract lr * gradient) and the size of the gradient (divide by N)",
            lambda x, y, lr, s: _fit(x, y, lr, s, sign=-1.0),
            when=_blew_up,
        ),
        Mistake(
            "beta stayed at 0: update the bias with its own gradient too",
            lambda x, y, lr, s: _fit(x, y, lr, s, bias=False),
            when=lambda trial: _pair(trial.got) is not None and _pair(trial.got)[1] == 0.0,
        ),
        Rejected(lambda x, y, lr, s: _fit(x, y, lr, 3), says="check the gradients"),
    ],
    hints=[
        "Each step: predictions x @ theta + beta, then error = predictions - y.",
        "The gradients of the mean squared error: x.T @ error / N for theta, mean(error) for beta.",
        "Update both with the learning rate, steps times, and return (theta, beta).",
    ],
    success="recovers theta=[2, -3], beta=0.5 from noisy data",
)

# -- choose_learning_rate (a design exercise, graded by its outcome) ---------------------------

#: The bowl of the gradient descent explorer, L(a, b) = a^2 + 4 b^2, its start and the goal.
BOWL_CURVATURES, BOWL_START, BOWL_STEPS, BOWL_TOLERANCE = (1.0, 4.0), (3.5, 3.0), 15, 0.01


def descend_the_bowl(lr, steps=BOWL_STEPS):
    """Where gradient descent on L(a, b) = a^2 + 4 b^2 from (3.5, 3) is after ``steps`` steps.

    Each step is ops.gradient_descent_step(point, (2a, 8b), lr).

    Returns:
        ``(lr, distance)``: the learning rate and the distance from the minimum (0, 0).

    Taught in: chapter 01, "Gradient descent" (exercise 7).
    """
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)):
        raise CaseFailed(
            f"choose_learning_rate should return one number, the learning rate, "
            f"got {type(lr).__name__}"
        )
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise CaseFailed(f"a learning rate is a positive number, got {lr}")
    point = np.array(BOWL_START)
    scale = 2 * np.array(BOWL_CURVATURES)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            point = ops.gradient_descent_step(point, scale * point, lr)
    distance = float(np.linalg.norm(point))
    return lr, distance if np.isfinite(distance) else float("inf")


def _close_enough(got, _expected):
    return got[1] <= BOWL_TOLERANCE


def _learning_rate_message(got, _expected):
    return (
        f"with lr = {got[0]:g}, {BOWL_STEPS} steps end {got[1]:.3g} from the minimum; the goal "
        f"is {BOWL_TOLERANCE}"
    )


def _missed(trial):
    return trial.got[1] > BOWL_TOLERANCE


CHOOSE_LEARNING_RATE = Exercise(
    "choose_learning_rate",
    chapter="ch01",
    answers=("choose_learning_rate",),
    reference=lambda: 0.2,
    cases=[
        Case(
            label=f"the bowl a^2 + 4b^2 from {BOWL_START}, {BOWL_STEPS} steps",
            call=lambda function: descend_the_bowl(function()),
            compare=_close_enough,
            message=_learning_rate_message,
        )
    ],
    mistakes=[
        Mistake(
            "too large: along the steep direction b each step multiplies b by (1 - 8 lr), and "
            "from lr = 0.25 on that factor is -1 or less, so b bounces for ever or grows",
            lambda: 0.3,
            when=lambda trial: _missed(trial) and trial.got[0] >= 0.25,
        ),
        Mistake(
            "b oscillates: its factor (1 - 8 lr) is negative and close to -1, so it shrinks "
            "slowly; a slightly smaller lr damps it faster",
            lambda: 0.23,
            when=lambda trial: _missed(trial) and 0.2 < trial.got[0] < 0.25,
        ),
        Mistake(
            "too small: the gentle direction a is multiplied by (1 - 2 lr) each step and "
            "crawls; take the largest lr that still keeps b in check",
            lambda: 0.05,
            when=lambda trial: _missed(trial) and trial.got[0] <= 0.2,
        ),
        Rejected(lambda: "0.2", says="should return one number"),
    ],
    hints=[
        "Move the explorer's slider and watch the right-hand bowl: which direction goes wrong "
        "first as lr grows, and which one is slow when lr is small?",
        "One step multiplies a by (1 - 2 lr) and b by (1 - 8 lr). Both factors must be small "
        "in size: |1 - 2 lr| < 1 and |1 - 8 lr| < 1.",
        "The slowest direction sets the pace: look for the lr where |1 - 2 lr| and "
        "|1 - 8 lr| are equal.",
    ],
    success=f"gradient descent reaches the minimum of the bowl (within {BOWL_TOLERANCE}) in "
    f"{BOWL_STEPS} steps",
)

EXERCISES = [
    MSE,
    SOFTMAX,
    CROSS_ENTROPY,
    L2_PENALTY,
    GRADIENT_DESCENT_STEP,
    TRAIN_LINEAR_REGRESSION,
    CHOOSE_LEARNING_RATE,
]

check_mse = MSE.checker("check_mse")
check_softmax = SOFTMAX.checker("check_softmax")
check_cross_entropy = CROSS_ENTROPY.checker("check_cross_entropy")
check_l2_penalty = L2_PENALTY.checker("check_l2_penalty")
check_gradient_descent_step = GRADIENT_DESCENT_STEP.checker("check_gradient_descent_step")
check_linear_regression = TRAIN_LINEAR_REGRESSION.checker("check_linear_regression")
check_choose_learning_rate = CHOOSE_LEARNING_RATE.checker("check_choose_learning_rate")
