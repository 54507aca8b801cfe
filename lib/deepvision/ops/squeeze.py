"""Squeeze-and-excitation, forward: each channel scaled by a learned gate in (0, 1).

    s = mean over H, W of x                (N, C)     squeeze
    z = relu(s @ w1 + b1)                  (N, C / r) excite, part 1
    e = sigmoid(z @ w2 + b2)               (N, C)     excite, part 2: the gates
    out = x * e[:, None, None, :]          (N, H, W, C)

Taught in: chapter 09, "Squeeze-and-excitation: the sigmoid returns".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.ops.activations import relu, sigmoid


def se_forward(x, w1, b1, w2, b2, return_gates=False):
    """Squeeze-and-excitation of feature maps ``x``, as ``models.se_block`` computes it.

    Args:
        x: Feature maps, shape (N, H, W, C).
        w1: Reduce kernel, shape (C, C / r); b1: shape (C / r,).
        w2: Expand kernel, shape (C / r, C); b2: shape (C,).
        return_gates: Also return the gates e, shape (N, C).

    Returns:
        ``out`` of shape (N, H, W, C) (and the gates with ``return_gates``).

    Taught in: chapter 09, "Squeeze-and-excitation: the sigmoid returns".
    """
    x = validate.float_array(x, "x", ndim=4)
    w1 = validate.float_array(w1, "w1", ndim=2)
    w2 = validate.float_array(w2, "w2", ndim=2)
    b1 = validate.float_array(b1, "b1", ndim=1)
    b2 = validate.float_array(b2, "b2", ndim=1)
    channels = x.shape[-1]
    if w1.shape[0] != channels or w2.shape != (w1.shape[1], channels):
        raise ValueError(
            f"w1, w2: expected shapes ({channels}, R) and (R, {channels}) for x with {channels} "
            f"channels, got {w1.shape} and {w2.shape}"
        )
    if b1.shape != (w1.shape[1],) or b2.shape != (channels,):
        raise ValueError(
            f"b1, b2: expected shapes ({w1.shape[1]},) and ({channels},), got {b1.shape} and "
            f"{b2.shape}"
        )
    squeezed = x.mean(axis=(1, 2))
    gates = sigmoid(relu(squeezed @ w1 + b1) @ w2 + b2)
    out = x * gates[:, None, None, :]
    return (out, gates) if return_gates else out
