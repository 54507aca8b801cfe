"""nbgrader configuration of the deepvision course.

nbgrader has no --config flag: it reads this file from the working directory, so run every
nbgrader command from autograder/ (``cd autograder && nbgrader ...``) or through
``python -m deepvision.build`` / ``python -m deepvision.grade``, which do that for you.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# Kernels started by the nbgrader command line inherit its environment. Headless kernels that
# draw with matplotlib's inline backend can stall in the widget cells (a CI run of plain
# `nbgrader autograde ch01` hung for 600 s in one); the grading command already draws with Agg.
# Only for the `nbgrader` command: a JupyterLab started here (formgrader) keeps inline plots.
if os.path.basename(sys.argv[0]) == "nbgrader":
    os.environ.setdefault("MPLBACKEND", "Agg")

here = os.path.dirname(os.path.abspath(__file__))
root = os.environ.get("DEEPVISION_COURSE_ROOT", os.path.dirname(here))

c.CourseDirectory.course_id = "deepvision"
c.CourseDirectory.root = root
# solutions/chNN/*.ipynb (instructor source) -> chapters/chNN/*.ipynb (student copies)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "chapters"
c.CourseDirectory.db_url = os.environ.get(
    "DEEPVISION_GRADEBOOK", f"sqlite:///{os.path.join(here, 'gradebook.db')}"
)

# Training cells take longer than nbgrader's default of 30 s per cell.
c.Execute.timeout = int(os.environ.get("DEEPVISION_CELL_TIMEOUT", "600"))
c.Execute.interrupt_on_timeout = True
# A test cell the learner deleted is put back (and graded) instead of silently scoring nothing.
c.OverwriteCells.add_missing_cells = True

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
