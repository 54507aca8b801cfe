"""Preprocessors the grader plugs into nbgrader (loaded by name from the scratch config).

- :class:`TrackedExecute`: nbgrader's ``Execute`` that writes the index and first line of the cell
  it is about to run to ``DEEPVISION_GRADE_PROGRESS``, so that when a kernel dies or a submission
  runs past its wall-time limit the grader knows which cell did it (written by nbgrader's
  process, out of the learner's reach).
- :class:`RedactFeedback`: runs last when nbgrader generates feedback; removes the hidden-test
  blocks from the graded cells' source, shortens their error tracebacks to one line (a traceback
  would quote the failing hidden line) and redacts any hidden-test line a learner's code printed
  (for instance by printing IPython's input history).

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import json
import os

from nbgrader.preprocessors import Execute, NbGraderPreprocessor

from deepvision.grade.submissions import first_line, source_sha

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
REDACTED = "[hidden test line removed from feedback]"
HIDDEN_NOTE = "# (hidden tests ran here; they are not shown in feedback)"


class TrackedExecute(Execute):
    """nbgrader's Execute, logging each cell it starts and each cell that times out."""

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


class RedactFeedback(NbGraderPreprocessor):
    """Keep hidden tests out of feedback (see the module docstring)."""

    def preprocess(self, nb, resources):
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
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    if graded:
                        output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
                    output["traceback"] = [redact_text(t, secrets) for t in output["traceback"]]
                    output["evalue"] = redact_text(output.get("evalue", ""), secrets)
                if "text" in output:
                    output["text"] = redact_text(output["text"], secrets)
                for key, value in dict(output.get("data", {})).items():
                    if isinstance(value, str):
                        output["data"][key] = redact_text(value, secrets)
        return nb, resources
