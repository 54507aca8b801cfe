"""Pretrained backbones, online and offline, behind one function: :func:`load_backbone`.

A *backbone* is the convolutional part of a trained classifier, without its classification head:
it turns an image into feature maps (N, h, w, C) that a small new head can classify.

* **Online** (Colab, a laptop with internet): ``keras.applications``' VGG16, ResNet50 and
  MobileNetV2 with ``weights="imagenet"``, each with its own ``preprocess_input``.
* **Offline** (CI, quick mode, a learner without internet): ``"course"``, a small CNN the course
  pretrained itself on the **eight CIFAR-10 classes that are neither cats nor dogs** (40,000
  training images), so cat vs dog is a genuine transfer to classes it never saw. Its weights ship
  inside the package (``assets/course_backbone.weights.h5``, about 1.2 MB) and their sha256 is
  checked on load. :func:`rebuild` retrains it from the data, reproducibly::

      python -m deepvision.models.backbones rebuild --out course_backbone.weights.h5

The course backbone (:func:`course_network`): three blocks of two ``conv_bn_relu`` units
(32, 64 and 128 filters, 3x3, ``padding="same"``), a 2x2 max-pool after blocks 1 and 2, so a 32x32
image leaves block 3 as 8x8x128 feature maps; the pretraining head is global average pooling,
dropout 0.3 and an 8-way softmax. 289,384 parameters (896 of them BatchNormalization's running
statistics); 288,352 without the head. It reads pixels scaled to [-1, 1]
(:func:`preprocess_input`, ``"course"``).

Its pretraining budget (:data:`PRETRAINING`): 5 epochs of Adam over the 40,000 images, batch 128,
learning rate 2e-3 with cosine decay to 0, random left-right flips, seed 0. On the course's
reference machine (2 CPU cores, shared with other jobs at a load of 2-9) it took 1,425 seconds
(24 minutes) and reached **86.8%** on the 8,000 test images of its eight classes (chance: 12.5%).

Taught in: chapter 12, "Backbones, online and offline".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

from deepvision import validate
from deepvision.models.blocks import _name, conv_bn_relu

#: The CIFAR-10 labels the course backbone never sees: 3 (cat) and 5 (dog).
HELD_OUT_CLASSES = (3, 5)
#: The eight classes it is pretrained on, in the order of its softmax units.
PRETRAINING_CLASSES = ("airplane", "automobile", "bird", "deer", "frog", "horse", "ship", "truck")
#: Filters of the course backbone's three blocks (two conv_bn_relu units each).
COURSE_FILTERS = (32, 64, 128)
#: The shipped weights file, inside the package.
COURSE_WEIGHTS_FILE = "course_backbone.weights.h5"

#: The backbones :func:`load_backbone` knows.
BACKBONES = ("course", "vgg16", "resnet50", "mobilenetv2")
#: The keras.applications builder of each ImageNet backbone.
IMAGENET_BUILDERS = {"vgg16": "VGG16", "resnet50": "ResNet50", "mobilenetv2": "MobileNetV2"}
#: The ImageNet channel means keras.applications' "caffe" mode subtracts, in B, G, R order.
CAFFE_MEANS_BGR = (103.939, 116.779, 123.68)
#: sha256 of the shipped ``assets/course_backbone.weights.h5``, checked on every load.
COURSE_WEIGHTS_SHA256 = "4d18072d16dc557265e876341ca05e6dc8028be1ef1464fffe548ba2abd74a56"

#: How the shipped weights were trained (the defaults of :func:`rebuild`), and what they reached.
PRETRAINING = {
    "epochs": 5,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "seed": 0,
    "train_images": 40000,
    "test_images": 8000,
    # what the shipped file reached (rebuild's report; 2 CPU cores shared with other jobs)
    "test_accuracy": 0.868,
    "minutes": 24,
}


def course_network(
    input_shape=(None, None, 3), num_classes=8, name="course", filters=COURSE_FILTERS
):
    """The course backbone with its pretraining head (GAP → dropout 0.3 → softmax).

    Layers: ``{name}_block{b}_unit{u}_conv/_bn/_relu`` for b = 1..3, u = 1..2,
    ``{name}_pool1``, ``{name}_pool2``, then ``{name}_gap``, ``{name}_dropout``, ``{name}_dense``.
    Fully convolutional up to the GAP, so it accepts any image size (``(None, None, 3)``).

    Args:
        input_shape: (H, W, 3) of one image; ``None`` sides accept any size.
        num_classes: Units of the softmax head (8 for the pretraining classes).
        name: Prefix of the model's and every layer's name.
        filters: The three blocks' filters (the checkers build a narrow twin).

    Returns:
        keras.Model (not compiled), inputs preprocessed by :func:`preprocess_input`
        (``"course"``): float pixels in [-1, 1], shape (N, H, W, 3).

    Taught in: chapter 12, "Backbones, online and offline".
    """
    import keras
    from keras import layers

    name = _name(name)
    shape = tuple(input_shape)
    if len(shape) != 3 or shape[2] != 3 or not all(s is None or int(s) > 0 for s in shape):
        raise ValueError(f"input_shape: expected (H, W, 3) (H, W may be None), got {input_shape!r}")
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    inputs = keras.Input(shape=shape, name=f"{name}_input")
    net = inputs
    if len(filters) != 3:
        raise ValueError(f"filters: expected three numbers of filters, got {filters!r}")
    for block, width in enumerate(filters, start=1):
        width = validate.positive_int(width, "filters")
        if block > 1:
            net = layers.MaxPooling2D(2, name=f"{name}_pool{block - 1}")(net)
        for index in (1, 2):
            net = conv_bn_relu(net, width, name=f"{name}_block{block}_unit{index}")
    net = layers.GlobalAveragePooling2D(name=f"{name}_gap")(net)
    net = layers.Dropout(0.3, name=f"{name}_dropout")(net)
    outputs = layers.Dense(num_classes, activation="softmax", name=f"{name}_dense")(net)
    return keras.Model(inputs, outputs, name=name)


def pretraining_data(train_samples=None, test_samples=None):
    """CIFAR-10 without its cats and dogs, labels renumbered 0-7 (:data:`PRETRAINING_CLASSES`).

    Args:
        train_samples: Training images to keep (a stratified subset of the 40,000); None: all.
        test_samples: Test images to keep (of the 8,000); None: all.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3), int64 labels (N,).

    Taught in: chapter 12, "Backbones, online and offline".
    """
    from deepvision import data

    (x_train, y_train), (x_test, y_test) = data.load_cifar10(50000, 10000)
    kept = [c for c in range(10) if c not in HELD_OUT_CLASSES]
    relabel = np.full(10, -1, dtype=np.int64)
    relabel[kept] = np.arange(len(kept))
    splits = []
    for x, y, n, label in (
        (x_train, y_train, train_samples, "train_samples"),
        (x_test, y_test, test_samples, "test_samples"),
    ):
        y = relabel[np.asarray(y).reshape(-1)]
        keep = y >= 0
        x, y = x[keep], y[keep]
        if n is not None:
            n = validate.integer(n, label, minimum=8, maximum=len(y))
            index = data.stratified_indices(y, n)
            x, y = x[index], y[index]
        splits.append((x, y))
    return tuple(splits)


def rebuild(
    out,
    epochs=PRETRAINING["epochs"],
    train_samples=None,
    test_samples=None,
    batch_size=PRETRAINING["batch_size"],
    learning_rate=PRETRAINING["learning_rate"],
    seed=PRETRAINING["seed"],
    verbose=2,
):
    """Pretrain the course backbone on the eight non-cat/dog CIFAR-10 classes; save its weights.

    Reproducible: ``keras.utils.set_random_seed(seed)``, TensorFlow's deterministic ops, a fixed
    data order per epoch (shuffled by a seeded numpy generator). Adam with cosine decay from
    ``learning_rate`` to 0 over all steps; random left-right flips of the training images.

    Args:
        out: Path of the ``.weights.h5`` file to write.
        epochs: Passes over the training images.
        train_samples: Training images (stratified subset of the 40,000); None: all.
        test_samples: Test images (of the 8,000); None: all.
        batch_size: Images per step.
        learning_rate: Adam's initial learning rate.
        seed: Seed of the weights, the flips and the data order.
        verbose: Keras' ``verbose`` for ``fit``.

    Returns:
        dict with ``epochs``, ``train_images``, ``test_images``, ``test_accuracy``, ``seconds``,
        ``parameters``, ``sha256`` and ``path``.

    Taught in: chapter 12, "Backbones, online and offline".
    """
    import keras
    import tensorflow as tf

    if not str(out).endswith(".weights.h5"):
        raise ValueError(f"out: expected a path ending in .weights.h5, got {out!r}")
    epochs = validate.positive_int(epochs, "epochs")
    batch_size = validate.positive_int(batch_size, "batch_size")
    learning_rate = validate.positive_number(learning_rate, "learning_rate")
    seed = validate.integer(seed, "seed", minimum=0)
    (x_train, y_train), (x_test, y_test) = pretraining_data(train_samples, test_samples)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    network = course_network()
    inputs = keras.Input(shape=(32, 32, 3), name="pretrain_input")
    flipped = keras.layers.RandomFlip("horizontal", seed=seed, name="pretrain_flip")(inputs)
    trainer = keras.Model(inputs, network(flipped), name="pretrain")
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    trainer.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    order = np.random.default_rng(seed)
    x_train_scaled = preprocess_input(x_train, "course")
    x_test_scaled = preprocess_input(x_test, "course")
    start = time.perf_counter()
    for epoch in range(epochs):
        index = order.permutation(len(x_train))
        trainer.fit(
            x_train_scaled[index],
            y_train[index],
            batch_size=batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=False,
            verbose=verbose,
        )
    seconds = time.perf_counter() - start
    _, accuracy = trainer.evaluate(x_test_scaled, y_test, batch_size=256, verbose=0)
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    network.save_weights(out)
    return {
        "epochs": epochs,
        "train_images": int(len(x_train)),
        "test_images": int(len(x_test)),
        "test_accuracy": float(accuracy),
        "seconds": round(seconds, 1),
        "parameters": int(network.count_params()),
        "sha256": file_sha256(out),
        "path": str(out),
    }


def file_sha256(path):
    """The sha256 hex digest of a file's bytes.

    Taught in: chapter 12, "Backbones, online and offline".
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def preprocess_input(x, backbone):
    """Pixels 0-255 as ``backbone`` expects them (numpy in, a new float32 numpy array out).

    * ``"course"``: x / 127.5 - 1, in [-1, 1];
    * ``"vgg16"`` and ``"resnet50"``: keras.applications' "caffe" mode: RGB → BGR, then the
      ImageNet means (103.939, 116.779, 123.68) subtracted from B, G and R; no scaling;
    * ``"mobilenetv2"``: x / 127.5 - 1 ("tf" mode).

    keras.applications' own ``preprocess_input`` changes a float array **in place**; this one
    never changes ``x``.

    Args:
        x: Images (N, H, W, 3) or (H, W, 3), values 0-255 (uint8 or float).
        backbone: One of :data:`BACKBONES`.

    Returns:
        float32 array of x's shape.

    Taught in: chapter 12, "Each backbone has its own preprocess_input".
    """
    backbone = validate.choice(backbone, "backbone", BACKBONES)
    array = np.array(x, dtype=np.float32)  # a copy
    if array.ndim not in (3, 4) or array.shape[-1] != 3:
        raise ValueError(
            f"x: expected images (N, H, W, 3) or (H, W, 3) with values 0-255, got shape "
            f"{array.shape}"
        )
    if backbone in ("course", "mobilenetv2"):
        return array / np.float32(127.5) - np.float32(1.0)
    bgr = array[..., ::-1]
    return (bgr - np.asarray(CAFFE_MEANS_BGR, dtype=np.float32)).astype(np.float32)


class BackboneUnavailableError(RuntimeError):
    """A backbone whose weights cannot be had here; the message says why and what to do."""


def course_weights_path():
    """The path of the shipped course backbone weights (package data).

    Taught in: chapter 12, "Backbones, online and offline".
    """
    from importlib import resources

    return str(resources.files("deepvision") / "assets" / COURSE_WEIGHTS_FILE)


def course_features(network):
    """The backbone of a :func:`course_network`: its input to block 3's last ReLU (no head).

    Taught in: chapter 12, "Backbones, online and offline".
    """
    import keras

    last = network.get_layer(f"{network.name}_block3_unit2_relu").output
    return keras.Model(network.input, last, name=f"{network.name}_backbone")


def _load_course(input_shape, weights):
    network = course_network(input_shape=input_shape)
    if weights is None:
        return network
    path = course_weights_path() if weights == "course" else os.fspath(weights)
    if not os.path.isfile(path):
        raise BackboneUnavailableError(
            f"{path}: the course backbone's weights file is missing; rebuild it with "
            "`python -m deepvision.models.backbones rebuild --out "
            f"{COURSE_WEIGHTS_FILE}` (about {PRETRAINING['minutes']} minutes on 2 CPU cores)"
        )
    if weights == "course":
        found = file_sha256(path)
        if found != COURSE_WEIGHTS_SHA256:
            raise BackboneUnavailableError(
                f"{path}: sha256 {found} does not match the pinned {COURSE_WEIGHTS_SHA256}: the "
                "file is damaged or was replaced. Reinstall the package, or rebuild it with "
                "`python -m deepvision.models.backbones rebuild --out PATH` and pass "
                "weights=PATH (a rebuilt file has its own sha256)"
            )
    network.load_weights(path)
    return network


def load_backbone(
    name="course", input_shape=(32, 32, 3), weights="default", pretraining_head=False
):
    """A pretrained convolutional backbone without its classifier: one function, two worlds.

    * ``"course"``: the course's own backbone (:func:`course_network`) with the weights shipped
      in the package (sha256 checked), pretrained on the eight CIFAR-10 classes that are not
      cats or dogs. Works offline.
    * ``"vgg16"``, ``"resnet50"``, ``"mobilenetv2"``: ``keras.applications`` with
      ``include_top=False`` and ``weights="imagenet"``; Keras downloads the weights once (and
      caches them in ``~/.keras/models``). Offline, a :class:`BackboneUnavailableError` says so and
      how to use ``"course"`` instead of Keras' bare URL error.

    Args:
        name: One of :data:`BACKBONES`.
        input_shape: (H, W, 3) of the images (at least 32x32).
        weights: ``"default"`` (the shipped course weights, or ImageNet), None for random
            weights (the architecture only), or a ``.weights.h5`` path for ``"course"``.
        pretraining_head: For ``"course"`` only: keep the 8-class softmax head (the classes of
            :data:`PRETRAINING_CLASSES`) instead of stopping at the last feature maps.

    Returns:
        keras.Model from images preprocessed by :func:`preprocess_input` (``name``) to feature
        maps (N, h, w, C): for 32x32 inputs (8, 8, 128) for ``"course"``, (1, 1, 512) for VGG16,
        (1, 1, 2048) for ResNet50 and (1, 1, 1280) for MobileNetV2. With ``pretraining_head``,
        probabilities (N, 8).

    Raises:
        BackboneUnavailableError: ImageNet weights that cannot be downloaded; a missing or
            damaged course weights file.

    Taught in: chapter 12, "Backbones, online and offline".
    """
    import keras

    name = validate.choice(name, "name", BACKBONES)
    shape = tuple(input_shape)
    if (
        len(shape) != 3
        or shape[2] != 3
        or not all(isinstance(s, int) and s >= 32 for s in shape[:2])
    ):
        raise ValueError(f"input_shape: expected (H, W, 3) with H, W >= 32, got {input_shape!r}")
    if pretraining_head and name != "course":
        raise ValueError(
            f"pretraining_head: only the course backbone keeps its head here, got name={name!r} "
            "(keras.applications' own include_top=True gives the ImageNet classifier)"
        )
    if name == "course":
        network = _load_course(shape, "course" if weights == "default" else weights)
        if pretraining_head:
            return network
        return course_features(network)
    builder = getattr(keras.applications, IMAGENET_BUILDERS[name])
    weights = "imagenet" if weights == "default" else weights
    try:
        return builder(include_top=False, weights=weights, input_shape=shape)
    except Exception as error:  # Keras raises a bare Exception("URL fetch failure on ...")
        if weights != "imagenet" or not _looks_like_download_error(error):
            raise
        raise BackboneUnavailableError(
            f"{IMAGENET_BUILDERS[name]}'s ImageNet weights could not be downloaded ({error}). "
            "You seem to be offline. Either connect to the internet once (Keras keeps the file "
            "in ~/.keras/models), or use the course's own backbone, shipped with the package: "
            "load_backbone('course'), with preprocess_input(images, 'course')"
        ) from error


def extract_features(backbone, images, name="course", batch_size=256):
    """Bottleneck features: ``backbone``'s outputs for ``images``, once, in inference mode.

    Args:
        backbone: A model from :func:`load_backbone`.
        images: Pixels 0-255, (N, H, W, 3).
        name: The backbone's name in :data:`BACKBONES` (which ``preprocess_input`` it needs).
        batch_size: Images per forward pass.

    Returns:
        numpy array (N, h, w, C).

    Taught in: chapter 12, "Feature extraction".
    """
    batch_size = validate.positive_int(batch_size, "batch_size")
    x = preprocess_input(images, name)
    return np.asarray(backbone.predict(x, batch_size=batch_size, verbose=0))


def unfreeze_top_block(backbone, block="block3"):
    """Make the layers of ``backbone`` whose names contain ``block`` trainable, except its
    BatchNormalization layers; freeze every other layer. Changes ``backbone`` and returns it.

    ``backbone.trainable = True`` comes first: it sets every layer's flag, and while a model is
    frozen none of its layers trains whatever their own flags say.

    Taught in: chapter 12, "Fine-tuning".
    """
    import keras

    if not isinstance(block, str) or not block:
        raise ValueError(f"block: expected a part of the top block's layer names, got {block!r}")
    names = [layer.name for layer in backbone.layers]
    if not any(block in name for name in names):
        raise ValueError(
            f"block: no layer of {backbone.name!r} has {block!r} in its name; its last layers are "
            f"{', '.join(names[-3:])}"
        )
    backbone.trainable = True
    for layer in backbone.layers:
        top = block in layer.name
        layer.trainable = top and not isinstance(layer, keras.layers.BatchNormalization)
    return backbone


def _looks_like_download_error(error):
    text = f"{type(error).__name__}: {error}".lower()
    return any(
        word in text
        for word in (
            "url fetch",
            "urlopen",
            "name resolution",
            "network",
            "http",
            "connection",
            "temporary failure",
        )
    )


def predict_top_k(model, images, class_names, k=3):
    """The ``k`` most probable classes of each image, best first.

    Args:
        model: A Keras classifier whose output is probabilities (N, num_classes) or one sigmoid
            unit (N, 1) read as P(class_names[1]).
        images: What the model takes, (N, H, W, C).
        class_names: One name per class.
        k: How many to keep (at most the number of classes).

    Returns:
        list (one per image) of lists of (name, probability) pairs.

    Taught in: chapter 12, "What the network looks at".
    """
    probs = np.asarray(model.predict(images, verbose=0), dtype=np.float64)
    return top_k(probs, class_names, k)


def top_k(probs, class_names, k=3):
    """The ``k`` largest probabilities of each row, with their class names, best first.

    Args:
        probs: Probabilities (N, num_classes), or (N, 1) for one sigmoid unit (P(class 1)).
        class_names: One name per class (two for a sigmoid unit).
        k: How many to keep, 1 <= k <= num_classes.

    Returns:
        list (one per row) of lists of (name, probability) pairs.

    Taught in: chapter 12, "What the network looks at".
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2:
        raise ValueError(f"probs: expected shape (N, num_classes), got shape {probs.shape}")
    if probs.shape[1] == 1:
        probs = np.concatenate([1 - probs, probs], axis=1)
    names = list(class_names)
    if len(names) != probs.shape[1]:
        raise ValueError(
            f"class_names: expected {probs.shape[1]} names (one per class), got {len(names)}"
        )
    k = validate.integer(k, "k", minimum=1, maximum=len(names))
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    return [[(names[j], float(row[j])) for j in top] for row, top in zip(probs, order, strict=True)]


def main(argv=None):
    """``python -m deepvision.models.backbones rebuild --out PATH [--epochs N ...]``."""
    parser = argparse.ArgumentParser(prog="python -m deepvision.models.backbones")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("rebuild", help="pretrain the course backbone; write weights")
    command.add_argument("--out", required=True, help="path ending in .weights.h5")
    command.add_argument("--epochs", type=int, default=PRETRAINING["epochs"])
    command.add_argument("--train-samples", type=int, default=None)
    command.add_argument("--test-samples", type=int, default=None)
    command.add_argument("--batch-size", type=int, default=PRETRAINING["batch_size"])
    command.add_argument("--seed", type=int, default=PRETRAINING["seed"])
    arguments = parser.parse_args(argv)
    result = rebuild(
        arguments.out,
        epochs=arguments.epochs,
        train_samples=arguments.train_samples,
        test_samples=arguments.test_samples,
        batch_size=arguments.batch_size,
        seed=arguments.seed,
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
