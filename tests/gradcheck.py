"""The oracle of every backward pass in the tests: the library's centred finite difference
(itself tested against analytic derivatives in tests/test_gradcheck.py)."""

from deepvision.ops.gradcheck import numerical_gradient as centred_difference

__all__ = ["centred_difference"]
