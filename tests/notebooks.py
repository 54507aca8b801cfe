"""Executing course notebooks headless, for the tests."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def solution_notebooks():
    return sorted((ROOT / "solutions").glob("ch*/*.ipynb"))


def student_notebooks():
    return sorted((ROOT / "chapters").glob("ch*/*.ipynb"))


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def execute(path, timeout=300):
    """Run a notebook top to bottom in a fresh kernel, errors allowed.

    The kernel draws with matplotlib's Agg backend: with the inline backend, headless kernels
    driven by nbclient here stalled now and then for a whole cell timeout (twice in about twenty
    suite runs, in widget cells) although every cell had finished. What a learner sees inline is
    checked by tests/test_browser.py in a real JupyterLab instead.

    Returns:
        ``(notebook, seconds)``: the executed notebook and its wall time.
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"  # inherited by the kernel this client starts
    try:
        start = time.perf_counter()
        client.execute()
        return notebook, time.perf_counter() - start
    finally:
        if previous is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = previous


def errors(notebook):
    """(cell index, cell, error output) for every cell that raised."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append((index, cell, output))
    return found


def record_time(name, seconds):
    """Append a notebook's wall time to build/notebook-times.json (read by the closing notes)."""
    out = ROOT / "build" / "notebook-times.json"
    out.parent.mkdir(exist_ok=True)
    times = json.loads(out.read_text()) if out.exists() else {}
    times[name] = round(seconds, 1)
    out.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")
