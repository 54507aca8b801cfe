"""Google Colab, simulated: the course installed into Colab's own stack, every chapter run there.

``make colab-sim`` builds ``.venv-colab/``: a virtual environment holding Colab's versions of the
packages the course shares with it (``tests/colab-pins.txt``: googlecolab/backend-info's
``pip-freeze.txt``, August 2026). Colab runs Python 3.13; this machine has 3.11, so the simulation
runs on 3.11 (the one difference from Colab that it cannot remove). Then, as a learner on Colab:

* a kernel of that environment runs a notebook's first cell exactly as committed; it takes its
  Colab branch (``google.colab`` is imported, ``deepvision`` is not installed) and pip-installs
  the course from ``environment.install_spec()``. git rewrites that GitHub address to a clean
  repository holding one commit of this working tree's files (``url.<clone>.insteadOf``), so
  pip installs exactly what is being tested, non-editable, from a ``git+`` URL, the way Colab
  does; nothing in the cell's text differs from what learners run;
* ``pip check`` passes and no package Colab had preinstalled changed version (only new ones,
  the course and what it adds, e.g. pooch, may appear);
* every chapter's solution notebook runs top to bottom in quick mode in that environment, with
  the first cell on its Colab branch (the install is done once, by the first test, as on a
  runtime that already has the course; each notebook still announces Colab), and every widget
  the notebook shows (every ``interactive_figure`` box) is moved control by control under
  Colab's ipywidgets 7.7.1: each move must redraw, with no exception.

``google.colab`` is a stand-in (written below, imported by the kernel at start-up as Colab's own
kernel does): it stands in only for the one thing the course calls,
``google.colab.output.enable_custom_widget_manager()``, which it records.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from deepvision import environment
from tests.notebooks import errors, solution_notebooks, tracked_copy

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("colab")]

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "tests" / "colab-pins.txt"
VENV = ROOT / ".venv-colab"
STAMP = VENV / ".colab-pins.txt"  # written by `make colab-sim` after the pins installed
PYTHON = VENV / "bin" / "python"

STANDIN = {
    "standin/google/colab/__init__.py": '"""Stand-in for Google Colab (tests/test_colab.py)."""\n',
    "standin/google/colab/output.py": textwrap.dedent(
        '''\
        """Stand-in for google.colab.output: records enable_custom_widget_manager() calls."""

        calls = []


        def enable_custom_widget_manager():
            calls.append("enable_custom_widget_manager")
        '''
    ),
    # Colab's kernel has google.colab imported before the first cell runs
    "ipython/profile_default/startup/00-colab.py": "import google.colab  # noqa: F401\n",
}

# Appended to each notebook: move every control of every course widget, under ipywidgets 7.
MOVE_EVERY_WIDGET = textwrap.dedent(
    """\
    import json as _json

    import ipywidgets as _ipywidgets
    from ipywidgets.widgets import widget as _widget_module


    def _move(_control):
        if hasattr(_control, "options"):
            if len(_control.options) < 2:
                return False  # one option (one layer to show, say): nothing to move
            _control.index = (_control.index + 1) % len(_control.options)
        elif isinstance(_control.value, bool):
            _control.value = not _control.value
        elif isinstance(_control.value, str):
            _control.value = _control.value + " "
        else:
            _top = _control.max
            _control.value = _top if _control.value != _top else _control.min
        return True


    _KINDS = tuple(
        getattr(_ipywidgets, _kind)
        for _kind in (
            "Dropdown", "ToggleButtons", "RadioButtons", "Select", "SelectionSlider",
            "Checkbox", "ToggleButton", "IntSlider", "FloatSlider", "FloatLogSlider",
            "BoundedIntText", "BoundedFloatText", "Text",
        )
        if hasattr(_ipywidgets, _kind)
    )
    _instances = getattr(_widget_module, "_instances", None) or _ipywidgets.Widget.widgets
    _live = list(_instances.values())
    _boxes = [w for w in _live if hasattr(w, "controls") and hasattr(w, "drawn")]
    _in_boxes = {id(c) for b in _boxes for c in b.controls.values()}
    _free = [w for w in _live if isinstance(w, _KINDS) and id(w) not in _in_boxes]
    _shell = get_ipython()
    _raised = []
    _shell.showtraceback = lambda *args, **kwargs: _raised.append(repr(args)[:300])
    _report = {
        "ipywidgets": _ipywidgets.__version__,
        "boxes": len(_boxes),
        "free": len(_free),
        "problems": [],
    }
    # the course's widgets (interactive_figure): every move must redraw
    for _number, _box in enumerate(_boxes):
        for _name, _control in _box.controls.items():
            _before = dict(_box.drawn)
            try:
                if not _move(_control):
                    continue
            except Exception as _error:
                _report["problems"].append(f"widget {_number}, {_name!r}: {_error!r}")
                continue
            if _box.drawn == _before:
                _report["problems"].append(f"widget {_number}: moving {_name!r} did not redraw")
    # controls of widgets built otherwise: every move must run without an error
    for _control in _free:
        try:
            _move(_control)
        except Exception as _error:
            _report["problems"].append(f"{_control.description!r}: {_error!r}")
    _report["problems"] += [f"traceback: {_text}" for _text in _raised]
    del _shell.showtraceback
    print("COLAB-WIDGETS " + _json.dumps(_report))
    """
)


def _pip(*args, check=True):
    result = subprocess.run(
        [str(PYTHON), "-m", "pip", *args, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _freeze():
    lines = _pip("list", "--format=json").stdout
    return {row["name"].lower(): row["version"] for row in json.loads(lines)}


def _snapshot_repository(directory):
    """A bare repository whose ``main`` is one commit of this working tree's files (those git
    tracks or would track: CI's clean clone has exactly these). Returns its path."""
    tree = tracked_copy(directory / "tree")
    git = ["git", "-c", "user.name=colab-sim", "-c", "user.email=colab-sim@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(tree)], check=True)
    subprocess.run([*git, "-C", str(tree), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(tree), "commit", "-q", "-m", "snapshot"], check=True)
    bare = directory / "deepvision.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(tree), str(bare)], check=True)
    return bare


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The simulated Colab runtime: (kernel environment, pip list before the course)."""
    if not STAMP.is_file() or STAMP.read_text() != PINS.read_text():
        pytest.fail(
            f"{VENV.name}/ is missing or was built from other pins than tests/colab-pins.txt: "
            "run `make colab-sim` (make test does)"
        )
    root = tmp_path_factory.mktemp("colab")
    for name, text in STANDIN.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    # the runtime as Colab hands it over: no course package yet
    _pip("uninstall", "-y", "-q", "deepvision")
    before = _freeze()
    bare = _snapshot_repository(root)
    # this machine's environment (proxies, pip's configuration, certificates) less what would
    # point the kernel at the suite's own Python, Jupyter or TensorFlow switch
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON", "DEEPVISION_"))
        and key not in ("MPLBACKEND", "PATH")
    }
    env |= {
        "PATH": f"{VENV / 'bin'}:/usr/bin:/bin",
        "IPYTHONDIR": str(root / "ipython"),
        "PYTHONPATH": str(root / "standin"),  # the google.colab stand-in
        "DEEPVISION_QUICK": "1",
        "MPLBACKEND": "Agg",  # as tests/notebooks.py's kernels (nbclient and inline stall)
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # ipykernel 6.17 debugger start-up notice
        # git fetches the GitHub address of install_spec() from the snapshot instead
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.file://{bare}.insteadOf",
        "GIT_CONFIG_VALUE_0": environment.REPO_URL,
    }
    if os.environ.get("DEEPVISION_DATA_DIR"):  # Colab would download; CI reads its copy
        env["DEEPVISION_DATA_DIR"] = os.environ["DEEPVISION_DATA_DIR"]
    return env, before, root


def _execute(notebook, root, env):
    """Run ``notebook`` in a fresh kernel of the Colab environment, then shut the kernel down.

    nbclient leaves a kernel running when its manager was given to it (``km=``): unstopped, the
    twelve chapters' TensorFlow kernels held about 8 GB to the end of the suite, which slowed
    every test after them."""
    client = _kernel_client(notebook, root)
    try:
        client.execute(env=env)
    finally:
        if client.km.has_kernel:
            client.km.shutdown_kernel(now=True)


def _kernel_client(notebook, root):
    """A notebook client on a kernel of the Colab environment (its environment variables are
    given to ``execute(env=...)``, which replaces the test process's, not adds to them)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    kernels = root / "kernels"
    (kernels / "colab").mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(PYTHON), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (simulated Colab)",
        "language": "python",
    }
    (kernels / "colab" / "kernel.json").write_text(json.dumps(spec))
    manager = KernelManager(
        kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    return NotebookClient(
        notebook,
        km=manager,
        timeout=300,
        allow_errors=True,
        resources={"metadata": {"path": str(root)}},  # no files beside the notebook, as on Colab
    )


def _text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def installed(colab):
    """Chapter 01's first cell, run in a fresh Colab kernel: it installs the course."""
    import nbformat

    env, before, root = colab
    first = solution_notebooks()[0]
    notebook = nbformat.read(first, as_version=4)
    cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
    notebook.cells = [cell]
    start = time.perf_counter()
    _execute(notebook, root, env)
    seconds = time.perf_counter() - start
    print(f"\nColab: the first cell installed the course in {seconds:.1f} s")
    return cell, before


def test_the_first_cell_installs_the_course_without_changing_colabs_packages(installed):
    cell, before = installed
    assert not [o for o in cell.outputs if o.output_type == "error"], _text(cell)
    assert "running in Google Colab (custom widget manager enabled)" in _text(cell)
    after = _freeze()
    assert "deepvision" in after, "the first cell did not install the course:\n" + _text(cell)
    changed = {
        name: (version, after.get(name))
        for name, version in before.items()
        if after.get(name) != version
    }
    assert not changed, f"installing the course changed Colab's packages: {changed}"
    check = _pip("check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    # non-editable, from the git+ URL of install_spec(), at a commit
    site = subprocess.run(
        [str(PYTHON), "-c", "import deepvision, sys; print(deepvision.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert site.startswith(str(VENV)) and "site-packages" in site, site
    direct = subprocess.run(
        [
            str(PYTHON),
            "-c",
            "import importlib.metadata as m; print(m.distribution('deepvision')"
            ".read_text('direct_url.json'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    origin = json.loads(direct)
    assert origin["url"] == environment.REPO_URL and origin["vcs_info"]["vcs"] == "git", origin
    assert len(origin["vcs_info"]["commit_id"]) == 40 and not origin.get("dir_info"), origin


def test_colabs_versions_are_the_pinned_ones(installed):
    after = _freeze()
    for line in PINS.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            assert after[name.lower()] == version, (name, after[name.lower()], version)


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.parent.name)
def test_every_chapter_runs_on_colabs_stack_and_its_widgets_move(installed, colab, path):
    import nbformat

    from tests.test_browser import CASES

    env, _before, root = colab
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(MOVE_EVERY_WIDGET))
    start = time.perf_counter()
    _execute(notebook, root, env)
    seconds = time.perf_counter() - start
    print(f"\nColab: {path.parent.name} ran in {seconds:.1f} s")
    found = errors(notebook)
    assert not found, "\n\n".join(
        f"cell {index}:\n{''.join(cell.source)[:300]}\n{output.get('evalue')}"
        for index, cell, output in found
    )
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "running in Google Colab (custom widget manager enabled)" in _text(first)
    report_line = [
        line for line in _text(notebook.cells[-1]).splitlines() if line.startswith("COLAB-WIDGETS")
    ]
    assert report_line, _text(notebook.cells[-1])
    report = json.loads(report_line[0].removeprefix("COLAB-WIDGETS "))
    assert report["ipywidgets"].startswith("7.7"), report
    assert not report["problems"], "\n".join(report["problems"])
    # the browser test's rows count every widget a chapter shows; each was moved here too
    shown = len(CASES.get(path.parent.name, []))
    assert report["boxes"] <= shown and bool(shown) == bool(report["boxes"] + report["free"]), (
        f"{path.parent.name}: {report['boxes']} course widget(s) and {report['free']} other "
        f"control(s) under ipywidgets 7, {shown} widget(s) in the browser test's CASES"
    )
