"""The exercises of chapter 09, "Architecture case studies", declared once.

Two counts and four Keras blocks. Each exercise lists the wrong answers learners give, with the
hint each earns: VGG's parameters without the biases, without the dense layers, flattened from
the unpooled image or with every convolution reading its own filters; a grouped convolution
counted as a standard one, divided by the groups twice or without its biases; the book's
residual module with the skip added after the first convolution, a concatenation where the
addition is asked, a projection without its stride, or a shortcut pooled twice; an SE block
without its sigmoid (or with a ReLU in its place), adding where it should multiply, or with
``ratio`` units instead of C / ratio; a dense block that adds where it should concatenate,
chains its layers, or convolves before normalising; an inception module without its 1x1
reductions, without the pool projection, or with the reductions after the convolutions.
``tests/test_exercises.py`` turns the same declarations into the checkers' tests.

Keras is imported only inside the functions that build models.
"""

from __future__ import annotations

import random
import re

from deepvision import models, ops
from deepvision.checks._core import CaseFailed
from deepvision.checks._exercise import Case, Exercise, Mistake

# -- vgg_parameters ---------------------------------------------------------------------------

VGG16_STAGES = models.classic.VGG_STAGES[16]
VGG19_STAGES = models.classic.VGG_STAGES[19]


def _vgg_parameters(
    stages,
    input_size=224,
    in_channels=3,
    dense_units=(4096, 4096),
    num_classes=1000,
    bias=True,
    flatten_size=None,
    stage_input=True,
    dense=True,
):
    """VGG's parameters by formula; the keyword switches make the declared mistakes."""
    total, channels = 0, in_channels
    for convolutions, filters in stages:
        for _ in range(convolutions):
            reads = channels if stage_input else filters
            total += 3 * 3 * reads * filters + (filters if bias else 0)
            channels = filters
    if not dense:
        return total
    size = input_size // 2 ** len(stages) if flatten_size is None else flatten_size
    units_in = size * size * channels
    for units in (*dense_units, num_classes):
        total += units_in * units + (units if bias else 0)
        units_in = units
    return total


def _vgg_reference(
    stages, input_size=224, in_channels=3, dense_units=(4096, 4096), num_classes=1000
):
    return _vgg_parameters(stages, input_size, in_channels, dense_units, num_classes)


def _vgg_mistake(**switches):
    def wrong(stages, input_size=224, in_channels=3, dense_units=(4096, 4096), num_classes=1000):
        if switches.get("unpooled"):
            switches["flatten_size"] = input_size
        options = {k: v for k, v in switches.items() if k != "unpooled"}
        return _vgg_parameters(stages, input_size, in_channels, dense_units, num_classes, **options)

    return wrong


def _count_case(*args, label):
    return Case(
        *args,
        label=label,
        rtol=0,
        atol=0.5,
        message="for {label} expected {expected:,.0f} parameters, got {got:,.0f}",
    )


VGG_PARAMETERS = Exercise(
    "vgg_parameters",
    chapter="ch09",
    answers=("vgg_parameters",),
    reference=_vgg_reference,
    cases=[
        _count_case(VGG16_STAGES, label="VGG16 at 224x224, 1000 classes"),
        _count_case(VGG19_STAGES, label="VGG19 at 224x224, 1000 classes"),
        _count_case(
            ((1, 8), (2, 16)),
            32,
            1,
            (64,),
            10,
            label="stages ((1, 8), (2, 16)) on 32x32x1, dense (64,), 10 classes",
        ),
    ],
    mistakes=[
        Mistake(
            "you left out the biases: every convolution and dense layer has one per filter or unit",
            _vgg_mistake(bias=False),
        ),
        Mistake(
            "you counted only the convolutions: the three dense layers hold most of VGG's "
            "parameters (fc1 alone has 7 x 7 x 512 x 4096 weights)",
            _vgg_mistake(dense=False),
        ),
        Mistake(
            "the first dense layer reads the maps after the last pooling: each stage's max-pool "
            "halves the size, 224 / 2**5 = 7, so it has 7 x 7 x 512 inputs",
            _vgg_mistake(unpooled=True),
        ),
        Mistake(
            "the first convolution of each stage reads the previous stage's channels (3 for the "
            "first stage), not its own filters",
            _vgg_mistake(stage_input=False),
        ),
    ],
    hints=[
        "A 3x3 convolution from C_in to F channels has 3 * 3 * C_in * F + F parameters; a dense "
        "layer from n_in to n_out has n_in * n_out + n_out.",
        "Walk the stages keeping the current number of channels; after the last stage the maps "
        "are input_size // 2**len(stages) on a side.",
    ],
    success="convolutions and dense layers, weights and biases, counted by formula",
)

# -- grouped_parameters -----------------------------------------------------------------------


def _grouped_reference(in_channels, filters, kernel_size, groups):
    return ops.grouped_conv2d_parameters(in_channels, filters, kernel_size, groups)


GROUPED_PARAMETERS = Exercise(
    "grouped_parameters",
    chapter="ch09",
    answers=("grouped_parameters",),
    reference=_grouped_reference,
    cases=[
        _count_case(128, 128, 3, 32, label="128 to 128 channels, 3x3, 32 groups (ResNeXt)"),
        _count_case(96, 256, 5, 2, label="96 to 256 channels, 5x5, 2 groups (AlexNet's conv2)"),
        _count_case(64, 64, 3, 1, label="64 to 64 channels, 3x3, 1 group"),
    ],
    mistakes=[
        Mistake(
            "that is a standard convolution's count: each filter of a grouped convolution sees "
            "only C_in / groups channels",
            lambda c, f, k, g: k * k * c * f + f,
        ),
        Mistake(
            "you divided by the groups twice: each of the F filters has k * k * (C_in / groups) "
            "weights, so the weights are k * k * (C_in / groups) * F",
            lambda c, f, k, g: k * k * (c // g) * (f // g) + f,
        ),
        Mistake(
            "add the biases: one per filter, F in all (groups do not change them)",
            lambda c, f, k, g: k * k * (c // g) * f,
        ),
    ],
    hints=[
        "Each group has C_in / groups input channels and F / groups filters.",
        "groups x (k * k * (C_in / groups) * (F / groups)) weights, plus F biases.",
    ],
    success="k * k * (C_in / groups) * F weights plus F biases",
)

# -- the Keras blocks -------------------------------------------------------------------------


def _unique(prefix):
    return f"{prefix}{random.getrandbits(32)}"


def _keeping_random_state(verify):
    def verified(answers):
        state = random.getstate()
        try:
            return verify(answers)
        finally:
            random.setstate(state)

    return verified


def _callable(answers, name):
    if not callable(answers[name]):
        raise CaseFailed(f"expected a function, got {type(answers[name]).__name__}")
    return answers[name]


def _residual_model(module):
    """Two modules on (16, 16, 16) maps: one keeping 16 filters, one pooling to 32."""
    import keras

    inputs = keras.Input(shape=(16, 16, 16))
    net = module(inputs, 16)
    net = module(net, 32, pool=True)
    return keras.Model(inputs, net)


def _reference_residual(x, filters, pool=False):
    return models.resnet_module(x, filters, pool=pool, name=_unique("module"))


def _residual_with(add_after=2, merge="add", stride=2, shortcut_from="input"):
    def wrong(x, filters, pool=False):
        from keras import layers

        shortcut = x
        if pool:
            x = layers.MaxPooling2D(2)(x)
            source = x if shortcut_from == "pooled" else shortcut
            shortcut = layers.Conv2D(filters, 1, strides=stride, padding="same")(source)
        out = x
        for index in (1, 2):
            out = layers.BatchNormalization()(out)
            out = layers.Activation("relu")(out)
            out = layers.Conv2D(filters, 3, padding="same")(out)
            if index == add_after:
                joined = [shortcut, out]
                out = layers.Add()(joined) if merge == "add" else layers.Concatenate()(joined)
        return out

    return wrong


_NO_STRIDE = (
    "the shortcut's 1x1 projection needs strides=2: the pooled branch is half the size of the "
    "block's input, so the projection must halve it too"
)
_POOLED_TWICE = (
    "your shortcut is pooled twice: take it from the block's input (before the MaxPooling2D) "
    "and let the strided 1x1 projection halve it once"
)


def _verify_residual(answers):
    from deepvision.checks.architecture import check_builder

    module = _callable(answers, "residual_module")
    try:
        return check_builder(
            lambda: _residual_model(module),
            lambda: _residual_model(_reference_residual),
            "residual_module",
        )
    except CaseFailed as failure:
        sizes = {int(s) for s in re.findall(r"\((?:None, )?(\d+), \d+, \d+\)", str(failure))}
        if sizes == {8, 16}:
            raise CaseFailed(_NO_STRIDE) from failure
        if sizes == {4, 8}:
            raise CaseFailed(_POOLED_TWICE) from failure
        raise


RESIDUAL_MODULE = Exercise(
    "residual_module",
    chapter="ch09",
    answers=("residual_module",),
    reference=_reference_residual,
    verify=_keeping_random_state(_verify_residual),
    mistakes=[
        Mistake("your Add comes too early", _residual_with(add_after=1)),
        Mistake("uses Concatenate where it should use Add", _residual_with(merge="concatenate")),
        Mistake(_NO_STRIDE, _residual_with(stride=1)),
        Mistake(_POOLED_TWICE, _residual_with(shortcut_from="pooled")),
    ],
    hints=[
        "Keep the input as the shortcut; with pool, max-pool x (2x2) and make the shortcut a "
        "Conv2D(filters, 1, strides=2, padding='same') of the unpooled input.",
        "Then BatchNormalization → ReLU → Conv2D(filters, 3, padding='same'), twice, and "
        "layers.Add()([shortcut, out]) at the very end.",
    ],
    success="the book's module: two BN → ReLU → 3x3 units, added to the (projected) input",
    keras=True,
)


def _se_model(block):
    """Two SE blocks on (8, 8, 64) maps: ratio 16, then ratio 8."""
    import keras

    inputs = keras.Input(shape=(8, 8, 64))
    return keras.Model(inputs, block(block(inputs, 16), 8))


def _se_reference(x, ratio=16):
    return models.se_block(x, ratio, name=_unique("se"))


def _se_book(x, ratio=16):
    """The book's SEModule as listed: the (N, C) gates broadcast by Multiply, no Reshape."""
    from keras import layers

    channels = int(x.shape[-1])
    se = layers.GlobalAveragePooling2D()(x)
    se = layers.Dense(channels // ratio, activation="relu")(se)
    se = layers.Dense(channels, activation="sigmoid")(se)
    return layers.Multiply()([x, se])


def _se_with(gate="sigmoid", merge="multiply", hidden="ratio"):
    def wrong(x, ratio=16):
        from keras import layers

        channels = int(x.shape[-1])
        se = layers.GlobalAveragePooling2D()(x)
        se = layers.Dense(ratio if hidden == "units" else channels // ratio)(se)
        se = layers.Activation("relu")(se)
        se = layers.Dense(channels)(se)
        if gate:
            se = layers.Activation(gate)(se)
        se = layers.Reshape((1, 1, channels))(se)
        return layers.Multiply()([x, se]) if merge == "multiply" else layers.Add()([x, se])

    return wrong


_NO_SIGMOID = (
    "the gates must end in a sigmoid: one weight in (0, 1) per channel, Activation('sigmoid') "
    "after the second Dense"
)


def _verify_se(answers):
    from deepvision.checks.architecture import check_builder

    block = _callable(answers, "se_block")
    try:  # the book's listing broadcasts (N, C) gates without a Reshape: either is right
        reshapes = any(type(layer).__name__ == "Reshape" for layer in _se_model(block).layers)
    except Exception:  # noqa: BLE001 - check_builder calls it again and explains the failure
        reshapes = True
    try:
        return check_builder(
            lambda: _se_model(block),
            lambda: _se_model(_se_reference if reshapes else _se_book),
            "se_block",
        )
    except CaseFailed as failure:
        got, _, expected = str(failure).partition("; expected")
        if "sigmoid" in expected and "sigmoid" not in got and "Multiply" in got:
            raise CaseFailed(f"{_NO_SIGMOID} ({failure})") from failure
        raise


SE_BLOCK = Exercise(
    "se_block",
    chapter="ch09",
    answers=("se_block",),
    reference=_se_reference,
    verify=_keeping_random_state(_verify_se),
    mistakes=[
        Mistake(_NO_SIGMOID, _se_with(gate=None)),
        Mistake(_NO_SIGMOID, _se_with(gate="relu")),
        Mistake("uses Add where it should use Multiply", _se_with(merge="add")),
        Mistake("the 1st Dense has units=16; expected units=4", _se_with(hidden="units")),
    ],
    hints=[
        "Squeeze: GlobalAveragePooling2D gives one number per channel, shape (N, C).",
        "Excite: Dense(C // ratio) → ReLU → Dense(C) → sigmoid, then multiply x by the gates "
        "(layers.Multiply()([x, se]) broadcasts the (N, C) gates over H and W).",
    ],
    success="squeeze, excite through C / r units, sigmoid gates, multiplied channel by channel",
    keras=True,
)


def _dense_model(block):
    """The book's 5-layer dense block with k = 4 on (8, 8, 4) maps."""
    import keras

    inputs = keras.Input(shape=(8, 8, 4))
    return keras.Model(inputs, block(inputs, 5, 4))


def _dense_reference(x, num_layers=5, growth_rate=4):
    return models.dense_block(x, num_layers, growth_rate, name=_unique("dense"))


def _dense_with(merge="concatenate", chain=False, order=("bn", "relu", "conv")):
    def wrong(x, num_layers=5, growth_rate=4):
        from keras import layers

        outputs, current = [x], x
        for _ in range(num_layers):
            out = current
            for step in order:
                if step == "bn":
                    out = layers.BatchNormalization()(out)
                elif step == "relu":
                    out = layers.Activation("relu")(out)
                else:
                    out = layers.Conv2D(growth_rate, 3, padding="same")(out)
            if chain:
                outputs.append(out)
                current = out
            elif merge == "add":
                current = layers.Add()([current, out])
            else:
                current = layers.Concatenate()([current, out])
        return layers.Concatenate()(outputs) if chain else current

    return wrong


_CHAINED = (
    "each layer must read the concatenation of the block's input and every earlier layer's "
    "maps: concatenate after every layer (5 Concatenate layers), not once at the end"
)


def _verify_dense(answers):
    from deepvision.checks.architecture import check_builder

    block = _callable(answers, "dense_block")
    try:
        return check_builder(
            lambda: _dense_model(block), lambda: _dense_model(_dense_reference), "dense_block"
        )
    except CaseFailed as failure:
        if "Concatenate layers; expected 5" in str(failure):
            raise CaseFailed(f"{_CHAINED} ({failure})") from failure
        raise


DENSE_BLOCK = Exercise(
    "dense_block",
    chapter="ch09",
    answers=("dense_block",),
    reference=_dense_reference,
    verify=_keeping_random_state(_verify_dense),
    mistakes=[
        Mistake("uses Add where it should use Concatenate", _dense_with(merge="add")),
        Mistake(_CHAINED, _dense_with(chain=True)),
        Mistake(
            "the output of Conv2D → BatchNormalization → ReLU; expected the block's input and the "
            "output of BatchNormalization → ReLU → Conv2D",
            _dense_with(order=("conv", "bn", "relu")),
        ),
    ],
    hints=[
        "Each layer is BatchNormalization → ReLU → Conv2D(growth_rate, 3, padding='same') on "
        "everything so far.",
        "After each layer, x = layers.Concatenate()([x, out]): the next layer reads the block's "
        "input and every earlier layer's maps.",
    ],
    success="five BN → ReLU → 3x3 layers, each concatenating k new maps",
    keras=True,
)


def _inception_model(module):
    """One module on (12, 12, 48) maps with (16, 12, 24, 4, 8, 8) filters."""
    import keras

    inputs = keras.Input(shape=(12, 12, 48))
    return keras.Model(inputs, module(inputs, 16, 12, 24, 4, 8, 8))


def _inception_reference(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    return models.inception_module(
        x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name=_unique("inception")
    )


def _inception_with(reductions=True, projection=True, reduce_after=False):
    def wrong(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
        from keras import layers

        def conv(tensor, filters, size):
            return layers.Conv2D(filters, size, padding="same", activation="relu")(tensor)

        one = conv(x, f1, 1)
        if reduce_after:
            three = conv(conv(x, f3, 3), f3_reduce, 1)
            five = conv(conv(x, f5, 5), f5_reduce, 1)
        elif reductions:
            three, five = conv(conv(x, f3_reduce, 1), f3, 3), conv(conv(x, f5_reduce, 1), f5, 5)
        else:
            three, five = conv(x, f3, 3), conv(x, f5, 5)
        pool = layers.MaxPooling2D(3, strides=1, padding="same")(x)
        if projection:
            pool = conv(pool, pool_proj, 1)
        return layers.Concatenate()([one, three, five, pool])

    return wrong


_NAIVE = (
    "that is the naive module: put a 1x1 reduction in front of the 3x3 and the 5x5, and a 1x1 "
    "projection after the pool"
)
_NO_PROJECTION = "one 1x1 is missing: the pool branch ends in a 1x1 projection to pool_proj filters"


def _verify_inception(answers):
    from deepvision.checks.architecture import check_builder

    module = _callable(answers, "inception_module")
    try:
        return check_builder(
            lambda: _inception_model(module),
            lambda: _inception_model(_inception_reference),
            "inception_module",
        )
    except CaseFailed as failure:
        words = {
            "3 Conv2D layers; expected 6": _NAIVE,
            "5 Conv2D layers; expected 6": _NO_PROJECTION,
        }
        for found, hint in words.items():
            if found in str(failure):
                raise CaseFailed(f"{hint} ({failure})") from failure
        raise


INCEPTION_MODULE = Exercise(
    "inception_module",
    chapter="ch09",
    answers=("inception_module",),
    reference=_inception_reference,
    verify=_keeping_random_state(_verify_inception),
    mistakes=[
        Mistake(_NAIVE, _inception_with(reductions=False, projection=False)),
        Mistake(_NO_PROJECTION, _inception_with(projection=False)),
        Mistake(
            "the 2nd Conv2D has filters=24; expected filters=12",
            _inception_with(reduce_after=True),
        ),
    ],
    hints=[
        "Four branches from the same x: a 1x1; a 1x1 reduction then a 3x3; a 1x1 reduction then "
        "a 5x5; a 3x3 max-pool (strides=1, padding='same') then a 1x1 projection.",
        "Every Conv2D has padding='same' and activation='relu'; join the four with "
        "layers.Concatenate() in that order.",
    ],
    success="four branches with 1x1 reductions, concatenated",
    keras=True,
)

EXERCISES = [
    VGG_PARAMETERS,
    GROUPED_PARAMETERS,
    RESIDUAL_MODULE,
    SE_BLOCK,
    DENSE_BLOCK,
    INCEPTION_MODULE,
]

check_vgg_parameters = VGG_PARAMETERS.checker("check_vgg_parameters")
check_grouped_parameters = GROUPED_PARAMETERS.checker("check_grouped_parameters")
check_residual_module = RESIDUAL_MODULE.checker("check_residual_module")
check_se_block = SE_BLOCK.checker("check_se_block")
check_dense_block = DENSE_BLOCK.checker("check_dense_block")
check_inception_module = INCEPTION_MODULE.checker("check_inception_module")
