"""Chapter 07 widgets: the dropout explorer, the batch-norm explorer, the augmentation explorer.

Each widget is a thin layer over pure functions defined here (``dropout_state``,
``batch_norm_state``, ``augment_image``, ``augmentation_gallery``) and tested in
``tests/test_widgets_ch07.py``; the numbers come from :mod:`deepvision.ops`.

Taught in: chapter 07, "Dropout", "Batch normalization" and "Data augmentation".
"""

from __future__ import annotations

import numpy as np

from deepvision import data, ops
from deepvision.widgets._base import interactive_figure

# ------------------------------------------------------------------------------------- dropout


def dropout_state(activations, rate, seed=0, training=True):
    """What inverted dropout does to one map of activations.

    Args:
        activations: A 2-D map (H, W) of activations.
        rate: Fraction dropped, in [0, 1).
        seed: Seed of the mask.
        training: Dropout acts only in training.

    Returns:
        dict with ``out`` (H, W), ``kept`` (bool mask), ``kept_fraction``, ``scale``
        (1 / (1 - rate) in training, 1 at inference), ``mean_in`` and ``mean_out``.
    """
    x = np.asarray(activations, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"activations: expected shape (H, W), got shape {x.shape}")
    out, cache = ops.dropout_forward(x, rate, training=training, rng=seed)
    kept = cache["scaled_mask"] != 0
    return {
        "out": out,
        "kept": kept,
        "kept_fraction": float(kept.mean()),
        "scale": 1.0 / (1.0 - rate) if training and rate > 0 else 1.0,
        "mean_in": float(x.mean()),
        "mean_out": float(out.mean()),
    }


def example_activations(image=None):
    """A 16x16 map of non-negative activations: a CIFAR-10 photo's brightness, subsampled.

    Args:
        image: A CIFAR-10 image (32, 32, 3) uint8; default: the first test image of the subset.
    """
    if image is None:
        (_, _), (x_test, _) = data.load_cifar10(1, 1)
        image = x_test[0]
    image = data.check_cifar10_images(image, "image")
    return image.mean(axis=-1)[::2, ::2] / 255.0


def draw_dropout(activations, rate, seed=0, training=True):
    import matplotlib.pyplot as plt

    state = dropout_state(activations, rate, seed, training)
    vmax = max(float(np.max(activations)), float(np.max(state["out"]))) or 1.0
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
    axes[0].imshow(activations, cmap="viridis", vmin=0, vmax=vmax)
    axes[0].set_title(f"activations in\nmean {state['mean_in']:.3f}")
    axes[1].imshow(state["kept"], cmap="gray", vmin=0, vmax=1)
    axes[1].set_title(f"kept (white): {state['kept_fraction']:.0%}\ndropped: rate {rate:.2f}")
    axes[2].imshow(state["out"], cmap="viridis", vmin=0, vmax=vmax)
    mode = "training" if training else "inference: nothing dropped"
    axes[2].set_title(
        f"out = survivors x {state['scale']:.2f} ({mode})\nmean {state['mean_out']:.3f}"
    )
    for axis in axes:
        axis.axis("off")
    fig.tight_layout()
    return fig


def dropout_explorer(activations=None):
    """Rate, seed and training/inference on a map of real activations."""
    import ipywidgets as widgets

    x = example_activations() if activations is None else np.asarray(activations, dtype=float)
    controls = {
        "rate": widgets.FloatSlider(
            value=0.25, min=0.0, max=0.9, step=0.05, description="rate", readout_format=".2f"
        ),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
        "training": widgets.Checkbox(value=True, description="training"),
    }
    return interactive_figure(lambda **values: draw_dropout(x, **values), controls)


# --------------------------------------------------------------------------------- batch norm


def batch_norm_state(
    population, batch_size, gamma=1.0, beta=0.0, epsilon=1e-3, training=True, seed=0
):
    """Batch normalization of one channel on a batch drawn from ``population``.

    The running statistics are the population's (what the running averages approach after
    training); in training mode the batch's own mean and variance are used instead, and their
    distance from the population's shows how noisy a small batch is.

    Args:
        population: Activations of one channel, shape (N, H, W).
        batch_size: Images in the batch, 1 <= batch_size <= N.
        gamma, beta: Scale and shift.
        epsilon: Added to the variance, > 0.
        training: Batch statistics (True) or running statistics (False).
        seed: Which images form the batch.

    Returns:
        dict with ``batch`` (the batch's values, flat), ``out`` (after BN, flat),
        ``batch_mean``, ``batch_var``, ``running_mean``, ``running_var``, ``used_mean``,
        ``used_var``, ``out_mean`` and ``out_std``.
    """
    population = np.asarray(population, dtype=np.float64)
    if population.ndim != 3:
        raise ValueError(f"population: expected shape (N, H, W), got shape {population.shape}")
    batch_size = int(batch_size)
    if not 1 <= batch_size <= len(population):
        raise ValueError(f"batch_size: expected between 1 and {len(population)}, got {batch_size}")
    picked = np.random.default_rng(seed).choice(len(population), batch_size, replace=False)
    batch = population[picked][..., None]  # (B, H, W, 1)
    running_mean = np.array([population.mean()])
    running_var = np.array([population.var()])
    out, cache = ops.batch_norm_forward(
        batch,
        np.array([gamma], dtype=float),
        np.array([beta], dtype=float),
        running_mean,
        running_var,
        training=training,
        epsilon=epsilon,
    )
    return {
        "batch": batch.ravel(),
        "out": out.ravel(),
        "batch_mean": float(batch.mean()),
        "batch_var": float(batch.var()),
        "running_mean": float(running_mean[0]),
        "running_var": float(running_var[0]),
        "used_mean": float(cache["mean"][0]),
        "used_var": float(cache["var"][0]),
        "out_mean": float(out.mean()),
        "out_std": float(out.std()),
    }


def example_population(images=None, channel=0):
    """One channel of real CIFAR-10 images (0-255) as a population of activations (N, 32, 32).

    Args:
        images: CIFAR-10 images (N, 32, 32, 3) uint8; default: the quick subset's test images.
        channel: 0, 1 or 2 (red, green, blue).
    """
    if images is None:
        (_, _), (images, _) = data.load_cifar10(1, 200)
    images = data.check_cifar10_images(images, "images")
    return images[..., channel].astype(np.float64)


def draw_batch_norm(population, batch_size, gamma, beta, epsilon, training, seed=0):
    import matplotlib.pyplot as plt

    state = batch_norm_state(population, batch_size, gamma, beta, epsilon, training, seed)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.hist(state["batch"], bins=40, color="tab:blue")
    left.axvline(state["batch_mean"], color="k", label=f"batch mean {state['batch_mean']:.1f}")
    left.axvline(
        state["running_mean"],
        color="tab:red",
        linestyle="--",
        label=f"running mean {state['running_mean']:.1f}",
    )
    left.set_title(
        f"before: {batch_size} image(s), batch var {state['batch_var']:.0f} "
        f"(running {state['running_var']:.0f})",
        fontsize=10,
    )
    left.legend(fontsize=8)
    right.hist(state["out"], bins=40, color="tab:green")
    which = "batch statistics (training)" if training else "running statistics (inference)"
    right.set_title(
        f"after, with {which}\nmean {state['out_mean']:.2f}, std {state['out_std']:.2f} "
        f"(gamma {gamma:.2f}, beta {beta:.2f})",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def batch_norm_explorer(population=None):
    """Batch size, gamma, beta, epsilon and training/inference on real activations."""
    import ipywidgets as widgets

    population = example_population() if population is None else np.asarray(population)
    controls = {
        "batch_size": widgets.IntSlider(
            value=32, min=1, max=min(128, len(population)), description="batch size"
        ),
        "gamma": widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description="γ"),
        "beta": widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, description="β"),
        "epsilon": widgets.FloatLogSlider(
            value=1e-3, base=10, min=-5, max=4, step=0.5, description="ε"
        ),
        "training": widgets.Checkbox(value=True, description="training"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="batch seed"),
    }
    return interactive_figure(
        lambda **values: draw_batch_norm(population, **values),
        controls,
        columns=[["batch_size", "seed", "training"], ["gamma", "beta", "epsilon"]],
    )


# ------------------------------------------------------------------------------- augmentation


def augment_image(image, flip=False, dy=0, dx=0, angle=0.0):
    """One CIFAR-10 image flipped, shifted by (dy, dx) pixels, then rotated by ``angle``.

    Args:
        image: A CIFAR-10 image (32, 32, 3), uint8.

    Returns:
        float64 image (32, 32, 3) with values in [0, 1].
    """
    image = data.check_cifar10_images(image, "image")
    x = image[None].astype(np.float64) / 255.0
    if flip:
        x = ops.flip_horizontal(x)
    x = ops.translate(x, dy, dx)
    return np.clip(ops.rotate(x, angle), 0.0, 1.0)[0]


def augmentation_gallery(image, count=8, seed=0, max_shift=5, max_rotation=10.0):
    """``count`` random augmentations of one image (the book's: flips, ±5-pixel shifts, ±10°).

    Returns:
        float64 array (count, 32, 32, 3) with values in [0, 1].
    """
    image = data.check_cifar10_images(image, "image")
    batch = np.repeat(image[None].astype(np.float64) / 255.0, count, axis=0)
    out, _ = ops.random_augment(
        batch, np.zeros(count), seed, max_shift=max_shift, max_rotation=max_rotation
    )
    return np.clip(out, 0.0, 1.0)


def draw_augmentation(images, labels, index, flip, dy, dx, angle, seed):
    import matplotlib.pyplot as plt

    image = images[index]
    name = data.cifar10_class_names([labels[index]])[0]
    gallery = augmentation_gallery(image, 8, seed)
    fig = plt.figure(figsize=(12, 3.6))
    grid = fig.add_gridspec(2, 6)
    original = fig.add_subplot(grid[:, 0])
    original.imshow(image)
    original.set_title(f"{name} (original)")
    changed = fig.add_subplot(grid[:, 1])
    changed.imshow(augment_image(image, flip, dy, dx, angle))
    changed.set_title(f"flip {'on' if flip else 'off'}, shift ({dy}, {dx}),\n{angle:.0f}°")
    for k in range(8):
        axis = fig.add_subplot(grid[k // 4, 2 + k % 4])
        axis.imshow(gallery[k])
        axis.set_title("random" if k else f"random (seed {seed})", fontsize=8)
    for axis in fig.axes:
        axis.axis("off")
    fig.suptitle(f"still a {name}: the label does not change", fontsize=10)
    fig.tight_layout()
    return fig


def augmentation_explorer(images=None, labels=None):
    """Flip, shift and rotation controls on a real CIFAR-10 image, and 8 random augmentations."""
    import ipywidgets as widgets

    if images is None:
        (_, _), (images, labels) = data.load_cifar10(1, 200)
    images = data.check_cifar10_images(images, "images")
    labels = np.asarray(labels).reshape(-1)
    controls = {
        "index": widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image"),
        "flip": widgets.Checkbox(value=False, description="flip"),
        "dy": widgets.IntSlider(value=0, min=-8, max=8, description="shift down"),
        "dx": widgets.IntSlider(value=0, min=-8, max=8, description="shift right"),
        "angle": widgets.FloatSlider(value=0.0, min=-45, max=45, step=5, description="angle"),
        "seed": widgets.IntSlider(value=0, min=0, max=50, description="random seed"),
    }
    return interactive_figure(
        lambda **values: draw_augmentation(images, labels, **values),
        controls,
        columns=[["index", "flip", "seed"], ["dy", "dx", "angle"]],
    )
