"""The grading sandbox's walls, tried by hostile submissions of a TensorFlow chapter (04).

One batch, graded by ``python -m deepvision.grade autograde ch04`` with 2 workers in quick mode:
an honest submission, and two hostile ones, each the solution with attacks appended as cells of
their own. The snooper reads another submission, rewrites the real gradebook (found through the
process list, the environment or its known path), reads the instructor's source notebook and a
file in the instructor's space, opens network connections and reads the grader's environment;
the resource hog leaves an orphan process, fills the disk and forks until stopped (last: after
it, nothing can start a process). Each attack cell prints ``WALL HELD`` or ``WALL BROKEN``; each
case also checks the effect from outside (gradebook rows, processes, free disk, a listening
socket). The batch runs with ``DEEPVISION_DATA_DIR`` given as a relative path, which once marked
honest work down.

The attacks share two submissions rather than taking one each: every submission costs a whole
TensorFlow notebook (ch04), and each attack's cell is read on its own.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from pathlib import Path

import nbformat
import pytest

from deepvision.grade import cli, report, walls
from deepvision.grade.submissions import GUARD_PREFIX

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
NAME = "04_neural_networks_in_action"
SOLUTION = ROOT / "solutions" / "ch04" / f"{NAME}.ipynb"


def _points(path: Path) -> float:
    """The points of a notebook's graded cells, as nbgrader's gradebook will count them."""
    notebook = nbformat.read(str(path), as_version=4)
    return float(sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in notebook.cells
                     if cell.metadata.get("nbgrader", {}).get("grade")))


FULL = _points(SOLUTION)
GRADED_CELLS = sum(1 for cell in nbformat.read(str(SOLUTION), as_version=4).cells
                   if cell.metadata.get("nbgrader", {}).get("grade"))
DISK = 64 * 1024**2
PROCESSES = 128
SLEEP = "917.25"  # the orphan's argument: no other process on the machine sleeps that long
LIMITS = ["--cell-timeout", "60", "--timeout", "240", "--memory", "2G", "--retries", "1",
          "--disk", "64M", "--processes", str(PROCESSES), "--workers", "2"]


def test_the_sandbox_can_be_built_here():
    """The grading tests need bubblewrap and namespaces (`make sandbox` installs bwrap)."""
    assert walls.unavailable_reason() is None, walls.unavailable_reason()


def _held(message):
    return f"print('WALL HELD:', {message})"


#: student -> the attacks appended to the solution, in order (the fork bomb last: once it holds
#: every process slot, no later cell could start one)
HOSTILE = {
    "snooper": ["read_other", "gradebook", "read_source", "network", "environment"],
    "hog": ["orphan", "disk_filler", "fork_bomb"],
}
ATTACKS = [attack for attacks in HOSTILE.values() for attack in attacks]


def _attacks(course: Path, secret: Path, port: int) -> dict[str, str]:
    """``{attack: code of its cell}``; every branch prints HELD or BROKEN."""
    other = course / "submitted" / "honest" / "ch04" / f"{NAME}.ipynb"
    gradebook = course / "gradebook.db"
    return {
        "read_other": f"""
import os
try:
    print('WALL BROKEN: read', len(open({str(other)!r}).read()), 'bytes of a submission')
except OSError as error:
    {_held("type(error).__name__")}
try:
    print('WALL BROKEN: listed', os.listdir({str(course / "submitted")!r}))
except OSError as error:
    {_held("type(error).__name__")}
""",
        "gradebook": f"""
import glob, os, sqlite3
paths = {{{str(gradebook)!r}}}
for name in glob.glob('/proc/*/cmdline'):
    try:
        words = open(name, 'rb').read().split(b'\\0')
    except OSError:
        continue
    if b'--course' in words:
        paths.add(words[words.index(b'--course') + 1].decode() + '/gradebook.db')
for key, value in os.environ.items():
    if 'GRADEBOOK' in key or 'COURSE' in key:
        paths.add(value.removeprefix('sqlite:///'))
print('processes visible:', len(glob.glob('/proc/[0-9]*')))
for path in sorted(paths):
    try:
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        with sqlite3.connect(path) as db:
            db.execute('UPDATE grade SET manual_score = 1000')
        print('WALL BROKEN: wrote', path)
    except Exception as error:
        {_held("type(error).__name__")}
""",
        "read_source": f"""
for path in ({str(SOLUTION)!r}, {str(ROOT / "autograder" / "nbgrader_config.py")!r},
             {str(secret)!r}):
    try:
        print('WALL BROKEN: read', len(open(path).read()), 'bytes of', path)
    except OSError as error:
        {_held("type(error).__name__")}
""",
        "network": f"""
import socket
for address in (('127.0.0.1', {port}), ('pypi.org', 443), ('1.1.1.1', 53)):
    try:
        socket.create_connection(address, timeout=3).close()
        print('WALL BROKEN: connected to', address)
    except OSError as error:
        {_held("type(error).__name__")}
""",
        "orphan": f"""
import subprocess
child = subprocess.Popen(['sleep', {SLEEP!r}], start_new_session=True)
{_held("'started an orphan, pid', child.pid")}
""",
        "fork_bomb": """
import os, time
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        children += 1
except OSError as error:
    print('WALL HELD: fork stopped after', children, 'children:', error)
""",
        "disk_filler": """
written = 0
try:
    for number in range(10_000):
        with open(f'fill{number}.bin', 'wb') as handle:
            for block in range(16):
                handle.write(bytes(2**20))
                written += 2**20
except OSError as error:
    print('WALL HELD: writing stopped after', written // 2**20, 'MB:', error)
""",
        "environment": """
import os
print('WALL HELD:' if not [k for k in os.environ if k.startswith(('DEEPVISION_GRADE',
      'DEEPVISION_COURSE', 'JPY_', 'JUPYTER'))] else 'WALL BROKEN:', sorted(os.environ))
""",
    }


def _listener():
    """A TCP server on the host's loopback that records every connection it accepts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0].getpeername())
            except OSError:
                continue

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1], accepted, stop


def _orphans():
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = path.read_bytes().split(b"\0")
        except OSError:
            continue
        if words[:2] == [b"sleep", SLEEP.encode()]:
            found.append(path.parent.name)
    return found


def _inside_a_running_sandbox(pid: str) -> bool:
    """Whether a live ``bwrap`` is among the process's ancestors: it belongs to a grading that
    is still running (another pytest-xdist worker grades at the same time), not one that ended."""
    while pid not in ("0", "1"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        except (OSError, ValueError):
            return False
        if comm == "bwrap":
            return True
        pid = stat[stat.rindex(")") + 2 :].split()[1]  # the parent's pid
    return False


def _sandbox_processes():
    """Processes of the sandbox's users that no running sandbox holds: they outlived a grading."""
    found = []
    for path in Path("/proc").glob("[0-9]*"):
        try:
            if walls.UID_BASE <= path.stat().st_uid < walls.UID_BASE + 1000:
                found.append(path.name)
        except OSError:
            continue
    return [pid for pid in found if not _inside_a_running_sandbox(pid)]


def _free_disk():
    return {place: os.statvfs(place).f_bavail * os.statvfs(place).f_frsize
            for place in ("/", "/tmp")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    secret = tmp_path_factory.mktemp("instructor") / "secret.txt"
    secret.write_text("the instructor's private notes")
    port, accepted, stop = _listener()
    attacks = _attacks(course, secret, port)
    for student in ["honest", *HOSTILE]:
        notebook = nbformat.read(str(SOLUTION), as_version=4)
        for attack in HOSTILE.get(student, []):
            notebook.cells.append(nbformat.v4.new_code_cell(f"# attack: {attack}{attacks[attack]}"))
        folder = course / "submitted" / student / "ch04"
        folder.mkdir(parents=True)
        nbformat.write(notebook, str(folder / f"{NAME}.ipynb"))
    data = Path(os.environ["DEEPVISION_DATA_DIR"]).resolve()
    free_before = _free_disk()
    here = Path.cwd()
    old = os.environ["DEEPVISION_DATA_DIR"]
    os.chdir(data.parent)
    os.environ["DEEPVISION_DATA_DIR"] = data.name  # relative, on purpose
    try:
        code = cli.main(["autograde", "ch04", "--course", str(course), *LIMITS])
    finally:
        os.chdir(here)
        os.environ["DEEPVISION_DATA_DIR"] = old
    stop.set()
    assert code == 0
    records = {r["student"]: r for r in report.read_records(course, ["ch04"])}
    return {"course": course, "records": records, "attacks": attacks, "accepted": accepted,
            "free_before": free_before, "free_after": _free_disk()}


def _printed(batch, attack) -> str:
    """What the cell of ``attack`` printed, in the autograded copy of the submission holding it."""
    student = next(s for s, attacks in HOSTILE.items() if attack in attacks)
    path = batch["course"] / "autograded" / student / "ch04" / f"{NAME}.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    cells = [c for c in notebook.cells if c.source.startswith(f"# attack: {attack}\n")]
    assert len(cells) == 1, f"{student}: the cell of {attack} is not in the graded notebook"
    return "".join(output.get("text", "") for output in cells[0].outputs)


def test_honest_work_keeps_full_marks_beside_the_attacks(batch):
    record = batch["records"]["honest"]
    assert (record["status"], record["score"], record["max_score"]) == ("graded", FULL, FULL)


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_wall_holds(batch, attack):
    printed = _printed(batch, attack)
    assert "WALL HELD" in printed, printed[-2000:]
    assert "WALL BROKEN" not in printed, printed[-2000:]
    student = next(s for s, attacks in HOSTILE.items() if attack in attacks)
    assert batch["records"][student]["score"] == FULL, batch["records"][student]


def test_the_gradebook_was_not_rewritten(batch):
    with sqlite3.connect(batch["course"] / "gradebook.db") as db:
        rows = db.execute("SELECT count(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()
        graded = db.execute("SELECT count(*) FROM grade WHERE auto_score IS NOT NULL").fetchone()
    assert rows == (0,)  # autograding writes auto scores only; the attack wrote manual ones
    # every graded cell of every submission scored once
    assert graded[0] == GRADED_CELLS * (1 + len(HOSTILE))
    assert "processes visible: " in _printed(batch, "gradebook")
    visible = int(_printed(batch, "gradebook").split("processes visible: ")[1].split()[0])
    assert visible <= 5  # the sandbox's own pid namespace


def test_no_connection_reached_the_host(batch):
    assert batch["accepted"] == []


def test_no_process_outlives_its_grading(batch):
    assert "started an orphan" in _printed(batch, "orphan")
    assert _orphans() == []
    if os.getuid() == 0:
        assert _sandbox_processes() == []


def test_a_fork_bomb_stops_at_the_process_limit(batch):
    printed = _printed(batch, "fork_bomb")
    children = int(printed.split("fork stopped after ")[1].split()[0])
    assert 0 < children < PROCESSES


def test_a_disk_filler_stops_at_the_quota_and_the_disk_is_untouched(batch):
    printed = _printed(batch, "disk_filler")
    written = int(printed.split("writing stopped after ")[1].split()[0])
    assert written <= DISK // 2**20
    for place, before in batch["free_before"].items():
        assert before - batch["free_after"][place] < 32 * 1024**2, place


def test_the_kernel_environment_is_scrubbed(batch):
    printed = _printed(batch, "environment")
    assert "DEEPVISION_DATA_DIR" in printed and "HOME" in printed
    assert "DEEPVISION_GRADEBOOK" not in printed


def test_feedback_shows_no_grader_machinery(batch):
    pages = sorted((batch["course"] / "feedback").glob("*/ch04/*.html"))
    assert len(pages) == len(batch["records"])
    for page in pages:
        text = page.read_text()
        assert "Inserted by the grader" not in text and "_dv_guard" not in text, page
        assert "deepvision-guard:" not in text, page


def _submit(course: Path, student: str, chapter: str, source: Path) -> None:
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True)
    (folder / source.name).write_bytes(source.read_bytes())


def test_without_namespaces_the_command_refuses_and_says_why(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    _submit(tmp_path / "course", "honest", "ch01", ROOT / "solutions" / "ch01" /
            "01_machine_learning_basics.ipynb")
    code = cli.main(["autograde", "ch01", "--course", str(tmp_path / "course")])
    said = capsys.readouterr().err
    assert code == 2
    assert "bubblewrap" in said and "--no-sandbox" in said and "hidden tests" in said
    assert not (tmp_path / "course" / "gradebook.db").exists()  # nothing was graded


def test_no_sandbox_grades_after_a_warning(tmp_path, capsys):
    course = tmp_path / "course"
    _submit(course, "honest", "ch01", ROOT / "solutions" / "ch01" /
            "01_machine_learning_basics.ipynb")
    code = cli.main(["autograde", "ch01", "--course", str(course), "--no-sandbox",
                     "--no-feedback", "--workers", "1"])
    assert code == 0
    said = capsys.readouterr().err
    assert "WARNING: --no-sandbox" in said and "grading the reference solution of ch01" in said
    record = report.read_records(course, ["ch01"])[0]
    chapter01 = ROOT / "solutions" / "ch01" / "01_machine_learning_basics.ipynb"
    assert (record["status"], record["score"]) == ("graded", _points(chapter01))
    # a late submission: the reference passed with this same environment, so it is not regraded
    _submit(course, "late", "ch01", ROOT / "chapters" / "ch01" /
            "01_machine_learning_basics.ipynb")
    assert cli.main(["autograde", "ch01", "--course", str(course), "--no-sandbox",
                     "--no-feedback", "--workers", "1"]) == 0
    said = capsys.readouterr().err
    assert "passed in an earlier run" in said and "grading the reference" not in said
    late = {r["student"]: r for r in report.read_records(course, ["ch01"])}["late"]
    assert (late["status"], late["score"]) == ("graded", 0.0)


def test_a_grading_environment_without_the_dataset_grades_no_one(tmp_path, monkeypatch,
                                                                   capsys):
    empty = tmp_path / "no-data"
    empty.mkdir()
    monkeypatch.setenv("DEEPVISION_DATA_DIR", str(empty))
    course = tmp_path / "course"
    _submit(course, "honest", "ch04", SOLUTION)
    code = cli.main(["autograde", "ch04", "--course", str(course), "--no-feedback",
                     "--cell-timeout", "60", "--timeout", "180"])
    said = capsys.readouterr().err
    assert code == 3
    assert "the reference solution of ch04" in said and "no one was graded" in said
    # the dataset error, quoted from the first cell that raised it
    assert "the first cell that raised" in said and "DatasetUnavailableError: mnist" in said
    assert "DEEPVISION_DATA_DIR" in said
    assert report.read_records(course, ["ch04"]) == []


def test_a_missing_data_folder_is_named_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPVISION_DATA_DIR", "no/such/folder")
    with pytest.raises(SystemExit, match="no folder .*no/such/folder"):
        cli.main(["autograde", "ch01", "--course", str(tmp_path)])


def _chapters():
    from deepvision import build

    return build.assignments(ROOT)


@pytest.mark.parametrize("chapter", _chapters())
def test_every_chapter_grades_its_own_solution_in_full_marks_behind_the_walls(tmp_path, chapter):
    """The run grades the chapter's reference solution first and stops unless it earns full
    marks, so an exit code of 0 with an untouched notebook proves it; the untouched notebook
    then earns nothing, and fails only where the learner has work to do: every cell that raised
    is the learner's (NotImplementedError from a stub, directly or through a check), and every
    graded cell failed (a stub is never worth points). One chapter per test, so pytest-xdist
    spreads the chapters over its workers; this is the one run of each student copy."""
    course = tmp_path / "course"
    release = next((ROOT / "chapters" / chapter).glob("*.ipynb"))
    _submit(course, "untouched", chapter, release)
    code = cli.main(["autograde", chapter, "--course", str(course), "--workers", "1",
                     "--no-feedback", "--cell-timeout", "120", "--timeout", "300"])
    assert code == 0
    assert (course / "grading" / f"reference-{chapter}.txt").exists(), chapter
    records = report.read_records(course, [chapter])
    assert [(r["chapter"], r["status"], r["score"]) for r in records] == [(chapter, "graded", 0.0)]
    graded = nbformat.read(str(course / "autograded" / "untouched" / chapter / release.name),
                           as_version=4)
    cells = [c for c in graded.cells if not c.source.startswith(GUARD_PREFIX)]
    failed = {index: output for index, cell in enumerate(cells)
              for output in cell.get("outputs", []) if output.get("output_type") == "error"}
    wrong_kind = [f"cell {index}: {output['ename']}: {output['evalue'][:300]}"
                  for index, output in failed.items() if output["ename"] != "NotImplementedError"]
    assert not wrong_kind, "scaffolding errors (not the learner's work):\n" + "\n".join(wrong_kind)
    graded_cells = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(graded_cells) >= 5, chapter
    passed = sorted(set(graded_cells) - set(failed))
    assert not passed, f"graded cells {passed} pass on an untouched notebook"
