"""Keras 3 builders for the course's networks: each a function that returns a ``keras.Model``.

Every layer is named from the builder's ``name`` prefix, as keras.applications does, and the
tests pin each network's parameter count.
"""

from deepvision.models.cnn import book_learning_rate, mnist_cnn
from deepvision.models.mlp import mlp_functional, mlp_parameter_count, mlp_sequential

__all__ = [
    "book_learning_rate",
    "mlp_functional",
    "mlp_parameter_count",
    "mlp_sequential",
    "mnist_cnn",
]
