"""The exercises of chapter 12, "Transfer learning on your own images", declared once.

Each exercise lists its cases (or a verifier) and the wrong answers learners give, with the hint
each earns: a folder split into training and validation subsets with two different seeds (they
share images), the training subset taken twice, no split at all, the wrong image size or label
mode; VGG16's input scaled to [0, 1], MobileNetV2's [-1, 1], means subtracted without the
RGB → BGR flip, or the learner's images changed in place; a feature extractor whose backbone still
trains, that calls it without ``training=False``, or that puts a softmax on its one output unit;
bottleneck features computed from raw pixels or in training mode; a top block unfrozen with its
BatchNormalization layers, the whole backbone unfrozen, or nothing unfrozen; a confusion matrix
transposed, normalised, or read from a one-unit output with ``argmax``; a Grad-CAM without its
ReLU, with summed instead of averaged gradients, or averaged over the wrong axis.
``tests/test_exercises.py`` turns the same declarations into the checkers' tests.

Keras is imported only inside the functions that build models.
"""

from __future__ import annotations

import hashlib
import os
import tempfile

import numpy as np

from deepvision.checks._core import CaseFailed, call
from deepvision.checks._exercise import Case, Exercise, Mistake

#: The folder the pipeline checker writes: images per class (distinct), and the split asked for.
FOLDER_IMAGES = 10
VALIDATION_SPLIT = 0.2

# -- folder_datasets --------------------------------------------------------------------------


def _write_folder(root):
    from PIL import Image

    rng = np.random.default_rng(1212)
    for k, name in enumerate(("cat", "dog")):
        os.makedirs(os.path.join(root, name))
        for i in range(FOLDER_IMAGES):
            pixels = rng.integers(0, 256, size=(40, 36, 3), dtype=np.uint8)
            pixels[:, :, 0] = 100 * k + i  # red channel: the class (< 100 for cats)
            Image.fromarray(pixels).save(os.path.join(root, name, f"{name}{i}.png"))


def _folder_reference(directory, seed):
    import keras

    return keras.utils.image_dataset_from_directory(
        directory,
        validation_split=VALIDATION_SPLIT,
        subset="both",
        seed=seed,
        image_size=(32, 32),
        batch_size=32,
        label_mode="binary",
        verbose=False,
    )


def _two_calls(seed_train, seed_validation, subsets=("training", "validation"), **changes):
    def wrong(directory, seed):
        import keras

        options = dict(
            validation_split=VALIDATION_SPLIT,
            image_size=(32, 32),
            batch_size=32,
            label_mode="binary",
            verbose=False,
        )
        options.update(changes)
        return tuple(
            keras.utils.image_dataset_from_directory(
                directory, subset=subset, seed=seed + offset, **options
            )
            for subset, offset in zip(subsets, (seed_train, seed_validation), strict=True)
        )

    return wrong


def _no_split(directory, seed):
    import keras

    options = dict(image_size=(32, 32), batch_size=32, label_mode="binary", seed=seed)
    return tuple(
        keras.utils.image_dataset_from_directory(directory, verbose=False, **options)
        for _ in range(2)
    )


def _contents(dataset, what):
    """{image hash: label} of every element of a (images, labels) dataset, and its shapes."""
    found, shapes = {}, set()
    try:
        for images, labels in dataset:
            images, labels = np.asarray(images), np.asarray(labels)
            shapes.add((images.shape[1:], labels.shape[1:]))
            for image, label in zip(images, labels.reshape(len(labels), -1), strict=True):
                found[hashlib.sha1(np.round(image).astype(np.uint8).tobytes()).hexdigest()] = (
                    float(label[0]),
                    float(image[..., 0].mean()),
                )
    except (TypeError, ValueError) as error:
        raise CaseFailed(
            f"the {what} dataset should give (images, labels) batches, as "
            f"image_dataset_from_directory does ({error})"
        ) from error
    return found, shapes


def _verify_folder(answers):
    from deepvision.folders import ensure_folder_indexing

    function = answers["folder_datasets"]
    ensure_folder_indexing()  # Keras' indexing needs semaphores, which a sandbox may not give
    with tempfile.TemporaryDirectory(prefix="deepvision-ch12-") as root:
        _write_folder(root)
        returned = call("folder_datasets", function, root, 7)
        if returned is None:
            raise CaseFailed("folder_datasets returned None: did you forget the `return`?")
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            raise CaseFailed(
                "folder_datasets should return two datasets, (train, validation); got "
                f"{type(returned).__name__}"
            )
        (train, train_shapes), (validation, validation_shapes) = (
            _contents(returned[0], "training"),
            _contents(returned[1], "validation"),
        )
    total = 2 * FOLDER_IMAGES
    want_validation = int(VALIDATION_SPLIT * total)
    if len(train) == len(validation) == total:
        raise CaseFailed(
            f"both datasets hold all {total} images: split them with validation_split=0.2 and "
            "subset='both' (or subset='training' and subset='validation')"
        )
    shared = set(train) & set(validation)
    if len(validation) == len(train) and shared:
        raise CaseFailed(
            "your validation dataset is the training subset again: ask for "
            "subset='validation' (or subset='both', which returns the two)"
        )
    if shared:
        raise CaseFailed(
            f"{len(shared)} images are in both the training and the validation subsets: the two "
            "calls shuffled with different seeds. Give both calls the same seed, or make one call "
            "with subset='both'"
        )
    if len(validation) != want_validation or len(train) != total - want_validation:
        raise CaseFailed(
            f"expected {total - want_validation} training and {want_validation} validation "
            f"images (validation_split=0.2 of {total}), got {len(train)} and {len(validation)}"
        )
    for shapes in (train_shapes, validation_shapes):
        for image_shape, label_shape in shapes:
            if image_shape != (32, 32, 3):
                raise CaseFailed(
                    f"the images are {image_shape}; expected (32, 32, 3): image_size=(32, 32)"
                )
            if label_shape != (1,):
                raise CaseFailed(
                    f"the labels have shape (batch, {', '.join(map(str, label_shape))}); "
                    "expected (batch, 1), 0 or 1 per image: label_mode='binary'"
                )
    for label, red in list(train.values()) + list(validation.values()):
        if label != float(red >= 100):
            raise CaseFailed("some labels do not match their folders (cat = 0, dog = 1)")
    return (
        f"{len(train)} training and {len(validation)} validation images, none in both, labelled "
        "from their folders"
    )


FOLDER_DATASETS = Exercise(
    "folder_datasets",
    chapter="ch12",
    answers=("folder_datasets",),
    reference=_folder_reference,
    verify=_verify_folder,
    mistakes=[
        Mistake("images are in both the training and the validation subsets", _two_calls(0, 1)),
        Mistake(
            "your validation dataset is the training subset again",
            _two_calls(0, 0, subsets=("training", "training")),
        ),
        Mistake("both datasets hold all 20 images", _no_split),
        Mistake("expected (32, 32, 3): image_size=(32, 32)", _two_calls(0, 0, image_size=(64, 64))),
        Mistake("label_mode='binary'", _two_calls(0, 0, label_mode="int")),
    ],
    hints=[
        "keras.utils.image_dataset_from_directory(directory, validation_split=0.2, "
        "subset='both', seed=seed, ...) returns the two datasets at once.",
        "Also give it image_size=(32, 32), batch_size=32 and label_mode='binary'.",
    ],
    success="training and validation subsets that share no image",
    keras=True,
)

# -- vgg16_input ------------------------------------------------------------------------------

_CAFFE_MEANS_BGR = np.array([103.939, 116.779, 123.68])


def _vgg16_reference(images):
    from deepvision.models.backbones import preprocess_input

    return preprocess_input(images, "vgg16")


def _unit_range(images):
    return np.asarray(images, dtype=np.float32) / 255.0


def _minus_one_to_one(images):
    return np.asarray(images, dtype=np.float32) / 127.5 - 1.0


def _means_in_rgb_order(images):
    return np.asarray(images, dtype=np.float32) - _CAFFE_MEANS_BGR[::-1]


def _flip_without_means(images):
    return np.asarray(images, dtype=np.float32)[..., ::-1]


def _means_without_flip(images):
    return np.asarray(images, dtype=np.float32) - _CAFFE_MEANS_BGR


def _in_place(images):
    import keras

    return keras.applications.vgg16.preprocess_input(images)


def _changed_in_place(trial):
    return not np.array_equal(np.asarray(trial.args[0]), np.asarray(trial.original[0]))


_IMAGES_RNG = np.random.default_rng(1216)
_UINT8_IMAGES = _IMAGES_RNG.integers(0, 256, size=(2, 5, 4, 3), dtype=np.uint8)
_FLOAT_IMAGES = _IMAGES_RNG.integers(0, 256, size=(3, 4, 4, 3)).astype(np.float32)

VGG16_INPUT = Exercise(
    "vgg16_input",
    chapter="ch12",
    answers=("vgg16_input",),
    reference=_vgg16_reference,
    cases=[
        Case(_UINT8_IMAGES, label="two uint8 images (values 0-255)", rtol=1e-5, atol=1e-3),
        Case(_FLOAT_IMAGES, label="three float32 images (values 0-255)", rtol=1e-5, atol=1e-3),
    ],
    mistakes=[
        Mistake(
            "you scaled the pixels to [0, 1]: VGG16 was trained on 'caffe' input (BGR, the "
            "ImageNet means subtracted, no scaling). The network still runs, silently wrong",
            _unit_range,
        ),
        Mistake(
            "x / 127.5 - 1 is MobileNetV2's preprocessing ('tf' mode); VGG16 expects 'caffe' "
            "mode: BGR order, the ImageNet means subtracted",
            _minus_one_to_one,
        ),
        Mistake(
            "you subtracted the means in RGB order: flip the channels to BGR first "
            "(x[..., ::-1]), then subtract (103.939, 116.779, 123.68)",
            _means_in_rgb_order,
        ),
        Mistake(
            "the channels are in BGR order, but subtract the ImageNet means "
            "(103.939, 116.779, 123.68) too",
            _flip_without_means,
        ),
        Mistake(
            "you subtracted the BGR means without flipping the channels: x[..., ::-1] first",
            _means_without_flip,
        ),
        Mistake(
            "your function changed the images it was given: keras.applications' preprocess_input "
            "works in place on a float array. Pass it a copy (np.array(images, dtype='float32'))",
            _in_place,
            when=_changed_in_place,
        ),
    ],
    hints=[
        "keras.applications.vgg16.preprocess_input does it, but changes a float array in place.",
        "Copy the images as float32 first, then preprocess the copy.",
    ],
    success="VGG16's 'caffe' input: BGR, ImageNet means subtracted; the images left as they were",
    keras=True,
)

# -- frozen_classifier (Keras) ----------------------------------------------------------------

#: The narrow twin of the course backbone the model checkers build (filters of its 3 blocks).
TINY_FILTERS = (4, 4, 8)


def tiny_backbone():
    """A narrow twin of the course backbone (random weights), 32x32x3 in, (8, 8, 8) out."""
    from deepvision.models.backbones import course_features, course_network

    return course_features(
        course_network(input_shape=(32, 32, 3), name="course", filters=TINY_FILTERS)
    )


def _frozen_reference(backbone):
    import keras

    backbone.trainable = False
    inputs = keras.Input(shape=(32, 32, 3))
    features = backbone(inputs, training=False)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    outputs = keras.layers.Dense(1, activation="sigmoid")(pooled)
    return keras.Model(inputs, outputs)


def _frozen_with(freeze=True, inference=True, activation="sigmoid"):
    def wrong(backbone):
        import keras

        if freeze:
            backbone.trainable = False
        inputs = keras.Input(shape=(32, 32, 3))
        features = backbone(inputs, training=False) if inference else backbone(inputs)
        pooled = keras.layers.GlobalAveragePooling2D()(features)
        outputs = keras.layers.Dense(1, activation=activation)(pooled)
        return keras.Model(inputs, outputs)

    return wrong


def _one_unit_softmax(model):
    import keras

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        return False
    config = dense[-1].get_config()
    activation = config.get("activation")
    activation = getattr(activation, "__name__", activation)
    return config.get("units") == 1 and activation == "softmax"


def _verify_frozen(answers):
    from deepvision.checks.architecture import check_builder

    function = answers["frozen_classifier"]
    model = call("frozen_classifier", function, tiny_backbone())
    if model is not None and _one_unit_softmax(model):
        raise CaseFailed(
            "a softmax over one unit always outputs 1.0 (it divides e^z by itself): a one-unit "
            "output for two classes needs activation='sigmoid'"
        )
    return check_builder(
        lambda: function(tiny_backbone()),
        lambda: _frozen_reference(tiny_backbone()),
        "frozen_classifier",
    )


FROZEN_CLASSIFIER = Exercise(
    "frozen_classifier",
    chapter="ch12",
    answers=("frozen_classifier",),
    reference=_frozen_reference,
    verify=_verify_frozen,
    mistakes=[
        Mistake("is still trainable: set backbone.trainable = False", _frozen_with(freeze=False)),
        Mistake("with training=False", _frozen_with(inference=False)),
        Mistake("a softmax over one unit always outputs 1.0", _frozen_with(activation="softmax")),
    ],
    hints=[
        "backbone.trainable = False; then keras.Input((32, 32, 3)) → backbone(inputs, "
        "training=False) → GlobalAveragePooling2D → Dense(1, activation='sigmoid').",
        "Two classes, one output unit: a sigmoid gives P(dog); a softmax over one unit is 1.",
    ],
    success="a frozen backbone in inference mode under a new sigmoid head",
    keras=True,
)

# -- bottleneck_features ----------------------------------------------------------------------


def _seeded_backbone():
    """The tiny backbone with fixed weights, and BatchNormalization statistics far from a
    batch's own (so training mode and inference mode give different features)."""
    backbone = tiny_backbone()
    rng = np.random.default_rng(1217)
    for variable in backbone.weights:
        shape = tuple(variable.shape)
        if "moving_variance" in variable.path:
            value = rng.uniform(0.5, 2.0, size=shape)
        elif "moving_mean" in variable.path:
            value = rng.normal(0.0, 0.5, size=shape)
        else:
            value = rng.normal(0.0, 0.3, size=shape)
        variable.assign(value.astype("float32"))
    return backbone


def _features_reference(backbone, images):
    from deepvision.models.backbones import extract_features

    return extract_features(backbone, images, "course")


def _raw_pixels(backbone, images):
    return np.asarray(backbone.predict(np.asarray(images, dtype="float32"), verbose=0))


def _features_unit_range(backbone, images):
    return np.asarray(backbone.predict(np.asarray(images, dtype="float32") / 255.0, verbose=0))


def _features_training_mode(backbone, images):
    from deepvision.models.backbones import preprocess_input

    return np.asarray(backbone(preprocess_input(images, "course"), training=True))


_FEATURE_IMAGES = np.random.default_rng(1218).integers(0, 256, size=(6, 32, 32, 3), dtype=np.uint8)

BOTTLENECK_FEATURES = Exercise(
    "bottleneck_features",
    chapter="ch12",
    answers=("bottleneck_features",),
    reference=_features_reference,
    cases=[
        Case(
            setup=lambda: (_seeded_backbone(), _FEATURE_IMAGES.copy()),
            label="six 32x32 images through a narrow course backbone",
            rtol=1e-4,
            atol=1e-4,
        )
    ],
    mistakes=[
        Mistake(
            "you fed the backbone raw 0-255 pixels: preprocess them as it was trained, "
            "preprocess_input(images, 'course') (x / 127.5 - 1)",
            _raw_pixels,
        ),
        Mistake(
            "you scaled the pixels to [0, 1]; the course backbone reads [-1, 1]: "
            "preprocess_input(images, 'course')",
            _features_unit_range,
        ),
        Mistake(
            "the features were computed in training mode: BatchNormalization then uses each "
            "batch's own statistics. Use backbone.predict(...) (inference mode)",
            _features_training_mode,
        ),
    ],
    hints=[
        "Preprocess with preprocess_input(images, 'course'), then backbone.predict(...).",
        "predict runs in inference mode, in batches, and returns numpy.",
    ],
    success="the backbone's feature maps, in inference mode, from preprocessed pixels",
    keras=True,
)

# -- unfreeze_top_block -----------------------------------------------------------------------


def _unfreeze_reference(backbone):
    from deepvision.models.backbones import unfreeze_top_block

    return unfreeze_top_block(backbone, "block3")


def _unfreeze_all(backbone):
    backbone.trainable = True
    return backbone


def _unfreeze_with_bn(backbone):
    backbone.trainable = True
    for layer in backbone.layers:
        layer.trainable = "block3" in layer.name
    return backbone


def _unfreeze_nothing(backbone):
    for layer in backbone.layers:
        if "block3" in layer.name:
            layer.trainable = True
    return backbone


def _verify_unfreeze(answers):
    import keras

    from deepvision.checks.architecture import check_model

    function = answers["unfreeze_top_block"]
    backbone = tiny_backbone()
    model = _frozen_reference(backbone)
    call("unfreeze_top_block", function, backbone)
    if not backbone.trainable:
        raise CaseFailed(
            "the backbone is still frozen (backbone.trainable is False), so none of its layers "
            "trains whatever their own flags say: set backbone.trainable = True first"
        )
    for layer in backbone.layers:
        if not layer.weights or not layer.trainable:
            continue
        if isinstance(layer, keras.layers.BatchNormalization):
            raise CaseFailed(
                f"{layer.name} (BatchNormalization) is trainable: keep every BatchNormalization "
                "layer frozen while fine-tuning, so its statistics stay the pretrained ones"
            )
        if "block3" not in layer.name:
            raise CaseFailed(
                f"{layer.name} trains, but only the top block (layer names with 'block3') should: "
                "backbone.trainable = True unfreezes every layer, so freeze the others again"
            )
    reference_backbone = tiny_backbone()
    reference = _frozen_reference(reference_backbone)
    _unfreeze_reference(reference_backbone)
    result = check_model(model, reference, name="your fine-tuning model")
    if not result:
        raise CaseFailed(result.message)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return f"only the top block's convolutions and the head train ({trainable:,} weights)"


UNFREEZE_TOP_BLOCK = Exercise(
    "unfreeze_top_block",
    chapter="ch12",
    answers=("unfreeze_top_block",),
    reference=_unfreeze_reference,
    verify=_verify_unfreeze,
    mistakes=[
        Mistake("trains, but only the top block", _unfreeze_all),
        Mistake("keep every BatchNormalization layer frozen", _unfreeze_with_bn),
        Mistake("the backbone is still frozen", _unfreeze_nothing),
    ],
    hints=[
        "backbone.trainable = True sets every layer's flag; then loop over backbone.layers.",
        "A layer trains if 'block3' is in its name and it is not a BatchNormalization.",
    ],
    success="the top block's convolutions train; BatchNormalization and blocks 1-2 stay frozen",
    keras=True,
)

# -- confusion_matrix -------------------------------------------------------------------------


def _predicted(probs):
    return (np.asarray(probs, dtype=float).reshape(-1) > 0.5).astype(int)


def _confusion_reference(labels, probs):
    labels = np.asarray(labels).reshape(-1).astype(int)
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (labels, _predicted(probs)), 1)
    return matrix


def _transposed(labels, probs):
    return _confusion_reference(labels, probs).T


def _normalized(labels, probs):
    matrix = _confusion_reference(labels, probs)
    return matrix / matrix.sum(axis=1, keepdims=True)


def _argmax_one_unit(labels, probs):
    labels = np.asarray(labels).reshape(-1).astype(int)
    predicted = np.argmax(np.asarray(probs).reshape(len(labels), -1), axis=-1)
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


_CONFUSION_RNG = np.random.default_rng(1219)
_LABELS = _CONFUSION_RNG.integers(0, 2, size=40)
_PROBS = np.clip(0.5 + 0.4 * (2 * _LABELS - 1) + _CONFUSION_RNG.normal(0, 0.3, 40), 0.01, 0.99)

CONFUSION_MATRIX = Exercise(
    "confusion_matrix",
    chapter="ch12",
    answers=("confusion_matrix",),
    reference=_confusion_reference,
    cases=[
        Case(
            np.array([0, 0, 1, 1, 1]),
            np.array([[0.2], [0.7], [0.9], [0.4], [0.8]]),
            label="5 images, probabilities (5, 1)",
        ),
        Case(_LABELS, _PROBS[:, None], label="40 images, probabilities (40, 1)"),
        Case(_LABELS[:, None], _PROBS, label="labels (40, 1), probabilities (40,)"),
    ],
    mistakes=[
        Mistake(
            "rows should be the true classes and columns the predicted ones (you have them "
            "swapped)",
            _transposed,
        ),
        Mistake("count the images (integers); do not divide by the rows' totals", _normalized),
        Mistake(
            "argmax over a one-unit output is always 0: the prediction is dog when the sigmoid's "
            "probability is above 0.5",
            _argmax_one_unit,
        ),
    ],
    hints=[
        "Predicted class: 1 where probs > 0.5, else 0 (flatten both arrays first).",
        "matrix[true, predicted] += 1 for every image (np.add.at does it at once).",
    ],
    success="a 2x2 matrix of counts, rows the true classes, columns the predicted ones",
)

# -- grad_cam_map ----------------------------------------------------------------------------


def _cam_reference(activations, gradients):
    from deepvision.models.gradcam import grad_cam_map

    return grad_cam_map(activations, gradients, normalize=False)


def _cam_no_relu(activations, gradients):
    weights = np.mean(gradients, axis=(1, 2), keepdims=True)
    return (weights * activations).sum(axis=-1)


def _cam_summed(activations, gradients):
    weights = np.sum(gradients, axis=(1, 2), keepdims=True)
    return np.maximum((weights * activations).sum(axis=-1), 0)


def _cam_channel_mean(activations, gradients):
    weights = np.mean(gradients, axis=-1, keepdims=True)
    return np.maximum((weights * activations).sum(axis=-1), 0)


_CAM_RNG = np.random.default_rng(1220)
_MAPS = _CAM_RNG.normal(size=(2, 4, 5, 3))
_GRADS = _CAM_RNG.normal(size=(2, 4, 5, 3))

GRAD_CAM_MAP = Exercise(
    "grad_cam_map",
    chapter="ch12",
    answers=("grad_cam_map",),
    reference=_cam_reference,
    cases=[
        Case(_MAPS, _GRADS, label="maps and gradients (2, 4, 5, 3)"),
        Case(np.abs(_MAPS[:1]), _GRADS[:1] + 0.5, label="maps and gradients (1, 4, 5, 3)"),
    ],
    mistakes=[
        Mistake(
            "keep only the positive evidence: apply a ReLU (np.maximum(..., 0)) to the sum",
            _cam_no_relu,
        ),
        Mistake(
            "each map's weight is its gradient averaged over the positions (mean over axes 1 and "
            "2), not summed",
            _cam_summed,
        ),
        Mistake(
            "average the gradients over the positions (axes 1 and 2), one weight per map, not "
            "over the channels",
            _cam_channel_mean,
        ),
    ],
    hints=[
        "weights = gradients.mean(axis=(1, 2), keepdims=True): one weight per feature map.",
        "heatmap = ReLU(sum over the last axis of weights * activations), shape (N, h, w).",
    ],
    success="ReLU of the maps weighted by their mean gradients, shape (N, h, w)",
)

EXERCISES = [
    FOLDER_DATASETS,
    VGG16_INPUT,
    FROZEN_CLASSIFIER,
    BOTTLENECK_FEATURES,
    UNFREEZE_TOP_BLOCK,
    CONFUSION_MATRIX,
    GRAD_CAM_MAP,
]

check_folder_datasets = FOLDER_DATASETS.checker("check_folder_datasets")
check_vgg16_input = VGG16_INPUT.checker("check_vgg16_input")
check_frozen_classifier = FROZEN_CLASSIFIER.checker("check_frozen_classifier")
check_bottleneck_features = BOTTLENECK_FEATURES.checker("check_bottleneck_features")
check_unfreeze_top_block = UNFREEZE_TOP_BLOCK.checker("check_unfreeze_top_block")
check_confusion_matrix = CONFUSION_MATRIX.checker("check_confusion_matrix")
check_grad_cam_map = GRAD_CAM_MAP.checker("check_grad_cam_map")
