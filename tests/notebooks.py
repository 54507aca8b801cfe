"""Executing course notebooks headless, for the tests (the kernel runs through
:func:`deepvision.build.execute`, the same function ``build record-outputs`` uses)."""

from __future__ import annotations

import fcntl
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
