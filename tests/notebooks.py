"""Executing course notebooks headless, for the tests (the kernel runs through
:func:`deepvision.build.execute`, the same function ``build record-outputs`` uses)."""

from __future__ import annotations

import fcntl
import itertools
import json
import shutil
import subprocess
from pathlib import Path

from deepvision.build import execute, taught_output_differences

ROOT = Path(__file__).resolve().parents[1]

__all__ = [
    "ROOT",
    "errors",
    "execute",
    "nbgrader_meta",
    "phases",
    "record_time",
    "solution_notebooks",
    "student_notebooks",
    "taught_output_differences",
    "tracked_copy",
]


def solution_notebooks():
    return sorted((ROOT / "solutions").glob("ch*/*.ipynb"))


def student_notebooks():
    return sorted((ROOT / "chapters").glob("ch*/*.ipynb"))


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def errors(notebook):
    """(cell index, cell, error output) for every cell that raised."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((index, cell, output))
    return found


def _update(out: Path, name, value):
    """Set ``name`` in the JSON file ``out``. The suite runs on several pytest-xdist workers: a
    lock file keeps their updates whole."""
    out.parent.mkdir(exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        times = json.loads(out.read_text()) if out.exists() else {}
        times[name] = value
        out.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")


def record_time(name, seconds, notebook=None):
    """Append a notebook's wall time to build/notebook-times.json (read by the closing notes).

    Given the executed notebook, also where that time went (:func:`phases`), in
    build/notebook-phases.json: a run much slower than usual shows there whether the kernel's
    start, one cell, the waits between cells or the shutdown took it."""
    _update(ROOT / "build" / "notebook-times.json", name, round(seconds, 1))
    if notebook is not None:
        _update(ROOT / "build" / "notebook-phases.json", name, phases(notebook, seconds))


def _stamp(text):
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def phases(notebook, seconds, slowest=3):
    """Where a run's ``seconds`` went, from the timestamps nbclient records in each code cell.

    Returns a dict of seconds: ``cells`` (the kernel busy, summed over cells), ``between`` (from
    one cell's idle to the next one's busy: the client sending, the kernel picking the request
    up), ``outside`` (before the first cell and after the last: kernel start and shutdown),
    and ``slowest``: the ``slowest`` cells and gaps, as ``[label, seconds]`` pairs (``"cell 39"``
    or ``"before cell 39"``)."""
    spans = []
    for index, cell in enumerate(notebook.cells):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.status.busy" in stamps and "iopub.status.idle" in stamps:
            spans.append(
                (index, _stamp(stamps["iopub.status.busy"]), _stamp(stamps["iopub.status.idle"]))
            )
    if not spans:
        return {"cells": 0.0, "between": 0.0, "outside": round(seconds, 1), "slowest": []}
    parts = [(f"cell {index}", idle - busy) for index, busy, idle in spans]
    gaps = [(f"before cell {b[0]}", b[1] - a[2]) for a, b in itertools.pairwise(spans)]
    cells, between = sum(t for _, t in parts), sum(t for _, t in gaps)
    worst = sorted(parts + gaps, key=lambda part: -part[1])[:slowest]
    return {
        "cells": round(cells, 1),
        "between": round(between, 1),
        "outside": round(seconds - (spans[-1][2] - spans[0][1]), 1),
        "slowest": [[label, round(t, 1)] for label, t in worst],
    }


def tracked_copy(target: Path) -> Path:
    """The files git tracks or would track (what CI's clean clone holds), copied to ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target
