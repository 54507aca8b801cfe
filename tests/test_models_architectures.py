"""The chapter-09 builders: parameter counts pinned (and equal to deepvision.cost's count),
VGG16, VGG19 and ResNet-50 layer for layer against keras.applications (built once per module),
the blocks' shapes and wiring, and every bad input named in a ValueError."""

import pytest

from deepvision import cost, models

# network -> (builder, parameters, output shape)
PINNED = {
    "lenet5": (models.lenet5, 61_706, (None, 10)),
    "alexnet": (models.alexnet, 62_378_344, (None, 1000)),
    "alexnet two GPUs": (lambda: models.alexnet(two_gpus=True), 60_965_224, (None, 1000)),
    "mini googlenet": (models.mini_googlenet, 132_122, (None, 10)),
    "mini densenet": (models.mini_densenet, 182_422, (None, 10)),
    "mini resnet": (models.mini_resnet, 4_374_538, (None, 10)),
    "se resnet": (models.se_resnet, 4_408_708, (None, 10)),
    "plain stack": (lambda: models.depth_stack(10, residual=False), 47_018, (None, 10)),
    "residual stack": (lambda: models.depth_stack(10, residual=True), 47_018, (None, 10)),
}


@pytest.mark.parametrize("network", list(PINNED))
def test_parameters_are_pinned(keras, network):
    build, params, output_shape = PINNED[network]
    model = build()
    assert model.count_params() == params == cost.model_cost(model).params
    assert model.output_shape == output_shape
    prefix = model.name + "_"
    assert all(layer.name.startswith(prefix) for layer in model.layers)


APPLICATIONS = {
    "vgg16": (models.vgg16, "VGG16", 138_357_544),
    "vgg19": (models.vgg19, "VGG19", 143_667_240),
    "resnet50": (models.resnet50, "ResNet50", 25_636_712),
}


@pytest.fixture(scope="module")
def applications(keras):
    """Each (ours, keras.applications') pair as (name, type, output shape, parameters) rows,
    built once for the module (building them costs seconds)."""

    def rows(model):
        return [
            (layer.name, type(layer).__name__, tuple(layer.output.shape), layer.count_params())
            for layer in model.layers[1:]  # the input layers' names are made unique by Keras
        ], model.count_params()

    built = {}
    for name, (ours, theirs, _) in APPLICATIONS.items():
        built[name] = (rows(ours()), rows(getattr(keras.applications, theirs)(weights=None)))
    return built


@pytest.mark.parametrize("network", list(APPLICATIONS))
def test_same_network_as_keras_applications(applications, network):
    (ours, ours_count), (theirs, theirs_count) = applications[network]
    assert ours_count == theirs_count == APPLICATIONS[network][2]
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine == reference


def test_inception_module_with_and_without_reductions(keras):
    inputs = keras.Input((28, 28, 192))
    reduced = keras.Model(inputs, models.inception_module(inputs, *models.inception.INCEPTION_3A))
    naive = keras.Model(
        inputs,
        models.inception_module(inputs, *models.inception.INCEPTION_3A, reductions=False, name="n"),
    )
    assert reduced.output_shape == (None, 28, 28, 256)  # GoogLeNet's 3a
    assert naive.output_shape == (None, 28, 28, 64 + 128 + 32 + 192)
    assert reduced.count_params() == 163_696 and naive.count_params() == 387_296
    assert cost.model_cost(reduced).macs == 128_049_152
    assert cost.model_cost(naive).macs == 303_464_448
    kinds = [type(layer).__name__ for layer in naive.layers]
    assert kinds.count("Conv2D") == 3 and kinds.count("Concatenate") == 1


def test_dense_block_grows_by_k_per_layer(keras):
    inputs = keras.Input((8, 8, 16))
    model = keras.Model(inputs, models.dense_block(inputs, 5, 4, name="d"))
    assert model.output_shape == (None, 8, 8, 16 + 5 * 4)
    for index in range(1, 6):
        assert model.get_layer(f"d_layer{index}_conv").input.shape[-1] == 16 + 4 * (index - 1)
    # BN (4 C: gamma, beta and the two moving statistics) + 3x3 conv (9 C k + k) per layer
    assert model.count_params() == sum(4 * c + 9 * c * 4 + 4 for c in (16, 20, 24, 28, 32))


def test_resnext_block_uses_groups(keras):
    inputs = keras.Input((14, 14, 256))
    model = keras.Model(inputs, models.resnext_block(inputs, 256, 32, 128, name="x"))
    assert model.get_layer("x_grouped").get_config()["groups"] == 32
    assert model.get_layer("x_grouped").kernel.shape == (3, 3, 4, 128)
    assert model.output_shape == (None, 14, 14, 256)
    assert model.count_params() == 72_192
    strided = keras.Model(inputs, models.resnext_block(inputs, 512, strides=2, name="s"))
    assert strided.output_shape == (None, 7, 7, 512)
    assert strided.get_layer("s_shortcut").get_config()["strides"] == (2, 2)


def test_se_block_gates_with_a_sigmoid(keras):
    inputs = keras.Input((8, 8, 64))
    model = keras.Model(inputs, models.se_block(inputs, 16, name="se"))
    assert model.get_layer("se_reduce").units == 4 and model.get_layer("se_expand").units == 64
    assert model.get_layer("se_sigmoid").get_config()["activation"] == "sigmoid"
    assert model.count_params() == (64 * 4 + 4) + (4 * 64 + 64)


def test_resnet_module_with_se_keeps_the_book_names(keras):
    inputs = keras.Input((16, 16, 32))
    plain = keras.Model(inputs, models.resnet_module(inputs, 64, pool=True, name="m"))
    with_se = keras.Model(
        inputs, models.resnet_module(inputs, 64, pool=True, name="m", se_ratio=16)
    )
    assert plain.count_params() + (64 * 4 + 4) + (4 * 64 + 64) == with_se.count_params()
    add = with_se.get_layer("m_add")
    assert add.input[1].name == with_se.get_layer("m_se_scale").output.name


def test_bottleneck_block_projection(keras):
    inputs = keras.Input((56, 56, 64))
    model = keras.Model(inputs, models.bottleneck_block(inputs, 64, name="b"))
    assert model.output_shape == (None, 56, 56, 256)
    assert "b_0_conv" in [layer.name for layer in model.layers]  # 64 != 256 channels
    with pytest.raises(ValueError, match="projection"):
        models.bottleneck_block(inputs, 64, strides=2, projection=False)


def test_depth_stack_twins_differ_only_by_the_shortcuts(keras):
    plain, residual = models.depth_stack(3, False), models.depth_stack(3, True)
    kinds = [type(layer).__name__ for layer in residual.layers]
    assert kinds.count("Add") == 3 and "Add" not in [type(la).__name__ for la in plain.layers]
    assert [w.shape for w in plain.weights] == [w.shape for w in residual.weights]


def test_bad_input_is_named(keras):
    images = keras.Input((8, 8, 30))
    flat = keras.Input((30,))
    with pytest.raises(ValueError, match="x: expected a Keras tensor of feature maps"):
        models.se_block(flat)
    with pytest.raises(ValueError, match="x: expected a Keras tensor of feature maps"):
        models.dense_block(flat)
    with pytest.raises(ValueError, match="x: expected a Keras tensor of feature maps"):
        models.inception_module(flat, 1, 1, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="width: .*multiple of 32"):
        models.resnext_block(images, 64, cardinality=32, width=100)
    with pytest.raises(ValueError, match="ratio: .*30 // 32 = 0"):
        models.se_block(images, 32)
    with pytest.raises(ValueError, match="input_shape: LeNet-5 needs images of at least 32x32"):
        models.lenet5((28, 28, 1))
    with pytest.raises(ValueError, match="input_shape: VGG16 needs images of at least 32x32"):
        models.vgg16((16, 16, 3))
    with pytest.raises(ValueError, match="input_shape: ResNet-50 needs"):
        models.resnet50((24, 24, 3))
    with pytest.raises(ValueError, match="input_shape: the mini ResNet needs"):
        models.mini_resnet((4, 4, 3))
    with pytest.raises(ValueError, match="input_shape: AlexNet needs"):
        models.alexnet((64, 64, 3))
    with pytest.raises(ValueError, match="input_shape: expected"):
        models.lenet5((32, 32))
    with pytest.raises(ValueError, match="depth"):
        models.vgg(17)
    with pytest.raises(ValueError, match="filters_3x3"):
        models.inception_module(images, 1, 1, 0, 1, 1, 1)
