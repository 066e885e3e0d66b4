"""JupyterLab settings that let a saved notebook show its widgets without a kernel.

JupyterLab draws a widget output from its live model. When the notebook is
reopened after its kernel stopped, that model is gone and the output reads
"Error displaying widget: model not found", unless the notebook saved the
widgets' state when it was saved. That is the widget manager's ``saveState``
setting, off by default; this module switches it on for one environment by
merging it into JupyterLab's ``overrides.json`` (the file JupyterLab reads
for site-wide defaults). A lalib widget's saved state includes its JavaScript,
so the reopened notebook draws it again with the values it was saved with.

Run ``python -m lalib.widgets.lab`` once per environment (``make lab`` does).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["LAB_OVERRIDES", "settings_dir", "install_lab_settings"]

LAB_OVERRIDES: dict[str, dict] = {"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}


def settings_dir(prefix: str | Path = sys.prefix) -> Path:
    """Where JupyterLab looks for ``overrides.json`` in the environment at ``prefix``.

    Examples
    --------
    >>> settings_dir("/env").as_posix()
    '/env/share/jupyter/lab/settings'
    """
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings"


def install_lab_settings(prefix: str | Path = sys.prefix) -> Path:
    """Merge :data:`LAB_OVERRIDES` into the environment's ``overrides.json``.

    Settings already there for other plugins, or other keys of the widget
    manager's, are kept. Running it twice changes nothing.

    Parameters
    ----------
    prefix : str or Path
        The environment (``sys.prefix`` of the Python that runs JupyterLab).

    Returns
    -------
    Path
        The ``overrides.json`` written.

    Examples
    --------
    >>> import tempfile
    >>> path = install_lab_settings(tempfile.mkdtemp())
    >>> json.loads(path.read_text())["@jupyter-widgets/jupyterlab-manager:plugin"]
    {'saveState': True}
    """
    path = settings_dir(prefix) / "overrides.json"
    current = {}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); fix or remove it, then run this again") from err
        if not isinstance(current, dict):
            raise ValueError(f"{path} must hold a JSON object, got {type(current).__name__}")
    for plugin, values in LAB_OVERRIDES.items():
        current[plugin] = {**current.get(plugin, {}), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"JupyterLab will save widget state with notebooks: {install_lab_settings()}")
