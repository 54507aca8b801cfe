"""The from-scratch numpy MLP: its gradients are right and it learns real MNIST."""

import numpy as np
import pytest

from deepvision import config, data, ops
from deepvision.models import numpy_mlp as mlp
from tests.gradcheck import centred_difference


@pytest.mark.parametrize("sizes", [(4, 3), (5, 6, 3), (3, 4, 4, 2)])
@pytest.mark.parametrize("seed", range(3))
def test_mlp_backward_matches_finite_differences(sizes, seed):
    rng = np.random.default_rng(seed)
    params = mlp.init_mlp(sizes, seed=seed)
    params = [(w, rng.normal(scale=0.1, size=b.shape)) for w, b in params]  # nonzero biases
    x = rng.normal(size=(5, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=5)
    probs, caches = mlp.mlp_forward(params, x)
    grads = mlp.mlp_backward(probs, labels, caches)

    def loss_with(k, which, value):
        changed = [list(layer) for layer in params]
        changed[k][which] = value
        return ops.cross_entropy(mlp.mlp_forward(changed, x)[0], labels)

    for k, (w, b) in enumerate(params):
        numeric_w = centred_difference(lambda v, k=k: loss_with(k, 0, v), w)
        numeric_b = centred_difference(lambda v, k=k: loss_with(k, 1, v), b)
        np.testing.assert_allclose(grads[k][0], numeric_w, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(grads[k][1], numeric_b, rtol=1e-5, atol=1e-8)


def test_forward_gives_probabilities_and_init_is_seeded():
    params = mlp.init_mlp((6, 5, 3), seed=4)
    assert [p[0].shape for p in params] == [(6, 5), (5, 3)]
    np.testing.assert_array_equal(params[0][0], mlp.init_mlp((6, 5, 3), seed=4)[0][0])
    probs, caches = mlp.mlp_forward(params, np.random.default_rng(0).normal(size=(7, 6)))
    assert probs.shape == (7, 3) and len(caches) == 2
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_sgd_lowers_the_loss_on_a_fixed_batch():
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(20, 4)), rng.integers(0, 3, size=20)
    params = mlp.init_mlp((4, 8, 3), seed=0)
    before = ops.cross_entropy(mlp.mlp_forward(params, x)[0], labels)
    for _ in range(200):
        probs, caches = mlp.mlp_forward(params, x)
        params = mlp.sgd_update(params, mlp.mlp_backward(probs, labels, caches), lr=0.5)
    after = ops.cross_entropy(mlp.mlp_forward(params, x)[0], labels)
    assert after < 0.5 * before


def test_learns_mnist_in_quick_mode(data_dir, monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    budget = config.budget("ch03_numpy_mlp")
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        budget.train_samples, budget.test_samples
    )
    x_train = x_train.reshape(len(x_train), -1) / 255.0
    x_test = x_test.reshape(len(x_test), -1) / 255.0
    params, history = mlp.train_mlp(
        x_train,
        y_train,
        hidden=(128,),
        epochs=budget.epochs,
        batch_size=32,
        lr=0.1,
        seed=0,
        x_val=x_test,
        labels_val=y_test,
    )
    assert len(history["epoch_loss"]) == budget.epochs
    assert history["epoch_loss"][-1] < history["epoch_loss"][0]
    assert mlp.accuracy(params, x_test, y_test) >= 0.85
    assert history["val_accuracy"][-1] == mlp.accuracy(params, x_test, y_test)


def test_a_step_of_ones_own_is_used_on_every_mini_batch():
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    kwargs = dict(hidden=(6,), epochs=2, batch_size=8, lr=0.2, seed=1)
    reference, reference_history = mlp.train_mlp(x, labels, **kwargs)
    calls = []

    def counted_step(params, xb, lb, lr):
        calls.append(len(xb))
        return mlp.train_step(params, xb, lb, lr)

    params, history = mlp.train_mlp(x, labels, step=counted_step, **kwargs)
    assert calls == [8] * 10  # 40 images, batches of 8, 2 epochs
    for (w, b), (w_ref, b_ref) in zip(params, reference, strict=True):
        np.testing.assert_allclose(w, w_ref)
        np.testing.assert_allclose(b, b_ref)
    assert history["loss"] == reference_history["loss"]

    # a different step (no ReLU derivative in the hidden layer) trains a different network
    def without_relu_derivative(params, xb, lb, lr):
        (w1, b1), (w2, b2) = params
        z1, _ = ops.dense_forward(xb, w1, b1)
        h = ops.relu(z1)
        logits, _ = ops.dense_forward(h, w2, b2)
        dlogits = (ops.softmax(logits) - ops.one_hot(lb, 3)) / len(xb)
        dh, dw2, db2 = ops.dense_backward(dlogits, (h, w2))
        _, dw1, db1 = ops.dense_backward(dh, (xb, w1))
        return mlp.sgd_update(params, [(dw1, db1), (dw2, db2)], lr)

    other, _ = mlp.train_mlp(x, labels, step=without_relu_derivative, **kwargs)
    assert not np.allclose(other[0][0], reference[0][0])


@pytest.mark.parametrize(
    "step,match",
    [
        (3, r"step: expected a function step\(params, x, labels, lr\)"),
        (lambda p, x, y, lr: None, r"step: expected it to return a list of 2 \(w, b\) pairs"),
        (lambda p, x, y, lr: p[:1], r"step: expected it to return a list of 2 .* of length 1"),
        (lambda p, x, y, lr: [p[0], p[1][0]], r"step: layer 1 of what it returned is not"),
        (
            lambda p, x, y, lr: [(p[0][0].T, p[0][1]), p[1]],
            r"step: layer 0's w came back with shape \(4, 3\), expected \(3, 4\)",
        ),
    ],
)
def test_a_bad_step_is_named(step, match):
    with pytest.raises(ValueError, match=match):
        mlp.train_mlp(np.zeros((4, 3)), [0, 1, 0, 1], hidden=(4,), step=step)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: mlp.init_mlp((784,)), r"layer_sizes: expected a list of at least two widths"),
        (lambda: mlp.init_mlp((784, 0, 10)), r"layer_sizes\[1\]: expected an integer >= 1"),
        (
            lambda: mlp.mlp_forward(mlp.init_mlp((4, 2)), np.zeros((3, 5))),
            r"x: expected shape \(N, 4\)",
        ),
        (lambda: mlp.mlp_forward([], np.zeros((3, 4))), r"params: expected a non-empty list"),
        (
            lambda: mlp.mlp_backward(np.full((2, 3), 1 / 3), [0, 1, 2], []),
            r"labels: expected shape \(2,\)",
        ),
        (lambda: mlp.train_mlp(np.zeros((4, 3)), [0, 1, 1]), r"labels: expected shape \(4,\)"),
        (
            lambda: mlp.train_mlp(np.zeros((2, 3)), [0, 1], epochs=0),
            r"epochs: expected an integer >= 1",
        ),
        (lambda: mlp.train_mlp(np.zeros((2, 3)), [0, 1], hidden=128), r"hidden: expected a tuple"),
        (lambda: mlp.sgd_update([], [], lr=-1), r"lr: expected a number > 0"),
        (
            lambda: mlp.accuracy(mlp.init_mlp((3, 2)), np.zeros((4, 3)), [0, 1]),
            r"labels: expected shape \(4,\)",
        ),
    ],
)
def test_bad_input_names_the_argument_and_the_expected_shape(call, match):
    with pytest.raises(ValueError, match=match):
        call()
