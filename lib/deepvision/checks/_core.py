"""The machinery under every checker: run a learner's function on cases, explain a failure.

A checker returns a :class:`CheckResult`: truthy when every case passes, and shown in a notebook
as one line with a tick or a cross and a hint. The graded cells assert on it::

    result = checks.check_softmax(softmax)
    assert result, result.message

A learner's function that still raises ``NotImplementedError`` makes the checker raise
``NotImplementedError`` too, with a sentence saying what to do, so an untouched exercise fails
for the one reason it should.
"""

from __future__ import annotations

import contextlib
import random

import numpy as np


class CheckResult:
    """The outcome of one checker: ``bool(result)`` says whether it passed."""

    def __init__(self, name, passed, message):
        self.name = name
        self.passed = bool(passed)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = "✔" if self.passed else "✘"
        return f"{mark} {self.name}: {self.message}"

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#cf222e"
        mark = "✔" if self.passed else "✘"
        text = self.message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (
            f'<div style="color:{colour};font-family:monospace;white-space:pre-wrap">'
            f"<b>{mark} {self.name}</b>: {text}</div>"
        )


class CaseFailed(Exception):
    """Raised inside a checker when one case fails; carries the learner-facing hint."""


def call(name, function, *args, **kwargs):
    """Call a learner's ``function``; turn its exceptions into hints.

    ``NotImplementedError`` propagates (with a clearer message); any other exception becomes a
    :class:`CaseFailed` that names the exception.
    """
    if not callable(function):
        raise CaseFailed(f"expected a function, got {type(function).__name__}")
    try:
        return function(*args, **kwargs)
    except NotImplementedError as error:
        raise NotImplementedError(
            f"{name} is not implemented yet: replace `raise NotImplementedError()` in its cell "
            "with your code, run that cell, then run this one again."
        ) from error
    except CaseFailed:
        raise
    except Exception as error:  # a learner's bug of any kind is a failed case, not a crash
        raise CaseFailed(f"your function raised {type(error).__name__}: {error}") from error


def as_array(name, value, shape=None):
    """A learner's return value as a float array of the expected shape, or a CaseFailed."""
    if value is None:
        raise CaseFailed(f"{name} returned None: did you forget the `return` statement?")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise CaseFailed(f"{name} should return numbers, got {type(value).__name__}") from error
    if shape is not None and array.shape != tuple(shape):
        raise CaseFailed(f"{name} returned shape {array.shape}; expected {tuple(shape)}")
    return array


def close(actual, expected, rtol=1e-6, atol=1e-8):
    actual = np.asarray(actual, dtype=np.float64)
    return actual.shape == np.shape(expected) and np.allclose(
        actual, expected, rtol=rtol, atol=atol, equal_nan=False
    )


def run(name, cases):
    """Run ``cases``, a function that raises CaseFailed on the first failure.

    Returns:
        CheckResult: passed with ``success`` text, or failed with the hint.
    """
    try:
        summary = cases()
    except CaseFailed as failure:
        return CheckResult(name, False, str(failure))
    return CheckResult(name, True, summary or "all cases pass")


@contextlib.contextmanager
def kernel_state_kept():
    """Leave the learner's random generators as they were, whatever runs inside.

    Keras draws a seed from Python's ``random`` for every layer it builds without one, and a
    learner's function may reseed numpy's global generator: a check must not change what the
    learner's next cell draws.
    """
    python_state = random.getstate()
    numpy_state = np.random.get_state()  # noqa: NPY002 (the global generator is the point)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
