"""lalib: the helper package of *Linear Algebra for Deep Learning*.

Students need one import line::

    from lalib import check

The numerics live in submodules named for their idea (``lalib.linalg``,
``lalib.svd``, ...); widgets in ``lalib.widgets``; exercise checks in
``lalib.checks``; the grader in ``lalib.grading``; helpers that format
glued numbers, vectors and shapes for chapter text in ``lalib.prose``.
"""

__version__ = "0.1.0"

from lalib.checks import check  # noqa: E402  (the one name students need)

__all__ = ["check", "__version__"]
