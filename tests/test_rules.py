"""The course's rules hold (deepvision.rules), and each rule catches what it is there for."""

import json
import shutil

import pytest

from deepvision import rules
from tests.notebooks import ROOT


def test_the_course_follows_its_rules():
    assert rules.problems(ROOT) == []


def _markdown(text, **metadata):
    return {"cell_type": "markdown", "id": "m", "metadata": metadata, "source": text}


def _code(text, **metadata):
    return {
        "cell_type": "code",
        "id": "c",
        "metadata": metadata,
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


GOOD_INTRO = "# Chapter 99 · Test\n\n**Learning goals**\n\n- one\n- two\n- three\n"
GOOD_END = [
    _markdown("## Summary\n\n- a\n- b\n- c\n"),
    _markdown(
        "## Check your understanding\n\n"
        + "".join(
            f"{i}. Why?\n\n<details><summary>Answer</summary>\n\nBecause.\n\n</details>\n\n"
            for i in range(1, 4)
        )
    ),
    _markdown("## Going further\n\n- try this\n- and that\n"),
    _markdown(
        "## Further reading\n\n"
        "- I. Goodfellow, Y. Bengio, A. Courville, [Deep Learning](https://www.deeplearningbook.org),"
        " 2016.\n"
        "- M. Nielsen, [Neural Networks and Deep Learning](http://neuralnetworksanddeeplearning.com),"
        " 2015.\n"
    ),
    _markdown("**Next:** chapter 100, not written yet."),
]


def _notebook(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_a_notebook_that_follows_the_template_passes():
    notebook = _notebook([_markdown(GOOD_INTRO), _code("x = 1"), *GOOD_END])
    assert rules.template_problems(notebook, "nb") == []
    assert rules.text_problems(notebook, "nb", ROOT) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda cells: cells.__setitem__(0, _markdown("# Chapter 99\n")), "**Learning goals**"),
        (lambda cells: cells.pop(2), "no '## Summary' section"),
        (lambda cells: cells.insert(2, cells.pop(3)), "closing sections are out of order"),
        (
            lambda cells: cells.__setitem__(3, _markdown("## Check your understanding\n\n1. Why?")),
            "needs 3-5 questions, each with its answer",
        ),
        (
            lambda cells: cells.__setitem__(4, _markdown("## Going further\n\n- one")),
            "at least two",
        ),
        (
            lambda cells: cells.__setitem__(
                5, _markdown("## Further reading\n\n- the course notes\n- a book\n")
            ),
            "needs author, title, year and a link",
        ),
        (lambda cells: cells.pop(), "the last cell should be the **Next:** line"),
    ],
)
def test_each_missing_piece_of_the_template_is_named(change, words):
    cells = [_markdown(GOOD_INTRO), _code("x = 1"), *GOOD_END]
    change(cells)
    found = rules.template_problems(_notebook(cells), "nb")
    assert any(words in problem for problem in found), found


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        (
            _markdown("It asks for **{checks.ch04.ACCURACY_THRESHOLD['full']:.0%}** accuracy."),
            "markdown shows raw Python",
        ),
        (_markdown("the {budget.epochs} epochs"), "markdown shows raw Python"),
        (_code("def best_of(function, repeats):\n    return 1"), "defines def 'best_of' outside"),
        (_code("class Helper:\n    pass"), "defines class 'Helper' outside"),
        (_markdown("as article 004 says"), "cites a source by file"),
        (_markdown("the course notes' quiz"), "cites a source by file"),
        (_code("print(1)", tags=["taught-output"]), "records no expected output"),
        (
            _code("print(1)", deepvision={"expected_output": "1"}),
            "records an expected output but is not tagged",
        ),
        (_markdown("see [chapter 42](../ch42/42_nothing.ipynb)"), "which is missing"),
    ],
)
def test_each_rule_catches_its_kind_of_problem(cell, words):
    found = rules.text_problems(_notebook([cell]), "nb", ROOT)
    assert any(words in problem for problem in found), found


@pytest.mark.parametrize(
    "cell",
    [
        _markdown("math: $C_{\\text{in}}$ and $$\\frac{a}{b}$$ and `{x.y}` in code"),
        _markdown("a set {0, 1} and a brace { alone }"),
        _code("def softmax(x):\n    return x", nbgrader={"solution": True, "grade_id": "softmax"}),
        _code("f = lambda v: v + 1"),
        _code("print(1)", tags=["taught-output"], deepvision={"expected_output": "1"}),
    ],
)
def test_what_is_allowed_passes(cell):
    assert rules.text_problems(_notebook([cell]), "nb", ROOT) == []


def test_a_taught_in_that_names_no_real_heading_is_caught(tmp_path):
    (tmp_path / "lib" / "deepvision" / "ops").mkdir(parents=True)
    shutil.copytree(ROOT / "solutions" / "ch01", tmp_path / "solutions" / "ch01")
    module = tmp_path / "lib" / "deepvision" / "ops" / "thing.py"
    module.write_text(
        '"""A thing.\n\nTaught in: chapter 01, "Gradient descent" and "No such heading".\n"""\n\n'
        'def f():\n    """F.\n\n    Taught in: chapter 01.\n    """\n\n'
        'def g():\n    """G.\n\n    Taught in: chapter 07, "CIFAR-10".\n    """\n\n'
        'def h():\n    """H.\n\n    Taught in: chapter 07 (to be written).\n    """\n\n'
        'def i():\n    """I.\n\n    Taught in: chapter 01 (to be written).\n    """\n'
    )
    found = rules.taught_in_problems(tmp_path)
    assert any("chapter 01 has no heading 'No such heading'" in p for p in found), found
    assert not any("'Gradient descent'" in p for p in found), found
    assert any("'chapter 01' names no heading" in p for p in found), found
    assert any("chapter 07 has no notebook" in p for p in found), found
    assert any("chapter 01 exists now" in p for p in found), found
    assert sum(":" in p for p in found) == 4  # the one "(to be written)" for chapter 07 is fine


def test_headings_are_matched_without_numbers_backticks_or_case():
    notebook = json.loads(sorted((ROOT / "solutions" / "ch06").glob("*.ipynb"))[0].read_text())
    found = rules.headings(notebook)
    assert rules.normalize_heading("## 5. Stride and padding") in found
    assert rules.normalize_heading("### Exercise 1: `conv1d` (1 point)") in found
