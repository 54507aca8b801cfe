"""Every notebook executes: solutions pass their graded cells; student copies fail only where
the learner has work to do, and only with NotImplementedError."""

import pytest

from tests.notebooks import (
    errors,
    execute,
    nbgrader_meta,
    record_time,
    solution_notebooks,
    student_notebooks,
)

pytestmark = pytest.mark.notebook


def _id(path):
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", solution_notebooks(), ids=_id)
def test_solution_notebook_runs_and_passes_its_graded_cells(path):
    notebook, seconds = execute(path)
    record_time(f"solutions/{_id(path)}", seconds)
    failures = [
        f"cell {index} ({nbgrader_meta(cell).get('grade_id', 'ungraded')}): "
        f"{output['ename']}: {output['evalue'][:300]}"
        for index, cell, output in errors(notebook)
    ]
    assert not failures, "\n".join(failures)
    graded = [cell for cell in notebook.cells if nbgrader_meta(cell).get("grade")]
    assert len(graded) >= 5, f"{_id(path)}: expected at least 5 graded cells, found {len(graded)}"


@pytest.mark.parametrize("path", student_notebooks(), ids=_id)
def test_student_notebook_fails_only_in_exercises(path):
    notebook, seconds = execute(path)
    record_time(f"chapters/{_id(path)}", seconds)
    failed = {index: output for index, _, output in errors(notebook)}
    wrong_kind = [
        f"cell {index}: {output['ename']}: {output['evalue'][:300]}"
        for index, output in failed.items()
        if output["ename"] != "NotImplementedError"
    ]
    assert not wrong_kind, "scaffolding errors (not the learner's work):\n" + "\n".join(wrong_kind)
    # every graded cell fails until the learner writes the code (a stub is never worth points)
    graded_cells = [i for i, c in enumerate(notebook.cells) if nbgrader_meta(c).get("grade")]
    passed = sorted(set(graded_cells) - set(failed))
    assert not passed, f"graded cells {passed} pass on an untouched notebook"
