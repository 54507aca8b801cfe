"""Exercises declared once: their cases, their known misconceptions, their hints.

An exercise says what the learner writes, how to test it and which wrong answers it expects::

    SOFTMAX = Exercise(
        "softmax",                               # the grade_id of its solution cell
        chapter="ch01",
        answers=("softmax",),                    # what the learner's cell defines
        reference=ops.softmax,
        cases=[
            Case(np.array([9.0, 6.0]), label="scores [9, 6]"),
            Case(np.array([[1000.0, 999.0, 990.0]]), label="scores like [1000, 999, 990]"),
        ],
        mistakes=[
            Mistake("you returned the scores unchanged; exponentiate them", lambda x: x),
            Mistake("exp(1000) overflows: subtract each row's maximum first", naive_softmax),
        ],
        hints=["Exponentiate, then divide by the sum.", "Subtract the maximum first."],
        success="probabilities along the last axis, stable for large scores",
    )
    check_softmax = SOFTMAX.checker("check_softmax")

The checker runs every case on the learner's function and on the reference. When the two
disagree, it runs each declared wrong answer on the same case: the first whose output the
learner's matches names the misconception (its hint is the message). A :class:`Mistake` can also
recognise a mistake by a predicate on the learner's result (``when=``), for mistakes that are not
a different output (a wrong dtype, an input changed in place). The tests of every checker come
from the same declaration (``tests/test_exercises.py``): the reference passes, and each declared
wrong answer fails with exactly its own hint, so a misconception is written once.

Exercises whose answer is not a number (a Keras model, a compiled model, a callback) give a
``verify`` function instead of cases; their mistakes are still declared here, with the words the
verifier must use, and tested the same way.

Hints come on demand, one more each time (:func:`deepvision.checks.hint`); never the solution.
A checker never changes the learner's kernel: no global seeds, no rcParams, no edits of the
learner's arrays (it passes copies).
"""

from __future__ import annotations

import copy
import inspect
import re

import numpy as np

from deepvision.checks._core import (
    CaseFailed,
    CheckResult,
    as_array,
    call,
    close,
    kernel_state_kept,
)


class Case:
    """One input of an exercise, and how to read and compare the answer.

    Args:
        *args: Positional arguments for the learner's function (copied for every call).
        label: How the messages name this input ("scores [9, 6]").
        kwargs: Keyword arguments for the function.
        function: Which of the exercise's answers this case calls (default: the first).
        setup: ``setup() -> args`` instead of ``args``, for inputs that cannot be copied (a fresh
            Keras model for each call).
        call: ``call(function, *args) -> value`` instead of ``function(*args)``, to drive the
            function (``[schedule(e) for e in range(25)]``).
        result: ``result(returned, args) -> value`` to read what is compared from the call
            (``lambda returned, args: args[0]`` compares the model the function compiled).
        compare: ``compare(got, expected) -> bool``; default: numbers equal to rtol/atol.
        rtol, atol: Tolerances of the default comparison.
        numeric: Whether the answer is numbers (converted with ``as_array``); default True
            unless ``compare`` is given.
        message: What to say when the answer is wrong and no declared mistake explains it; may
            use ``{label}``, ``{got}`` and ``{expected}``, or be ``message(got, expected) -> str``.
            Default: "for {label} expected {expected}, got {got}".
    """

    def __init__(
        self,
        *args,
        label=None,
        kwargs=None,
        function=None,
        setup=None,
        call=None,
        result=None,
        compare=None,
        rtol=1e-6,
        atol=1e-8,
        numeric=None,
        message=None,
    ):
        self.args = args
        self.label = label or ", ".join(_short(a) for a in args) or "the first case"
        self.kwargs = dict(kwargs or {})
        self.function = function
        self.setup = setup
        self.call = call
        self.result = result
        self.compare_function = compare
        self.rtol, self.atol = rtol, atol
        self.numeric = compare is None if numeric is None else numeric
        self.message = message

    def fresh_args(self):
        """A new copy of the arguments, so that no call sees another's changes."""
        if self.setup is not None:
            made = self.setup()
            return tuple(made) if isinstance(made, (tuple, list)) else (made,)
        return copy.deepcopy(self.args)

    def same(self, got, expected):
        """Whether two answers to this case agree."""
        if self.compare_function is not None:
            try:
                return bool(self.compare_function(got, expected))
            except Exception:  # a comparison that cannot be made is a disagreement
                return False
        try:
            return close(got, expected, rtol=self.rtol, atol=self.atol)
        except (TypeError, ValueError):
            return False


class Mistake:
    """A known misconception: a plausible wrong answer and the hint it earns.

    Args:
        hint: What the learner reads when the checker recognises this mistake.
        answer: The wrong answer, for an exercise with one function: a function making the
            mistake. It is both how the checker recognises the mistake (the learner's output
            equals its output) and what the tests feed the checker.
        when: Optional ``when(trial) -> bool``: recognise the mistake by a predicate on the
            :class:`Trial` instead of by the answer's output (a wrong dtype, an input modified in
            place). ``answer`` is then only the test's example of the mistake. A predicate is an
            invariant: it is also checked when the values are right (so a right value of the
            wrong dtype fails), so it must be false for the reference.
        raises: Optional ``(exception type, regular expression)``: recognise a mistake that
            crashes instead of answering (a fixed ``reshape(60000, 784)`` on a batch of 7), by the
            error the learner's function raises; any other error still reads "your function
            raised ...".
        **answers: For an exercise with several functions, the wrong ones by name
            (``Mistake(hint, relu_derivative=wrong)``); the others are the reference.
    """

    def __init__(self, hint, answer=None, when=None, raises=None, **answers):
        if not isinstance(hint, str) or not hint:
            raise ValueError("hint: expected the words the learner reads, a non-empty string")
        if answer is not None and answers:
            raise ValueError("answer: give the wrong answer either positionally or by name")
        self.hint = hint
        self.answer = answer
        self.answers = answers
        self.when = when
        self.raises = raises

    def __repr__(self):
        return f"Mistake({self.hint!r})"


class Rejected(Mistake):
    """A wrong answer with no misconception of its own: the checker must reject it with its
    general message, which must contain ``says``. Tests only; it never names a hint.

    Args:
        answer: The wrong answer (or ``**answers`` by name, as :class:`Mistake`).
        says: Words the checker's message must contain.
    """

    def __init__(self, answer=None, says="", **answers):
        super().__init__(says or "(the general message)", answer, **answers)
        self.says = says

    def __repr__(self):
        return f"Rejected(says={self.says!r})"


class Trial:
    """What a predicate mistake can look at: one case, as the learner's function met it.

    Attributes:
        case: The :class:`Case`.
        got: What the function gave (after ``case.result``), unconverted.
        value: ``got`` as a float array when the case is numeric, else ``got``.
        expected: The reference's answer.
        args: The arguments as the function left them (it may have changed them).
        original: A pristine copy of the arguments.
    """

    def __init__(self, case, got, value, expected, args, original):
        self.case, self.got, self.value, self.expected = case, got, value, expected
        self.args, self.original = args, original


class Exercise:
    """An exercise, declared once: its answers, reference, cases, mistakes and hints.

    Args:
        name: The ``grade_id`` of the exercise's solution cell (unique within its chapter).
        chapter: ``"ch01"``...
        answers: Names of what the learner's solution cell defines, in the checker's argument
            order (``("to_unit_range", "from_unit_range")``).
        reference: The correct answer: a function for one answer, a tuple in ``answers`` order
            for several.
        cases: A list of :class:`Case` (for a number-valued answer).
        verify: Instead of cases, ``verify(answers, **options) -> success text`` raising
            ``CaseFailed`` with the hint (for a model, a compiled model, a callback).
        mistakes: A list of :class:`Mistake`, in the order the checker tries them, and of
            :class:`Rejected` wrong answers the general message must catch.
        hints: Hints given on demand, from gentle to specific; never the solution.
        success: The text shown with the tick.
        title: What the messages call the exercise (default: the first answer's name).
        keras: Whether checking it needs Keras (the tests mark it so; the fast tier skips it).
    """

    def __init__(
        self,
        name,
        chapter,
        answers,
        reference,
        cases=(),
        verify=None,
        mistakes=(),
        hints=(),
        success="all cases pass",
        title=None,
        keras=False,
    ):
        if bool(cases) == (verify is not None):
            raise ValueError(f"{name}: give either cases or verify, not both or neither")
        self.name, self.chapter = name, chapter
        self.answers = tuple(answers)
        references = reference if isinstance(reference, tuple) else (reference,)
        if len(references) != len(self.answers):
            raise ValueError(
                f"{name}: reference: expected {len(self.answers)} functions for answers "
                f"{self.answers}, got {len(references)}"
            )
        self.reference = dict(zip(self.answers, references, strict=True))
        self.cases = list(cases)
        self.verify = verify
        self.rejected = [m for m in mistakes if isinstance(m, Rejected)]
        self.mistakes = [m for m in mistakes if not isinstance(m, Rejected)]
        for mistake in self.mistakes + self.rejected:
            unknown = set(mistake.answers) - set(self.answers)
            if unknown:
                raise ValueError(f"{name}: {mistake!r} names unknown answers {sorted(unknown)}")
            if mistake.answer is None and not mistake.answers:
                raise ValueError(f"{name}: {mistake!r} has no example wrong answer to test with")
        self.hints = tuple(hints)
        self.success = success
        self.title = title or self.answers[0]
        self.keras = keras

    def __repr__(self):
        return f"Exercise({self.chapter}/{self.name})"

    # -- answers ------------------------------------------------------------------------------

    def wrong_answers(self, mistake):
        """The full set of answers (a tuple in ``answers`` order) that makes ``mistake``."""
        if mistake.answer is not None:
            override = {self.answers[0]: mistake.answer}
        else:
            override = mistake.answers
        return tuple(override.get(key, self.reference[key]) for key in self.answers)

    def reference_answers(self):
        """The reference answers, a tuple in ``answers`` order."""
        return tuple(self.reference[key] for key in self.answers)

    # -- checking -----------------------------------------------------------------------------

    def check(self, *answers, **options):
        """Grade the learner's ``answers``; returns a :class:`CheckResult`."""
        if len(answers) != len(self.answers):
            names = ", ".join(self.answers)
            return CheckResult(
                self.title,
                False,
                f"pass {len(self.answers)} function(s) to this check: {names}; got {len(answers)}",
            )
        given = dict(zip(self.answers, answers, strict=True))
        with kernel_state_kept():
            return self._check(given, options)

    def _check(self, given, options):
        try:
            if self.verify is not None:
                text = self.verify(given, **options)
            else:
                for case in self.cases:
                    self._run_case(case, given)
                text = None
        except CaseFailed as failure:
            return CheckResult(self.title, False, str(failure))
        return CheckResult(self.title, True, text or self.success)

    def _run_case(self, case, given):
        key = case.function or self.answers[0]
        original = case.fresh_args()
        args = copy.deepcopy(original) if case.setup is None else case.fresh_args()
        try:
            got = self._call(case, key, given[key], args, learner=True)
        except CaseFailed as failure:
            raise CaseFailed(self._crash_hint(failure)) from failure
        expected = self._call(case, key, self.reference[key], case.fresh_args())
        value = self._value(case, key, got)
        trial = Trial(case, got, value, expected, args, original)
        if case.same(value, expected):
            for mistake in self.mistakes:
                if mistake.when is not None and _fires(mistake, trial):
                    raise CaseFailed(mistake.hint)
            return
        for mistake in self.mistakes:
            if mistake.when is None and self._output_matches(case, key, mistake, value, expected):
                raise CaseFailed(mistake.hint)
        for mistake in self.mistakes:
            if mistake.when is not None and _fires(mistake, trial):
                raise CaseFailed(mistake.hint)
        raise CaseFailed(self._mismatch(case, key, value, expected))

    def _crash_hint(self, failure):
        """The hint of a declared mistake that crashes this way, or the general message."""
        error = failure.__cause__
        for mistake in self.mistakes:
            if mistake.raises is None or error is None:
                continue
            kind, pattern = mistake.raises
            if isinstance(error, kind) and re.search(pattern, str(error)):
                return mistake.hint
        return str(failure)

    def _call(self, case, key, function, args, learner=False):
        if not learner:
            with np.errstate(all="ignore"):
                returned = (
                    case.call(function, *args, **case.kwargs)
                    if case.call
                    else function(*args, **case.kwargs)
                )
        elif case.call is not None:
            if not callable(function):
                raise CaseFailed(f"{key}: expected a function, got {type(function).__name__}")
            returned = call(key, case.call, function, *args, **case.kwargs)
        else:
            returned = call(key, function, *args, **case.kwargs)
        return case.result(returned, args) if case.result else returned

    def _value(self, case, key, got):
        """The learner's answer as compared: a float array for a numeric case."""
        if case.numeric:
            return as_array(key, got)
        if got is None and case.result is None:
            raise CaseFailed(f"{key} returned None: did you forget the `return` statement?")
        return got

    def _output_matches(self, case, key, mistake, value, expected):
        wrong = dict(zip(self.answers, self.wrong_answers(mistake), strict=True))[key]
        if wrong is self.reference[key]:
            return False
        try:
            out = self._call(case, key, wrong, case.fresh_args())
            if case.numeric:
                out = np.asarray(out, dtype=np.float64)
        except Exception:  # a wrong answer that fails on this case says nothing about it
            return False
        return case.same(value, out) and not case.same(expected, out)

    def _mismatch(self, case, key, value, expected):
        if case.numeric and np.shape(value) != np.shape(expected):
            return (
                f"for {case.label}, {key} returned shape {np.shape(value)}; expected "
                f"{np.shape(expected)}"
            )
        if callable(case.message):
            return case.message(value, expected)
        template = case.message or "for {label} expected {expected}, got {got}"
        return template.format(label=case.label, got=_short(value), expected=_short(expected))

    # -- for notebooks and tests --------------------------------------------------------------

    def checker(self, name=None):
        """The ``checks.check_<name>(...)`` function the notebooks call."""
        exercise = self
        parameters = [
            inspect.Parameter(answer, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for answer in self.answers
        ]

        def check(*answers, **options):
            return exercise.check(*answers, **options)

        check.__name__ = check.__qualname__ = name or f"check_{self.name}"
        check.__doc__ = (
            f"Check the exercise {self.name!r} of chapter {self.chapter[2:]}: "
            f"{self.success}.\n\nReturns a CheckResult: truthy when correct, with a hint when not."
        )
        check.__signature__ = inspect.Signature(
            parameters + [inspect.Parameter("options", inspect.Parameter.VAR_KEYWORD)]
        )
        check.exercise = self
        return check


def _fires(mistake, trial):
    try:
        return bool(mistake.when(trial))
    except Exception:  # a predicate that cannot be evaluated on this answer does not fire
        return False


def _short(value, limit=80):
    """A value as the messages show it: arrays rounded and cut to ``limit`` characters."""
    if isinstance(value, np.ndarray):
        text = np.array2string(np.round(value, 4), separator=", ", threshold=12)
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
