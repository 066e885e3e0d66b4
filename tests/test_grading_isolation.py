"""One submission never affects the next: hostile jobs followed by honest ones in the same warm worker.

One worker (``workers=1``) grades the files in name order, so each hostile
notebook below is followed, in the same sandbox, by one that looks for what
it left behind: an unreadable scratch folder, System V shared memory, memory
held outside any address space. Needs bubblewrap; slow.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading_helpers import FULL, file_name, load, with_cell, write
from lalib.grading import Limits, grade
from lalib.grading.cgroup import available as cgroup_available
from lalib.grading.sandbox import bwrap_available

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_available(),
                                 reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")]

SHM = """import ctypes
libc = ctypes.CDLL(None, use_errno=True)
segment = libc.shmget(0x1a1b, 64 << 20, 0o1666)  # IPC_CREAT | 0666: outlives this process
assert segment >= 0, ctypes.get_errno()
"""

def _mounted_under_tmp() -> set[str]:
    """Top-level /tmp entries the sandbox binds read-only (a checkout or venv under /tmp, as in CI clones)."""
    paths = (Path(__file__).resolve().parents[1], Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve())
    return {p.parts[2] for p in paths if len(p.parts) > 2 and p.parts[1] == "tmp"}


LOOK = f"""import os
shm = open('/proc/sysvipc/shm').read().splitlines()[1:]
if shm:
    raise RuntimeError(f"shared memory left by an earlier job: {{len(shm)}} segment(s)")
mounted = {sorted(_mounted_under_tmp())!r}
left = [p for p in os.listdir('/tmp')
        if not os.getcwd().startswith(os.path.join('/tmp', p)) and p not in mounted]
if left:
    raise RuntimeError(f"files left in /tmp by an earlier job: {{left}}")
"""

MEMFD = """import os
fds = []
for _ in range(50):  # 3 GB in memfds, none over the file-size limit, none in an address space
    fds.append(os.memfd_create('x'))
    os.posix_fallocate(fds[-1], 0, 60 << 20)
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    subs = root / "subs"
    E, S = (lambda: load("exercise")), (lambda: load("solution"))
    write(with_cell(E(), "import os\nos.makedirs('d/e/f')\nopen('d/e/f/x', 'w').write('x')\n"
                         "os.chmod('d/e', 0)\nos.chmod('d', 0)\nos.chmod('.', 0)"), subs, file_name("a_chmod"))
    write(with_cell(S(), LOOK, where="end"), subs, file_name("b_after_chmod"))
    write(with_cell(E(), SHM), subs, file_name("c_shm"))
    write(with_cell(S(), LOOK, where="end"), subs, file_name("d_after_shm"))
    write(with_cell(E(), MEMFD), subs, file_name("e_memfd"))
    write(with_cell(S(), LOOK, where="end"), subs, file_name("f_after_memfd"))
    out = root / "out"
    results = grade(subs, out, seed=11, workers=1, limits=Limits(timeout=60, cell_timeout=30, memory_mb=1024),
                    progress=False)
    with open(out / "grades.csv", encoding="utf-8-sig") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    return {g.student: g for g in results}, rows


@pytest.mark.parametrize("after", ["b_after_chmod", "d_after_shm", "f_after_memfd"])
def test_the_next_job_finds_nothing_left_and_scores_in_full(graded, after):
    results, rows = graded
    g = results[f"{after}_1"]
    assert g.errors == [], g.errors
    assert (g.status, g.total) == ("ok", FULL), (g.status, g.detail)


def test_an_unreadable_scratch_folder_is_not_a_grader_error(graded):
    results, _ = graded
    assert results["a_chmod_1"].status == "ok"


@pytest.mark.skipif(cgroup_available() is None, reason="no writable memory cgroup on this machine")
def test_memory_outside_the_address_space_is_bounded_by_the_cgroup(graded):
    results, _ = graded
    g = results["e_memfd_1"]
    assert g.status == "memory", (g.status, g.detail)
    assert "memory limit" in g.detail


def test_release_ipc_removes_segments_left_in_the_namespace():
    """In a fresh IPC namespace of its own (never the host's: as root it would remove everyone's)."""
    code = ("import ctypes\nfrom lalib.grading.runner import release_ipc\nlibc = ctypes.CDLL(None)\n"
            "ids = [libc.shmget(0, 1 << 20, 0o1600) for _ in range(3)]\nassert min(ids) >= 0\n"
            "before = len(open('/proc/sysvipc/shm').read().splitlines()) - 1\n"
            "ok = release_ipc()\nafter = len(open('/proc/sysvipc/shm').read().splitlines()) - 1\n"
            "print(before, after, ok)")
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs util-linux's unshare")
    done = subprocess.run([unshare, "--ipc", sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"cannot create an IPC namespace here: {done.stderr.strip()}")
    assert done.stdout.split() == ["3", "0", "True"], done.stderr
