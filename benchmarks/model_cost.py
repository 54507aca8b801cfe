"""The model cost counter: how long it takes, and its figures against the published ones.

    python benchmarks/model_cost.py

Prints (figures, not a test; tests/test_cost_counter.py holds the assertions):

1. for keras.applications VGG16, ResNet50, MobileNetV2 and DenseNet121 at 224 x 224
   (``weights=None``): the time to build the model, the time of ``model_cost`` (best of 5), the
   parameters against ``model.count_params()``, and the MACs against the published figures
   (multiply-accumulates of convolutions and dense layers only);
2. the counter's MACs against TensorFlow's profiler (half the float operations of its Conv2D,
   DepthwiseConv2dNative and MatMul nodes) on the course's networks and the four applications,
   with the worst relative error.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Published MACs at 224 x 224 and where they come from.
PUBLISHED = {
    "VGG16": (15.47e9, "15.47 G, Albanie's convnet-burden tables"),
    "ResNet50": (3.9e9, "3.8 G in He et al. 2016 Table 1, quoted as 3.86 G / ~3.9 G"),
    "MobileNetV2": (300e6, "300 M, Sandler et al. 2018"),
    "DenseNet121": (None, "no exact figure in Huang et al. 2017 (a plot)"),
}

def main():
    import keras
    import tensorflow as tf

    from deepvision import models
    from deepvision.cost import best_time, model_cost, profiler_macs

    print(f"keras {keras.__version__}, tensorflow {tf.__version__}, {os.cpu_count()} CPU cores")
    print("(other work on this machine only adds time; each model_cost time is the best of 5)\n")
    header = (
        f"{'network':<12} {'build s':>7} {'cost ms':>7} {'params':>12} {'= count_params':>14} "
        f"{'MACs':>15} {'published':>15} {'diff':>7}  source"
    )
    print("1. keras.applications at 224 x 224\n" + header + "\n" + "-" * len(header))
    applications = {}
    for name, (published, source) in PUBLISHED.items():
        start = time.perf_counter()
        model = getattr(keras.applications, name)(weights=None)
        built = time.perf_counter() - start
        seconds = best_time(lambda model=model: model_cost(model), 5)
        result = model_cost(model)
        applications[name] = model
        if published is None:
            figure, diff = f"{'-':>15}", f"{'-':>7}"
        else:
            figure, diff = f"{published:15,.0f}", f"{100 * (result.macs / published - 1):+6.2f}%"
        print(
            f"{name:<12} {built:7.2f} {seconds * 1e3:7.1f} {result.params:12,} "
            f"{str(result.params == model.count_params()):>14} {result.macs:15,} "
            f"{figure} {diff}  {source}"
        )

    backbone = keras.applications.ResNet50(
        weights=None, include_top=False, input_shape=(None, None, 3)
    )
    seconds = best_time(lambda: model_cost(backbone, input_shape=(224, 224, 3)), 5)
    print(
        f"\nResNet50 built with (None, None, 3), shapes recomputed for input_shape=(224, 224, 3): "
        f"{seconds * 1e3:.1f} ms, {model_cost(backbone, input_shape=(224, 224, 3)).macs:,} MACs"
    )

    print("\n2. against TensorFlow's profiler (weighted-sum nodes / 2)")
    networks = {name: build(**kwargs) for name, (build, kwargs) in _course_networks(models).items()}
    worst = (None, -1.0)
    for name, model in {**networks, **applications}.items():
        counted, profiled = model_cost(model).macs, profiler_macs(model)
        error = abs(counted - profiled) / profiled
        worst = max(worst, (name, error), key=lambda pair: pair[1])
        print(f"   {name:<24} counted {counted:15,}  profiler {profiled:17,.1f}  {error:.2e}")
    print(f"   worst relative error: {worst[1]:.2e} ({worst[0]})")


def _course_networks(models):
    """The course's Keras networks that build with their defaults."""
    names = (
        "mlp_sequential",
        "mlp_functional",
        "mnist_cnn",
        "cifar_plain",
        "cifar_preact",
        "cifar_preact_augmented",
    )
    return {name: (getattr(models, name), {}) for name in names if hasattr(models, name)}


if __name__ == "__main__":
    main()
