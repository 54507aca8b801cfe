"""Timing is measured as the best of several runs."""

import pytest

from deepvision.cost import best_time


def test_best_time_is_the_fastest_of_the_runs():
    calls = []
    seconds = best_time(lambda: calls.append(1), repeats=4)
    assert len(calls) == 4 and 0 <= seconds < 0.1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("f", 2), "function: expected a function"),
        ((print, 0), "repeats: expected an integer >= 1"),
    ],
)
def test_bad_input_is_named(args, words):
    with pytest.raises(ValueError, match=words):
        best_time(*args)
