"""Chapter 12 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 12 (the reference passes, each
declared wrong answer fails with its own hint). Here: the notebook's checkers are the declared
exercises, the references agree with independent oracles (Keras' own preprocess_input, the
graph of a model built by hand), other correct spellings pass, and the mistakes the issue names
(backbone left trainable, two seeds, [0, 1] input to VGG16, softmax on one unit) fail.
"""

from __future__ import annotations

import numpy as np
import pytest

from deepvision import checks
from deepvision.checks import ch12


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch12.EXERCISES] == [
        "folder_datasets",
        "vgg16_input",
        "frozen_classifier",
        "bottleneck_features",
        "unfreeze_top_block",
        "confusion_matrix",
        "grad_cam_map",
    ]
    checkers = [
        checks.check_folder_datasets,
        checks.check_vgg16_input,
        checks.check_frozen_classifier,
        checks.check_bottleneck_features,
        checks.check_unfreeze_top_block,
        checks.check_confusion_matrix,
        checks.check_grad_cam_map,
    ]
    assert [c.exercise for c in checkers] == ch12.EXERCISES


def test_the_vgg16_reference_is_keras_own(keras):
    images = ch12._FLOAT_IMAGES.copy()
    np.testing.assert_allclose(
        ch12._vgg16_reference(images),
        keras.applications.vgg16.preprocess_input(images.copy()),
        atol=1e-4,
    )
    assert checks.check_vgg16_input(
        lambda x: keras.applications.vgg16.preprocess_input(np.array(x, dtype="float32"))
    )


def test_two_calls_with_the_same_seed_also_pass(keras):
    assert checks.check_folder_datasets(ch12._two_calls(0, 0))


def test_a_sequential_feature_extractor_passes_and_a_left_trainable_one_fails(keras):
    def sequential(backbone):
        backbone.trainable = False
        inputs = keras.Input((32, 32, 3))
        model = keras.Sequential(
            [inputs, backbone, keras.layers.GlobalAveragePooling2D(),
             keras.layers.Dense(1, activation="sigmoid")]
        )  # fmt: skip
        return model

    # Sequential calls the backbone without training=False: named, not silently passed
    result = checks.check_frozen_classifier(sequential)
    assert not result and "training=False" in result.message
    left = checks.check_frozen_classifier(ch12._frozen_with(freeze=False))
    assert "is still trainable" in left.message


def test_unfreezing_by_layer_type_passes(keras):
    def by_type(backbone):
        backbone.trainable = True
        for layer in backbone.layers:
            layer.trainable = layer.name.startswith("course_block3") and isinstance(
                layer, keras.layers.Conv2D
            )

    assert checks.check_unfreeze_top_block(by_type)


def test_the_tiny_backbone_is_the_course_backbones_twin(keras):
    from deepvision.models import backbones

    tiny, course = ch12.tiny_backbone(), backbones.load_backbone("course", weights=None)
    assert [type(a).__name__ for a in tiny.layers] == [type(b).__name__ for b in course.layers]
    assert [a.name for a in tiny.layers] == [b.name for b in course.layers]


def test_the_confusion_reference_counts():
    matrix = ch12._confusion_reference(ch12._LABELS, ch12._PROBS)
    assert matrix.sum() == 40 and matrix.dtype.kind == "i"
    assert matrix[0].sum() == np.sum(ch12._LABELS == 0)
    assert np.trace(matrix) == np.sum((ch12._PROBS > 0.5) == ch12._LABELS)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_grad_cam_reference_is_the_library_formula(seed):
    from deepvision.models.gradcam import grad_cam_map

    rng = np.random.default_rng(seed)
    maps, grads = rng.normal(size=(1, 3, 3, 4)), rng.normal(size=(1, 3, 3, 4))
    manual = np.maximum(np.einsum("nhwk,nk->nhw", maps, grads.mean(axis=(1, 2))), 0)
    np.testing.assert_allclose(ch12._cam_reference(maps, grads), manual)
    np.testing.assert_allclose(grad_cam_map(maps, grads, normalize=False), manual)
