"""Efficient blocks and the book's mini mobile network, in Keras 3.

* :func:`mobile_unit`: the book's depthwise-separable ``Unit``: BatchNormalization → ReLU →
  DepthwiseConv2D(3x3) → BatchNormalization → ReLU → Conv2D(1x1), added to the block's input
  (with ``pool=True``: a 2x2 max-pool first and a strided 1x1 convolution on the shortcut, as in
  the book's residual module). ``standard=True`` gives its twin with a standard 3x3 convolution
  (C_in to C_in filters) where the depthwise one was: the book's "using standard convolutions"
  table.
* :func:`mini_mobile_net`: the book's mini mobile network (a 3x3 convolution, then 2 + 3 + 3 + 3
  units of 32, 64, 128, 256 filters, the head of the mini ResNet); ``width`` is MobileNet's
  width multiplier alpha, ``standard=True`` its standard-convolution twin.
* :func:`bottleneck_unit`: a bottleneck unit: a 1x1 convolution down to half the input's channels,
  then the 3x3 convolution, as the book's bottleneck table counts it (its listing has a second
  1x1 there: the erratum of chapter 11); ``expand=True`` gives the three-layer bottleneck of
  ResNet-50 (1x1 reduce → 3x3 → 1x1 expand).
* :func:`inverted_residual`: MobileNetV2's inverted residual block (1x1 expand → ReLU6 → 3x3
  depthwise → ReLU6 → 1x1 linear projection, added to the input when the shapes allow).

Taught in: chapter 11, "The book's mini mobile network", "Bottleneck layers", "The width
multiplier" and "Inverted residuals".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name
from deepvision.models.resnet import _filters, _head

#: (filters, units) of the four stages of the book's mini mobile network.
MOBILE_STAGES = ((32, 2), (64, 3), (128, 3), (256, 3))


def _shortcut(x, filters, pool, name):
    """(x after the optional pool, the shortcut): the book's way to keep the shapes addable."""
    from keras import layers

    if pool:
        shortcut = layers.Conv2D(filters, 1, strides=2, padding="same", name=f"{name}_shortcut")(x)
        return layers.MaxPooling2D(2, name=f"{name}_pool")(x), shortcut
    if x.shape[-1] != filters:
        raise ValueError(
            f"filters: without pool the shortcut is the identity, so filters must equal the "
            f"input's {x.shape[-1]} channels; got {filters} (use pool=True to change them)"
        )
    return x, x


def _bn_relu(x, name, index):
    from keras import layers

    x = layers.BatchNormalization(name=f"{name}_bn{index}")(x)
    return layers.Activation("relu", name=f"{name}_relu{index}")(x)


def mobile_unit(x, filters, pool=False, standard=False, name="unit"):
    """The book's depthwise-separable unit: y = shortcut(x) + 1x1(ReLU(BN(dw3x3(ReLU(BN(x)))))).

    Args:
        x: Feature maps (N, H, W, C); without ``pool``, C must equal ``filters``.
        filters: Output channels (of the 1x1 convolution).
        pool: Halve H and W first (MaxPooling2D(2)); the shortcut becomes a 1x1 Conv2D with
            stride 2 to ``filters`` channels.
        standard: Use a standard Conv2D(C, 3x3) instead of the DepthwiseConv2D (the twin).
        name: Prefix of the layer names (``{name}_bn1``, ``{name}_relu1``, ``{name}_depthwise``
            or ``{name}_conv3x3``, ``{name}_bn2``, ``{name}_relu2``, ``{name}_pointwise``,
            ``{name}_add``; ``{name}_pool`` and ``{name}_shortcut`` with ``pool``).

    Returns:
        Feature maps (N, H', W', filters), H' = H / 2 with ``pool``, H otherwise.

    Taught in: chapter 11, "The book's mini mobile network".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    x, shortcut = _shortcut(x, filters, pool, name)
    out = _bn_relu(x, name, 1)
    if standard:
        out = layers.Conv2D(x.shape[-1], 3, padding="same", name=f"{name}_conv3x3")(out)
    else:
        out = layers.DepthwiseConv2D(3, padding="same", name=f"{name}_depthwise")(out)
    out = _bn_relu(out, name, 2)
    out = layers.Conv2D(filters, 1, padding="same", name=f"{name}_pointwise")(out)
    return layers.Add(name=f"{name}_add")([shortcut, out])


def mini_mobile_net(
    input_shape=(32, 32, 3), num_classes=10, width=1.0, standard=False, name="mini_mobile"
):
    """The book's mini mobile network for CIFAR-10, with MobileNet's width multiplier.

    Args:
        input_shape: (H, W, C) of the images; H and W divisible by 8.
        num_classes: Units of the softmax.
        width: The width multiplier alpha: every layer gets ``round(alpha * filters)`` filters
            (1.0: the book's network). MACs fall roughly as alpha squared.
        standard: Standard 3x3 convolutions in every unit instead of depthwise ones (the twin).
        name: The model's name and the prefix of its layers.

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 287,754
        parameters at the book's sizes, 2,037,354 for the standard twin.

    Taught in: chapter 11, "The book's mini mobile network" and "The width multiplier".
    """
    import keras
    from keras import layers

    name = _name(name)
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    width = validate.positive_number(width, "width")
    inputs = keras.Input(shape=tuple(input_shape), name=f"{name}_images")
    net = layers.Conv2D(
        _filters(MOBILE_STAGES[0][0], width), 3, padding="same", name=f"{name}_stem"
    )(inputs)
    for stage, (base, units) in enumerate(MOBILE_STAGES, start=1):
        for index in range(1, units + 1):
            net = mobile_unit(
                net,
                _filters(base, width),
                pool=stage > 1 and index == 1,
                standard=standard,
                name=f"{name}_stage{stage}_unit{index}",
            )
    return _head(net, inputs, num_classes, name)


def bottleneck_unit(x, filters, reduction=0.5, pool=False, expand=False, name="bottleneck"):
    """A pre-activation bottleneck unit: a 1x1 convolution shrinks the channels before the 3x3.

    F(x) = Conv3x3(filters)(ReLU(BN(Conv1x1(r)(ReLU(BN(x)))))), r = int(C_in * reduction), and
    y = shortcut(x) + F(x), the shortcut as in :func:`mobile_unit`. With ``expand`` the 3x3 keeps
    r channels and a third unit, 1x1 to ``filters``, expands them (ResNet-50's bottleneck).

    Args:
        x: Feature maps (N, H, W, C_in); without ``pool``, C_in must equal ``filters``.
        filters: Output channels.
        reduction: The bottleneck's channels as a fraction of C_in (the book's 0.5).
        pool: Halve H and W first, with a strided 1x1 shortcut.
        expand: 1x1 reduce → 3x3 → 1x1 expand instead of 1x1 reduce → 3x3.
        name: Prefix of the layer names (``{name}_reduce``, ``{name}_conv3x3``,
            ``{name}_expand``, ``{name}_bn1``...).

    Returns:
        Feature maps (N, H', W', filters).

    Taught in: chapter 11, "Bottleneck layers".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    reduction = validate.positive_number(reduction, "reduction")
    narrow = int(x.shape[-1] * reduction)
    if narrow < 1:
        raise ValueError(
            f"reduction: {reduction} of {x.shape[-1]} input channels leaves no channel; "
            "expected int(C_in * reduction) >= 1"
        )
    x, shortcut = _shortcut(x, filters, pool, name)
    out = _bn_relu(x, name, 1)
    out = layers.Conv2D(narrow, 1, padding="same", name=f"{name}_reduce")(out)
    out = _bn_relu(out, name, 2)
    out = layers.Conv2D(narrow if expand else filters, 3, padding="same", name=f"{name}_conv3x3")(
        out
    )
    if expand:
        out = _bn_relu(out, name, 3)
        out = layers.Conv2D(filters, 1, padding="same", name=f"{name}_expand")(out)
    return layers.Add(name=f"{name}_add")([shortcut, out])


def inverted_residual(x, filters, expansion=6, strides=1, name="inverted"):
    """MobileNetV2's inverted residual block (Sandler et al., 2018).

    1x1 Conv2D to ``expansion * C_in`` channels → BN → ReLU6 → 3x3 DepthwiseConv2D (``strides``)
    → BN → ReLU6 → 1x1 Conv2D to ``filters`` → BN, with no activation after the projection (the
    "linear bottleneck"); added to the input when ``strides`` is 1 and C_in equals ``filters``.
    The convolutions have no bias (BatchNormalization's beta is one), as in keras.applications.

    Args:
        x: Feature maps (N, H, W, C_in).
        filters: Output channels.
        expansion: The expansion factor t (MobileNetV2 uses 6; with 1 the expanding 1x1 is
            left out, as in its first block).
        strides: 1 or 2, of the depthwise convolution.
        name: Prefix of the layer names (``{name}_expand``, ``{name}_depthwise``,
            ``{name}_project``, their ``_bn`` and ``_relu``, ``{name}_add``).

    Returns:
        Feature maps (N, H / strides, W / strides, filters).

    Taught in: chapter 11, "Inverted residuals".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    expansion = validate.integer(expansion, "expansion", minimum=1)
    strides = validate.integer(strides, "strides", minimum=1, maximum=2)
    out = x
    if expansion > 1:
        out = layers.Conv2D(expansion * x.shape[-1], 1, use_bias=False, name=f"{name}_expand")(out)
        out = layers.BatchNormalization(name=f"{name}_expand_bn")(out)
        out = layers.ReLU(6.0, name=f"{name}_expand_relu")(out)
    out = layers.DepthwiseConv2D(
        3, strides=strides, padding="same", use_bias=False, name=f"{name}_depthwise"
    )(out)
    out = layers.BatchNormalization(name=f"{name}_depthwise_bn")(out)
    out = layers.ReLU(6.0, name=f"{name}_depthwise_relu")(out)
    out = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(out)
    out = layers.BatchNormalization(name=f"{name}_project_bn")(out)
    if strides == 1 and x.shape[-1] == filters:
        out = layers.Add(name=f"{name}_add")([x, out])
    return out
