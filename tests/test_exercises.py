"""Every checker, tested from its exercise's declaration (lib/deepvision/checks/chNN.py).

For each declared exercise: the reference passes; each declared mistake fails with exactly its
own hint; each rejected wrong answer fails with the general message; an untouched exercise raises
NotImplementedError with instructions; a function that crashes, returns None or is not a
function fails with a sentence; and checking leaves the learner's kernel as it was (no global
seeds, no matplotlib settings). Nothing here is written per exercise: a misconception is
declared once, in the library.
"""

from __future__ import annotations

import random

import matplotlib
import numpy as np
import pytest

from deepvision import checks
from deepvision.checks._exercise import Rejected


def _param(exercise, *rest, label=""):
    marks = [pytest.mark.keras] if exercise.keras else []
    name = f"{exercise.chapter}/{exercise.name}" + (f"/{label}" if label else "")
    return pytest.param(exercise, *rest, marks=marks, id=name)


EXERCISES = [_param(e) for e in checks.exercises()]
MISTAKES = [
    _param(e, m, label=m.hint[:40]) for e in checks.exercises() for m in e.mistakes + e.rejected
]


def _replace(exercise, position, function):
    answers = list(exercise.reference_answers())
    answers[position] = function
    return answers


def _positions(exercise):
    return range(len(exercise.answers))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_reference_passes(exercise):
    result = exercise.check(*exercise.reference_answers())
    assert result, result.message
    assert result.message == exercise.success or exercise.verify is not None


@pytest.mark.parametrize(("exercise", "mistake"), MISTAKES)
def test_each_declared_wrong_answer_fails_with_its_own_hint(exercise, mistake):
    with np.errstate(all="ignore"):
        result = exercise.check(*exercise.wrong_answers(mistake))
    assert not result, f"{mistake!r} passed the checker"
    if isinstance(mistake, Rejected):
        assert mistake.says in result.message, result.message
    elif exercise.verify is not None:
        assert mistake.hint in result.message, result.message
    else:
        assert result.message == mistake.hint, result.message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_an_untouched_exercise_raises_not_implemented_with_instructions(exercise):
    def untouched(*args, **kwargs):
        raise NotImplementedError()

    for position in _positions(exercise):  # each function of the exercise, on its own
        with pytest.raises(NotImplementedError, match="is not implemented yet: replace"):
            exercise.check(*_replace(exercise, position, untouched))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_broken_answers_fail_with_a_sentence(exercise):
    for position in _positions(exercise):
        crashed = exercise.check(*_replace(exercise, position, lambda *args, **kwargs: 1 / 0))
        assert not crashed and "raised ZeroDivisionError" in crashed.message, crashed.message
        nothing = exercise.check(*_replace(exercise, position, lambda *args, **kwargs: None))
        assert not nothing and nothing.message, nothing.message
        not_a_function = exercise.check(*_replace(exercise, position, "not a function"))
        assert not not_a_function and "expected a function" in not_a_function.message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_checking_leaves_the_learners_kernel_as_it_was(exercise):
    # the legacy global generator is exactly what a stray np.random.seed would change
    numpy_state, python_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    settings = dict(matplotlib.rcParams)
    exercise.check(*exercise.reference_answers())
    after = np.random.get_state()  # noqa: NPY002
    assert numpy_state[0] == after[0] and np.array_equal(numpy_state[1], after[1]), (
        "the checker reseeded numpy's global random generator"
    )
    assert random.getstate() == python_state, "the checker reseeded Python's random module"
    assert dict(matplotlib.rcParams) == settings, "the checker changed matplotlib's settings"


def test_every_exercise_has_hints_and_a_unique_name_in_its_chapter():
    seen = set()
    for exercise in checks.exercises():
        assert exercise.hints, f"{exercise!r} has no hints"
        assert (exercise.chapter, exercise.name) not in seen, f"{exercise!r} declared twice"
        seen.add((exercise.chapter, exercise.name))
        assert exercise.mistakes, f"{exercise!r} declares no misconception"


def test_hints_come_one_at_a_time_and_never_run_out_silently(monkeypatch):
    monkeypatch.setattr(checks, "_HINTS_GIVEN", {})
    softmax = checks.exercise("softmax", "ch01")
    shown = [repr(checks.hint("softmax", chapter="ch01")) for _ in range(len(softmax.hints) + 1)]
    for number, (line, text) in enumerate(zip(shown, softmax.hints, strict=False), 1):
        assert line == f"💡 softmax, hint {number} of {len(softmax.hints)}: {text}"
    assert "that was the last hint" in shown[-1]
    assert "hint" in checks.hint("softmax", chapter="ch01")._repr_html_()


def test_hints_follow_the_prepared_chapter_and_name_ambiguity(monkeypatch):
    from deepvision import environment

    monkeypatch.setitem(environment._STATE, "chapter", "ch01")
    assert checks.exercise("mse").chapter == "ch01"
    with pytest.raises(ValueError, match=r"name: no exercise 'dropout' in chapter 01; expected"):
        checks.hint("dropout")
    monkeypatch.setitem(environment._STATE, "chapter", None)
    duplicated = {e.name for e in checks.exercises() if e.chapter == "ch03"} & {
        e.name for e in checks.exercises() if e.chapter == "ch04"
    }
    for name in duplicated:
        with pytest.raises(ValueError, match="say which"):
            checks.exercise(name)


def test_results_render_as_one_line_with_a_mark():
    good = checks.check_mse(lambda a, b: np.mean((np.asarray(a) - b) ** 2))
    bad = checks.check_mse(lambda a, b: 0.0)
    assert repr(good).startswith("✔ mse") and repr(bad).startswith("✘ mse")
    assert "<b>✘ mse</b>" in bad._repr_html_()


def test_a_checker_given_the_wrong_number_of_functions_says_so():
    result = checks.check_mse()
    assert not result and "pass 1 function(s) to this check: mse; got 0" in result.message
