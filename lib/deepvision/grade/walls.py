"""The walls around each grading kernel: Linux namespaces (bubblewrap) and per-sandbox limits.

nbgrader starts every grading kernel through this module (the grader's kernelspec runs
``python -m deepvision.grade.walls -f {connection_file}``). The launcher runs outside the walls,
as nbgrader's child; it reads its instructions (:class:`Spec`, JSON in ``DEEPVISION_GRADE_WALLS``)
and replaces itself with ``bwrap``, which starts :mod:`deepvision.grade.kernel` inside:

- **Filesystem.** A new, read-only root holding only the system (``/usr``, ``/etc``...), the
  Python installation, the course's virtual environment, the ``deepvision`` package and the
  dataset directory. The one writable place is the *box*: a size-limited tmpfs holding a copy of
  the learner's notebook, the kernel's connection file and its sockets; it is also ``HOME`` and
  ``TMPDIR``. The course folder, the gradebook, the other submissions, ``solutions/`` and the
  instructor's home are not there at all.
- **Processes.** Its own PID namespace (``/proc`` shows only the sandbox); when the kernel exits
  or is killed, the kernel kills every process left in it, however it was started. Run by root,
  the kernel drops to an unprivileged user of its own (``UID_BASE`` + n), so ``RLIMIT_NPROC``
  caps the processes and threads of that sandbox alone; a fork bomb stops at the cap.
- **Network.** Its own network namespace, with nothing in it. The kernel talks to nbgrader over
  Unix sockets in the box (jupyter_client's ``ipc`` transport).
- **Resources.** Memory, file size and core dumps as :mod:`deepvision.grade.kernel` sets them;
  CPU seconds per process, open files and processes here; disk by the box's size.
- **Environment.** Cleared; the kernel gets only the variables in :attr:`Spec.env`.

The box is a tmpfs that nbgrader's own process mounts in a private mount namespace
(:func:`private_box`), so that nbgrader reaches the sockets and nothing outside that process sees
the mount; it is gone when the process ends.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV_VARIABLE = "DEEPVISION_GRADE_WALLS"
UID_BASE = 61000
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
#: The longest Unix socket path Linux accepts is 107 bytes; jupyter_client adds about 50.
MAX_BOX_PATH = 50
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18


class Unavailable(RuntimeError):
    """This machine cannot build the walls (no bubblewrap, no namespaces, not Linux)."""


@dataclass
class Spec:
    """What the launcher needs to start one walled kernel (sent as JSON through the env)."""

    box: str
    sandbox: bool = True
    read_only: list[str] = field(default_factory=list)
    uid: int | None = None  # run the kernel as this user (root only); None keeps the grader's
    disk: int = 256 * 1024**2
    memory: int = 4 * 1024**3
    processes: int = 256
    open_files: int = 1024
    cpu_seconds: int = 1200
    env: dict = field(default_factory=dict)

    def dumps(self) -> str:
        return json.dumps(asdict(self))


def new_box() -> Path:
    """A fresh, short-named directory for one kernel's box (Unix socket paths are short)."""
    base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    box = Path(tempfile.mkdtemp(prefix="dvg-", dir=base))
    if len(str(box)) > MAX_BOX_PATH:
        raise Unavailable(f"temporary folder {box} is too long a path for the kernel's sockets")
    return box


def read_only_paths(data_dir: str | None = None) -> list[str]:
    """Paths the kernel may read: Python, the virtual environment, deepvision, the datasets."""
    import deepvision

    package = Path(deepvision.__file__).resolve().parent
    paths = [sys.base_prefix, sys.prefix, str(package.parent)]
    if data_dir:
        paths.append(data_dir)
    paths = sorted({str(Path(p).resolve()) for p in paths if p and os.path.exists(p)})
    outer = []
    for path in paths:
        if not any(path == o or path.startswith(o.rstrip("/") + "/") for o in outer):
            outer.append(path)
    return outer


def kernel_environment(spec_box: str, data_dir: str | None, quick: str | None) -> dict:
    """The whole environment of a walled kernel: nothing of the grader's."""
    env = {
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin",
                                 "/bin"]),
        "HOME": spec_box,
        "TMPDIR": spec_box,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": os.path.join(spec_box, ".matplotlib"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if data_dir:
        env["DEEPVISION_DATA_DIR"] = data_dir
    if quick:
        env["DEEPVISION_QUICK"] = quick
    return env


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def private_box(box: str, disk: int, uid: int | None) -> None:
    """Mount a ``disk``-byte tmpfs on ``box``, seen only by this process and its children.

    Called by nbgrader's process (single-threaded, before it starts anything). Root makes a
    private mount namespace; another user makes a user namespace first (mapped to itself).
    """
    libc = _libc()
    real_uid, real_gid = os.getuid(), os.getgid()
    if real_uid == 0:
        _check(libc.unshare(CLONE_NEWNS), "unshare(mount namespace)")
    else:
        _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(user and mount namespaces)")
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{real_uid} {real_uid} 1")
        Path("/proc/self/gid_map").write_text(f"{real_gid} {real_gid} 1")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    owner = uid if uid is not None else real_uid
    options = f"size={int(disk)},mode=0700,uid={owner},gid={owner}".encode()
    _check(libc.mount(b"tmpfs", str(box).encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options),
           f"mount tmpfs on {box}")


def bwrap_command(spec: Spec, kernel_argv: list[str]) -> list[str]:
    """The ``bwrap`` command line that runs ``kernel_argv`` inside the walls of ``spec``."""
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--hostname", "grader"]
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    made = set()
    for path in [*spec.read_only, spec.box]:
        parents = list(Path(path).parents)[::-1][1:]  # outermost first, without "/"
        for parent in map(str, parents):
            if parent not in made and not any(parent == s or parent.startswith(s + "/")
                                              for s in SYSTEM_PATHS):
                command += ["--perms", "0755", "--dir", parent]
                made.add(parent)
    for path in spec.read_only:
        command += ["--ro-bind", path, path]
    command += ["--proc", "/proc", "--dev", "/dev", "--bind", spec.box, spec.box,
                "--chdir", spec.box, "--remount-ro", "/"]
    if spec.uid is not None:  # the kernel drops to spec.uid itself (root inside, no userns)
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        command += ["--unshare-user"]
    command += ["--clearenv"]
    for key, value in sorted(spec.env.items()):
        command += ["--setenv", key, value]
    return [*command, "--", *kernel_argv]


def unavailable_reason() -> str | None:
    """None when the walls can be built here, else a sentence saying why not."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux namespaces; this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return ("the sandbox needs bubblewrap (`bwrap`), which is not installed "
                "(Debian/Ubuntu: apt-get install bubblewrap)")
    box = new_box()
    try:
        uid = UID_BASE if os.getuid() == 0 else None
        spec = Spec(box=str(box), read_only=read_only_paths(), uid=uid,
                    env=kernel_environment(str(box), None, None))
        probe = ("import os, socket\n"
                 f"uid = {uid!r}\n"
                 "if uid is not None:\n"
                 "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n"
                 "open('probe', 'w').write('ok')\n"
                 "print(sum(e.isdigit() for e in os.listdir('/proc')) < 5, socket.gethostname())\n")
        script = (
            "import os, sys\n"
            "from deepvision.grade import walls\n"
            f"spec = walls.Spec(**__import__('json').loads({spec.dumps()!r}))\n"
            "walls.private_box(spec.box, 1024**2, spec.uid)\n"
            "cmd = walls.bwrap_command(spec, [sys.executable, '-c', sys.argv[1]])\n"
            "os.execvp(cmd[0], cmd)\n"
        )
        result = subprocess.run([sys.executable, "-c", script, probe], capture_output=True,
                                text=True, timeout=60)
    except (OSError, subprocess.SubprocessError, Unavailable) as error:
        return f"the sandbox could not start: {error}"
    finally:
        shutil.rmtree(box, ignore_errors=True)
    if result.returncode != 0 or "True grader" not in result.stdout:
        tail = (result.stderr.strip().splitlines() or ["no message"])[-1][:300]
        return f"Linux namespaces are not available to this user here ({tail})"
    return None


def lower_limit(which: int, value: int) -> None:
    """Set soft and hard limit ``which`` to ``value``, or to the hard limit if that is lower."""
    hard = resource.getrlimit(which)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def apply_limits(spec: Spec) -> None:
    """Open files and CPU seconds for every process of the sandbox (processes: in the kernel)."""
    lower_limit(resource.RLIMIT_NOFILE, spec.open_files)
    lower_limit(resource.RLIMIT_CPU, spec.cpu_seconds)


def launch(argv: list[str]) -> None:
    """Kernelspec entry point: start the grading kernel inside (or without) the walls."""
    spec = Spec(**json.loads(os.environ[ENV_VARIABLE]))
    connection = argv[argv.index("-f") + 1]
    pidfile = os.environ.get("DEEPVISION_GRADE_PIDFILE")
    if pidfile:  # this pid stays the kernel's (bwrap's) after exec: the grader kills its group
        Path(pidfile).write_text(str(os.getpid()))
    for notebook in Path.cwd().glob("*.ipynb"):  # the box holds the learner's own notebook
        shutil.copyfile(notebook, Path(spec.box) / notebook.name)
        if spec.uid is not None:
            os.chown(Path(spec.box) / notebook.name, spec.uid, spec.uid)
    if spec.uid is not None:
        os.chown(connection, spec.uid, spec.uid)
    kernel = [sys.executable, "-m", "deepvision.grade.kernel", "--memory", str(spec.memory),
              "--processes", str(spec.processes),
              *(["--uid", str(spec.uid)] if spec.uid is not None else []), "-f", connection]
    apply_limits(spec)
    if not spec.sandbox:
        os.execve(sys.executable, kernel, spec.env)
    command = bwrap_command(spec, kernel)
    os.execvp(command[0], command)


if __name__ == "__main__":
    launch(sys.argv[1:])
