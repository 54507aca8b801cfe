"""Executing course notebooks headless, for the tests (the kernel runs through
:func:`deepvision.build.execute`, the same function ``build record-outputs`` uses)."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

from deepvision.build import execute, taught_output_differences

ROOT = Path(__file__).resolve().parents[1]

__all__ = [
    "ROOT",
    "errors",
    "execute",
    "nbgrader_meta",
    "record_time",
    "solution_notebooks",
    "student_notebooks",
    "taught_output_differences",
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


def record_time(name, seconds):
    """Append a notebook's wall time to build/notebook-times.json (read by the closing notes).

    The suite runs on several pytest-xdist workers: a lock file keeps their updates whole."""
    out = ROOT / "build" / "notebook-times.json"
    out.parent.mkdir(exist_ok=True)
    with open(out.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        times = json.loads(out.read_text()) if out.exists() else {}
        times[name] = round(seconds, 1)
        out.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")
