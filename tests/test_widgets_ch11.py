"""The pure functions under the chapter 11 cost explorer, and that the widget redraws."""

import numpy as np
import pytest

from deepvision import cost
from deepvision.widgets import ch11
from tests.widgets import assert_every_control_redraws


def test_layer_costs_are_the_books_tables():
    costs = ch11.layer_costs(112, 32, 32, 3)
    assert costs["standard"].macs == 115_605_504
    assert costs["separable"].macs == 3_612_672 + 12_845_056 == 16_457_728
    assert costs["bottleneck"].macs == 6_422_528 + 57_802_752 == 64_225_280
    assert costs["standard"].params == (3 * 3 * 32 + 1) * 32
    assert costs["separable"].params == 3 * 3 * 32 + 32 * 32 + 32


@pytest.mark.parametrize(
    "size, c_in, filters, kernel", [(56, 64, 128, 3), (9, 5, 7, 5), (4, 1, 8, 1)]
)
def test_the_ratio_is_the_formula(size, c_in, filters, kernel):
    costs = ch11.layer_costs(size, c_in, filters, kernel)
    assert costs["ratio"] == pytest.approx(costs["formula"])
    assert costs["formula"] == pytest.approx(1 / filters + 1 / kernel**2)
    assert (
        costs["bottleneck"].macs
        == cost.bottleneck_cost(size, c_in, filters, max(1, c_in // 2), kernel).macs
    )


def test_ratio_curves():
    curves = ch11.ratio_curves((3, 5), filters=[8, 64])
    np.testing.assert_allclose(curves["curves"][3], [1 / 8 + 1 / 9, 1 / 64 + 1 / 9])
    np.testing.assert_allclose(curves["curves"][5], [1 / 8 + 1 / 25, 1 / 64 + 1 / 25])
    assert len(ch11.ratio_curves()["filters"]) == 64
    with pytest.raises(ValueError, match="filters: expected a 1-D array of positive counts"):
        ch11.ratio_curves(filters=[0, 8])


def test_bad_sizes_name_the_argument():
    with pytest.raises(ValueError, match="kernel_size"):
        ch11.layer_costs(8, 3, 4, 0)
    with pytest.raises(ValueError, match="input_size"):
        ch11.layer_costs(-1, 3, 4, 3)


def test_every_control_redraws():
    box = ch11.cost_explorer()
    assert box.drawn == {"filters": 64, "kernel_size": 3, "in_channels": 32, "input_size": 56}
    assert_every_control_redraws(box)
