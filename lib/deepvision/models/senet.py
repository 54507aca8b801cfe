"""Squeeze-and-excitation (Hu, Shen and Sun, 2018): channels reweighted by a sigmoid gate.

The book's ``SEModule``: **squeeze** each channel to one number (global average pooling,
(N, H, W, C) to (N, C)), **excite** through two dense layers (C / r units and ReLU, then C units
and a sigmoid: one weight in (0, 1) per channel), and multiply the maps by their weights. The
sigmoid is back because the gate must scale a channel, not select one class (softmax) or pass
unbounded values (ReLU). :func:`se_resnet` is the book's mini ResNet with an SE block on every
module's residual branch, before the addition (where Hu et al. put it).

What changed for Keras 3: nothing needs to. ``keras.layers.multiply([x, se])`` still exists and
still broadcasts the (N, C) weights over H and W; the course writes ``layers.Multiply()`` and
reshapes the weights to (N, 1, 1, C) so the broadcast is explicit. The book's
``int(filters / compress_ratio)`` is 0 units when the channels are fewer than the ratio: the
block here refuses that with a ValueError.

Taught in: chapter 09, "Squeeze-and-excitation: the sigmoid returns".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name


def se_block(x, ratio=16, name="se"):
    """x times sigmoid(Dense(C)(ReLU(Dense(C // ratio)(GlobalAveragePool(x))))), per channel.

    Args:
        x: Feature maps (N, H, W, C).
        ratio: r, the compression ratio: the hidden layer has C // r units (at most C).
        name: Prefix: ``{name}_squeeze``, ``{name}_reduce``, ``{name}_relu``, ``{name}_expand``,
            ``{name}_sigmoid``, ``{name}_reshape``, ``{name}_scale``.

    Returns:
        Feature maps (N, H, W, C), each channel scaled by its weight in (0, 1).

    Taught in: chapter 09, "Squeeze-and-excitation: the sigmoid returns".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    ratio = validate.integer(ratio, "ratio", minimum=1)
    channels = int(x.shape[-1])
    if ratio > channels:
        raise ValueError(
            f"ratio: the hidden layer has C // ratio units, and {channels} // {ratio} = 0; "
            f"expected a ratio of at most the input's {channels} channels"
        )
    se = layers.GlobalAveragePooling2D(name=f"{name}_squeeze")(x)
    se = layers.Dense(channels // ratio, name=f"{name}_reduce")(se)
    se = layers.Activation("relu", name=f"{name}_relu")(se)
    se = layers.Dense(channels, name=f"{name}_expand")(se)
    se = layers.Activation("sigmoid", name=f"{name}_sigmoid")(se)
    se = layers.Reshape((1, 1, channels), name=f"{name}_reshape")(se)
    return layers.Multiply(name=f"{name}_scale")([x, se])


def se_resnet(input_shape=(32, 32, 3), num_classes=10, ratio=16, width=1.0, name="se_resnet"):
    """The book's mini ResNet with an SE block (ratio ``ratio``) on every residual branch.

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 4,408,708
        parameters at the book's sizes (the mini ResNet's 4,374,538 plus 34,170 for the SE
        blocks).

    Taught in: chapter 09, "Squeeze-and-excitation: the sigmoid returns".
    """
    from deepvision.models.resnet import mini_resnet

    return mini_resnet(input_shape, num_classes, width, name, se_ratio=ratio)
