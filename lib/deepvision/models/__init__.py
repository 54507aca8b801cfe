"""The course's models: Keras 3 builders, and the numpy MLP of chapter 03.

Keras builders follow one convention (chapters 07-12 build on it):

* a **block** is a function from tensor to tensor, ``block(x, ..., name="stage1_block1")``,
  and every layer inside is named from its ``name`` prefix (``f"{name}_conv1"``), as
  keras.applications does, so a model summary reads as the architecture;
* a **network** is a function returning a ``keras.Model`` whose layers are all named from the
  network's ``name``;
* the tests pin every network's parameter count (``tests/test_models_*.py``).

Importing this package does not import TensorFlow: the builders import Keras when called.
:mod:`deepvision.models.numpy_mlp` is the from-scratch numpy network (no Keras at all).
"""

from deepvision.models.backbones import course_network, load_backbone
from deepvision.models.callbacks import draw_live_history, live_training_plot, time_estimate
from deepvision.models.cifar import (
    augmentation_layers,
    best_checkpoint,
    cifar_learning_rate,
    cifar_plain,
    cifar_preact,
    cifar_preact_augmented,
    unit,
)
from deepvision.models.classic import alexnet, lenet5, vgg, vgg16, vgg19, vgg_block
from deepvision.models.cnn import (
    book_learning_rate,
    cifar_rectifier_cnn,
    dead_unit_fractions,
    mnist_cnn,
    pre_activations,
    rectifier_experiment,
    rectifier_layer,
    rectifier_layers,
    rectifier_table,
)
from deepvision.models.densenet import dense_block, mini_densenet, transition
from deepvision.models.depth import gradient_norms, plain_vs_residual
from deepvision.models.gradcam import grad_cam
from deepvision.models.inception import inception_module, mini_googlenet
from deepvision.models.mlp import (
    compiled_mlp,
    mlp_functional,
    mlp_parameter_count,
    mlp_sequential,
)
from deepvision.models.mobile import (
    bottleneck_unit,
    inverted_residual,
    mini_mobile_net,
    mobile_unit,
)
from deepvision.models.resnet import (
    bottleneck_block,
    depth_stack,
    mini_resnet,
    resnet50,
    resnet_module,
)
from deepvision.models.resnext import resnext_block
from deepvision.models.senet import se_block, se_resnet

__all__ = [
    "alexnet",
    "augmentation_layers",
    "best_checkpoint",
    "book_learning_rate",
    "bottleneck_block",
    "bottleneck_unit",
    "cifar_learning_rate",
    "cifar_plain",
    "cifar_preact",
    "cifar_preact_augmented",
    "cifar_rectifier_cnn",
    "compiled_mlp",
    "course_network",
    "dead_unit_fractions",
    "grad_cam",
    "dense_block",
    "depth_stack",
    "draw_live_history",
    "draw_live_history",
    "gradient_norms",
    "inception_module",
    "inverted_residual",
    "load_backbone",
    "lenet5",
    "live_training_plot",
    "live_training_plot",
    "mini_densenet",
    "mini_googlenet",
    "mini_mobile_net",
    "mini_resnet",
    "mlp_functional",
    "mlp_parameter_count",
    "mlp_sequential",
    "mnist_cnn",
    "mobile_unit",
    "plain_vs_residual",
    "pre_activations",
    "rectifier_experiment",
    "rectifier_layer",
    "rectifier_layers",
    "rectifier_table",
    "resnet50",
    "resnet_module",
    "resnext_block",
    "se_block",
    "se_resnet",
    "time_estimate",
    "transition",
    "unit",
    "vgg",
    "vgg16",
    "vgg19",
    "vgg_block",
]
