"""The residual connection out = x + F(x): forward against its definition, backward against
centred finite differences, and the gradient reaching x equal to the upstream gradient plus the
branch's (so a branch that passes nothing back still lets dout through)."""

import numpy as np
import pytest

from deepvision import ops
from tests.gradcheck import centred_difference


def _block(seed, n=3, d=4, h=5):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(n, d)),
        rng.normal(size=(d, h)),
        rng.normal(size=h),
        rng.normal(size=(h, d)),
        rng.normal(size=d),
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shortcut", [True, False])
def test_forward_is_x_plus_the_branch(seed, shortcut):
    x, w1, b1, w2, b2 = _block(seed)
    out, _ = ops.residual_forward(x, w1, b1, w2, b2, shortcut=shortcut)
    branch = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(out, x + branch if shortcut else branch, rtol=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shortcut", [True, False])
def test_backward_matches_finite_differences(seed, shortcut):
    arrays = list(_block(seed))
    dout = np.random.default_rng(100 + seed).normal(size=arrays[0].shape)
    _, cache = ops.residual_forward(*arrays, shortcut=shortcut)
    grads = ops.residual_backward(dout, cache)
    for index, grad in enumerate(grads):

        def loss(value, index=index):
            changed = list(arrays)
            changed[index] = value
            return float(np.sum(ops.residual_forward(*changed, shortcut=shortcut)[0] * dout))

        numeric = centred_difference(loss, arrays[index].copy())
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_the_gradient_is_the_upstream_one_plus_the_branch():
    x, w1, b1, w2, b2 = _block(7)
    dout = np.random.default_rng(8).normal(size=x.shape)
    _, with_cache = ops.residual_forward(x, w1, b1, w2, b2)
    _, plain_cache = ops.residual_forward(x, w1, b1, w2, b2, shortcut=False)
    dx = ops.residual_backward(dout, with_cache)[0]
    np.testing.assert_allclose(dx, dout + ops.residual_backward(dout, plain_cache)[0])
    # a dead branch (every ReLU off) passes nothing back, and dout still reaches x
    dx_dead = ops.residual_backward(dout, ops.residual_forward(x, w1, b1 - 100, w2, b2)[1])[0]
    np.testing.assert_allclose(dx_dead, dout)


def test_bad_shapes_are_named():
    x, w1, b1, w2, b2 = _block(0)
    with pytest.raises(ValueError, match="w2"):
        ops.residual_forward(x, w1, b1, w2[:, :3], b2[:3])
    with pytest.raises(ValueError, match="x"):
        ops.residual_forward(x[0], w1, b1, w2, b2)
    _, cache = ops.residual_forward(x, w1, b1, w2, b2)
    with pytest.raises(ValueError, match="dout"):
        ops.residual_backward(np.zeros((2, 4)), cache)
