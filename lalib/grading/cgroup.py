"""A memory cgroup per sandbox: bounds a whole submission's memory, and kills by a handle the grader owns.

The address-space limit of each student process does not count memory held
outside any address space: a ``memfd`` or a tmpfs file written with
``write``, System V shared memory, or the sum over many processes. A memory
cgroup counts all of it. Each :class:`~lalib.grading.sandbox.Sandbox` gets its
own group, nested in the grader's own cgroup; the sandbox is started inside
it, the kernel's OOM killer stops the submission when the group's limit is
reached, and killing the group's members (``cgroup.kill`` in v2) is a way to
stop everything the submission started that never uses a process number
seen inside the sandbox.

Both cgroup v2 (the unified hierarchy, when its memory controller is
delegated to us) and the v1 memory controller are used; where neither can
be written (no root, no delegation) :func:`available` says so and the
grader's isolation report names what is then not bounded.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from pathlib import Path

__all__ = ["MemoryGroup", "available"]

_ROOTS = {"v2": ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"], "v1": ["/sys/fs/cgroup/memory"]}


def _own_paths() -> dict[str, str]:
    """This process's cgroup path in each hierarchy (``{"v2": "/...", "v1": "/..."}``)."""
    out = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            out["v2"] = parts[2]
        elif "memory" in parts[1].split(","):
            out["v1"] = parts[2]
    return out


def _parent_dir(kind: str) -> Path | None:
    """The directory to create sandbox groups in: our own group, as mounted, if it is writable."""
    own = _own_paths().get(kind)
    if own is None:
        return None
    for root in _ROOTS[kind]:
        for candidate in (Path(root + own), Path(root)):  # a cgroup namespace shows our group as the root
            if kind == "v2" and not (candidate / "cgroup.controllers").exists():
                continue
            if kind == "v1" and not (candidate / "memory.limit_in_bytes").exists():
                continue
            if os.access(candidate, os.W_OK):
                return candidate
    return None


class MemoryGroup:
    """One memory cgroup; create with :meth:`create`.

    Attributes
    ----------
    kind : str
        ``"v2"`` or ``"v1"``.
    path : Path
        The group's directory.
    """

    def __init__(self, kind: str, path: Path):
        self.kind, self.path = kind, path

    @classmethod
    def create(cls, limit_bytes: int, label: str = "sandbox") -> MemoryGroup | None:
        """A new group limited to ``limit_bytes`` (swap included), or None where none can be made."""
        for kind in ("v2", "v1"):
            parent = _parent_dir(kind)
            if parent is None:
                continue
            path = parent / f"lalib-grade-{label}-{secrets.token_hex(4)}"
            try:
                path.mkdir()
            except OSError:
                continue
            group = cls(kind, path)
            try:
                if kind == "v2":
                    if "memory" not in (path / "cgroup.controllers").read_text().split():
                        raise OSError("the memory controller is not delegated here")
                    group._write("memory.max", str(limit_bytes))
                    group._write("memory.swap.max", "0", optional=True)
                else:
                    group._write("memory.limit_in_bytes", str(limit_bytes))
                    group._write("memory.memsw.limit_in_bytes", str(limit_bytes), optional=True)
                    group._write("memory.swappiness", "0", optional=True)
                return group
            except OSError:
                group.remove()
        return None

    def _write(self, name: str, value: str, optional: bool = False) -> None:
        try:
            (self.path / name).write_text(value)
        except OSError:
            if not optional:
                raise

    @property
    def procs_file(self) -> str:
        """Write a process id here to move that process into the group."""
        return str(self.path / "cgroup.procs")

    def pids(self) -> list[int]:
        try:
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def oom_kills(self) -> int:
        """How many processes the OOM killer has killed in this group so far."""
        name = "memory.events" if self.kind == "v2" else "memory.oom_control"
        try:
            for line in (self.path / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        try:  # older v1 kernels: a failed charge is the best sign there is
            return int((self.path / "memory.failcnt").read_text()) if self.kind == "v1" else 0
        except (OSError, ValueError):
            return 0

    def kill(self) -> None:
        """SIGKILL every process in the group (their ids are read from the group, in our namespace)."""
        if self.kind == "v2" and (self.path / "cgroup.kill").exists():
            try:
                self._write("cgroup.kill", "1")
                return
            except OSError:
                pass
        for _ in range(50):  # v1: a process may fork while we kill; repeat until the group is empty
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        """Kill what is left and delete the group."""
        self.kill()
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)


def available() -> str | None:
    """Which cgroup version the grader can bound memory with here (``"v2"``, ``"v1"``), or None.

    Examples
    --------
    >>> available() in ("v2", "v1", None)
    True
    """
    group = MemoryGroup.create(1 << 30, "probe")
    if group is None:
        return None
    group.remove()
    return group.kind
