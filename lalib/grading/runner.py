"""The code that runs INSIDE the sandbox: a warm worker that forks one child per submission.

Run as a script (``python -I -B runner.py [--sandboxed] [--uid N]``), never
imported by the grader. The worker imports numpy and :mod:`lalib.checks` once,
then for every job:

1. waits until the grader has written a job to its stdin, and **forks first**:
   the child, not the worker, reads the job, so the worker's memory (which
   every later child inherits) never holds any student's notebook;
2. the child starts a new session, applies its resource limits, makes a fresh
   scratch directory its working directory, swaps ``sys.stdout``/``stderr``
   for capped buffers, and runs the code cells in order in one namespace, each
   under an alarm. A *check* cell's source is never run: the worker looks up
   the answer's variable and calls :func:`lalib.checks.encode_answer` through a
   private reference taken before any student code ran, with a generator
   seeded by the grader. It sends one JSON line per event on a private pipe;
3. the worker relays the child's lines to the grader, prefixed ``C`` (untrusted),
   and when the child is gone kills every process left in the sandbox,
   releases what could outlive them (System V shared memory, semaphores and
   message queues, files in ``/dev/shm``), wipes the scratch area (first
   making every directory in it writable again, so ``chmod 0`` cannot keep a
   file there) and reports ``W {"type": "exit", "clean": ..., ...}``; when
   the wipe is not verified complete, the grader starts a new worker, with a
   new ``/tmp``, for the next job. The child never holds the worker's stdout,
   so it cannot forge a ``W`` line.

No verdict is computed here: the grader judges the plain data in its own
process. Student code can corrupt its own records, which only ever costs
that student points.
"""

from __future__ import annotations

import builtins
import ctypes
import errno
import gc
import io
import json
import re
import resource
import select
import shutil
import signal
import os
import sys
import time
import traceback
import warnings

import numpy as np

import lalib  # noqa: F401  (the students' one import line, warm)
from lalib.checks import encode_answer


def _warm_up() -> None:
    """Import once, in the worker, what every notebook imports: the widgets and the question banks.

    Each child is forked from the worker, so a module imported here costs
    nothing per submission (the widgets alone take half a second). A module
    that fails to import is simply left to the notebook that needs it.
    """
    import importlib
    names = ["lalib.widgets"]
    try:
        from lalib.checks import BANKS
        names += list(BANKS.values())
    except ImportError:  # pragma: no cover - an older bank layout
        pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            pass


_warm_up()

try:  # IPython syntax (%magic, !shell) becomes calls that fail as a cell error, not a SyntaxError
    from IPython.core.inputtransformer2 import TransformerManager as _TM
    _ipython_transform = _TM().transform_cell
except Exception:  # pragma: no cover - IPython is optional
    def _ipython_transform(source: str) -> str:
        return source

# The prompts IPython strips from pasted sessions: the only IPython syntax that can also be valid Python
# (``In [1]: x = 1`` parses as an annotated assignment).
_PROMPT = re.compile(r"^\s*(>>>|\.\.\.|In \[)", re.MULTILINE)


def _compile_cell(source: str, name: str):
    """Compile a code cell as IPython would.

    IPython's transformer costs about a tenth of a typical notebook's run, and
    every IPython construct it rewrites is a syntax error in Python (``%magic``,
    ``!shell``, ``x?``, an indented first line) except pasted prompts: so a
    cell that compiles as Python and has no prompt is compiled as it is.
    """
    if not _PROMPT.search(source):
        try:
            return _compile(source, name, "exec")
        except SyntaxError:
            pass
    return _compile(_ipython_transform(source), name, "exec")

SCRATCH_ROOT = "/tmp"        # the sandbox's private tmpfs; ``--scratch DIR`` without bubblewrap
OUTPUT_KEEP = 4096          # bytes of the student's printed output kept for the feedback page
LINE_CAP = 4 << 20          # the worker drops any child line longer than this
JOB_CAP = 64 << 20          # ... and stops relaying after this many bytes per job

# Private references, taken before any student code runs.
_encode = encode_answer
_dumps = json.dumps
_loads = json.loads
_write, _read, _exit, _getpid = os.write, os.read, os._exit, os.getpid
_default_rng, _ndarray = np.random.default_rng, np.ndarray
_setitimer, _exec, _compile = signal.setitimer, builtins.exec, builtins.compile
_clock = time.monotonic


class CellTimeout(BaseException):
    """Raised by the per-cell alarm (a BaseException, so ``except Exception`` does not swallow it)."""


def _alarm(signum, frame):
    raise CellTimeout()


def _plain(value):
    """Encoded answer data as JSON-able values; float arrays become tagged lists."""
    if isinstance(value, _ndarray):
        arr = np.asarray(value, dtype=float)
        return {"__ndarray__": {"shape": list(arr.shape), "data": arr.ravel().tolist()}}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class _CappedText(io.TextIOBase):
    """stdout/stderr for student code: keeps the first few KB, counts the rest."""

    def __init__(self, box: dict):
        self.box = box

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        self.box["bytes"] += len(text)
        if len(self.box["head"]) < OUTPUT_KEEP:
            self.box["head"] += text[: OUTPUT_KEEP - len(self.box["head"])]
        return len(text)


def _send(fd: int, message: dict) -> None:
    data = (_dumps(message, allow_nan=False) + "\n").encode()
    while data:
        data = data[_write(fd, data):]


def _read_job(fd: int) -> dict:
    chunks = []
    while True:
        chunk = _read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    return _loads(b"".join(chunks).decode())


def _limit(kind: int, value: int) -> None:
    try:
        resource.setrlimit(kind, (value, value))
    except (ValueError, OSError):  # a hard limit already lower: keep it
        pass


def _error_line(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    return (text[-1] if text else type(exc).__name__)[:300]


def child_main(channel: int, sandboxed: bool) -> None:  # pragma: no cover - runs in the sandbox
    """Run one submission; never returns."""
    os.setsid()
    job = _read_job(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    limits = job["limits"]
    # A directory no earlier job can have touched: a leftover cannot break this one.
    scratch = os.path.join(SCRATCH_ROOT, f"job-{_getpid()}-{os.urandom(4).hex()}")
    os.mkdir(scratch, 0o700)
    os.chdir(scratch)
    try:  # when memory runs out in the sandbox's cgroup, the student's processes go first, not the worker
        with open("/proc/self/oom_score_adj", "w") as fh:
            fh.write("1000")
    except OSError:
        pass
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_AS, int(limits["memory_mb"]) << 20)
    _limit(resource.RLIMIT_NPROC, int(limits["processes"]))
    _limit(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    _limit(resource.RLIMIT_FSIZE, int(limits["file_mb"]) << 20)
    _limit(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with an error instead
    signal.signal(signal.SIGALRM, _alarm)
    cell_timeout = float(limits["cell_timeout"])
    box = {"bytes": 0, "head": ""}
    sys.stdout = sys.stderr = _CappedText(box)
    sys.stdin = io.StringIO("")
    main_pid = _getpid()
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    seeds = job["seeds"]
    send = _send

    for cell in job["cells"]:
        index = cell["index"]
        send(channel, {"type": "cell", "index": index})
        try:
            _setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                if cell["kind"] == "check":
                    qid, name = cell["question"], cell["variable"]
                    if name in namespace:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            data = _encode(qid, namespace[name], _default_rng(int(seeds[qid])))
                    else:
                        data = {"status": "invalid",
                                "message": f"{name} is not defined when the check for {qid} runs"}
                    _setitimer(signal.ITIMER_REAL, 0)
                    try:
                        send(channel, {"type": "answer", "question": qid, "data": _plain(data)})
                    except (TypeError, ValueError) as exc:  # data the student's code bent out of shape
                        send(channel, {"type": "answer", "question": qid,
                                       "data": {"status": "invalid",
                                                "message": f"the answer could not be recorded ({exc})"[:300]}})
                else:
                    code = _compile_cell(cell["source"], f"<cell {index}>")
                    _exec(code, namespace)
            finally:
                _setitimer(signal.ITIMER_REAL, 0)
        except CellTimeout:
            if _getpid() != main_pid:
                _exit(0)
            send(channel, {"type": "error", "index": index, "limit": "timeout",
                           "error": f"the cell ran longer than {cell_timeout:g} s and was stopped"})
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: the notebook goes on
            if _getpid() != main_pid:  # a copy made by os.fork() in student code stops here
                _exit(0)
            limit = ("memory" if isinstance(exc, MemoryError)
                     else "processes" if isinstance(exc, BlockingIOError) and exc.errno == errno.EAGAIN
                     else "")
            try:
                send(channel, {"type": "error", "index": index, "limit": limit, "error": _error_line(exc)})
            except BaseException:  # noqa: BLE001
                send(channel, {"type": "error", "index": index, "limit": limit, "error": type(exc).__name__})
        if _getpid() != main_pid:
            _exit(0)
    send(channel, {"type": "done", "output_bytes": int(box["bytes"]), "output": str(box["head"])})
    _exit(0)


def _kill_everyone_else() -> None:
    """In a fresh PID namespace: kill every process but this one and the namespace's init."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _make_removable(top: str) -> None:
    """Give every directory under ``top`` back its owner's rwx bits (a student may have removed them)."""
    try:
        os.chmod(top, 0o700)
    except OSError:
        pass
    try:
        entries = os.listdir(top)
    except OSError:
        return
    for entry in entries:
        path = os.path.join(top, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            _make_removable(path)


def _wipe(root: str, keep_root: bool = True) -> bool:
    """Remove everything in ``root``; True when it is verified empty afterwards."""
    try:
        entries = os.listdir(root)
    except OSError:
        return False
    for entry in entries:
        path = os.path.join(root, entry)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                _make_removable(path)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass
    try:
        return not os.listdir(root)
    except OSError:
        return False


def _wipe_scratch(sandboxed: bool) -> bool:
    """Empty the scratch area (and, in the sandbox's own /dev, /dev/shm); whether verified empty."""
    clean = _wipe(SCRATCH_ROOT)
    if sandboxed and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        clean = _wipe("/dev/shm") and clean
    return clean


def release_ipc() -> bool:
    """Remove every System V shared-memory segment, semaphore set and message queue this user may remove.

    They live in the sandbox's IPC namespace, not in any process, so they would
    outlive the job (holding memory, and readable by the next one). Returns
    whether none is left.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover
        return False
    ok = True
    for table, remove in (("shm", lambda i: libc.shmctl(i, 0, None)),        # IPC_RMID = 0
                          ("sem", lambda i: libc.semctl(i, 0, 0)),
                          ("msg", lambda i: libc.msgctl(i, 0, None))):
        try:
            with open(f"/proc/sysvipc/{table}") as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 1 and fields[1].isdigit() and remove(int(fields[1])) != 0:
                ok = False
    return ok


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _not_dumpable() -> None:
    """Other processes of the same user may not read this one's memory or file descriptors."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:  # pragma: no cover
        pass


def worker_main(argv: list[str]) -> int:  # pragma: no cover - runs in the sandbox
    """Serve jobs from stdin until it closes."""
    global SCRATCH_ROOT
    sandboxed = "--sandboxed" in argv
    if "--scratch" in argv:
        SCRATCH_ROOT = argv[argv.index("--scratch") + 1]
    if "--uid" in argv:
        _drop_privileges(int(argv[argv.index("--uid") + 1]))
    _not_dumpable()
    out = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.set_inheritable(out, False)

    def emit(prefix: bytes, payload: bytes) -> None:
        data = prefix + payload + b"\n"
        while data:
            data = data[os.write(out, data):]

    emit(b"W", _dumps({"type": "ready", "pid": os.getpid(), "uid": os.getuid()}).encode())
    while True:
        ready, _, _ = select.select([0], [], [])
        if not _peek_open(0):
            return 0
        t_fork, use_before = _clock(), resource.getrusage(resource.RUSAGE_CHILDREN)
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        # Everything the worker holds moves to the collector's permanent generation: the child's
        # collections then never walk (and so never copy, page by page) the worker's warm heap.
        gc.freeze()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.close(out)
            try:
                child_main(w, sandboxed)
            except BaseException as exc:  # noqa: BLE001 - a fault of the runner itself, before student code
                try:
                    _send(w, {"type": "internal", "error": _error_line(exc)})
                finally:
                    _exit(70)
        os.close(w)
        t_started = _clock()
        emit(b"W", _dumps({"type": "started", "pid": pid}).encode())
        status = _relay(r, pid, emit, sandboxed)
        os.close(r)
        t_reaped, use = _clock(), resource.getrusage(resource.RUSAGE_CHILDREN)
        clean = release_ipc() if sandboxed else True
        t_released = _clock()
        clean = _wipe_scratch(sandboxed) and clean
        t_wiped, self_after = _clock(), resource.getrusage(resource.RUSAGE_SELF)
        # Where the worker's time went (seconds): what the grader's --profile and the benchmark read.
        timing = {"fork": t_started - t_fork, "first_line": status.pop("first_line", t_started) - t_started,
                  "done_line": status.pop("done_line", t_reaped) - t_started, "reaped": t_reaped - t_started,
                  "release": t_released - t_reaped, "wipe": t_wiped - t_released,
                  "child_cpu": use.ru_utime + use.ru_stime - use_before.ru_utime - use_before.ru_stime,
                  "child_faults": use.ru_minflt - use_before.ru_minflt,
                  "worker_cpu": self_after.ru_utime + self_after.ru_stime - self_before.ru_utime - self_before.ru_stime,
                  "child_sys": use.ru_stime - use_before.ru_stime}
        emit(b"W", _dumps({"type": "exit", "clean": clean, **status,
                           "timing": {k: round(v, 6) for k, v in timing.items()}}).encode())


def _peek_open(fd: int) -> bool:
    """Whether fd has data (True) or is at end of file (False), without consuming anything."""
    import fcntl
    import termios
    size = ctypes.c_int(0)
    try:
        fcntl.ioctl(fd, termios.FIONREAD, size)
    except OSError:
        return False
    return size.value > 0


def _relay(r: int, pid: int, emit, sandboxed: bool) -> dict:
    """Forward the child's lines until it and everything it started are gone."""
    buffer, total, dropped = b"", 0, False
    exited, status = False, 0
    first = last = None
    while True:
        ready, _, _ = select.select([r], [], [], 0.05)
        if ready:
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            last = _clock()
            first = first or last
            total += len(chunk)
            if total > JOB_CAP:
                dropped = True
                continue
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if len(line) <= LINE_CAP:
                    emit(b"C", line)
            if len(buffer) > LINE_CAP:
                buffer, dropped = b"", True
        if not exited:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                exited, status = True, st
                if sandboxed:
                    _kill_everyone_else()  # leftovers may still hold the pipe open
                else:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
    if not exited:
        _, status = os.waitpid(pid, 0)
    while True:  # reap anything else that was ours
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
    return {"code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "dropped": dropped, **({"first_line": first, "done_line": last} if first else {})}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(worker_main(sys.argv[1:]))
