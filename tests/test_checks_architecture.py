"""The model checker compares graphs: it passes every spelling of the right network and names
the first difference of every wrong one in words a learner understands.

A well-known course compared layers with ``zip()`` and so passed a model with a layer missing;
each kind of mistake gets its own test here, from a missing layer to a trainable backbone.
"""

import pytest

from deepvision.checks._core import CaseFailed
from deepvision.checks.architecture import (
    check_builder,
    check_model,
    describe_graph,
    describe_model,
)
from deepvision.models import blocks, mlp_functional, mlp_sequential

pytestmark = pytest.mark.keras  # every test here builds Keras models

BOOK_UNITS = (128, 128, 128, 10)
BOOK_ACTIVATIONS = ("relu", "relu", "relu", "softmax")


@pytest.fixture(scope="module")
def layers(keras):
    return keras.layers


def dense_stack(keras, units, activations, input_shape=(784,), functional=False):
    if functional:
        inputs = keras.Input(shape=input_shape)
        x = inputs
        for n, activation in zip(units, activations, strict=True):
            x = keras.layers.Dense(n, activation=activation)(x)
        return keras.Model(inputs, x)
    layers = [keras.Input(shape=input_shape)]
    layers += [keras.layers.Dense(n, activation=a) for n, a in zip(units, activations, strict=True)]
    return keras.Sequential(layers)


def fails_with(model, reference, words):
    result = check_model(model, reference)
    assert not result, f"a wrong model passed: {words}"
    assert words in result.message, result.message
    return result.message


# -- the book's MLP: every spelling passes, every wrong layer is named ------------------------


@pytest.fixture(scope="module")
def mlp():
    return mlp_sequential()


@pytest.mark.parametrize("functional", [False, True])
def test_sequential_and_functional_spellings_pass(keras, mlp, functional):
    model = dense_stack(keras, BOOK_UNITS, BOOK_ACTIVATIONS, functional=functional)
    result = check_model(model, mlp)
    assert result, result.message
    assert result.message == "4 layers and 134,794 parameters, as expected"
    assert check_model(mlp_functional(), mlp)
    assert check_model(mlp, mlp_functional())  # the reference may be functional too


def test_an_activation_layer_is_the_same_as_an_activation_argument(keras, layers, mlp):
    spelled_out = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(128),
            layers.Activation("relu"),
            layers.Dense(128),
            layers.ReLU(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10),
            layers.Softmax(),
        ]
    )
    assert check_model(spelled_out, mlp)


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("missing", [0, 1, 3])
def test_a_missing_layer_fails(keras, mlp, functional, missing):
    units = [u for i, u in enumerate(BOOK_UNITS) if i != missing]
    activations = [a for i, a in enumerate(BOOK_ACTIVATIONS) if i != missing]
    model = dense_stack(keras, units, activations, functional=functional)
    fails_with(model, mlp, "your model has 3 Dense layers; expected 4")


def test_an_extra_layer_fails(keras, layers, mlp):
    model = dense_stack(keras, (128, 128, 128, 128, 10), ("relu",) * 4 + ("softmax",))
    fails_with(model, mlp, "your model has 5 Dense layers; expected 4")
    with_dropout = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(128, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    fails_with(with_dropout, mlp, "1 Dropout layer(s); the architecture asked for has none")


@pytest.mark.parametrize(
    ("activations", "words"),
    [
        (("relu",) * 4, "the 4th Dense (10 units) is followed by ReLU; expected softmax"),
        (
            ("sigmoid", "relu", "relu", "softmax"),
            "the 1st Dense (128 units) is followed by sigmoid",
        ),
        (
            (None, "relu", "relu", "softmax"),
            "the 1st Dense (128 units) has no activation; expected",
        ),
    ],
)
def test_a_wrong_activation_is_named_with_its_layer(keras, mlp, activations, words):
    fails_with(dense_stack(keras, BOOK_UNITS, activations), mlp, words)


@pytest.mark.parametrize(
    ("units", "words"),
    [
        ((128, 64, 128, 10), "the 2nd Dense has units=64; expected units=128"),
        ((128, 128, 128, 9), "the 4th Dense has units=9; expected units=10"),
    ],
)
def test_wrong_units_fail(keras, mlp, units, words):
    fails_with(dense_stack(keras, units, BOOK_ACTIVATIONS), mlp, words)


@pytest.mark.parametrize("input_shape", [(28, 28), (28 * 28 * 3,), (28, 28, 1)])
def test_a_wrong_input_shape_fails(keras, mlp, input_shape):
    model = dense_stack(keras, BOOK_UNITS, BOOK_ACTIVATIONS, input_shape=input_shape)
    fails_with(model, mlp, f"input shape is {input_shape}; expected (784,)")


def test_flatten_first_and_a_missing_bias_are_different_models(keras, layers, mlp):
    flatten_first = keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + [layers.Dense(n, activation=a) for n, a in zip(BOOK_UNITS, BOOK_ACTIVATIONS, strict=True)]
    )
    assert not check_model(flatten_first, mlp)
    no_bias = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(128, activation="relu", use_bias=False),
            layers.Dense(128, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    fails_with(no_bias, mlp, "the 1st Dense has use_bias=False; expected use_bias=True")


def test_not_a_model_or_not_built_gives_a_clear_message(keras, layers, mlp):
    result = check_model("mlp", mlp)
    assert not result and "expected a keras.Model, got str" in result.message
    unbuilt = keras.Sequential([layers.Dense(10, activation="softmax")])
    result = check_model(unbuilt, mlp)
    assert not result and "keras.Input(shape=...)" in result.message


def test_describe_model_lists_layers_and_params(mlp):
    summary = describe_model(mlp)
    assert summary["input_shape"] == (784,) and summary["params"] == 134_794
    assert [layer["type"] for layer in summary["layers"]] == ["Dense"] * 4
    assert summary["layers"][-1]["activation"] == "softmax"
    assert summary["layers"][0]["output_shape"] == (128,)


# -- residual blocks: skips, merges and shortcuts --------------------------------------------


def residual(keras, layers, kind="reference", strides=2, filters=8):
    """The reference block (deepvision.models.blocks), or a learner's version with a mistake."""
    x = keras.Input((8, 8, 4))
    if kind == "reference":
        return keras.Model(x, blocks.residual_block(x, filters, strides, name="b"))
    shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(x)
    shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    if kind == "adds before the second convolution":
        y = layers.Add()([y, shortcut])
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if kind in ("shortcut first", "plus operator", "concatenates"):
        y = {
            "shortcut first": lambda: layers.Add()([shortcut, y]),
            "plus operator": lambda: shortcut + y,
            "concatenates": lambda: layers.Concatenate()([y, shortcut]),
        }[kind]()
    elif kind == "no skip":
        pass
    elif kind != "adds before the second convolution":
        raise ValueError(kind)
    return keras.Model(x, layers.Activation("relu")(y))


@pytest.mark.parametrize("spelling", ["shortcut first", "plus operator"])
def test_a_residual_block_passes_however_its_add_is_written(keras, layers, spelling):
    result = check_model(residual(keras, layers, spelling), residual(keras, layers))
    assert result, result.message


def test_a_missing_skip_is_named(keras, layers):
    fails_with(
        residual(keras, layers, "no skip"),
        residual(keras, layers),
        "your model has no Add: the skip connection (adding a block's input to its output) is "
        "missing",
    )


def test_concatenate_instead_of_add_is_named(keras, layers):
    fails_with(
        residual(keras, layers, "concatenates"),
        residual(keras, layers),
        "your model uses Concatenate where it should use Add",
    )


def test_adding_before_the_second_convolution_is_named(keras, layers):
    fails_with(
        residual(keras, layers, "adds before the second convolution"),
        residual(keras, layers),
        "the block adds the shortcut before the 2nd Conv2D",
    )


def test_a_projection_without_stride_gets_a_hint_not_a_traceback(keras, layers):
    def learner():
        x = keras.Input((8, 8, 4))
        shortcut = layers.Conv2D(8, 1)(x)  # no strides=2: 8x8 against the main path's 4x4
        y = layers.Conv2D(8, 3, strides=2, padding="same")(x)
        return keras.Model(x, layers.Add()([y, shortcut]))

    with pytest.raises(CaseFailed) as failure:
        check_builder(learner, lambda: residual(keras, layers), "residual_block")
    message = str(failure.value)
    assert "incompatible shapes" in message and "the shortcut a projection with the same" in message


def test_pooling_the_shortcut_instead_of_striding_it_is_named(keras, layers):
    def block(shortcut_strides, pool):
        x = keras.Input((8, 8, 4))
        shortcut = layers.Conv2D(8, 1, strides=shortcut_strides)(x)
        if pool:
            shortcut = layers.MaxPooling2D(2)(shortcut)
        y = layers.Conv2D(8, 3, strides=2, padding="same")(x)
        return keras.Model(x, layers.Add()([y, shortcut]))

    fails_with(block(1, True), block(2, False), "MaxPooling2D layer(s); the architecture asked")
    fails_with(block(2, False), block(1, True), "your model has no MaxPooling2D layer; expected 1")


# -- pre-activation: the order of BatchNormalization, ReLU and the convolution ---------------


def unit(keras, layers, order):
    x = keras.Input((8, 8, 4))
    y = x
    for step in order:
        y = {
            "bn": layers.BatchNormalization,
            "relu": layers.ReLU,
            "conv": lambda: layers.Conv2D(8, 3, padding="same"),
        }[step]()(y)
    return keras.Model(x, y)


def test_the_pre_activation_unit_passes_as_the_library_builds_it(keras, layers):
    x = keras.Input((8, 8, 4))
    library = keras.Model(x, blocks.preact_conv(x, 8, name="unit"))
    assert check_model(unit(keras, layers, ["bn", "relu", "conv"]), library)


@pytest.mark.parametrize(
    ("order", "words"),
    [
        (["relu", "bn", "conv"], "applies ReLU after the model's input; expected it after the 1st"),
        (["bn", "conv", "relu"], "applies ReLU after the 1st Conv2D; expected it after the 1st"),
        (["bn", "conv"], "the 1st BatchNormalization has no activation; expected ReLU"),
    ],
)
def test_batch_norm_after_the_relu_where_pre_activation_is_asked(keras, layers, order, words):
    message = fails_with(
        unit(keras, layers, order), unit(keras, layers, ["bn", "relu", "conv"]), words
    )
    if len(order) == 3:
        assert "BatchNormalization → ReLU → Conv2D" in message


# -- transfer learning: nested models, frozen or not ------------------------------------------


def transfer(keras, layers, freeze=True, training=False, backbone_filters=4, gap=True):
    inner_input = keras.Input((16, 16, 3))
    y = layers.Conv2D(backbone_filters, 3, activation="relu")(inner_input)
    y = layers.BatchNormalization()(y)
    backbone = keras.Model(inner_input, y, name="tiny_backbone")
    backbone.trainable = not freeze
    x = keras.Input((16, 16, 3))
    features = backbone(x, training=training) if training is not None else backbone(x)
    pooled = layers.GlobalAveragePooling2D()(features) if gap else layers.Flatten()(features)
    return keras.Model(x, layers.Dense(10, activation="softmax")(pooled))


def test_the_transfer_model_passes(keras, layers):
    assert check_model(transfer(keras, layers), transfer(keras, layers))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"freeze": False}, "the backbone 'tiny_backbone' is still trainable: set backbone."),
        ({"training": None}, "with training=False, so its BatchNormalization layers stay"),
        (
            {"backbone_filters": 8},
            "in the nested model 'tiny_backbone': the 1st Conv2D has filters=8",
        ),
        ({"gap": False}, "your model uses Flatten where GlobalAveragePooling2D is expected"),
    ],
)
def test_a_wrong_transfer_model_is_named(keras, layers, change, words):
    fails_with(transfer(keras, layers, **change), transfer(keras, layers), words)


# -- the settings that define a layer --------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda L, v: L.Conv2D(8, 3, groups=v), "has groups=1; expected groups=4"),
        (lambda L, v: L.DepthwiseConv2D(3, depth_multiplier=v), "depth_multiplier=1; expected"),
        (lambda L, v: L.Dropout(0.1 * v), "Dropout has rate=0.1; expected rate=0.4"),
        (lambda L, v: L.BatchNormalization(momentum=1 - 0.01 * v), "momentum=0.99; expected"),
        (lambda L, v: L.MaxPooling2D(v), "has pool_size=(1, 1); expected pool_size=(4, 4)"),
    ],
)
def test_the_defining_settings_are_compared(keras, layers, make, words):
    def model(value):
        x = keras.Input((8, 8, 8))
        return keras.Model(x, make(layers, value)(x))

    fails_with(model(1), model(4), words)


def test_the_graph_is_canonical_and_names_never_matter(keras, layers):
    a = residual(keras, layers)
    b = residual(keras, layers, "shortcut first")
    assert describe_graph(a).signature() == describe_graph(b).signature()
    assert [n.kind for n in describe_graph(a).nodes][:2] == ["Input", "Conv2D"]
