"""Interactive figures that work live in JupyterLab and in the static book.

What is where:

- ``base.py``: :class:`~lalib.widgets.base.BookWidget`, one JavaScript drawing
  path for two hosts (the kernel in JupyterLab, embedded state in the book),
  and the contract every widget class keeps (``example``, and with a static
  ``derive`` also ``derive_state`` and ``random_state``).
- ``runtime.js`` (``lalib.runtime``: the in-page model, atomic redraws,
  visible errors, DOM helpers, strict number parsing), ``linalg.js``
  (``lalib.linalg``), ``widgets.css`` (light, dark, print): shared by all.
- one ``<name>.py`` + ``<name>.js`` per widget; the JavaScript publishes
  ``lalib.widgets.<name> = { render, derive }``.
- ``sphinx.py``: the book ships each shared file once per page, as a cached
  static file. ``lab.py``: JupyterLab saves widget state with the notebook.

``tests/test_widgets_contract.py`` checks every widget class the same way.
"""

from lalib.widgets.backprop_stepper import BackpropStepper
from lalib.widgets.basis_explorer import BasisExplorer
from lalib.widgets.dynamics import Dynamics
from lalib.widgets.eigen_explorer import EigenExplorer
from lalib.widgets.face_space import FaceSpace
from lalib.widgets.gradient_descent import GradientDescent
from lalib.widgets.image_compression import ImageCompression
from lalib.widgets.pca_explorer import PCAExplorer
from lalib.widgets.projection_explorer import ProjectionExplorer
from lalib.widgets.rank_explorer import RankExplorer
from lalib.widgets.self_check import MultipleChoice, NumericAnswer
from lalib.widgets.svd_geometry import SvdGeometry
from lalib.widgets.taste_editor import TasteEditor
from lalib.widgets.transformation_explorer import TransformationExplorer
from lalib.widgets.vector_playground import VectorPlayground

# In reading order of the chapters that introduce them; the self-checks last.
__all__ = ["VectorPlayground", "TransformationExplorer", "RankExplorer", "BasisExplorer", "ProjectionExplorer",
           "EigenExplorer", "Dynamics", "SvdGeometry", "ImageCompression", "PCAExplorer", "FaceSpace",
           "TasteEditor", "GradientDescent", "BackpropStepper", "MultipleChoice", "NumericAnswer"]
