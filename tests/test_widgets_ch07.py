"""The pure functions under the chapter 07 widgets, and that each widget builds and redraws."""

import numpy as np
import pytest

from deepvision import data, ops
from deepvision.widgets import ch07
from tests.widgets import assert_every_control_redraws

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(12, 32, 32, 3)).astype(np.uint8)
LABELS = np.arange(12) % 10


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.5, 0.8])
def test_dropout_state_kills_and_scales_the_survivors(rate):
    activations = RNG.uniform(0.1, 1.0, size=(16, 16))
    state = ch07.dropout_state(activations, rate, seed=3)
    kept = state["kept"]
    np.testing.assert_allclose(state["out"][kept], activations[kept] / (1 - rate))
    assert np.all(state["out"][~kept] == 0)
    assert state["scale"] == pytest.approx(1 / (1 - rate))
    assert state["kept_fraction"] == pytest.approx(kept.mean())
    # the mean is kept on average: within a few standard errors on 256 units
    assert abs(state["mean_out"] - state["mean_in"]) < 0.2


def test_dropout_state_at_inference_changes_nothing():
    activations = RNG.uniform(size=(8, 8))
    state = ch07.dropout_state(activations, 0.5, training=False)
    np.testing.assert_array_equal(state["out"], activations)
    assert state["scale"] == 1.0 and state["kept"].all()


def test_batch_norm_state_uses_batch_or_running_statistics():
    population = IMAGES[..., 0].astype(float)
    train = ch07.batch_norm_state(population, 4, gamma=2.0, beta=0.5, training=True, seed=1)
    assert train["used_mean"] == pytest.approx(train["batch_mean"])
    assert train["out_mean"] == pytest.approx(0.5, abs=1e-9)
    assert train["out_std"] == pytest.approx(2.0, rel=1e-3)
    infer = ch07.batch_norm_state(population, 4, training=False, seed=1)
    assert infer["used_mean"] == pytest.approx(population.mean())
    assert infer["used_var"] == pytest.approx(population.var())
    expected = (infer["batch"] - population.mean()) / np.sqrt(population.var() + 1e-3)
    np.testing.assert_allclose(infer["out"], expected)


def test_small_batches_have_noisier_statistics():
    population = IMAGES[..., 1].astype(float)
    spread = {
        size: np.std(
            [ch07.batch_norm_state(population, size, seed=s)["batch_mean"] for s in range(30)]
        )
        for size in (1, 10)
    }
    assert spread[1] > spread[10]
    assert ch07.batch_norm_state(population, len(population))["batch_mean"] == pytest.approx(
        population.mean()
    )


def test_batch_norm_state_refuses_bad_input():
    with pytest.raises(ValueError, match="batch_size: expected between 1 and 12"):
        ch07.batch_norm_state(IMAGES[..., 0], 13)
    with pytest.raises(ValueError, match=r"population: expected shape \(N, H, W\)"):
        ch07.batch_norm_state(IMAGES, 2)
    with pytest.raises(ValueError, match="epsilon: expected a number > 0"):
        ch07.batch_norm_state(IMAGES[..., 0], 2, epsilon=0.0)


def test_augment_image_composes_the_ops():
    image = IMAGES[0]
    plain = image[None] / 255.0
    np.testing.assert_allclose(ch07.augment_image(image), plain[0])
    np.testing.assert_allclose(
        ch07.augment_image(image, flip=True, dy=2, dx=-1, angle=10.0),
        np.clip(ops.rotate(ops.translate(ops.flip_horizontal(plain), 2, -1), 10.0), 0, 1)[0],
    )


def test_gallery_is_seeded_and_keeps_the_shape():
    first = ch07.augmentation_gallery(IMAGES[1], 6, seed=2)
    assert first.shape == (6, 32, 32, 3) and first.min() >= 0 and first.max() <= 1
    np.testing.assert_array_equal(first, ch07.augmentation_gallery(IMAGES[1], 6, seed=2))
    assert not np.array_equal(first, ch07.augmentation_gallery(IMAGES[1], 6, seed=3))


def test_cifar_images_of_the_wrong_dtype_are_refused():
    with pytest.raises(ValueError, match="image: expected CIFAR-10 images of dtype uint8"):
        ch07.augment_image(IMAGES[0] / 255.0)
    with pytest.raises(ValueError, match=r"x: expected shape \(N, 32, 32, 3\)"):
        data.check_cifar10_images(np.zeros((2, 28, 28), np.uint8))
    assert data.cifar10_class_names([[3], [8]]) == ["cat", "ship"]
    with pytest.raises(ValueError, match="labels: class indices must lie in"):
        data.cifar10_class_names([10])


def test_the_explorers_build_and_redraw():
    assert_every_control_redraws(ch07.dropout_explorer(RNG.uniform(size=(16, 16))))
    assert_every_control_redraws(ch07.batch_norm_explorer(IMAGES[..., 0].astype(float)))
    assert_every_control_redraws(ch07.augmentation_explorer(IMAGES, LABELS))


def test_the_explorers_load_real_cifar_by_default():
    box = ch07.dropout_explorer()
    assert box.drawn["rate"] == 0.25
    assert ch07.example_activations().shape == (16, 16)
    assert ch07.example_population().shape[1:] == (32, 32)
