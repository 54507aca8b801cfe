"""Chapter 01 widgets: a hand-written rule on real photos, softmax, gradient descent, polynomial
degree.

Each widget is a thin layer over pure functions defined here and tested in
``tests/test_widgets_ch01.py``.

Taught in: chapter 01, "Why not write the rules by hand?", "Softmax: from scores to
probabilities", "Under- and overfitting" and "Gradient descent".
"""

from __future__ import annotations

import functools

import numpy as np

from deepvision import ops
from deepvision.validate import float_array, positive_int, positive_number
from deepvision.widgets._base import interactive_figure

# ----------------------------------------------------------------- a hand-written rule for cats


def orange_pixels(image):
    """Which pixels a hand-written rule calls "cat-coloured" (orange-brown fur).

    A pixel is orange when red clearly exceeds green and green exceeds blue, and it is not dark:
    R > G + 20, G > B + 10 and R > 90.

    Args:
        image: RGB image, shape (H, W, 3), values 0-255.

    Returns:
        Boolean array of shape (H, W).

    Taught in: chapter 01, "Why not write the rules by hand?".
    """
    image = float_array(image, "image", ndim=3)
    if image.shape[-1] != 3:
        raise ValueError(f"image: expected shape (H, W, 3), an RGB photo, got {image.shape}")
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    return (red > green + 20) & (green > blue + 10) & (red > 90)


@functools.lru_cache(maxsize=1)
def rule_photos():
    """The photos the rule is tried on: ``(name, image, shows_a_cat)``, images (H, W, 3) uint8.

    scikit-image's cat (Chelsea) as shot, in dim light (pixel values x 0.45) and in black and
    white; its coffee cup; its rocket. Loaded once (scikit-image ships them: no download).

    Taught in: chapter 01, "Why not write the rules by hand?".
    """
    from deepvision import data

    cat = data.sample_image("chelsea")
    gray = np.repeat(data.sample_image("chelsea", gray=True)[..., np.newaxis], 3, axis=-1)
    return (
        ("cat", cat, True),
        ("cat in dim light", np.round(cat * 0.45).astype(np.uint8), True),
        ("cat in black and white", gray, True),
        ("coffee", data.sample_image("coffee"), False),
        ("rocket", data.sample_image("rocket"), False),
    )


def rule_verdicts(threshold):
    """The rule "a photo shows a cat when more than ``threshold`` of its pixels are orange".

    Args:
        threshold: A fraction in [0, 1].

    Returns:
        ``(rows, accuracy)``: one ``(name, orange_fraction, says_cat, shows_a_cat)`` per photo of
        :func:`rule_photos`, and the fraction of photos the rule gets right.

    Taught in: chapter 01, "Why not write the rules by hand?".
    """
    threshold = float(threshold)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold: expected a fraction in [0, 1], got {threshold}")
    rows = []
    for name, image, is_cat in rule_photos():
        fraction = float(orange_pixels(image).mean())
        rows.append((name, fraction, fraction > threshold, is_cat))
    accuracy = float(np.mean([says == is_cat for _, _, says, is_cat in rows]))
    return rows, accuracy


def best_rule_accuracy():
    """The best accuracy any threshold of :func:`rule_verdicts` reaches, and that threshold.

    Only thresholds just below each photo's fraction (and 1) can change a verdict, so they are
    all that needs trying.
    """
    fractions = [fraction for _, fraction, _, _ in rule_verdicts(0.0)[0]]
    candidates = sorted({max(f - 1e-9, 0.0) for f in fractions} | {1.0})
    return max((rule_verdicts(t)[1], t) for t in candidates)


def draw_rule(threshold):
    import matplotlib.pyplot as plt

    rows, accuracy = rule_verdicts(threshold)
    photos = rule_photos()
    fig, axes = plt.subplots(1, len(photos), figsize=(3.0 * len(photos), 3.0))
    for axis, (name, image, _), (_, fraction, says, is_cat) in zip(axes, photos, rows, strict=True):
        axis.imshow(image[::2, ::2])
        verdict = "cat" if says else "no cat"
        axis.set_title(
            f"{name}\n{fraction:.0%} orange: says {verdict!r}",
            color="#2ca02c" if says == is_cat else "#d62728",
            fontsize=9,
        )
        axis.axis("off")
    fig.suptitle(
        f"rule: a cat when more than {threshold:.0%} of the pixels are orange; "
        f"right on {accuracy:.0%} of the photos"
    )
    fig.tight_layout()
    return fig


def rule_explorer(threshold=0.5):
    """A threshold slider over the hand-written rule, on five real photos."""
    import ipywidgets as widgets

    control = widgets.FloatSlider(
        value=threshold, min=0.0, max=1.0, step=0.05, description="threshold"
    )
    return interactive_figure(draw_rule, {"threshold": control})


# ----------------------------------------------------------------------------- softmax explorer


def softmax_state(scores, true_class):
    """Probabilities and cross-entropy loss for one example.

    Args:
        scores: Class scores, shape (num_classes,).
        true_class: Index of the correct class.

    Returns:
        ``(probs, loss)``: probabilities (num_classes,) and -ln(probs[true_class]).
    """
    scores = float_array(scores, "scores", ndim=1)
    probs = ops.softmax(scores)
    loss = ops.cross_entropy(probs[None, :], np.array([true_class]))
    return probs, loss


def draw_softmax(scores, true_class, class_names=None):
    import matplotlib.pyplot as plt

    probs, loss = softmax_state(scores, true_class)
    names = class_names or [f"class {i}" for i in range(len(probs))]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3))
    left.bar(names, scores, color="#888")
    left.set_title("scores (logits)")
    left.axhline(0, color="black", linewidth=0.5)
    colours = ["#1f77b4"] * len(probs)
    colours[true_class] = "#2ca02c"
    bars = right.bar(names, probs, color=colours)
    right.bar_label(bars, labels=[f"{p:.3f}" for p in probs])
    right.set_ylim(0, 1.15)
    right.set_title(f"softmax probabilities; loss = -ln p[{names[true_class]}] = {loss:.3f}")
    fig.tight_layout()
    return fig


def softmax_explorer(scores=(9.0, 6.0, 1.0), class_names=None):
    """Sliders for each class score, a bar chart of probabilities and the loss."""
    import ipywidgets as widgets

    names = list(class_names or [f"class {i}" for i in range(len(scores))])
    sliders = {
        f"s{i}": widgets.FloatSlider(value=s, min=-10, max=10, step=0.5, description=names[i])
        for i, s in enumerate(scores)
    }
    true_class = widgets.Dropdown(
        options=[(n, i) for i, n in enumerate(names)], value=0, description="true class"
    )

    def draw(true_class, **values):
        draw_softmax([values[f"s{i}"] for i in range(len(names))], true_class, names)

    return interactive_figure(draw, {**sliders, "true_class": true_class})


# -------------------------------------------------------------------- gradient-descent explorer


def descent_path_1d(lr, steps=20, start=4.0, curvature=1.0):
    """Gradient descent on the convex loss L(theta) = curvature * theta^2.

    Each step is theta <- theta - lr * 2 * curvature * theta.

    Returns:
        Array of shape (steps + 1,): theta before the first step and after each one.
    """
    lr = positive_number(lr, "lr")
    steps = positive_int(steps, "steps")
    curvature = positive_number(curvature, "curvature")
    thetas = [float(start)]
    for _ in range(steps):
        thetas.append(thetas[-1] - lr * 2 * curvature * thetas[-1])
    return np.array(thetas)


def descent_regime(lr, curvature=1.0):
    """What gradient descent does on curvature * theta^2 with learning rate ``lr``.

    theta is multiplied by (1 - 2 * lr * curvature) at each step, so:

    Returns:
        ``"converges"`` (factor in [0, 1)), ``"oscillates but converges"`` (factor in (-1, 0)),
        ``"stalls"`` (factor exactly -1: it bounces forever) or ``"diverges"`` (factor < -1).
    """
    factor = 1 - 2 * positive_number(lr, "lr") * positive_number(curvature, "curvature")
    if 0 <= factor < 1:
        return "converges"
    if -1 < factor < 0:
        return "oscillates but converges"
    if factor == -1:
        return "stalls"
    return "diverges"


def descent_path_2d(lr, steps=30, start=(3.5, 3.0), curvatures=(1.0, 4.0)):
    """Gradient descent on the bowl L(a, b) = c_a * a^2 + c_b * b^2.

    Returns:
        Array of shape (steps + 1, 2): the point before the first step and after each one.
    """
    lr = positive_number(lr, "lr")
    steps = positive_int(steps, "steps")
    scale = float_array(curvatures, "curvatures", ndim=1)
    point = float_array(start, "start", ndim=1)
    path = [point]
    for _ in range(steps):
        point = ops.gradient_descent_step(point, 2 * scale * point, lr)
        path.append(point)
    return np.array(path)


def draw_descent(lr, steps=20):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    thetas = descent_path_1d(lr, steps)
    grid = np.linspace(-6, 6, 200)
    left.plot(grid, grid**2, color="#888")
    shown = np.clip(thetas, -6, 6)
    left.plot(shown, shown**2, "o-", color="#d62728", markersize=4)
    left.set_ylim(-1, 40)
    left.set_title(f"L(θ) = θ²,  α = {lr:g}: {descent_regime(lr)}")
    left.set_xlabel("θ")
    path = descent_path_2d(lr, steps)
    a, b = np.meshgrid(np.linspace(-4, 4, 100), np.linspace(-4, 4, 100))
    right.contour(a, b, a**2 + 4 * b**2, levels=15, cmap="Greys")
    path = np.clip(path, -4, 4)
    right.plot(path[:, 0], path[:, 1], "o-", color="#d62728", markersize=3)
    right.set_title(
        f"L(a, b) = a² + 4b²\na: {descent_regime(lr, 1.0)}, b: {descent_regime(lr, 4.0)}"
    )
    right.set_aspect("equal")
    fig.tight_layout()
    return fig


def gradient_descent_explorer():
    """A learning-rate slider over a 1-D parabola and a 2-D bowl."""
    import ipywidgets as widgets

    controls = {
        "lr": widgets.FloatLogSlider(
            value=0.1, base=10, min=-2.5, max=0.2, step=0.05, description="α (lr)"
        ),
        "steps": widgets.IntSlider(value=20, min=1, max=60, description="steps"),
    }
    return interactive_figure(draw_descent, controls)


# ----------------------------------------------------------------- polynomial-degree explorer


def polynomial_data(n_train=15, n_test=100, noise=0.15, seed=0):
    """Noisy samples of y = sin(2 pi x) on [0, 1]: a fixed training set and a test set."""
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(0, 1, n_train))
    x_test = np.sort(rng.uniform(0, 1, n_test))
    y_train = np.sin(2 * np.pi * x_train) + rng.normal(scale=noise, size=n_train)
    y_test = np.sin(2 * np.pi * x_test) + rng.normal(scale=noise, size=n_test)
    return (x_train, y_train), (x_test, y_test)


def polynomial_errors(degree, data=None):
    """Training and test MSE of a least-squares polynomial of ``degree``.

    Returns:
        ``(train_mse, test_mse, coefficients)``.
    """
    (x_train, y_train), (x_test, y_test) = data or polynomial_data()
    coefficients = ops.polynomial_fit(x_train, y_train, degree)
    train = ops.mse(ops.polynomial_predict(x_train, coefficients), y_train)
    test = ops.mse(ops.polynomial_predict(x_test, coefficients), y_test)
    return train, test, coefficients


def draw_polynomial(degree):
    import matplotlib.pyplot as plt

    data = polynomial_data()
    (x_train, y_train), (x_test, y_test) = data
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    train, test, coefficients = polynomial_errors(degree, data)
    grid = np.linspace(0, 1, 300)
    left.scatter(x_test, y_test, s=8, color="#bbb", label="test")
    left.scatter(x_train, y_train, s=25, color="#1f77b4", label="train")
    left.plot(grid, np.clip(ops.polynomial_predict(grid, coefficients), -3, 3), color="#d62728")
    left.set_ylim(-2, 2)
    left.set_title(f"degree {degree}: train MSE {train:.3f}, test MSE {test:.3f}")
    left.legend(loc="upper right")
    degrees = np.arange(1, 13)
    errors = np.array([polynomial_errors(d, data)[:2] for d in degrees])
    right.semilogy(degrees, errors[:, 0], "o-", label="train")
    right.semilogy(degrees, errors[:, 1], "o-", label="test")
    right.axvline(degree, color="#d62728", linestyle=":")
    right.set_xlabel("degree")
    right.set_title("underfit ← → overfit")
    right.legend()
    fig.tight_layout()
    return fig


def polynomial_explorer():
    """A degree slider: the fit and the training and test errors."""
    import ipywidgets as widgets

    return interactive_figure(
        draw_polynomial, {"degree": widgets.IntSlider(value=3, min=1, max=12, description="degree")}
    )
