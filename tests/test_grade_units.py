"""Unit tests of the grader's parts that need no nbgrader run (seconds)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from deepvision import checks
from deepvision.grade import cli, guard, hooks
from deepvision.grade import submissions as subs

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "ch01" / "01_machine_learning_basics.ipynb"
RELEASED = ROOT / "chapters" / "ch01" / "01_machine_learning_basics.ipynb"


def _read(path):
    return nbformat.read(str(path), as_version=4)


def _grade_ids(notebook):
    return [subs.nbgrader_meta(c).get("grade_id") for c in notebook.cells]


def test_parse_size_reads_units_and_rejects_nonsense():
    assert cli.parse_size("1.5G") == int(1.5 * 1024**3)
    assert cli.parse_size("800M") == 800 * 1024**2
    with pytest.raises(argparse.ArgumentTypeError, match="memory"):
        cli.parse_size("lots")
    with pytest.raises(argparse.ArgumentTypeError, match="at least"):
        cli.parse_size("10M")


def test_plain_folder_naming_rule(tmp_path):
    for name in ("alice.ipynb", "bob_ch01.ipynb", "carol-ch02_final.ipynb", "dave_ch01_v2.ipynb",
                 "bad name.ipynb"):
        (tmp_path / name).write_text("{}")
    found, skipped = subs.discover(tmp_path, ["ch01"])
    assert {(s.student, s.chapter) for s in found} == {("alice", "ch01"), ("bob", "ch01"),
                                                       ("dave", "ch01")}
    assert all(s.lms for s in found)
    assert any("bad name" in line for line in skipped)
    found, skipped = subs.discover(tmp_path, ["ch01", "ch02"])
    assert ("carol", "ch02") in {(s.student, s.chapter) for s in found}
    assert any("alice.ipynb: no chapter" in line for line in skipped)


def test_nbgrader_layout_keeps_timestamps(tmp_path):
    folder = tmp_path / "alice" / "ch01"
    folder.mkdir(parents=True)
    (folder / "whatever.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text("2026-01-02 10:00:00\n")
    (tmp_path / "bob" / "ch01").mkdir(parents=True)
    found, _ = subs.discover(tmp_path, ["ch01"])
    by_student = {s.student: s for s in found}
    assert by_student["alice"].timestamp == "2026-01-02 10:00:00"
    assert by_student["bob"].files == []
    assert not by_student["alice"].lms


@pytest.mark.parametrize("content,words", [
    (b"", "empty file"),
    (b'{"cells": [', "not valid notebook JSON"),
    (b"[1, 2]", "no list of cells"),
    (b'{"cells": [{"cell_type": "alien", "source": "", "metadata": {}}]}', "damaged cell"),
])
def test_damaged_notebooks_are_unreadable(tmp_path, content, words):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(subs.Unreadable, match=words):
        subs.read_notebook(path)


def test_prepare_restores_deleted_tests_and_flags_edits():
    released, solution = _read(RELEASED), _read(SOLUTION)
    names = subs.import_names(solution)
    assert names["checks"] == ("deepvision", "checks") and names["np"] == ("numpy", None)
    notebook = _read(RELEASED)
    ids = _grade_ids(notebook)
    del notebook.cells[ids.index("softmax_test")]
    notebook.cells[ids.index("mse_test")].source = "assert True"
    stray = nbformat.v4.new_code_cell("x = 1")
    stray.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100}
    notebook.cells.append(stray)
    prepared, notes = subs.prepare(notebook, released, names)
    assert any("'softmax_test' was deleted" in n for n in notes)
    assert any("'mse_test' was edited" in n for n in notes)
    assert any("'bonus'" in n for n in notes)
    ids = _grade_ids(prepared)
    assert ids.index("softmax") < ids.index("softmax_test") < ids.index("cross_entropy")
    graded = [i for i, c in enumerate(prepared.cells) if subs.nbgrader_meta(c).get("grade")]
    released_graded = [c for c in _read(RELEASED).cells if subs.nbgrader_meta(c).get("grade")]
    assert len(graded) == len(released_graded)  # the deleted one back, the stray one gone
    for index in graded:
        assert guard.MARKER.rstrip(":") in prepared.cells[index - 1].metadata["tags"][0]
    assert "bonus" not in ids


def test_prepare_accepts_the_instructors_version_and_neutralizes_skipped_cells():
    released, solution = _read(RELEASED), _read(SOLUTION)
    accepted = {subs.nbgrader_meta(c)["grade_id"]: {c.source} for c in solution.cells
                if subs.nbgrader_meta(c).get("grade_id")}
    notebook = _read(SOLUTION)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    skip = {subs.source_sha("import os\nos._exit(1)"): "skipped", "grade:mse_test": "no"}
    prepared, notes = subs.prepare(notebook, released, {}, skip, accepted)
    assert notes == []
    assert any(c.source == "raise RuntimeError('skipped')" for c in prepared.cells)
    guard_before_mse = prepared.cells[_grade_ids(prepared).index("mse_test") - 1]
    assert "skip_next=('result = checks.check_mse(mse)', 'no')" in guard_before_mse.source


def test_scan_flags_tampering_but_not_honest_work():
    released = _read(RELEASED)
    sources = {c.source for c in released.cells}
    assert subs.scan(_read(SOLUTION), sources) == []
    notebook = _read(SOLUTION)
    notebook.cells.append(nbformat.v4.new_code_cell("checks.check_softmax = lambda f: True"))
    notebook.cells.append(nbformat.v4.new_code_cell("get_ipython().set_custom_exc((), None)"))
    found = subs.scan(notebook, sources)
    assert any("assigns to a library name" in f for f in found)
    assert any("hooks IPython" in f for f in found)


@pytest.fixture
def armed_guard():
    guard.snapshot()
    yield
    guard._SNAPSHOT = None


def test_guard_puts_back_monkeypatched_checkers(armed_guard):
    import builtins

    import deepvision.checks._core as core
    import deepvision.checks.ch01 as ch01

    original_check, original_allclose = ch01.check_softmax, np.allclose
    original_code, original_bool = core.run.__code__, builtins.bool
    ch01.check_softmax = checks.check_mse = lambda f: True
    np.allclose = lambda *a, **k: True
    core.run.__code__ = (lambda name, cases: True).__code__
    builtins.bool = lambda value=False: True
    changed = guard.restore()
    restored_bool = builtins.bool
    builtins.bool = original_bool  # in case the guard failed, keep pytest working
    assert restored_bool is original_bool
    assert ch01.check_softmax is original_check and np.allclose is original_allclose
    assert core.run.__code__ is original_code
    assert not checks.check_mse(lambda a, b: 0.0)
    for name in ("deepvision.checks.ch01.check_softmax", "deepvision.checks.check_mse",
                 "numpy.allclose", "builtins.bool", "run.__code__"):
        assert any(name in item for item in changed), (name, changed)
    assert [item for item in guard.restore() if not item.startswith("sys.std")] == []


def test_redaction_removes_hidden_tests_from_sources_outputs_and_tracebacks():
    solution = _read(SOLUTION)
    secrets = [line for c in solution.cells for line in hooks.hidden_lines(c.source)]
    assert secrets
    cell = next(c for c in solution.cells if subs.nbgrader_meta(c).get("grade"))
    cell.outputs = [
        nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                               traceback=["Traceback", hooks.hidden_lines(cell.source)[0]]),
    ]
    printer = nbformat.v4.new_code_cell("print(_ih)")
    printer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="\n".join(secrets))]
    solution.cells.append(printer)
    redacted, _ = hooks.RedactFeedback().preprocess(solution, {})
    text = json.dumps(redacted)
    assert not [line for line in secrets if json.dumps(line)[1:-1] in text]
    assert "BEGIN HIDDEN TESTS" not in text and hooks.REDACTED in text
    assert cell.outputs[0]["traceback"] == ["AssertionError: "]


GUARD_REPORT = f"{guard.MARKER} armed; nothing to restore\n"
VISIBLE_TEST = "result = checks.check_softmax(softmax)\nassert result, result.message"
HIDDEN_TEST = "assert np.allclose(softmax(np.zeros(3)), 1 / 3)"
CHECK_MESSAGE = "softmax: the outputs do not sum to 1 along the last axis"


def _graded_notebook():
    """A graded notebook as nbgrader hands it to feedback: an answer cell, a guard cell (and one
    whose tag was lost) before a failed test cell with a hidden block."""
    answer = nbformat.v4.new_code_cell("def softmax(scores):\n    return scores\nprint('hi')")
    answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n" + GUARD_REPORT)]
    guard_cell = subs.guard_cell({"checks": ("deepvision", "checks")})
    guard_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=GUARD_REPORT)]
    untagged = subs.guard_cell({})
    untagged.metadata["tags"] = []
    test = nbformat.v4.new_code_cell(
        f"{VISIBLE_TEST}\n{hooks.BEGIN_HIDDEN}\n{HIDDEN_TEST}\n{hooks.END_HIDDEN}"
    )
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "softmax_test", "points": 2,
                                 "locked": True, "solution": False}
    test.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=GUARD_REPORT),
        nbformat.v4.new_output("error", ename="AssertionError", evalue=CHECK_MESSAGE,
                               traceback=["Traceback", f"----> 4 {HIDDEN_TEST}", CHECK_MESSAGE]),
    ]
    return nbformat.v4.new_notebook(cells=[answer, guard_cell, untagged, test])


def test_feedback_shows_no_guard_cell_no_guard_report_and_no_hidden_test(monkeypatch):
    monkeypatch.delenv("DEEPVISION_GRADE_HIDDEN", raising=False)
    redacted, _ = hooks.RedactFeedback().preprocess(_graded_notebook(), {})
    text = json.dumps(redacted)
    assert subs.GUARD_TAG not in text and "Inserted by the grader" not in text
    assert guard.MARKER not in text and "_dv_guard" not in text
    assert HIDDEN_TEST not in text and "HIDDEN TESTS" not in text
    answer, test = redacted.cells
    assert answer.outputs[0]["text"] == "hi\n"
    assert test.source.startswith(VISIBLE_TEST + "\n") and hooks.HIDDEN_NOTE in test.source
    assert [o["output_type"] for o in test.outputs] == ["error"]
    assert test.outputs[0]["evalue"] == CHECK_MESSAGE
    assert test.outputs[0]["traceback"] == [f"AssertionError: {CHECK_MESSAGE}"]


def test_feedback_keeps_the_learners_notebook_and_the_test_cells():
    solution = _read(SOLUTION)
    prepared, _ = subs.prepare(_read(SOLUTION), _read(RELEASED), subs.import_names(solution))
    assert any(hooks.is_guard_cell(c) for c in prepared.cells)
    redacted, _ = hooks.RedactFeedback().preprocess(prepared, {})
    assert [c.cell_type for c in redacted.cells] == [c.cell_type for c in solution.cells]
    assert _grade_ids(redacted) == _grade_ids(solution)
    for kept, original in zip(redacted.cells, solution.cells, strict=True):
        assert kept.source == hooks.strip_hidden(original.source)


def _peak_after(limit, code):
    script = textwrap.dedent(f"""
        from deepvision.grade.kernel import apply_limits
        apply_limits({limit})
        import numpy as np
        try:
{textwrap.indent(textwrap.dedent(code), " " * 12)}
            print("not stopped")
        except MemoryError:
            print("stopped")
        status = open("/proc/self/status").read().split("\\n")
        print([line for line in status if line.startswith("VmHWM")][0].split()[1])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    lines = result.stdout.split()
    return lines[0], int(lines[-1]) * 1024


@pytest.mark.parametrize("code", [
    "huge = np.ones(400_000_000)",  # 3.2 GB at once
    "blocks = []\nwhile True:\n    blocks.append(np.ones(10**7))",  # 80 MB at a time, forever
])
def test_kernel_memory_limit_really_bounds_memory(code):
    limit = 512 * 1024**2
    outcome, peak = _peak_after(limit, code)
    assert outcome == "stopped"
    assert peak < limit + 200 * 1024**2, f"peak resident memory {peak / 1024**2:.0f} MB"


def test_the_walls_bind_only_what_the_kernel_needs(tmp_path):
    from deepvision.grade import walls

    box = "/tmp/dvg-test"
    spec = walls.Spec(box=box, read_only=walls.read_only_paths(str(tmp_path)), uid=61000,
                      env=walls.kernel_environment(box, str(tmp_path), "1"))
    command = walls.bwrap_command(spec, ["python", "-m", "deepvision.grade.kernel"])
    binds = [command[i + 2] for i, word in enumerate(command) if word in ("--ro-bind", "--bind")]
    assert str(ROOT / "lib") in binds and str(tmp_path) in binds and box in binds
    assert not [b for b in binds if b in (str(ROOT), str(ROOT / "solutions"),
                                          str(ROOT / "autograder"), str(Path.home()))]
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent",
                 "--clearenv", "--remount-ro"):
        assert flag in command
    assert command[command.index("--chdir") + 1] == box
    assert command[-3:] == ["python", "-m", "deepvision.grade.kernel"]
    env = {command[i + 1]: command[i + 2] for i, word in enumerate(command) if word == "--setenv"}
    assert env == spec.env and env["HOME"] == env["TMPDIR"] == box
    assert env["DEEPVISION_DATA_DIR"] == str(tmp_path) and env["DEEPVISION_QUICK"] == "1"
    assert not [k for k in env if k.startswith(("DEEPVISION_GRADE", "JUPYTER", "JPY"))]


def test_read_only_paths_keep_the_outermost_of_nested_folders(tmp_path):
    from deepvision.grade import walls

    paths = walls.read_only_paths(str(tmp_path))
    assert len(paths) == len(set(paths))
    for path in paths:
        assert not [p for p in paths if p != path and path.startswith(p.rstrip("/") + "/")]


def test_the_kernel_takes_its_options_and_passes_the_rest_to_ipykernel():
    from deepvision.grade.kernel import split_options

    options, rest = split_options(["--memory", "1024", "-f", "conn.json", "--uid", "61001",
                                   "--processes", "64"])
    assert options == {"memory": 1024, "uid": 61001, "processes": 64}
    assert rest == ["-f", "conn.json"]


def test_disk_sizes_are_read_and_checked():
    assert cli.parse_disk("64M") == 64 * 1024**2
    with pytest.raises(argparse.ArgumentTypeError, match="at least 16M"):
        cli.parse_disk("1M")
    with pytest.raises(argparse.ArgumentTypeError, match="disk: expected a size"):
        cli.parse_disk("plenty")


def test_cluster_addresses_are_read_and_checked():
    assert cli.parse_cluster("local:2") == "local:2"
    assert cli.parse_cluster(" tcp://grader:8786 ") == "tcp://grader:8786"
    for wrong in ("local:0", "local:two", "local:", "", "tcp://a b"):
        with pytest.raises(argparse.ArgumentTypeError, match="cluster: expected"):
            cli.parse_cluster(wrong)


def test_a_course_version_is_relative_and_its_differences_are_named(tmp_path):
    pytest.importorskip("distributed")
    from deepvision.grade.cluster import course_version, differences

    (tmp_path / "mnist.npz").write_bytes(b"12345")
    (tmp_path / "cifar10.npz").write_bytes(b"123")
    mine = course_version(ROOT, ["ch01"], str(tmp_path))
    assert "deepvision/grade/cluster.py" in mine["package"]
    assert {"chapters/ch01/01_machine_learning_basics.ipynb",
            "solutions/ch01/01_machine_learning_basics.ipynb",
            "autograder/nbgrader_config.py"} == set(mine["notebooks"])
    assert mine["datasets"] == {"mnist.npz": "5", "cifar10.npz": "3"}
    assert {"python", "numpy", "nbgrader", "distributed"} <= set(mine["software"])
    assert differences(mine, course_version(ROOT, ["ch01"], str(tmp_path))) == []
    theirs = json.loads(json.dumps(mine))
    theirs["package"]["deepvision/grade/cli.py"] = "0" * 16
    del theirs["datasets"]["cifar10.npz"]
    theirs["software"]["numpy"] = "1.0.0"
    theirs["notebooks"]["solutions/ch02/extra.ipynb"] = "0" * 16
    found = differences(mine, theirs)
    assert found == [
        "the deepvision package: 1 files differ (deepvision/grade/cli.py)",
        "the chapters' notebooks: only there: solutions/ch02/extra.ipynb",
        "the datasets (DEEPVISION_DATA_DIR): missing there: cifar10.npz",
        f"the software: numpy {mine['software']['numpy']} here, 1.0.0 there",
    ]


def test_a_result_is_written_in_place_of_the_old_folder_and_never_outside(tmp_path):
    import pickle

    from deepvision.grade.pool import Result, pack, write_files
    from deepvision.grade.sandbox import Outcome

    target = tmp_path / "feedback" / "alice" / "ch01"
    target.mkdir(parents=True)
    (target / "stale.html").write_text("old")
    write_files({"page.html": b"<p>new</p>", "img/plot.png": b"png"}, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) \
        == ["img/plot.png", "page.html"]
    with pytest.raises(ValueError, match="outside"):
        write_files({"../../bob/ch01/page.html": b"x"}, target)
    failed = pack(Outcome("alice", "ch01", "failed", reason="why", scratch=tmp_path))
    assert failed.grades is None and failed.files == {} and failed.outcome.scratch is None
    assert pickle.loads(pickle.dumps(failed)) == Result(failed.outcome)


@pytest.mark.skipif(os.getuid() != 0, reason="sandbox users are given out by root only")
def test_two_graders_on_one_machine_never_give_a_sandbox_user_twice(tmp_path):
    """Two RunDirectories stand for two Dask worker processes of one machine: each counts from
    the same first user, and the lock files keep their sandboxes' users apart."""
    from deepvision.grade.sandbox import Limits, RunDirectory

    first, second = (RunDirectory(tmp_path / name, ROOT, Limits()) for name in ("a", "b"))
    held = [first.new_uid(), second.new_uid(), first.new_uid(), second.new_uid()]
    assert len(set(held)) == 4
    first.release_uid(held[0])
    again = RunDirectory(tmp_path / "c", ROOT, Limits())
    assert again.new_uid() == held[0]  # given back: free for the next sandbox
    assert second.new_uid() not in held


def test_the_alembic_head_read_in_process_is_the_one_the_alembic_command_prints():
    """Registering stamps new gradebooks with :func:`runner.alembic_head` instead of nbgrader's
    ``get_alembic_version`` (which runs ``alembic heads``): both must name the same revision."""
    import nbgrader.api

    from deepvision.grade import runner

    head = runner.alembic_head()
    assert len(head) == 12 and all(c in "0123456789abcdef" for c in head), head
    assert head == nbgrader.api.get_alembic_version().split()[0].strip()
