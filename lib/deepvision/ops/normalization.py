"""Batch normalization (training and inference modes) and standardisation of a dataset.

Batch normalization normalises every channel with statistics over the batch and, for feature
maps, over space as well (every axis but the last), then rescales and shifts it:

    mu_c = mean over (n, i, j) of x[n, i, j, c]
    var_c = mean over (n, i, j) of (x[n, i, j, c] - mu_c)**2          (biased, as Keras)
    out[n, i, j, c] = gamma_c * (x[n, i, j, c] - mu_c) / sqrt(var_c + epsilon) + beta_c

epsilon is *added* to the variance (it keeps the division away from zero). While training, the
layer also keeps running averages of mu and var,

    running = momentum * running + (1 - momentum) * batch,

and at inference it uses them instead of the batch's statistics, so that a prediction does not
depend on which other images share its batch. Defaults follow Keras' ``BatchNormalization``:
``momentum=0.99``, ``epsilon=1e-3``, gamma = 1, beta = 0, running mean 0 and running variance 1.

Standardisation (:func:`fit_standardization`, :func:`standardize`) is the same idea applied
once to the data: per-channel mean and standard deviation measured on the **training** set, then
applied unchanged to the training, validation and test images.

Taught in: chapter 07, "Batch normalization", "Batch normalization at inference" and
"Standardisation with training statistics".
"""

from __future__ import annotations

import numbers

import numpy as np

from deepvision import validate

#: Keras' BatchNormalization defaults.
KERAS_MOMENTUM = 0.99
KERAS_EPSILON = 1e-3


def _features(x, name="x"):
    return validate.number_array(x, name, ndim=(2, 4), layout="(N, C) or (N, H, W, C)")


def _per_channel(value, name, channels, default):
    if value is None:
        return np.full(channels, default, dtype=np.float64)
    array = validate.float_array(value, name)
    if array.shape != (channels,):
        raise ValueError(
            f"{name}: expected shape ({channels},), one value per channel of x, "
            f"got shape {array.shape}"
        )
    return array


def _epsilon(epsilon):
    return validate.positive_number(epsilon, "epsilon")


def _momentum(momentum):
    if (
        isinstance(momentum, bool)
        or not isinstance(momentum, numbers.Real)
        or not 0 <= momentum <= 1
    ):
        raise ValueError(f"momentum: expected a number in [0, 1], got {momentum!r}")
    return float(momentum)


def batch_norm_forward(
    x,
    gamma=None,
    beta=None,
    running_mean=None,
    running_var=None,
    training=True,
    momentum=KERAS_MOMENTUM,
    epsilon=KERAS_EPSILON,
):
    """Forward pass of batch normalization, in training or inference mode.

    Args:
        x: Activations, shape (N, C) or feature maps (N, H, W, C).
        gamma: Scale, shape (C,); default ones.
        beta: Shift, shape (C,); default zeros.
        running_mean: Running mean, shape (C,); default zeros (Keras' initial value).
        running_var: Running variance, shape (C,); default ones.
        training: True: normalise with this batch's statistics and update the running ones;
            False: normalise with the running statistics (inference).
        momentum: Weight of the old running value in the update, in [0, 1].
        epsilon: Added to the variance before the square root, > 0.

    Returns:
        ``(out, cache)``: ``out`` has the shape of ``x``; ``cache`` holds ``mean`` and ``var``
        (the statistics used), ``running_mean`` and ``running_var`` (after the update in
        training mode, unchanged at inference) and what :func:`batch_norm_backward` needs.

    Taught in: chapter 07, "Batch normalization" and "Batch normalization at inference".
    """
    x = _features(x).astype(np.float64)
    channels = x.shape[-1]
    gamma = _per_channel(gamma, "gamma", channels, 1.0)
    beta = _per_channel(beta, "beta", channels, 0.0)
    running_mean = _per_channel(running_mean, "running_mean", channels, 0.0)
    running_var = _per_channel(running_var, "running_var", channels, 1.0)
    momentum, epsilon = _momentum(momentum), _epsilon(epsilon)
    if np.any(running_var < 0):
        raise ValueError("running_var: expected variances >= 0, got a negative value")
    axes = tuple(range(x.ndim - 1))
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + epsilon)
    x_hat = (x - mean) * inv_std
    out = gamma * x_hat + beta
    cache = {
        "x_hat": x_hat,
        "inv_std": inv_std,
        "gamma": gamma,
        "mean": mean,
        "var": var,
        "running_mean": new_mean,
        "running_var": new_var,
        "training": bool(training),
    }
    return out, cache


def batch_norm(x, gamma=None, beta=None, epsilon=KERAS_EPSILON):
    """Batch normalization in training mode, the output only (see :func:`batch_norm_forward`).

    Taught in: chapter 07, "Batch normalization".
    """
    return batch_norm_forward(x, gamma, beta, epsilon=epsilon)[0]


def batch_norm_inference(x, gamma, beta, running_mean, running_var, epsilon=KERAS_EPSILON):
    """Batch normalization at inference: the running statistics, whatever the batch.

    out = gamma * (x - running_mean) / sqrt(running_var + epsilon) + beta

    Taught in: chapter 07, "Batch normalization at inference".
    """
    return batch_norm_forward(
        x, gamma, beta, running_mean, running_var, training=False, epsilon=epsilon
    )[0]


def batch_norm_backward(dout, cache):
    """Backward pass of batch normalization.

    In training mode the mean and the variance depend on every input of the batch, so with
    m = the number of values per channel (N, or N*H*W) and g = dout * gamma,

        dx = inv_std / m * (m * g - sum(g) - x_hat * sum(g * x_hat))

    (sums per channel); at inference the statistics are constants and dx = g * inv_std.

    Args:
        dout: Gradient of the loss with respect to ``out``, the shape of ``x``.
        cache: From :func:`batch_norm_forward`.

    Returns:
        ``(dx, dgamma, dbeta)``: shapes of ``x``, (C,) and (C,).

    Taught in: chapter 07, "Batch normalization".
    """
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    dout = validate.float_array(dout, "dout")
    if dout.shape != x_hat.shape:
        raise ValueError(f"dout: expected shape {x_hat.shape} (the shape of x), got {dout.shape}")
    axes = tuple(range(dout.ndim - 1))
    dgamma = np.sum(dout * x_hat, axis=axes)
    dbeta = np.sum(dout, axis=axes)
    g = dout * gamma
    if not cache["training"]:
        return g * inv_std, dgamma, dbeta
    m = x_hat.size // x_hat.shape[-1]
    dx = inv_std / m * (m * g - g.sum(axis=axes) - x_hat * np.sum(g * x_hat, axis=axes))
    return dx, dgamma, dbeta


def batch_norm_parameter_count(channels):
    """A BatchNormalization layer's parameters on ``channels`` channels.

    gamma and beta are learnt (2C trainable); the running mean and variance are updated by
    averaging, not by gradients (2C non-trainable). Keras' ``count_params()`` counts all 4C.

    Returns:
        ``(trainable, non_trainable)``.

    Taught in: chapter 07, "Batch normalization".
    """
    channels = validate.integer(channels, "channels", minimum=1)
    return 2 * channels, 2 * channels


def fit_standardization(x_train):
    """Per-channel mean and standard deviation of the **training** images.

    Args:
        x_train: Training images (N, H, W, C), any numeric dtype.

    Returns:
        ``(mean, std)``, each of shape (C,): statistics over images, rows and columns.

    Taught in: chapter 07, "Standardisation with training statistics".
    """
    x = validate.number_array(x_train, "x_train", ndim=4, layout="(N, H, W, C)")
    mean, std = x.mean(axis=(0, 1, 2)), x.std(axis=(0, 1, 2))
    if np.any(std == 0):
        raise ValueError("x_train: a channel is constant (standard deviation 0); cannot scale it")
    return mean, std


def standardize(x, mean, std):
    """(x - mean) / std with statistics from :func:`fit_standardization`.

    Apply the training set's ``mean`` and ``std`` to every split (training, validation, test):
    statistics measured on the test set would leak it into the preprocessing.

    Args:
        x: Images (N, H, W, C).
        mean, std: Shape (C,), from the training set.

    Returns:
        float32 array of the shape of ``x``.

    Taught in: chapter 07, "Standardisation with training statistics".
    """
    x = validate.number_array(x, "x", ndim=4, layout="(N, H, W, C)")
    channels = x.shape[-1]
    mean = _per_channel(mean, "mean", channels, 0.0)
    std = _per_channel(std, "std", channels, 1.0)
    if np.any(std <= 0):
        raise ValueError(f"std: expected standard deviations > 0, got {std}")
    return ((x - mean) / std).astype(np.float32)
