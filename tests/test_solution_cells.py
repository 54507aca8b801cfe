"""Every solution cell of every chapter passes its exercise's checker and its graded cell, with
no kernel: the notebook's import cells, then each solution cell and the graded cell after it, run
in one namespace. Fast enough for every edit; the kernels of test_notebooks.py do the rest.

A graded cell whose hidden tests use a variable of the notebook (a photo loaded earlier, a batch)
cannot run here; it runs in the kernel tests. Every chapter runs at least one graded cell here.
"""

import ast
import builtins
import json

import pytest

from deepvision import checks
from tests.notebooks import ROOT, nbgrader_meta

NOTEBOOKS = sorted((ROOT / "solutions").glob("ch*/*.ipynb"))


def _source(cell):
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _imports(source):
    """The import statements at the top level of a cell (the setup cell's %pip is skipped)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # the setup cell (IPython's %pip) is not plain Python
        return ""
    return "\n".join(
        ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
    )


def _exercise_cells(path):
    """(the import statements of its other cells, [(grade_id, solution, graded cell)])."""
    cells = json.loads(path.read_text())["cells"]
    imports = [
        _imports(_source(c)) for c in cells if c["cell_type"] == "code" and not nbgrader_meta(c)
    ]
    imports = [source for source in imports if source]
    exercises = []
    for index, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if not meta.get("solution") or cell["cell_type"] != "code":
            continue
        graded = next(
            (
                _source(c)
                for c in cells[index + 1 :]
                if nbgrader_meta(c).get("grade_id") == f"{meta['grade_id']}_test"
            ),
            None,
        )
        exercises.append((meta["grade_id"], _source(cell), graded))
    return imports, exercises


def _free_names(source):
    """Names a cell reads but does not assign itself."""
    tree = ast.parse(source)
    assigned = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    assigned |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assigned |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loaded - assigned - set(dir(builtins))


def _param(path):
    imports, _ = _exercise_cells(path)
    needs_keras = any("keras" in source or "tensorflow" in source for source in imports)
    return pytest.param(path, marks=[pytest.mark.keras] if needs_keras else [], id=path.parent.name)


@pytest.mark.parametrize("path", [_param(p) for p in NOTEBOOKS])
def test_every_solution_cell_passes_its_checker_and_its_graded_cell(path):
    chapter = path.parent.name
    imports, exercises = _exercise_cells(path)
    assert exercises, f"{chapter}: no solution cells found"
    namespace = {"__name__": f"solution_{chapter}"}
    for source in imports:
        exec(compile(source, f"{chapter} imports", "exec"), namespace)
    ran = 0
    for grade_id, solution, graded in exercises:
        exec(compile(solution, f"{chapter} {grade_id}", "exec"), namespace)
        exercise = checks.exercise(grade_id, chapter)
        missing = [name for name in exercise.answers if name not in namespace]
        assert not missing, f"{chapter}/{grade_id}: the solution cell does not define {missing}"
        result = exercise.check(*(namespace[name] for name in exercise.answers))
        assert result, f"{chapter}/{grade_id}: {result.message}"
        assert graded is not None, f"{chapter}/{grade_id}: no graded cell {grade_id}_test"
        if not _free_names(graded) - set(namespace):
            exec(compile(graded, f"{chapter} {grade_id}_test", "exec"), namespace)
            ran += 1
    assert ran >= 1, f"{chapter}: none of its {len(exercises)} graded cells could run here"


def test_every_exercise_is_declared_and_every_declaration_is_an_exercise():
    in_notebooks = {
        (path.parent.name, grade_id)
        for path in NOTEBOOKS
        for grade_id, _, _ in _exercise_cells(path)[1]
    }
    declared = {(e.chapter, e.name) for e in checks.exercises()}
    assert in_notebooks - declared == set(), "solution cells with no declared exercise"
    assert declared - in_notebooks == set(), "declared exercises with no solution cell"
