"""The convolution speed ladder: plain loops, im2col and tf.nn.conv2d, measured in one run.

    python benchmarks/conv_speed.py

Prints two tables (figures, not a test):

1. the ladder on the same inputs (a small batch of CIFAR-sized images): naive loops against the
   vectorized im2col version against TensorFlow, with the speed-ups;
2. im2col against tf.nn.conv2d in float32 on a CIFAR-sized batch (128 images, 32x32), for a first
   layer (3 -> 32 channels) and a middle layer (32 -> 64 channels).

Each time is the best of several repeats (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main():
    import numpy as np
    import tensorflow as tf

    from deepvision import ops
    from deepvision.cost import best_time

    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, tensorflow {tf.__version__}, {os.cpu_count()} CPU cores")

    x = rng.normal(size=(4, 32, 32, 3)).astype(np.float32)
    w = rng.normal(size=(3, 3, 3, 16)).astype(np.float32)
    b = rng.normal(size=16).astype(np.float32)
    tf_x, tf_w = tf.constant(x), tf.constant(w)
    tf.nn.conv2d(tf_x, tf_w, 1, "SAME")  # warm-up
    naive = best_time(lambda: ops.conv2d_naive(x, w, b, 1, "same"), 2)
    vectorized = best_time(lambda: ops.conv2d(x, w, b, 1, "same"), 20)
    tensorflow = best_time(
        lambda: tf.nn.bias_add(tf.nn.conv2d(tf_x, tf_w, 1, "SAME"), b).numpy(), 20
    )
    reference = tf.nn.bias_add(tf.nn.conv2d(tf_x, tf_w, 1, "SAME"), b).numpy()
    assert np.allclose(ops.conv2d(x, w, b, 1, "same"), reference, atol=1e-3)
    print(f"\n1. ladder on x {x.shape}, w {w.shape}, padding 'same', float32")
    print(f"   naive loops     {naive * 1e3:10.2f} ms")
    print(
        f"   im2col (numpy)  {vectorized * 1e3:10.2f} ms   "
        f"{naive / vectorized:7.0f}x faster than naive"
    )
    print(
        f"   tf.nn.conv2d    {tensorflow * 1e3:10.2f} ms   "
        f"{naive / tensorflow:7.0f}x faster than naive, "
        f"{vectorized / tensorflow:.1f}x faster than im2col"
    )

    print("\n2. im2col against tf.nn.conv2d, float32, a CIFAR-sized batch of 128")
    for c_in, c_out in ((3, 32), (32, 64)):
        x = rng.normal(size=(128, 32, 32, c_in)).astype(np.float32)
        w = rng.normal(size=(3, 3, c_in, c_out)).astype(np.float32)
        tf_x, tf_w = tf.constant(x), tf.constant(w)
        tf.nn.conv2d(tf_x, tf_w, 1, "SAME")
        vectorized = best_time(lambda x=x, w=w: ops.conv2d(x, w, None, 1, "same"), 5)
        tensorflow = best_time(lambda a=tf_x, k=tf_w: tf.nn.conv2d(a, k, 1, "SAME").numpy(), 5)
        print(
            f"   {c_in:2d} -> {c_out:2d} channels: im2col {vectorized * 1e3:8.1f} ms, "
            f"tf.nn.conv2d {tensorflow * 1e3:8.1f} ms: im2col is {vectorized / tensorflow:.1f}x "
            "slower"
        )


if __name__ == "__main__":
    main()
