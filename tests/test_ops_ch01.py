"""Chapter 01 reference implementations against Keras/TensorFlow and closed forms."""

import numpy as np
import pytest

from deepvision import ops

SEEDS = range(4)
SHAPES = [(1, 2), (5, 3), (8, 10), (2, 3, 4)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_matches_keras(keras, shape, seed):
    x = np.random.default_rng(seed).normal(scale=5, size=shape)
    expected = keras.ops.convert_to_numpy(keras.activations.softmax(x, axis=-1))
    np.testing.assert_allclose(ops.softmax(x), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("axis", [0, 1, -2])
def test_softmax_other_axes_sum_to_one(keras, axis):
    x = np.random.default_rng(0).normal(size=(3, 4, 5))
    expected = keras.ops.convert_to_numpy(keras.activations.softmax(x, axis=axis))
    np.testing.assert_allclose(ops.softmax(x, axis=axis), expected, rtol=1e-5, atol=1e-7)


def test_softmax_is_stable_and_reproduces_the_book_example():
    np.testing.assert_allclose(ops.softmax([9.0, 6.0]), [0.952574, 0.047426], atol=1e-6)
    big = ops.softmax(np.array([[1000.0, 999.0], [-1000.0, -1000.0]]))
    assert np.all(np.isfinite(big))
    np.testing.assert_allclose(big, [[0.731059, 0.268941], [0.5, 0.5]], atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("num_classes", [2, 3, 10])
def test_cross_entropy_matches_keras_for_integer_and_one_hot_labels(keras, seed, num_classes):
    rng = np.random.default_rng(seed)
    probs = ops.softmax(rng.normal(scale=3, size=(16, num_classes)))
    labels = rng.integers(0, num_classes, size=16)
    sparse = keras.losses.SparseCategoricalCrossentropy()(labels, probs)
    one_hot = np.eye(num_classes)[labels]
    dense = keras.losses.CategoricalCrossentropy()(one_hot, probs)
    assert ops.cross_entropy(probs, labels) == pytest.approx(float(sparse), rel=1e-5)
    assert ops.cross_entropy(probs, one_hot) == pytest.approx(float(dense), rel=1e-5)


def test_cross_entropy_uses_the_natural_log_not_the_books_base_10():
    # The book: -log(0.047) = 1.328 and -log(0.953) = 0.020 (base 10). Natural log below.
    assert ops.cross_entropy([[0.953, 0.047]], [1]) == pytest.approx(3.0576, abs=1e-4)
    assert ops.cross_entropy([[0.953, 0.047]], [0]) == pytest.approx(0.0481, abs=1e-4)


@pytest.mark.parametrize("shape", [(4,), (5, 3), (2, 3, 4)])
def test_mse_matches_keras(keras, shape):
    rng = np.random.default_rng(1)
    y_pred, y_true = rng.normal(size=shape), rng.normal(size=shape)
    expected = float(
        np.mean(
            keras.ops.convert_to_numpy(
                keras.losses.mean_squared_error(y_true.reshape(-1), y_pred.reshape(-1))
            )
        )
    )
    assert ops.mse(y_pred, y_true) == pytest.approx(expected, rel=1e-5)
    assert ops.mse(y_pred, y_true, half=True) == pytest.approx(expected / 2, rel=1e-5)


@pytest.mark.parametrize("lam", [0.0, 0.01, 0.5])
def test_penalties_match_keras_regularizers(keras, lam):
    w = np.random.default_rng(2).normal(size=(6, 4)).astype("float32")
    assert ops.l2_penalty(w, lam) == pytest.approx(float(keras.regularizers.L2(lam)(w)), rel=1e-5)
    assert ops.l1_penalty(w, lam) == pytest.approx(float(keras.regularizers.L1(lam)(w)), rel=1e-5)
    pieces = [w[:3], w[3:]]
    assert ops.l2_penalty(pieces, lam) == pytest.approx(ops.l2_penalty(w, lam))


@pytest.mark.parametrize("lr", [0.001, 0.1, 1.5])
def test_gradient_descent_step_matches_keras_sgd(keras, lr):
    rng = np.random.default_rng(3)
    theta, grad = (
        rng.normal(size=(3, 2)).astype("float32"),
        rng.normal(size=(3, 2)).astype("float32"),
    )
    variable = keras.Variable(theta)
    keras.optimizers.SGD(learning_rate=lr).apply([grad], [variable])
    np.testing.assert_allclose(
        ops.gradient_descent_step(theta, grad, lr),
        keras.ops.convert_to_numpy(variable),
        rtol=1e-5,
        atol=1e-6,
    )
    both = ops.gradient_descent_step({"w": theta, "b": grad[0]}, {"w": grad, "b": grad[0]}, lr)
    np.testing.assert_allclose(both["b"], grad[0] * (1 - lr), rtol=1e-5)


def test_linear_regression_fit_reaches_the_least_squares_solution():
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, size=(100, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3 + rng.normal(scale=0.1, size=100)
    theta, beta, losses = ops.linear_regression_fit(x, y, lr=0.5, steps=2000)
    design = np.hstack([x, np.ones((100, 1))])
    exact, *_ = np.linalg.lstsq(design, y, rcond=None)
    np.testing.assert_allclose(np.append(theta, beta), exact, atol=1e-6)
    assert losses.shape == (2000,) and np.all(np.diff(losses) <= 1e-12)


def test_mse_gradients_match_centred_finite_differences():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(7, 3)), rng.normal(size=7)
    theta, beta, h = rng.normal(size=3), 0.4, 1e-6

    def loss(t, b):
        return ops.mse(ops.linear_predict(x, t, b), y, half=True)

    dtheta, dbeta = ops.mse_gradients(x, y, theta, beta)
    numeric = [(loss(theta + h * e, beta) - loss(theta - h * e, beta)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(dtheta, numeric, rtol=1e-6, atol=1e-8)
    assert dbeta == pytest.approx(
        (loss(theta, beta + h) - loss(theta, beta - h)) / (2 * h), rel=1e-6
    )


def test_polynomial_fit_recovers_a_cubic():
    x = np.linspace(-1, 1, 30)
    y = 1 - 2 * x + 0.5 * x**3
    np.testing.assert_allclose(ops.polynomial_fit(x, y, 3), [1, -2, 0, 0.5], atol=1e-9)
    np.testing.assert_allclose(ops.polynomial_predict(x, [1, -2, 0, 0.5]), y, atol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ops.softmax(3.0), "x: expected at least 1 dimensions"),
        (lambda: ops.softmax([1.0, 2.0], axis=2), "axis: expected an integer in"),
        (
            lambda: ops.cross_entropy([0.2, 0.8], [1]),
            r"probs: expected 2 dimensions, got shape \(2,\)",
        ),
        (
            lambda: ops.cross_entropy([[0.2, 0.8]], [2]),
            r"labels: class indices must lie in \[0, 1\]",
        ),
        (lambda: ops.cross_entropy([[0.2, 0.8]], [0, 1]), r"labels: expected shape \(1,\)"),
        (lambda: ops.cross_entropy([[2.0, -1.0]], [0]), "probs: expected probabilities"),
        (lambda: ops.cross_entropy([[0.2, 0.8]], [[1.0, 0.0, 0.0]]), "shapes must match"),
        (lambda: ops.mse([1.0, 2.0], [1.0]), r"shapes must match, got \(2,\) and \(1,\)"),
        (lambda: ops.l2_penalty([1.0], -0.1), "lam: expected a number >= 0"),
        (lambda: ops.gradient_descent_step([1.0], [1.0], -0.1), "lr: expected a number > 0"),
        (lambda: ops.gradient_descent_step(np.ones(3), np.ones(2), 0.1), r"expected shape \(3,\)"),
        (lambda: ops.linear_regression_fit(np.ones((4, 2)), np.ones(3)), "y: expected 4 targets"),
        (
            lambda: ops.linear_predict(np.ones((4, 2)), np.ones(3), 0.0),
            r"theta: expected shape \(2,\)",
        ),
        (lambda: ops.polynomial_features(np.ones(3), 0), "degree: expected an integer >= 1"),
    ],
)
def test_bad_input_is_a_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()
