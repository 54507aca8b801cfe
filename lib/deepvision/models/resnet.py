"""The book's residual module and its mini ResNet for CIFAR-10, in Keras 3.

:func:`resnet_module` is the book's ``ResnetModule``: a pre-activation residual block,
BatchNormalization → ReLU → Conv2D(3x3) twice, added to the block's input. With ``pool=True`` it
first halves the feature maps with a 2x2 max-pool, and the shortcut becomes a 1x1 convolution with
stride 2 to the new number of channels, so the two branches can be added.

:func:`mini_resnet` is the book's ``MiniModel``: a 3x3 convolution, four stages of three modules
(32, 64, 128, 256 filters; the first module of each later stage pools), then BatchNormalization →
ReLU → Dropout(0.25) → AveragePooling2D(4) → Flatten → Dense(10, softmax). What changed for Keras
3: ``keras.layers.add([...])`` is written ``layers.Add()([...])``, and every layer is named from a
prefix. On 32x32 inputs the last maps are 4x4, so the book's ``AveragePooling2D(4)`` then
``Flatten`` is a global average pool; the builder pools over whatever size the last maps have.
``se_ratio`` puts a squeeze-and-excitation block on every residual branch (:func:`se_resnet`).

:func:`bottleneck_block` and :func:`resnet50` are He et al.'s ResNet-50 (1x1 → 3x3 → 1x1
bottlenecks, projection shortcuts where the shape changes), layer for layer
``keras.applications.ResNet50(weights=None)``: 25,636,712 parameters at 224x224, 1000 classes.
:func:`depth_stack` is the plain-or-residual stack of the chapter's experiment and its
gradient-flow widget: the same convolutions with or without the identity shortcuts.

Taught in: chapter 09, "Residual networks" (the module, the mini ResNet, ResNet-50) and
"Plain against residual" (the stack).
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name

#: Filters of the four stages of the book's mini ResNet, three modules each.
RESNET_STAGES = (32, 64, 128, 256)


def _filters(base, width):
    return max(1, int(round(base * width)))


def resnet_module(x, filters, pool=False, name="module", se_ratio=None):
    """The book's ``ResnetModule``: y = shortcut(x) + F(x), F two BN → ReLU → Conv2D(3x3) units.

    Args:
        x: Feature maps (N, H, W, C); without ``pool``, C must equal ``filters`` (the identity
            shortcut adds x itself).
        filters: Output channels.
        pool: Halve H and W first (MaxPooling2D(2)); the shortcut is then a 1x1 Conv2D with
            stride 2 to ``filters`` channels.
        name: Prefix of the layer names (``{name}_pool``, ``{name}_shortcut``, ``{name}_bn1``,
            ``{name}_relu1``, ``{name}_conv1``, ... ``{name}_add``).
        se_ratio: If given, a squeeze-and-excitation block with this ratio (``{name}_se_...``)
            scales the residual branch before the addition.

    Returns:
        Feature maps (N, H', W', filters), H' = H / 2 with ``pool``, H otherwise.

    Taught in: chapter 09, "Residual networks".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    shortcut = x
    if pool:
        x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
        shortcut = layers.Conv2D(filters, 1, strides=2, padding="same", name=f"{name}_shortcut")(
            shortcut
        )
    elif x.shape[-1] != filters:
        raise ValueError(
            f"filters: without pool the shortcut is the identity, so filters must equal the "
            f"input's {x.shape[-1]} channels; got {filters} (use pool=True to change them)"
        )
    out = x
    for index in (1, 2):
        out = layers.BatchNormalization(name=f"{name}_bn{index}")(out)
        out = layers.Activation("relu", name=f"{name}_relu{index}")(out)
        out = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv{index}")(out)
    if se_ratio is not None:
        from deepvision.models.senet import se_block

        out = se_block(out, se_ratio, name=f"{name}_se")
    return layers.Add(name=f"{name}_add")([shortcut, out])


def _head(net, inputs, num_classes, name):
    import keras
    from keras import layers

    net = layers.BatchNormalization(name=f"{name}_bn")(net)
    net = layers.Activation("relu", name=f"{name}_relu")(net)
    net = layers.Dropout(0.25, name=f"{name}_dropout")(net)
    size = (net.shape[1], net.shape[2])
    net = layers.AveragePooling2D(size, name=f"{name}_avgpool")(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)


def mini_resnet(
    input_shape=(32, 32, 3), num_classes=10, width=1.0, name="mini_resnet", se_ratio=None
):
    """The book's mini ResNet for CIFAR-10 (chapter 9 of the book).

    Args:
        input_shape: (H, W, C) of the images; H and W divisible by 8.
        num_classes: Units of the softmax.
        width: Multiplies every layer's filters (1.0: the book's network).
        name: The model's name and the prefix of its layers (``{name}_stem``,
            ``{name}_stage2_module1_conv1``...).
        se_ratio: Squeeze-and-excitation on every module's branch with this ratio (None: none).

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 4,374,538
        parameters at the book's sizes.

    Taught in: chapter 09, "Residual networks".
    """
    import keras
    from keras import layers

    name = _name(name)
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    width = validate.positive_number(width, "width")
    from deepvision.models.classic import input_shape_at_least

    shape = input_shape_at_least(input_shape, 8, "the mini ResNet", "three 2x2 max-pools")
    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(_filters(RESNET_STAGES[0], width), 3, padding="same", name=f"{name}_stem")(
        inputs
    )
    for stage, base in enumerate(RESNET_STAGES, start=1):
        for index in range(1, 4):
            net = resnet_module(
                net,
                _filters(base, width),
                pool=stage > 1 and index == 1,
                name=f"{name}_stage{stage}_module{index}",
                se_ratio=se_ratio,
            )
    return _head(net, inputs, num_classes, name)


#: (filters, blocks) of ResNet-50's four stages; each block outputs 4 x filters channels.
RESNET50_STAGES = ((64, 3), (128, 4), (256, 6), (512, 3))


def bottleneck_block(x, filters, strides=1, projection=None, name="conv2_block1"):
    """ResNet-50's bottleneck block: 1x1 (filters) → 3x3 (filters) → 1x1 (4 filters), added
    to the shortcut, then ReLU; each convolution followed by BatchNormalization.

    As in ``keras.applications.ResNet50`` (ResNet v1.0), the stride sits on the first 1x1
    convolution and on the projection.

    Args:
        x: Feature maps (N, H, W, C).
        filters: Channels of the bottleneck; the block outputs 4 * filters.
        strides: Stride of the first 1x1 convolution and of the projection.
        projection: Use a 1x1 convolution (with ``strides``) and BN as the shortcut; default:
            when the stride is not 1 or C differs from 4 * filters (identity otherwise).
        name: Prefix: ``{name}_0_conv`` / ``{name}_0_bn`` (projection), ``{name}_1_conv``,
            ``{name}_1_bn``, ``{name}_1_relu``, ... ``{name}_3_bn``, ``{name}_add``,
            ``{name}_out`` (keras.applications' names).

    Returns:
        Feature maps (N, H / S, W / S, 4 * filters).

    Taught in: chapter 09, "Residual networks".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    strides = validate.pair(strides, "strides")
    if projection is None:
        projection = strides != (1, 1) or x.shape[-1] != 4 * filters
    elif not projection and (strides != (1, 1) or x.shape[-1] != 4 * filters):
        raise ValueError(
            f"projection: an identity shortcut needs stride 1 and {4 * filters} input channels "
            f"(4 * filters); got strides {strides} and {x.shape[-1]} channels"
        )
    epsilon = 1.001e-5
    shortcut = x
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=strides, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_0_bn")(shortcut)
    out = layers.Conv2D(filters, 1, strides=strides, name=f"{name}_1_conv")(x)
    out = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_1_bn")(out)
    out = layers.Activation("relu", name=f"{name}_1_relu")(out)
    out = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(out)
    out = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_2_bn")(out)
    out = layers.Activation("relu", name=f"{name}_2_relu")(out)
    out = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(out)
    out = layers.BatchNormalization(epsilon=epsilon, name=f"{name}_3_bn")(out)
    out = layers.Add(name=f"{name}_add")([shortcut, out])
    return layers.Activation("relu", name=f"{name}_out")(out)


def resnet50(input_shape=(224, 224, 3), num_classes=1000, name="resnet50"):
    """ResNet-50: a 7x7/2 stem and 3x3/2 max-pool, 3 + 4 + 6 + 3 bottleneck blocks, global
    average pooling and a softmax.

    Args:
        input_shape: (H, W, C); at least 32x32 (the maps shrink 32 times).
        num_classes: Units of the softmax.
        name: The model's name; the layers carry keras.applications' names (``conv1_conv``,
            ``conv2_block1_1_conv`` ... ``avg_pool``, ``predictions``).

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 25,636,712
        parameters at 224x224 and 1000 classes, as ``keras.applications.ResNet50``.

    Taught in: chapter 09, "Residual networks".
    """
    import keras
    from keras import layers

    from deepvision.models.classic import input_shape_at_least

    name = _name(name)
    shape = input_shape_at_least(
        input_shape, 32, "ResNet-50", "a stride-2 stem, a stride-2 pool and three strided stages"
    )
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    inputs = keras.Input(shape=shape, name="input_layer")
    net = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    net = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(net)
    net = layers.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(net)
    net = layers.Activation("relu", name="conv1_relu")(net)
    net = layers.ZeroPadding2D(1, name="pool1_pad")(net)
    net = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(net)
    for stage, (filters, blocks) in enumerate(RESNET50_STAGES, start=2):
        for index in range(1, blocks + 1):
            strides = 2 if index == 1 and stage > 2 else 1
            net = bottleneck_block(
                net,
                filters,
                strides,
                projection=index == 1,
                name=f"conv{stage}_block{index}",
            )
    net = layers.GlobalAveragePooling2D(name="avg_pool")(net)
    net = layers.Dense(num_classes, activation="softmax", name="predictions")(net)
    return keras.Model(inputs, net, name=name)


def depth_stack(
    depth=10,
    residual=True,
    filters=16,
    input_shape=(32, 32, 3),
    num_classes=10,
    name=None,
    seed=None,
):
    """``depth`` blocks of two 3x3 convolutions, with or without identity shortcuts.

    A 3x3 stride-2 stem (ReLU) to ``filters`` maps, then ``depth`` blocks: plain, x ← ReLU(F(x));
    residual, x ← ReLU(x + F(x)); F = Conv2D(3x3) → ReLU → Conv2D(3x3), Keras' default
    (Glorot) initialisation and no normalisation, so what the shortcuts change is seen. Then
    global average pooling and a softmax. Both versions have exactly the same weights.

    Args:
        depth: Blocks (the network has 2 * depth + 2 layers with weights).
        residual: With the identity shortcuts.
        filters: Channels of every block.
        input_shape: (H, W, C); at least 2x2.
        num_classes: Units of the softmax.
        name: Default ``"residual{depth}"`` or ``"plain{depth}"``; layers ``{name}_block1_conv1``...
        seed: Seed the Glorot initialisers (convolution i gets ``seed + i``, the head
            ``seed + 10**6``), so that the plain and the residual twins, and the first blocks of
            a deeper twin, start from the same weights; None: Keras' own random start.

    Returns:
        keras.Model from images to (N, num_classes) probabilities.

    Taught in: chapter 09, "Plain against residual".
    """
    import keras
    from keras import layers

    from deepvision.models.classic import input_shape_at_least

    depth = validate.integer(depth, "depth", minimum=1)
    filters = validate.integer(filters, "filters", minimum=1)
    name = _name(name or f"{'residual' if residual else 'plain'}{depth}")
    shape = input_shape_at_least(input_shape, 2, "the stack", "a stride-2 stem")
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    counter = iter(range(10**9))

    def init(offset=None):
        if seed is None:
            return "glorot_uniform"
        return keras.initializers.GlorotUniform(seed=seed + (offset or next(counter)))

    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(
        filters,
        3,
        strides=2,
        padding="same",
        activation="relu",
        kernel_initializer=init(),
        name=f"{name}_stem",
    )(inputs)
    for index in range(1, depth + 1):
        prefix = f"{name}_block{index}"
        out = layers.Conv2D(
            filters, 3, padding="same", kernel_initializer=init(), name=f"{prefix}_conv1"
        )(net)
        out = layers.Activation("relu", name=f"{prefix}_relu1")(out)
        out = layers.Conv2D(
            filters, 3, padding="same", kernel_initializer=init(), name=f"{prefix}_conv2"
        )(out)
        if residual:
            out = layers.Add(name=f"{prefix}_add")([net, out])
        net = layers.Activation("relu", name=f"{prefix}_out")(out)
    net = layers.GlobalAveragePooling2D(name=f"{name}_avgpool")(net)
    net = layers.Dense(
        num_classes,
        activation="softmax",
        kernel_initializer=init(offset=10**6),  # the same head whatever the depth
        name=f"{name}_predictions",
    )(net)
    return keras.Model(inputs, net, name=name)
