"""Packaging, environments and the README's promises."""

import re

import tomllib

from tests.notebooks import ROOT


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
    assert not [f for f in tracked.split() if f.endswith((".npz", ".npy", ".h5", ".keras"))]


def test_the_files_a_chapter_reads_are_package_data():
    """A notebook opened in Colab from GitHub has no files next to it: the digit ships inside."""
    from pathlib import Path

    from deepvision import data

    assert "assets/*" in _pyproject()["tool"]["setuptools"]["package-data"]["deepvision"]
    digit = Path(data.sample_digit_path())
    assert digit.is_file() and digit.parent == ROOT / "lib" / "deepvision" / "assets"
    assert not list((ROOT / "solutions").glob("ch*/*.png")), "a chapter ships a file beside it"
