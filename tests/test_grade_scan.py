"""The suspicious-code scan (deepvision.grade.submissions.scan): honest work is never flagged,
each pattern catches what it is there for, and each note says where (seconds, no kernel)."""

from __future__ import annotations

import nbformat
import pytest

from deepvision import build, environment
from deepvision.grade import submissions as subs

ROOT = build.repo_root()
CHAPTERS = build.assignments()
REASONS = [reason for _, reason in subs.SUSPICIOUS]

#: For each entry of SUSPICIOUS (by its reason): a snippet that a tamperer could write, and the
#: text the scan must quote.
HOSTILE = {
    "assigns to a library name": ("np.testing.assert_allclose = lambda *args, **kwargs: None",
                                  "np.testing.assert_allclose ="),
    "setattr": ('object.__setattr__(checks, "check_softmax", lambda f: True)', "__setattr__"),
    "rewrites function internals": ("checks.check_mse.__defaults__ = (0.0,)", "__defaults__"),
    "touches builtins": ('__builtins__.__dict__["bool"] = lambda value=False: True',
                         "__builtins__"),
    "touches sys.modules": ('sys.modules["deepvision.checks"] = fake', "sys.modules"),
    "hooks IPython": ('get_ipython().events.register("post_run_cell", hide)', "events.register"),
    "hooks the interpreter": ("sys.excepthook = lambda *args: None", "excepthook"),
    "kills or signals the process": ("signal.signal(signal.SIGINT, signal.SIG_IGN)",
                                     "signal.signal"),
    "exits the interpreter": ("raise SystemExit(0)", "SystemExit"),
    "low-level import or memory access": ('checks = __import__("types").SimpleNamespace()',
                                          "__import__"),
    "runs generated code": ('exec("checks.check_softmax = lambda f: True")', "exec("),
    "mentions the grader's guard": ("from deepvision.grade import guard", "deepvision.grade"),
    "reads cell history or frames": ('print("\\n".join(In))', "In)"),
}

#: More ways to write what a pattern is there to catch: (snippet, reason, quoted text).
VARIANTS = [
    ("deepvision.checks.ch01.check_softmax = lambda f: True", "assigns to a library name",
     "deepvision.checks.ch01.check_softmax ="),
    ("checks.check_softmax=lambda f: True", "assigns to a library name", "checks.check_softmax="),
    ('setattr(checks, "check_softmax", lambda f: True)', "setattr", "setattr("),
    ("f.__code__ = g.__code__", "rewrites function internals", "__code__"),
    ("import builtins", "touches builtins", "builtins"),
    ("get_ipython().set_custom_exc((Exception,), quiet)", "hooks IPython", "set_custom_exc"),
    ("import os\nos._exit(1)", "kills or signals the process", "os._exit"),
    ("os.kill(os.getpid(), 9)", "kills or signals the process", "os.kill"),
    ("import sys\nsys.exit(3)", "exits the interpreter", "sys.exit"),
    ("exit()", "exits the interpreter", "exit("),
    ("quit ()", "exits the interpreter", "quit ("),
    ("eval(source)", "runs generated code", "eval("),
    ("x = (compile(source, '<x>', 'exec'))", "runs generated code", "compile("),
    ("lambda: exec (code)", "runs generated code", "exec ("),
    ("print(_ih[-1])", "reads cell history or frames", "_ih"),
    ("text = _i3", "reads cell history or frames", "_i3"),
    ("print(In[5])", "reads cell history or frames", "In["),
    ("caller = sys._getframe(1).f_globals", "reads cell history or frames", "_getframe"),
    ("import inspect\nframe = inspect.currentframe()", "reads cell history or frames",
     "inspect."),
    ("import deepvision.grade.guard as g", "mentions the grader's guard", "deepvision.grade"),
]

#: Code an honest learner writes that looks like a pattern.
HONEST = [
    'model.compile(optimizer="adam")',
    'model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])',
    "results = model.evaluate(x, y)",
    "loss, accuracy = model.evaluate(x_test, y_test, verbose=0)",
    "layer.eval()",
    "np.random.seed(0)",
    'accuracy = history.history["accuracy"]',
    "history = model.fit(x, y, epochs=epochs)",
    "x_i = x[i]",
    "in_features = x.shape[-1]",
    "self._i = 0",
    "for _i in range(3):\n    pass",
    'print("In this run the loss fell")',
    'print(f"In epoch {epoch}: {loss:.3f}")',
    "def compile(self, learning_rate):\n    return learning_rate",
    "def compile_mlp(model):\n    model.compile(optimizer=keras.optimizers.SGD())",
    "assert np.pi == 3.141592653589793",
    "out = np.exp(x) / np.exp(x).sum()",
    "from scipy import signal\nout = signal.convolve2d(x, w, mode='valid')",
    "out = scipy.signal.correlate2d(x, w)",
    "stack.exit(None, None, None)",
    "ops.conv2d(x, w, stride=1)",
]


def _notebook(chapter: str, folder: str):
    (path,) = sorted((ROOT / folder / chapter).glob("*.ipynb"))
    return nbformat.read(str(path), as_version=4)


def _learner_notebook(source: str):
    """A notebook whose second cell, one line into it, is ``source``."""
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# My answers"),
        nbformat.v4.new_code_cell("scores = [1.0, 2.0]\n" + source),
    ])


def test_chapters_are_discovered():
    assert CHAPTERS and CHAPTERS == sorted(CHAPTERS)
    for chapter in CHAPTERS:
        assert _notebook(chapter, "chapters").cells


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_reference_solutions_are_not_flagged(chapter):
    released = _notebook(chapter, "chapters")
    released_sources = {cell.source for cell in released.cells}
    assert subs.scan(_notebook(chapter, "solutions"), released_sources) == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_course_cell_is_flagged_when_a_learner_edits_it(chapter):
    """A learner may change any cell (other epochs, another optimizer): only the setup cell,
    which a learner has no reason to touch, is left out."""
    solution = _notebook(chapter, "solutions")
    assert subs.scan(solution, {environment.setup_cell(chapter)}) == []


def test_every_pattern_has_a_hostile_snippet():
    assert set(HOSTILE) == set(REASONS) and len(REASONS) == len(set(REASONS))


@pytest.mark.parametrize("reason", REASONS)
def test_each_pattern_catches_a_hostile_snippet(reason):
    snippet, quoted = HOSTILE[reason]
    found = subs.scan(_learner_notebook(snippet), set())
    assert f"suspicious code in cell 2, line 2 ({reason}): {quoted!r}" in found, found


@pytest.mark.parametrize("snippet,reason,quoted", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_each_pattern_catches_other_ways_to_write_it(snippet, reason, quoted):
    line = 2 + snippet[: snippet.index(quoted)].count("\n")
    found = subs.scan(_learner_notebook(snippet), set())
    assert f"suspicious code in cell 2, line {line} ({reason}): {quoted!r}" in found, found


@pytest.mark.parametrize("snippet", HONEST)
def test_honest_look_alikes_are_not_flagged(snippet):
    assert subs.scan(_learner_notebook(snippet), set()) == []


def test_notes_name_cell_line_reason_and_text_in_line_order():
    source = 'model.compile(optimizer="adam")\nx = 1\nexec(code)\nsys.exit(0)'
    cells = [nbformat.v4.new_markdown_cell(f"Section {n}") for n in range(11)]
    notebook = nbformat.v4.new_notebook(cells=[*cells, nbformat.v4.new_code_cell(source)])
    assert subs.scan(notebook, set()) == [
        "suspicious code in cell 12, line 3 (runs generated code): 'exec('",
        "suspicious code in cell 12, line 4 (exits the interpreter): 'sys.exit'",
    ]


def test_released_cells_and_markdown_are_not_read():
    exiting = "import sys\nsys.exit(3)"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(exiting),
        nbformat.v4.new_markdown_cell("Never call `exec(` in an exercise."),
    ])
    assert subs.scan(notebook, {exiting}) == []
