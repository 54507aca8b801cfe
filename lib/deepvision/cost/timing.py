"""What a computation costs: wall time measured fairly.

Taught in: chapter 06, "Making it fast: im2col".
"""

from __future__ import annotations

import time

from deepvision import validate


def best_time(function, repeats=5):
    """The shortest wall time of ``repeats`` calls of ``function()``, in seconds.

    The minimum, not the mean: other work on the machine only ever adds time, so the fastest run
    is the one closest to what the code itself costs.

    Args:
        function: Called with no arguments.
        repeats: How many times, >= 1.

    Returns:
        float seconds.
    """
    if not callable(function):
        raise ValueError(f"function: expected a function to time, got {type(function).__name__}")
    repeats = validate.integer(repeats, "repeats", minimum=1)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
