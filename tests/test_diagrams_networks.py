"""The chapter 03 diagrams, drawn on an Agg canvas: what they show, not only that they draw; and
the numbers of the computational graph against centred differences."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deepvision import ops  # noqa: E402
from deepvision.diagrams import networks  # noqa: E402
from tests.gradcheck import centred_difference  # noqa: E402


def _texts(fig):
    fig.canvas.draw()
    return [text.get_text() for axis in fig.axes for text in axis.texts]


@pytest.mark.parametrize("sizes", [(3, 4, 2), (2, 5, 5, 3), (6, 1)])
def test_network_diagram_draws_every_neuron_and_weight(sizes):
    fig = networks.network_diagram(sizes)
    texts = _texts(fig)
    axis = fig.axes[0]
    assert len(axis.patches) == sum(sizes)  # one circle per neuron
    assert len(axis.lines) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    assert f"input layer ({sizes[0]})" in texts and f"output layer ({sizes[-1]})" in texts
    assert [t for t in texts if t.startswith("hidden layer")] == [
        f"hidden layer ({size})" for size in sizes[1:-1]
    ]
    for k in range(len(sizes) - 1):
        assert any(t.startswith(f"W{k + 1}: {sizes[k]} x {sizes[k + 1]}") for t in texts)
    assert {"x1", f"x{sizes[0]}", "y1", f"y{sizes[-1]}"} <= set(texts)
    plt.close(fig)


def test_network_diagram_draws_weights_by_sign_and_size():
    w1 = np.array([[2.0, -1.0], [0.0, 0.5]])
    w2 = np.array([[1.0], [-2.0]])
    fig = networks.network_diagram((2, 2, 1), weights=[w1, w2])
    lines = fig.axes[0].lines
    widths = [line.get_linewidth() for line in lines]
    colours = [line.get_color() for line in lines]
    # drawn in order w1[0, 0], w1[0, 1], w1[1, 0], w1[1, 1], w2[0, 0], w2[1, 0]
    assert widths[0] == max(widths) == widths[5]  # |2| is the largest weight
    assert widths[2] == min(widths)  # the zero weight is the thinnest line
    assert colours[1] == colours[5] != colours[0]  # negative weights share one colour
    plt.close(fig)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: networks.network_diagram((3,)), r"layer_sizes: expected two to six"),
        (lambda: networks.network_diagram((3, 20)), r"at most 12 neurons per layer"),
        (lambda: networks.network_diagram((3, 0)), r"layer_sizes\[1\]: expected an integer"),
        (
            lambda: networks.network_diagram((3, 2), weights=[np.zeros((2, 3))]),
            r"weights\[0\]: expected shape \(3, 2\), got \(2, 3\)",
        ),
        (
            lambda: networks.graph_values(
                [1.0, 2.0], np.zeros((3, 2)), [0, 0], np.zeros((2, 2)), [0, 0], 0
            ),
            r"w1: expected shape \(2, any\), got \(3, 2\)",
        ),
        (
            lambda: networks.graph_values(
                [1.0], np.zeros((1, 2)), [0, 0], np.zeros((2, 2)), [0, 0], 2
            ),
            r"labels: class indices must lie in \[0, 1\]",
        ),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("seed", range(3))
def test_graph_values_are_the_gradients_of_the_loss(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=3)
    w1, b1 = rng.normal(size=(3, 4)), rng.normal(size=4)
    w2, b2 = rng.normal(size=(4, 3)), rng.normal(size=3)
    label = int(rng.integers(0, 3))

    def loss(x=x, w1=w1, b1=b1, w2=w2, b2=b2):
        h = np.maximum(x @ w1 + b1, 0)
        z2 = h @ w2 + b2
        return float(np.log(np.sum(np.exp(z2))) - z2[label])  # -ln softmax(z2)[label]

    values = networks.graph_values(x, w1, b1, w2, b2, label)
    assert np.isclose(values["loss"], loss())
    np.testing.assert_allclose(values["y_hat"], ops.softmax(values["z2"]))
    np.testing.assert_allclose(values["dz2"], values["y_hat"] - np.eye(3)[label])
    for name, array in (("x", x), ("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
        numeric = centred_difference(lambda v, name=name: loss(**{name: v}), array.copy())
        np.testing.assert_allclose(values[f"d{name}"], numeric, rtol=1e-5, atol=1e-8)


def test_computational_graph_shows_the_numbers_it_computed():
    fig = networks.computational_graph(x=(1.0, -2.0), label=0)
    texts = _texts(fig)
    values = networks.graph_values(
        (1.0, -2.0),
        [[0.5, -0.3, 0.8], [0.2, 0.4, -0.6]],
        [0.1, 0.2, 0.0],
        [[0.7, -0.5], [-0.4, 0.9], [0.6, 0.3]],
        [0.0, 0.0],
        0,
    )

    def shown(v):
        return "[" + ", ".join(f"{number:.2f}" for number in v) + "]"

    joined = "\n".join(texts)
    assert f"z1 = {shown(values['z1'])}" in joined and f"h = {shown(values['h'])}" in joined
    assert f"dL/dz2 = y_hat - y\n= {shown(values['dz2'])}" in texts
    assert f"dL/dz1 = dL/dh * 1[z1 > 0]\n= {shown(values['dz1'])}" in texts
    assert f"L = -ln y_hat[0] = {float(values['loss']):.3f}" in joined
    for operation in ("relu\nh = max(0, z1)", "softmax +\ncross-entropy"):
        assert operation in texts
    assert any(t.startswith("W1: 2 x 3\ndL/dW1") for t in texts)
    assert any(t.startswith("W2: 3 x 2\ndL/dW2") for t in texts)
    # four forward arrows and four backward arrows
    assert sum(1 for t in fig.axes[0].texts if t.get_text() == "") == 8
    plt.close(fig)
