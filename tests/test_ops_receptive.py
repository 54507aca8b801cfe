"""ops.receptive against an empirical oracle: the input pixels a real Keras stack's unit depends on.

The oracle builds the stack in Keras with every kernel weight 1 and no bias (average pooling for
pooling), so no two paths cancel, and takes the gradient of one output unit with respect to the
input with ``tf.GradientTape``: the rows and columns where it is non-zero are exactly the pixels
that unit sees (clipped to the image where its field reaches into the padding).
"""

import numpy as np
import pytest

from deepvision.ops import receptive

# Stacks as (kind, kernel_size, stride, dilation, padding), bottom first.
STACKS = {
    "three 3x3": [("conv", 3, 1, 1, "valid")] * 3,
    "3x3, stride 2, 3x3": [("conv", 3, 2, 1, "valid"), ("conv", 3, 1, 1, "valid")],
    "conv, pool, conv": [
        ("conv", 3, 1, 1, "same"),
        ("pool", 2, 2, 1, "valid"),
        ("conv", 3, 1, 1, "same"),
    ],
    "dilated 1, 2, 4": [
        ("conv", 3, 1, 1, "valid"),
        ("conv", 3, 1, 2, "valid"),
        ("conv", 3, 1, 4, "valid"),
    ],
    "even kernels, strides": [("conv", 4, 2, 1, "same"), ("conv", 2, 1, 1, "valid")],
    "7x7/2, pool 3/2 same": [("conv", 7, 2, 1, "same"), ("pool", 3, 2, 1, "same")],
    "dilated 3, stride 3, dilated 2": [
        ("conv", 5, 1, 3, "valid"),
        ("conv", 3, 3, 1, "same"),
        ("conv", 3, 1, 2, "valid"),
    ],
}


def _keras_stack(keras, stack, size):
    layers = [keras.Input((size, size, 1))]
    for kind, kernel, stride, dilation, padding in stack:
        if kind == "pool":
            layers.append(keras.layers.AveragePooling2D(kernel, stride, padding=padding))
        else:
            layers.append(
                keras.layers.Conv2D(
                    1,
                    kernel,
                    strides=stride,
                    dilation_rate=dilation,
                    padding=padding,
                    use_bias=False,
                    kernel_initializer="ones",
                )
            )
    return keras.Sequential(layers)


def _seen(model, size, i, j):
    """Rows and columns of the input pixels whose gradient for output (i, j) is non-zero."""
    import tensorflow as tf

    x = tf.Variable(np.random.default_rng(0).uniform(0.5, 1.5, (1, size, size, 1)), dtype="float32")
    with tf.GradientTape() as tape:
        out = model(x)[0, i, j, 0]
    grad = np.abs(tape.gradient(out, x).numpy()[0, :, :, 0])
    rows, cols = np.nonzero(grad > 0)
    return (rows.min(), rows.max()), (cols.min(), cols.max()), out


@pytest.mark.keras
@pytest.mark.parametrize("name", list(STACKS))
def test_field_matches_the_gradient_of_a_real_keras_stack(keras, name):
    size = 29
    stack = STACKS[name]
    specs = [(k, s, d, p) for _, k, s, d, p in stack]
    fields = receptive.receptive_field(specs, input_size=size)
    model = _keras_stack(keras, stack, size)
    out_h = model.output_shape[1]
    for i, j in {(0, 0), (out_h // 2, out_h // 3), (out_h - 1, out_h - 1)}:
        rows, cols, _ = _seen(model, size, i, j)
        for axis, position in ((rows, i), (cols, j)):
            first, last = receptive.field_span(fields[-1], position)
            assert axis == (max(first, 0), min(last, size - 1)), (name, i, j)
    # an interior unit's field lies inside the image: its span is exactly the size
    middle = out_h // 2
    first, last = receptive.field_span(fields[-1], middle)
    if first >= 0 and last < size:
        rows, _, _ = _seen(model, size, middle, middle)
        assert rows[1] - rows[0] + 1 == fields[-1].size


def test_the_recurrence_by_hand():
    # three 3x3 convolutions: 3, 5, 7 (the stack sees what one 7x7 sees)
    assert [f.size for f in receptive.receptive_field([3, 3, 3])] == [3, 5, 7]
    # stride 2 doubles how much every later layer adds
    fields = receptive.receptive_field([(3, 2), (3, 1), (3, 1)])
    assert [(f.size, f.jump) for f in fields] == [(3, 2), (7, 2), (11, 2)]
    # dilations 1, 2, 4: 3, 7, 15 (exponential growth, no extra weights)
    assert [f.size for f in receptive.receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])] == [
        3,
        7,
        15,
    ]
    # explicit padding moves the start, not the size
    padded = receptive.receptive_field([(3, 1, 1, 1)])[0]
    assert padded == receptive.ReceptiveField(3, 1, 0.0)
    assert receptive.receptive_field([3])[0].start == 1.0
    assert receptive.receptive_field_size([]) == 1
    assert receptive.receptive_field_size([(7, 2), (3, 2), (3, 1, 1, "same")]) == 19
    assert receptive.field_span(receptive.ReceptiveField(7, 2, 3.0), 2) == (4, 10)


def test_dict_layers_and_padding_do_not_change_the_size():
    as_dicts = [{"kernel_size": 3, "stride": 2}, {"kernel_size": 3, "dilation": 2}]
    as_tuples = [(3, 2), (3, 1, 2)]
    assert receptive.receptive_field(as_dicts) == receptive.receptive_field(as_tuples)
    same = receptive.receptive_field([(3, 2, 1, "same"), (3, 1, 2, "same")], input_size=32)
    assert [f.size for f in same] == [f.size for f in receptive.receptive_field(as_tuples)]


@pytest.mark.parametrize(
    "layers, kwargs, match",
    [
        ([(3, 0)], {}, r"layers\[0\] stride"),
        ([(0,)], {}, r"layers\[0\] kernel_size"),
        ([(3, 1, -1)], {}, r"layers\[0\] dilation"),
        ([(3, 1, 1, "full")], {}, "padding"),
        ([(3, 1, 1, "same")], {}, "input_size: layers\\[0\\] has padding='same'"),
        ([3, "x"], {}, r"layers\[1\]: expected kernel_size"),
        ([{"kernel": 3}], {}, r"layers\[0\]: expected a dict"),
        ("33", {}, "layers: expected a sequence"),
        ([3, 3], {"input_size": 0}, "input_size"),
        ([(3, 1, 4)], {"input_size": 8}, r"layers\[0\]: a kernel spanning 9 pixels"),
    ],
)
def test_bad_input_is_named(layers, kwargs, match):
    with pytest.raises(ValueError, match=match):
        receptive.receptive_field(layers, **kwargs)


def test_field_span_rejects_bad_input():
    with pytest.raises(ValueError, match="field"):
        receptive.field_span((3, 1, 0.0), 0)
    with pytest.raises(ValueError, match="index"):
        receptive.field_span(receptive.ReceptiveField(3, 1, 1.0), -1)
