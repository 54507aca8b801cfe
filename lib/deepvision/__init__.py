"""deepvision: the helper package of the Deep Computer Vision course.

Reference implementations (``deepvision.ops``), Keras model builders, data loaders, widgets and
the checkers that grade the exercises. Importing the package has no side effects: it does not
import TensorFlow, seed anything or touch matplotlib's settings.
"""

from deepvision.environment import prepare

__version__ = "0.1.0"
__all__ = ["prepare", "__version__"]
