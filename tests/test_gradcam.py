"""Grad-CAM: the numpy formula against a closed form, and the tf.GradientTape version against it.

Oracle: a model whose class score is linear in the feature maps. Conv2D "maps" (1x1) → GAP →
Dense(num_classes, linear): the score of class c is sum_k W[k, c] * mean_ij A^k_ij + b_c, so
d score / d A^k_ij = W[k, c] / (h w) exactly, alpha_k = W[k, c] / (h w), and the heatmap is
ReLU(sum_k W[k, c] A^k / (h w)), computed here by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from deepvision.models import gradcam


def test_grad_cam_map_is_the_formula():
    rng = np.random.default_rng(0)
    maps, grads = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 4, 5))
    expected = np.zeros((2, 3, 4))
    for n in range(2):
        for k in range(5):
            expected[n] += grads[n, :, :, k].mean() * maps[n, :, :, k]
    expected = np.maximum(expected, 0)
    np.testing.assert_allclose(gradcam.grad_cam_map(maps, grads, normalize=False), expected)
    normalized = gradcam.grad_cam_map(maps, grads)
    np.testing.assert_allclose(normalized.max(axis=(1, 2)), 1.0)
    np.testing.assert_allclose(normalized * expected.max(axis=(1, 2), keepdims=True), expected)
    zeros = gradcam.grad_cam_map(np.ones((1, 2, 2, 1)), -np.ones((1, 2, 2, 1)))
    assert np.array_equal(zeros, np.zeros((1, 2, 2)))  # all negative evidence: no NaN


def test_grad_cam_map_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"activations: expected feature maps \(N, h, w, K\)"):
        gradcam.grad_cam_map(np.ones((3, 4, 5)), np.ones((3, 4, 5)))
    with pytest.raises(ValueError, match=r"gradients: expected the activations' shape"):
        gradcam.grad_cam_map(np.ones((1, 3, 4, 5)), np.ones((1, 3, 4, 4)))


def _linear_model(keras, num_classes=3, nested=False, sigmoid=False):
    rng = np.random.default_rng(1)
    inputs = keras.Input((6, 5, 2))
    conv = keras.layers.Conv2D(4, 1, name="maps")
    if nested:
        inner_in = keras.Input((6, 5, 2))
        backbone = keras.Model(inner_in, conv(inner_in), name="backbone")
        maps = backbone(inputs)
    else:
        maps = conv(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(maps)
    units = 1 if sigmoid else num_classes
    dense = keras.layers.Dense(units, activation="sigmoid" if sigmoid else None, name="head")
    model = keras.Model(inputs, dense(pooled))
    conv.set_weights([rng.normal(size=(1, 1, 2, 4)), rng.normal(size=4)])
    dense.set_weights([rng.normal(size=(4, units)), rng.normal(size=units)])
    return model, conv, dense


def _closed_form(conv, dense, images, c):
    w, b = conv.get_weights()
    maps = np.einsum("nhwi,io->nhwo", images, w[0, 0]) + b
    weights = dense.get_weights()[0][:, c] / (maps.shape[1] * maps.shape[2])
    return np.maximum((maps * weights).sum(axis=-1), 0)


@pytest.mark.keras
@pytest.mark.parametrize("nested", [False, True])
def test_grad_cam_matches_the_closed_form(keras, nested):
    model, conv, dense = _linear_model(keras, nested=nested)
    images = np.random.default_rng(2).normal(size=(3, 6, 5, 2)).astype("float32")
    for c in range(3):
        heatmaps, chosen = gradcam.grad_cam(model, images, "maps", class_index=c, normalize=False)
        np.testing.assert_allclose(heatmaps, _closed_form(conv, dense, images, c), atol=1e-5)
        assert chosen.tolist() == [c] * 3
    _, predicted = gradcam.grad_cam(model, images, "maps")
    assert predicted.tolist() == np.argmax(model.predict(images, verbose=0), axis=1).tolist()


@pytest.mark.keras
def test_a_sigmoid_unit_explains_class_1_by_p_and_class_0_by_1_minus_p(keras):
    model, conv, dense = _linear_model(keras, sigmoid=True)
    images = np.random.default_rng(3).normal(size=(2, 6, 5, 2)).astype("float32")
    p = model.predict(images, verbose=0)[:, 0]
    one, _ = gradcam.grad_cam(model, images, "maps", class_index=1, normalize=False)
    zero, _ = gradcam.grad_cam(model, images, "maps", class_index=0, normalize=False)
    # d sigmoid(z) / dA = p (1 - p) dz/dA: the closed form of the linear logit, scaled
    scale = (p * (1 - p))[:, None, None]
    np.testing.assert_allclose(
        one, scale * _closed_form(conv, dense, images, 0), rtol=1e-4, atol=1e-6
    )
    w, b = conv.get_weights()
    maps = np.einsum("nhwi,io->nhwo", images, w[0, 0]) + b
    minus = np.maximum(-(maps * dense.get_weights()[0][:, 0] / (6 * 5)).sum(axis=-1), 0)
    np.testing.assert_allclose(zero, scale * minus, rtol=1e-4, atol=1e-6)


@pytest.mark.keras
def test_bad_layers_and_classes_are_named(keras):
    model, _, _ = _linear_model(keras)
    images = np.zeros((1, 6, 5, 2), dtype="float32")
    with pytest.raises(ValueError, match=r"layer_name: 'head' is a Dense with outputs of shape"):
        gradcam.grad_cam(model, images, "head")
    with pytest.raises(ValueError, match=r"layer_name: 'nope' is no such layer; expected .* maps"):
        gradcam.grad_cam(model, images, "nope")
    with pytest.raises(ValueError, match=r"class_index: expected an integer in \[0, 2\], got 3"):
        gradcam.grad_cam(model, images, "maps", class_index=3)
    with pytest.raises(ValueError, match=r"images: expected a batch \(N, H, W, C\)"):
        gradcam.grad_cam(model, images[0], "maps")


@pytest.mark.keras
def test_a_branching_outer_model_is_refused_not_misread(keras):
    inner_in = keras.Input((6, 5, 2))
    backbone = keras.Model(inner_in, keras.layers.Conv2D(4, 1, name="maps")(inner_in))
    inputs = keras.Input((6, 5, 2))
    doubled = keras.layers.Add()([inputs, inputs])  # the chain would skip this branch's meaning
    pooled = keras.layers.GlobalAveragePooling2D()(backbone(doubled))
    model = keras.Model(inputs, keras.layers.Dense(2)(pooled))
    images = np.random.default_rng(4).normal(size=(1, 6, 5, 2)).astype("float32")
    with pytest.raises((ValueError, TypeError)):
        gradcam.grad_cam(model, images, "maps", class_index=0)


def test_upsample_and_overlay():
    heat = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    big = gradcam.upsample(heat, (4, 4))
    assert big.shape == (1, 4, 4) and 0 <= big.min() and big.max() <= 1
    image = np.full((4, 4, 3), 255, dtype=np.uint8)
    painted = gradcam.overlay(image, big[0], alpha=0.0)
    np.testing.assert_allclose(painted, 1.0)
    with pytest.raises(ValueError, match="heatmap: expected the image's"):
        gradcam.overlay(image, heat[0])
