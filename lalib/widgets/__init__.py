"""Interactive figures that work live in JupyterLab and in the static book.

See :mod:`lalib.widgets.base` for how one JavaScript drawing path serves both.
"""

from lalib.widgets.rank_explorer import RankExplorer
from lalib.widgets.self_check import MultipleChoice, NumericAnswer

__all__ = ["RankExplorer", "MultipleChoice", "NumericAnswer"]
