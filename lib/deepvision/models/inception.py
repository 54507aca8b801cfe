"""The inception module of GoogLeNet (Szegedy et al., 2014), naive and with 1x1 reductions.

An inception module runs four branches side by side on the same maps and concatenates their
outputs along the channels: a 1x1 convolution, a 3x3, a 5x5 and a 3x3 max-pool (stride 1). The
**naive** module feeds the 3x3 and 5x5 convolutions all the input channels, and the pool branch
passes them all through, so the channels grow with every module. The module **with reductions**
puts a 1x1 convolution in front of the 3x3 and the 5x5 (fewer channels into the expensive ones)
and after the pool (a "pool projection"). Every convolution is followed by a ReLU, as in
GoogLeNet. :func:`mini_googlenet` stacks four reduced modules into a small CIFAR-10 network.

Taught in: chapter 09, "1x1 convolutions and the inception module".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name

#: GoogLeNet's module 3a on 28x28x192 maps: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj.
INCEPTION_3A = (64, 96, 128, 16, 32, 32)


def inception_module(
    x,
    filters_1x1,
    filters_3x3_reduce,
    filters_3x3,
    filters_5x5_reduce,
    filters_5x5,
    filters_pool_proj,
    reductions=True,
    name="inception",
):
    """Four branches (1x1, 3x3, 5x5, pool) concatenated along the channels.

    Args:
        x: Feature maps (N, H, W, C).
        filters_1x1: Filters of the 1x1 branch.
        filters_3x3_reduce: Filters of the 1x1 in front of the 3x3 (ignored without reductions).
        filters_3x3: Filters of the 3x3 convolution.
        filters_5x5_reduce: Filters of the 1x1 in front of the 5x5 (ignored without reductions).
        filters_5x5: Filters of the 5x5 convolution.
        filters_pool_proj: Filters of the 1x1 after the pool (ignored without reductions: the
            naive pool branch passes its C channels through).
        reductions: With the 1x1 reductions (GoogLeNet's module) or naive.
        name: Prefix: ``{name}_1x1``, ``{name}_3x3_reduce``, ``{name}_3x3``, ``{name}_5x5_reduce``,
            ``{name}_5x5``, ``{name}_pool``, ``{name}_pool_proj``, ``{name}_concat``.

    Returns:
        Feature maps (N, H, W, filters_1x1 + filters_3x3 + filters_5x5 + P), P the pool
        projection's filters with reductions, C without.

    Taught in: chapter 09, "1x1 convolutions and the inception module".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    counts = {
        "filters_1x1": filters_1x1,
        "filters_3x3_reduce": filters_3x3_reduce,
        "filters_3x3": filters_3x3,
        "filters_5x5_reduce": filters_5x5_reduce,
        "filters_5x5": filters_5x5,
        "filters_pool_proj": filters_pool_proj,
    }
    counts = {key: validate.integer(value, key, minimum=1) for key, value in counts.items()}

    def conv(tensor, filters, size, suffix):
        return layers.Conv2D(
            filters, size, padding="same", activation="relu", name=f"{name}_{suffix}"
        )(tensor)

    one = conv(x, counts["filters_1x1"], 1, "1x1")
    three_in, five_in = x, x
    if reductions:
        three_in = conv(x, counts["filters_3x3_reduce"], 1, "3x3_reduce")
        five_in = conv(x, counts["filters_5x5_reduce"], 1, "5x5_reduce")
    three = conv(three_in, counts["filters_3x3"], 3, "3x3")
    five = conv(five_in, counts["filters_5x5"], 5, "5x5")
    pool = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    if reductions:
        pool = conv(pool, counts["filters_pool_proj"], 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_concat")([one, three, five, pool])


def mini_googlenet(input_shape=(32, 32, 3), num_classes=10, width=1.0, name="mini_googlenet"):
    """A small GoogLeNet for CIFAR-10: a 3x3 stem, two reduced inception modules, a 2x2 max-pool,
    two more modules, global average pooling and a softmax.

    Args:
        input_shape: (H, W, C); at least 8x8.
        num_classes: Units of the softmax.
        width: Multiplies every convolution's filters.
        name: The model's name and its layers' prefix.

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 132,122
        parameters at the default sizes.

    Taught in: chapter 09, "1x1 convolutions and the inception module".
    """
    import keras
    from keras import layers

    from deepvision.models.classic import input_shape_at_least

    name = _name(name)
    shape = input_shape_at_least(input_shape, 8, "mini GoogLeNet", "a 2x2 max-pool")
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    width = validate.positive_number(width, "width")

    def scaled(*filters):
        return [max(1, round(f * width)) for f in filters]

    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(scaled(32)[0], 3, padding="same", activation="relu", name=f"{name}_stem")(
        inputs
    )
    plan = [(16, 16, 32, 8, 16, 16), (32, 24, 48, 8, 24, 24), None, (48, 32, 64, 8, 32, 32)] + [
        (64, 32, 64, 16, 32, 32)
    ]
    index = 0
    for filters in plan:
        if filters is None:
            net = layers.MaxPooling2D(2, name=f"{name}_pool")(net)
            continue
        index += 1
        net = inception_module(net, *scaled(*filters), name=f"{name}_inception{index}")
    net = layers.GlobalAveragePooling2D(name=f"{name}_avgpool")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)
