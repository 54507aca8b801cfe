"""The book's MNIST multilayer perceptron: Dense 128-128-128-10, ReLU then softmax.

Two builders make the same network, once with ``keras.Sequential`` (chapter 04) and once with the
functional API (chapter 05). Both have 134,794 parameters with the defaults:

    784 * 128 + 128 = 100,480     (first hidden layer)
    128 * 128 + 128 =  16,512     (second, and again for the third)
    128 *  10 +  10 =   1,290     (output layer)

Every layer is named from the ``name`` prefix (``mlp_dense1``, ..., ``mlp_output``).

Taught in: chapter 04, "The network"; chapter 05, "The functional API".
"""

from __future__ import annotations

from deepvision import validate

#: The book's network: 784 inputs (a flattened 28x28 image), three hidden layers, ten classes.
BOOK_INPUT_SHAPE = (784,)
BOOK_HIDDEN_UNITS = (128, 128, 128)


def _check_arguments(input_shape, hidden_units, num_classes):
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    input_shape = tuple(input_shape)
    if len(input_shape) != 1:
        raise ValueError(
            f"input_shape: expected one dimension such as (784,) (flatten the images first), "
            f"got {input_shape}"
        )
    validate.positive_int(input_shape[0], "input_shape[0]")
    hidden_units = tuple(hidden_units)
    for units in hidden_units:
        validate.positive_int(units, "hidden_units")
    validate.positive_int(num_classes, "num_classes")
    return input_shape, hidden_units


def mlp_parameter_count(input_size=784, hidden_units=BOOK_HIDDEN_UNITS, num_classes=10):
    """Parameters of a Dense stack: sum over layers of n_in * n_out (weights) + n_out (biases).

    Args:
        input_size: Features per example (784 for a flattened MNIST digit).
        hidden_units: Units of each hidden layer.
        num_classes: Units of the output layer.

    Returns:
        int: 134,794 for the book's network.

    Taught in: chapter 05, "model.summary() and where 134,794 parameters come from".
    """
    (input_size,), hidden_units = _check_arguments(input_size, hidden_units, num_classes)
    sizes = (input_size, *hidden_units, num_classes)
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def mlp_sequential(
    input_shape=BOOK_INPUT_SHAPE,
    hidden_units=BOOK_HIDDEN_UNITS,
    num_classes=10,
    activation="relu",
    name="mlp",
):
    """The book's MLP as a ``keras.Sequential``.

    Args:
        input_shape: Shape of one example without the batch axis, ``(784,)`` for flat MNIST.
        hidden_units: Units of each hidden Dense layer.
        num_classes: Units of the softmax output layer.
        activation: Activation of the hidden layers.
        name: Prefix of the model's and every layer's name.

    Returns:
        keras.Sequential mapping (N, 784) float inputs to (N, num_classes) probabilities.

    Taught in: chapter 04, "The network".
    """
    import keras

    input_shape, hidden_units = _check_arguments(input_shape, hidden_units, num_classes)
    layers = [keras.Input(shape=input_shape, name=f"{name}_input")]
    for index, units in enumerate(hidden_units, 1):
        layers.append(keras.layers.Dense(units, activation=activation, name=f"{name}_dense{index}"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax", name=f"{name}_output"))
    return keras.Sequential(layers, name=name)


def mlp_functional(
    input_shape=BOOK_INPUT_SHAPE,
    hidden_units=BOOK_HIDDEN_UNITS,
    num_classes=10,
    activation="relu",
    name="mlp",
):
    """The same MLP written with the functional API: tensors in, tensors out, then ``keras.Model``.

    Arguments and result are those of :func:`mlp_sequential`; only the way of building differs.

    Taught in: chapter 05, "The functional API".
    """
    import keras

    input_shape, hidden_units = _check_arguments(input_shape, hidden_units, num_classes)
    inputs = keras.Input(shape=input_shape, name=f"{name}_input")
    x = inputs
    for index, units in enumerate(hidden_units, 1):
        x = keras.layers.Dense(units, activation=activation, name=f"{name}_dense{index}")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name=f"{name}_output")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name=name)


def compiled_mlp(learning_rate=0.01, **kwargs):
    """The book's MLP (:func:`mlp_sequential`), compiled as the book trains it.

    SGD at ``learning_rate``, categorical cross-entropy (one-hot labels), accuracy reported.

    Args:
        learning_rate: SGD's step size, > 0.
        **kwargs: Passed to :func:`mlp_sequential` (``hidden_units``, ``name``...).

    Returns:
        A compiled ``keras.Sequential``.

    Taught in: chapter 05, "Saving and loading".
    """
    import keras

    learning_rate = validate.positive_number(learning_rate, "learning_rate")
    model = mlp_sequential(**kwargs)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
