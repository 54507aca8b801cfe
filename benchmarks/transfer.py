"""Chapter 12's three approaches side by side on the offline cat/dog folder.

    DEEPVISION_QUICK=1 python benchmarks/transfer.py     # a few hundred images, seconds
    python benchmarks/transfer.py                        # 8,000 training images, minutes

The same steps as the notebook: CIFAR-10's cats and dogs written as a folder of PNG files, read
with ``image_dataset_from_directory`` (20% validation, seed 12), then

* **from scratch**: the small CNN of the article (3 conv + pool, dropout, dense 64, sigmoid), SGD
  0.01 with momentum 0.9, early stopping on the validation loss;
* **feature extraction**: the course backbone frozen, its bottleneck features computed once, a
  GAP → dropout → sigmoid head trained on them (Adam 1e-3);
* **fine-tuning**: that head on the backbone, the top block's convolutions unfrozen (BN frozen,
  inference mode), Adam 1e-4;

each under ``config.budget("ch12_*")``, and prints their test accuracies, the time each took and
its milliseconds per training image per epoch (the figures ``config.MEASURED_MS`` records). With
internet it adds MobileNetV2 with ImageNet weights at 96x96 (feature extraction only); offline
it prints why not. A figure, not a test: other work on the machine only adds time.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _scratch(image_size):
    import keras

    return keras.Sequential(
        [
            keras.Input((*image_size, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Dropout(0.25),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def _head(shape):
    import keras

    return keras.Sequential(
        [
            keras.Input(shape),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def _stop(patience):
    import keras

    return [
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        )
    ]


def main():
    import keras
    import numpy as np

    from deepvision import config, folders
    from deepvision.models import backbones

    size = (32, 32)
    start = time.perf_counter()
    written = folders.write_cifar_folder()
    train_ds, val_ds, _ = folders.folder_datasets(written["train"], image_size=size, seed=12)
    test_ds, _, _ = folders.folder_datasets(written["test"], image_size=size, validation_split=0)
    x_train, y_train = folders.dataset_arrays(train_ds)
    x_val, y_val = folders.dataset_arrays(val_ds)
    x_test, y_test = folders.dataset_arrays(test_ds)
    print(
        f"{config.mode_name()} mode: {len(x_train):,} training, {len(x_val):,} validation, "
        f"{len(x_test):,} test images ({time.perf_counter() - start:.1f} s to write and read)"
    )
    rows = []

    keras.utils.set_random_seed(12)
    budget = config.budget("ch12_scratch")
    model = _scratch(size)
    model.compile(
        optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    began = time.perf_counter()
    history = model.fit(
        train_ds, validation_data=val_ds, epochs=budget.epochs, callbacks=_stop(3), verbose=0
    )
    seconds, epochs = time.perf_counter() - began, len(history.history["loss"])
    rows.append(("from scratch", model.evaluate(x_test, y_test, verbose=0)[1], seconds, epochs))

    backbone = backbones.load_backbone("course", input_shape=(*size, 3))
    began = time.perf_counter()
    features = [
        backbone.predict(backbones.preprocess_input(x, "course"), batch_size=256, verbose=0)
        for x in (x_train, x_val, x_test)
    ]
    extract = time.perf_counter() - began
    keras.utils.set_random_seed(12)
    budget = config.budget("ch12_features")
    head = _head(features[0].shape[1:])
    head.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"]
    )
    began = time.perf_counter()
    history = head.fit(
        features[0],
        y_train,
        validation_data=(features[1], y_val),
        epochs=budget.epochs,
        batch_size=32,
        callbacks=_stop(5),
        verbose=0,
    )
    seconds, epochs = time.perf_counter() - began, len(history.history["loss"])
    accuracy = head.evaluate(features[2], y_test, verbose=0)[1]
    rows.append(("feature extraction", accuracy, seconds, epochs))

    keras.utils.set_random_seed(12)
    budget = config.budget("ch12_fine_tune")
    tuned_backbone = backbones.load_backbone("course", input_shape=(*size, 3))
    tuned_backbone.trainable = False
    inputs = keras.Input((*size, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(tuned_backbone(inputs, training=False))
    top = keras.layers.Dense(1, activation="sigmoid")
    tuned = keras.Model(inputs, top(pooled))
    top.set_weights(head.layers[-1].get_weights())
    backbones.unfreeze_top_block(tuned_backbone, "block3")
    tuned.compile(
        optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy", metrics=["accuracy"]
    )
    p_train, p_val, p_test = (
        backbones.preprocess_input(x, "course") for x in (x_train, x_val, x_test)
    )
    began = time.perf_counter()
    history = tuned.fit(
        p_train,
        y_train,
        validation_data=(p_val, y_val),
        epochs=budget.epochs,
        batch_size=32,
        callbacks=_stop(2),
        verbose=0,
    )
    seconds, epochs = time.perf_counter() - began, len(history.history["loss"])
    rows.append(("fine-tuning", tuned.evaluate(p_test, y_test, verbose=0)[1], seconds, epochs))

    print(f"bottleneck features of {sum(len(f) for f in features):,} images: {extract:.1f} s")
    print(f"{'approach':<20}{'test accuracy':>14}{'epochs':>8}{'train s':>9}{'ms/image/epoch':>16}")
    for name, accuracy, seconds, epochs in rows:
        per_image = 1000 * seconds / (epochs * len(x_train))
        print(f"{name:<20}{accuracy:>14.1%}{epochs:>8}{seconds:>9.1f}{per_image:>16.2f}")

    try:
        mobile = backbones.load_backbone("mobilenetv2", input_shape=(96, 96, 3))
    except backbones.BackboneUnavailableError as error:
        print(f"MobileNetV2 (ImageNet) skipped: {str(error)[:160]}...")
    else:
        import tensorflow as tf

        resized = [np.asarray(tf.image.resize(x, (96, 96))) for x in (x_train, x_val, x_test)]
        mobile_features = [
            mobile.predict(backbones.preprocess_input(x, "mobilenetv2"), verbose=0) for x in resized
        ]
        head = _head(mobile_features[0].shape[1:])
        head.compile(
            optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"]
        )
        head.fit(
            mobile_features[0],
            y_train,
            validation_data=(mobile_features[1], y_val),
            epochs=config.budget("ch12_features").epochs,
            callbacks=_stop(5),
            verbose=0,
        )
        accuracy = head.evaluate(mobile_features[2], y_test, verbose=0)[1]
        print(f"{'MobileNetV2 features':<20}{accuracy:>14.1%}   (ImageNet, 96x96)")
    print(f"total: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
