"""Packaging, environments and the README's promises."""

import re

import tomllib

from tests.notebooks import ROOT, tracked_copy


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_package_metadata():
    project = _pyproject()["project"]
    assert project["name"] == "deepvision" and project["requires-python"] == ">=3.10"
    deps = " ".join(project["dependencies"])
    for name in (
        "tensorflow>=2.16",
        "keras>=3",
        "numpy",
        "matplotlib",
        "ipywidgets",
        "scikit-image",
    ):
        assert name in deps, name
    extras = project["optional-dependencies"]
    assert {"course", "instructor", "test"} <= set(extras)
    assert any(d.startswith("nbgrader") for d in extras["instructor"])
    assert any(d.startswith("jupyterlab") for d in extras["course"])


def _requirement_lines(text):
    lines = [line.strip() for line in text.splitlines()]
    return [line.removeprefix("- ") for line in lines if line and not line.startswith("#")]


def test_binder_and_conda_install_the_same_thing():
    binder = _requirement_lines((ROOT / "binder" / "requirements.txt").read_text())
    conda = (ROOT / "environment.yml").read_text()
    pip_section = conda.split("- pip:")[1]
    conda_pip = _requirement_lines(pip_section)
    assert binder == conda_pip == ['-e ".[course,instructor,test]"']
    python = re.search(r"python=(\d+\.\d+)", conda).group(1)
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == f"python-{python}"


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert commands == ["make test"]


def test_readme_lists_every_chapter():
    readme = (ROOT / "README.md").read_text()
    for notebook in sorted((ROOT / "chapters").glob("ch*/*.ipynb")):
        assert f"(chapters/{notebook.parent.name}/{notebook.name})" in readme, notebook.name


def test_no_data_files_are_committed():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    # the one weights file the package ships: chapter 12's course backbone (1.2 MB, its sha256
    # pinned in models/backbones.py, rebuilt from the data by its rebuild command)
    shipped = {"lib/deepvision/assets/course_backbone.weights.h5"}
    weights = [f for f in tracked.split() if f.endswith((".npz", ".npy", ".h5", ".keras"))]
    assert not set(weights) - shipped


def test_the_files_a_chapter_reads_are_package_data():
    """A notebook opened in Colab from GitHub has no files next to it: the digit ships inside."""
    from pathlib import Path

    from deepvision import data

    assert "assets/*" in _pyproject()["tool"]["setuptools"]["package-data"]["deepvision"]
    digit = Path(data.sample_digit_path())
    assert digit.is_file() and digit.parent == ROOT / "lib" / "deepvision" / "assets"
    assert not list((ROOT / "solutions").glob("ch*/*.png")), "a chapter ships a file beside it"
    from deepvision.models import backbones

    weights = Path(backbones.course_weights_path())
    assert weights.is_file() and weights.parent == ROOT / "lib" / "deepvision" / "assets"
    assert weights.stat().st_size <= 5 * 1024 * 1024


def test_the_wheel_carries_every_asset(tmp_path):
    """What pip installs on Colab (a wheel built from the repository) holds every file under
    lib/deepvision/assets/, whatever chapters add there."""
    import subprocess
    import sys
    import zipfile

    source = tracked_copy(tmp_path / "source")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("deepvision-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assets = sorted((source / "lib" / "deepvision" / "assets").rglob("*"))
    assert assets, "no assets to check"
    for asset in assets:
        if asset.is_file():
            name = asset.relative_to(source / "lib").as_posix()
            assert name in names, f"{name} is not in the wheel"


READERS = {
    "open",
    "imread",
    "load_img",
    "load_model",
    "load_weights",
    "load",
    "loadtxt",
    "genfromtxt",
    "read_csv",
    "read_text",
    "read_bytes",
    "load_digit_image",
    "Path",
}


def relative_reads(source):
    """File reads by a relative path in a cell's code: a reader called with a string literal
    (or a name bound to one) that is not an absolute path or a URL."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    literals = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    literals[target.id] = node.value.value
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in READERS:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            path = first.value
        elif isinstance(first, ast.Name) and first.id in literals:
            path = literals[first.id]
        else:
            continue
        if "." in path and not path.startswith(("/", "http://", "https://", "~")):
            found.append(f"{name}({path!r})")
    return found


def test_the_relative_path_scanner_finds_the_reads_it_must():
    assert relative_reads('img = keras.utils.load_img("my_digit.png")') == [
        "load_img('my_digit.png')"
    ]
    assert relative_reads('p = "my_digit.png"\nx = data.load_digit_image(p)') == [
        "load_digit_image('my_digit.png')"
    ]
    assert relative_reads('%matplotlib inline\nw = np.load("weights.npz")') == [
        "load('weights.npz')"
    ]
    assert relative_reads("x = data.load_digit_image(data.sample_digit_path())") == []
    assert relative_reads('m = keras.models.load_model(work / "m.keras")') == []


def test_no_notebook_reads_a_file_by_a_path_relative_to_itself():
    """A notebook opened in Colab from GitHub has no files next to it."""
    import json

    from tests.notebooks import solution_notebooks

    for path in solution_notebooks():
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code":
                reads = relative_reads("".join(cell["source"]))
                assert not reads, f"{path.name}, cell {index} reads {reads}"


def test_lab_settings_turn_off_the_news_and_update_prompts():
    """binder/overrides.json, which `make lab` and Binder install, sets real JupyterLab
    settings (names and values from the installed JupyterLab's own schema)."""
    import json
    import sys
    from pathlib import Path

    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, values in overrides.items():
        package, _, name = plugin.partition(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        for key, value in values.items():
            spec = schema["properties"][key]
            allowed = [choice["const"] for choice in spec.get("oneOf", [])]
            assert value in allowed if allowed else isinstance(value, bool), (plugin, key)
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "cp binder/overrides.json" in post_build
    makefile = (ROOT / "Makefile").read_text()
    assert "cp binder/overrides.json $@" in makefile and "share/jupyter/lab/settings" in makefile


def test_binder_opens_on_the_chapters_with_the_datasets_already_fetched():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert 'default_url = "/lab/tree/chapters"' in post_build
    assert "data.load_mnist(); data.load_cifar10()" in post_build


def test_the_course_admits_colabs_versions():
    """Installing the course on Colab changes nothing Colab preinstalled (tests/test_colab.py
    proves it on the real packages): every dependency range admits Colab's pinned version."""
    import re

    pins = {}
    for line in (ROOT / "tests" / "colab-pins.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = tuple(int(part) for part in version.split(".")[:2])
    checked = 0
    for requirement in _pyproject()["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:>=(\d+)\.(\d+))?", requirement)
        assert match, f"{requirement}: expected `name` or `name>=X.Y` (no upper bounds)"
        name = match.group(1).lower()
        low = (int(match.group(2)), int(match.group(3))) if match.group(2) else (0, 0)
        if name in pins:
            assert pins[name] >= low, f"{requirement} refuses Colab's {name} {pins[name]}"
            checked += 1
    assert checked >= 6


def test_the_readme_names_the_versions_ci_runs():
    """The README's "Versions tested" quotes both stacks: constraints.txt's pins, which this suite
    runs on (checked here), and Colab's (tests/test_colab.py runs on them)."""
    import importlib.metadata
    import sys

    readme = " ".join((ROOT / "README.md").read_text().split())
    claims = readme.split("**Versions tested.**")[1].split("Each exercise")[0]
    ours, colab = claims.split("Google Colab's")
    pins = dict(
        line.split("==") for line in (ROOT / "constraints.txt").read_text().split() if "==" in line
    )
    names = {"tensorflow": "TensorFlow", "keras": "Keras", "ipywidgets": "ipywidgets"}
    names |= {"numpy": "NumPy", "jupyterlab": "JupyterLab"}
    for name, title in names.items():
        assert f"{title} {pins[name]}" in ours, name
        assert importlib.metadata.version(name) == pins[name], f"{name}: not the pinned version"
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in ours
    for line in (ROOT / "tests" / "colab-pins.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            title = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}.get(name, name)
            assert f"{title} {version}" in colab, name
