"""Chapter 10 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 10 (the reference passes, each
declared wrong answer fails with its own hint). Here: the notebook's checkers are those
declarations; the references give the book's example as the book's own formulas do once the
input channels are put back; the counter-based reference of ``conv2d_cost`` agrees with the
formula over a sweep, and the receptive-field reference with the library's recurrence.
"""

import pytest

from deepvision import checks, ops
from deepvision.checks import ch10
from deepvision.cost import formulas


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch10.EXERCISES] == [
        "dense_cost",
        "conv_macs",
        "conv_params",
        "stack_macs",
        "receptive_field_size",
        "conv2d_cost",
    ]
    checkers = [
        checks.check_dense_cost,
        checks.check_conv_macs,
        checks.check_conv_params,
        checks.check_stack_macs,
        checks.check_receptive_field_size,
        checks.check_conv2d_cost,
    ]
    assert [c.exercise for c in checkers] == ch10.EXERCISES


def test_the_book_example_corrected():
    layers = ch10.STACK_MACS.reference["stack_macs"](224, 3, [(64, 3, 1, 0), (64, 4, 2, 1)])
    # the book's formulas, with C_in = 3 in the first layer: out 222 then (222 + 2 - 4) // 2 + 1
    assert layers == [3 * 3 * 3 * 222 * 222 * 64, 4 * 4 * 64 * 111 * 111 * 64]
    # the book's printed first layer is 3 * 3 * 222 * 222 * 64 (no C_in), its total their sum
    book_first = 3 * 3 * 222 * 222 * 64
    assert layers[0] == 3 * book_first
    assert ch10.STACK_MACS.check(ch10._stack_macs)
    dropped = ch10.STACK_MACS.mistakes[0].answer(224, 3, [(64, 3, 1, 0), (64, 4, 2, 1)])
    assert dropped == [book_first, layers[1]]


def test_book_numbers_of_dense_and_conv():
    assert ch10.DENSE_COST.reference["dense_cost"](100, 64)[1] == 64 * 100
    assert ch10.DENSE_COST.reference["dense_cost"](100, 256)[0] == 256 * (100 + 1)
    # the book's 3 * 3 * 128 * 256 = 294,912 is the weights; the layer also has 256 biases
    assert ch10.CONV_PARAMS.reference["conv_params"](3, 128, 256) == 3 * 3 * 128 * 256 + 256


@pytest.mark.keras
@pytest.mark.parametrize(
    "args",
    [
        (224, 3, 64, 3),
        (222, 64, 64, 4, 2, "same"),
        (13, 12, 24, 3, 2, "valid", 3),
        (9, 16, 16, 3, 1, "same", 16),
        (31, 6, 12, 7, 4, "same", 2),
        (8, 4, 8, 1, 1, "valid", 4),
    ],
)
def test_the_counter_reference_agrees_with_the_formula(args):
    counted = ch10.CONV2D_COST.reference["conv2d_cost"](*args)
    size, c_in, filters, kernel, stride, padding, groups = args + (1, "valid", 1)[len(args) - 4 :]
    layer = formulas.conv2d_cost(size, c_in, filters, kernel, stride, padding, groups)
    assert counted == (layer.params, layer.macs)


def test_the_receptive_reference_is_the_library_recurrence():
    reference = ch10.RECEPTIVE_FIELD_SIZE.reference["receptive_field_size"]
    for case in ch10.RECEPTIVE_FIELD_SIZE.cases:
        (layers,) = case.args
        assert reference(layers) == ops.receptive_field(layers)[-1].size
    assert reference([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)]) == 7 + 2 * 2 + 2 * 4 + 2 * 4


def test_a_pair_of_numbers_of_the_wrong_kind_is_rejected():
    result = checks.check_dense_cost(lambda n_in, units: "lots")
    assert not result
    result = checks.check_stack_macs(lambda size, channels, layers: 892631808)
    assert not result and "shape" in result.message
