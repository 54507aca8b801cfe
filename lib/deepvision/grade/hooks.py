"""Preprocessors the grader plugs into nbgrader (loaded by name from the scratch config).

- :class:`TrackedExecute`: nbgrader's ``Execute`` that writes the index and first line of the cell
  it is about to run to ``DEEPVISION_GRADE_PROGRESS``, so that when a kernel dies or a submission
  runs past its wall-time limit the grader knows which cell did it (written by nbgrader's
  process, out of the learner's reach); it reads the kernel through
  :mod:`deepvision.grade.channels`.
- :class:`RedactFeedback`: runs last when nbgrader generates feedback; removes the guard cells
  the grader inserted and every line of the guard's report, removes the hidden-test blocks from
  the graded cells' source, shortens their error tracebacks to one line (a traceback would quote
  the failing hidden line) and redacts any hidden-test line a learner's code printed (for
  instance by printing IPython's input history).

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import json
import os

from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from deepvision.grade.channels import use_polled_channels
from deepvision.grade.guard import MARKER
from deepvision.grade.submissions import GUARD_PREFIX, GUARD_TAG, first_line, source_sha

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
REDACTED = "[hidden test line removed from feedback]"
HIDDEN_NOTE = "# (hidden tests ran here; they are not shown in feedback)"
#: The first line of every guard cell (:func:`deepvision.grade.submissions.guard_cell`).


class TrackedExecute(Execute):
    """nbgrader's Execute, logging each cell it starts and each cell that times out, and
    reading the kernel through :mod:`deepvision.grade.channels` (a widget cell's reply can
    otherwise go unseen until the cell timeout, and the submission past its wall-time limit)."""

    def create_kernel_manager(self):
        return use_polled_channels(super().create_kernel_manager())

    def _record(self, event, cell, cell_index):
        path = os.environ.get("DEEPVISION_GRADE_PROGRESS")
        if not path or cell is None or cell.cell_type != "code":
            return
        nbgrader = cell.metadata.get("nbgrader", {})
        record = {
            "event": event,
            "index": cell_index,
            "first_line": first_line(cell.source),
            "sha": source_sha(cell.source),
            "grade_id": nbgrader.get("grade_id"),
            "locked": bool(nbgrader.get("locked")),
        }
        with open(path, "a") as handle:
            handle.write(json.dumps(record) + "\n")

    def preprocess_cell(self, cell, resources, index):
        self._current = (cell, index)
        self._record("start", cell, index)
        return super().preprocess_cell(cell, resources, index)

    async def _async_handle_timeout(self, timeout, cell=None):
        current = getattr(self, "_current", (None, None))
        self._record("timeout", *current)
        return await super()._async_handle_timeout(timeout, cell)


def hidden_lines(source: str) -> list[str]:
    """The lines of ``source`` inside hidden-test blocks (stripped, non-trivial ones)."""
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN_HIDDEN):
            inside = True
        elif stripped.startswith(END_HIDDEN):
            inside = False
        elif inside and len(stripped) >= 6:
            lines.append(stripped)
    return lines


def strip_hidden(source: str) -> str:
    """``source`` with each hidden-test block replaced by one comment line."""
    kept, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN_HIDDEN):
            inside = True
            kept.append(HIDDEN_NOTE)
        elif stripped.startswith(END_HIDDEN):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def redact_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def is_guard_cell(cell) -> bool:
    """True for a guard cell the grader inserted (:func:`deepvision.grade.submissions.guard_cell`),
    known by its tag or, should the tag be lost, by its first line."""
    return GUARD_TAG in cell.metadata.get("tags", []) or (
        cell.cell_type == "code" and cell.source.startswith(GUARD_PREFIX)
    )


def drop_guard_lines(text: str) -> str:
    """``text`` without the lines that hold the guard's report (:data:`~deepvision.grade.guard.
    MARKER`)."""
    if MARKER not in text:
        return text
    return "".join(line for line in text.splitlines(keepends=True) if MARKER not in line)


def _clean_text(text: str, secrets: list[str]) -> str:
    return redact_text(drop_guard_lines(text), secrets)


def _clean_output(output, secrets, graded):
    """Redact one output in place; False when nothing of it is left to show."""
    if output.get("output_type") == "error":
        if graded:
            output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        output["traceback"] = [_clean_text(line, secrets) for line in output.get("traceback", [])]
        output["evalue"] = _clean_text(output.get("evalue", ""), secrets)
    if "text" in output:
        output["text"] = _clean_text(output["text"], secrets)
        if output.get("output_type") == "stream" and not output["text"]:
            return False
    data = output.get("data", {})
    for key, value in dict(data).items():
        if isinstance(value, str):
            data[key] = _clean_text(value, secrets)
        elif isinstance(value, list) and all(isinstance(part, str) for part in value):
            data[key] = [_clean_text(part, secrets) for part in value]
    return True


class RedactFeedback(NbGraderPreprocessor):
    """Keep the grading machinery and the hidden tests out of feedback.

    The feedback notebook keeps the learner's cells, the scores, the visible lines of the test
    cells and the messages of failed checks. It loses the guard cells, every output line of the
    guard's report, the hidden-test blocks (each replaced by :data:`HIDDEN_NOTE`), the tracebacks
    of graded cells (cut to ``ename: evalue``) and any hidden-test line printed by other cells.
    """

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not is_guard_cell(cell)]
        secrets = []
        for cell in nb.cells:
            secrets.extend(hidden_lines(cell.source))
        path = os.environ.get("DEEPVISION_GRADE_HIDDEN")
        if path and os.path.exists(path):
            with open(path) as handle:
                secrets.extend(json.load(handle))
        secrets = sorted(set(secrets) | {BEGIN_HIDDEN, END_HIDDEN}, key=len, reverse=True)
        for cell in nb.cells:
            graded = cell.metadata.get("nbgrader", {}).get("grade", False)
            cell.source = redact_text(strip_hidden(cell.source), secrets)
            if "outputs" in cell:
                cell.outputs = [output for output in cell.outputs
                                if _clean_output(output, secrets, graded)]
        return nb, resources
