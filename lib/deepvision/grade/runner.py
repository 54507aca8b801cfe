"""Run one nbgrader command in a separate process: with a wall-time and a memory limit for
grading (:func:`run_limited`), without limits for ``generate_assignment`` (:func:`run_app`, used
by the grader's registration and by ``python -m deepvision.build generate``).

Starting ``nbgrader`` from the shell costs about 3 s of CPU (it imports nbgrader, nbconvert,
jupyter_client, sqlalchemy...) before it does anything: on a 2-core machine that is a third of the
time a TensorFlow notebook takes to grade. So the nbgrader processes are forked from a
multiprocessing *forkserver* that imported nbgrader once; each job is still its own process (its
own working folder, environment and limits, killed on time-out without harming the others).

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
from pathlib import Path

PRELOAD = ["nbgrader.apps", "nbconvert.exporters", "jupyter_client.manager", "alembic.script",
           "deepvision.grade.hooks"]
APPS = {"autograde": "AutogradeApp", "generate_feedback": "GenerateFeedbackApp",
        "generate_assignment": "GenerateAssignmentApp"}
_CONTEXT = None
PR_SET_PDEATHSIG = 1


def context():
    """The forkserver context (created once, with nbgrader preloaded)."""
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


def alembic_head() -> str:
    """The revision nbgrader stamps on a new gradebook, read with alembic's Python API.

    nbgrader's own ``get_alembic_version`` runs the ``alembic heads`` executable for it, a second
    Python process that costs about 4 s of CPU each time a gradebook is created; the migration
    scripts it reads are the same (nbgrader's ``alembic`` folder), so the answer is the same.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


def _job(command, cwd, env, memory, log_path, box):
    """Child process: become the nbgrader app ``command[0]`` in ``cwd``."""
    _die_with_parent()
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    if memory is not None:
        limit = memory + 1024**3  # nbgrader itself: room for the outputs it collects
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    if box is not None:  # the kernel's box: a tmpfs only this process and its kernel see
        from deepvision.grade.walls import private_box

        private_box(*box)
    import nbgrader.api
    from nbgrader import apps

    nbgrader.api.get_alembic_version = alembic_head  # same answer, no second process
    app_class = getattr(apps, APPS[command[0]])
    app = app_class()
    app.initialize(list(command[1:]))
    app.start()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _die_with_parent() -> None:
    """Be killed when the forkserver goes, which it does when the grader does (a Dask worker
    killed mid-task): no nbgrader process grades on for no one (its kernel dies with it)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent was already gone
            os._exit(1)


def _kill_group(pid):
    try:
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_kernel(pidfile: Path, marker: str) -> None:
    """Kill the grading kernel named in ``pidfile`` and its process group, if it still runs.

    The pid is only trusted while that process's command line mentions ``marker`` (the scratch
    folder, which holds its connection file), so a recycled pid is never killed.
    """
    try:
        pid = int(pidfile.read_text())
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return
    if marker in command_line:
        _kill_group(pid)


def run_app(command, cwd, env, log_path) -> tuple[int | None, str]:
    """Run nbgrader ``command`` (e.g. ``["generate_assignment", "ch01", "--force"]``) in ``cwd``
    with ``env``, forked from the forkserver, with no limits; its output goes to ``log_path``.

    What ``nbgrader generate_assignment ...`` from the shell does, without paying nbgrader's import
    and the ``alembic`` subprocess on every call (about 7 s of CPU a call on the reference machine).

    Returns:
        ``(exit code, log text)``.
    """
    process = context().Process(target=_job, args=(command, str(cwd), env, None, str(log_path),
                                                   None))
    process.start()
    process.join()
    try:
        text = Path(log_path).read_text(errors="replace")
    except OSError:
        text = ""
    return process.exitcode, text


def run_limited(command, cwd, env, wall_time, memory, box=None,
                marker=None) -> tuple[int | None, str]:
    """Run nbgrader ``command`` (e.g. ``["autograde", "ch01", "--student", "alice"]``).

    The kernel's launcher writes its pid to ``env["DEEPVISION_GRADE_PIDFILE"]``; on time-out
    both the nbgrader process and the kernel's process group are killed (the kernel's command
    line must contain ``marker``, default ``cwd``). ``box``, a ``(path, bytes, uid)`` triple,
    mounts the kernel's box in the nbgrader process (:func:`deepvision.grade.walls.private_box`).

    Returns:
        ``(exit code, log text)``; the exit code is None when the wall-time limit was reached.
    """
    log_path = str(Path(cwd) / "nbgrader.log")
    process = context().Process(target=_job, args=(command, str(cwd), env, memory, log_path, box))
    process.start()
    process.join(wall_time)
    code = process.exitcode
    if process.is_alive():
        code = None
        process.kill()
        process.join()
    if code != 0:
        kill_kernel(Path(env["DEEPVISION_GRADE_PIDFILE"]), str(marker or cwd))
    try:
        text = Path(log_path).read_text(errors="replace")
    except OSError:
        text = ""
    return code, text
