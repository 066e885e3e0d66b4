"""Run submissions in isolated, warm worker processes: bubblewrap, resource limits, deadlines.

A :class:`Sandbox` owns one long-lived worker (:mod:`lalib.grading.runner`)
started inside bubblewrap with

* a read-only view of only what Python needs: ``/usr``, the Python install,
  the virtual environment and the ``lalib`` package (not the repository's
  ``solutions/``, ``tests/``, the output folder or any other submission);
* a private, size-capped tmpfs ``/tmp`` as the only writable place (the
  child's scratch directory, wiped after every submission);
* new PID, network, IPC and UTS namespaces (no network at all) and
  ``--die-with-parent``, ``--new-session``;
* a seccomp filter that refuses to create user namespaces (``unshare`` and
  ``clone`` with ``CLONE_NEWUSER``), the door to most kernel attack surface;
* when the grader runs as root, the worker drops to an unprivileged user id
  of its own, drawn at random per grading run (it reveals nothing of the
  grader, and no two workers share one), so that process limits apply;
* where the machine has a usable memory cgroup (v2, or v1's memory
  controller), its own group bounding the whole sandbox's memory, shared
  memory and tmpfs included (:mod:`lalib.grading.cgroup`).

Inside, each submission runs in a forked child with limits on address space,
processes, CPU time, file size and open files, and a per-cell alarm. From
outside, the grader enforces the per-cell and the wall-clock limit by killing
the whole sandbox, then starts a fresh one for the next submission. It kills
only through handles it owns: the bubblewrap process it started (whose death
ends the sandbox's PID namespace) and the sandbox's cgroup; never a process
number reported from inside the sandbox.

Where bubblewrap cannot run (no user namespaces inside Docker or an
unprivileged pod), :func:`probe` says why and :func:`choose_sandbox` refuses
to grade, unless the instructor passes ``--sandbox none``: then the worker
runs with the resource limits, as a separate user id when the grader is root,
verdicts still judged outside student code, and :func:`isolation_report`
says exactly what that leaves open.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import select
import shutil
import signal
import site
import stat
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import lalib
from lalib.grading import cgroup

__all__ = ["Limits", "RunResult", "Sandbox", "SandboxError", "bwrap_available", "choose_sandbox", "isolation_report",
           "probe", "separate_uid", "NO_SANDBOX", "SANDBOX_CHOICES"]

RUNNER = Path(__file__).with_name("runner.py")
RUNNER_IN_SANDBOX = "/opt/lalib-grader/runner.py"
GRACE = 3.0                 # seconds past the in-process alarm before the grader kills
DATA_CAP = 16 << 20         # bytes of records accepted from one submission
MAX_RECORDS = 10_000        # records accepted from one submission (an honest one sends about two per cell)
TMPFS_BYTES = 256 << 20     # size of the sandbox's /tmp
WORKER_MB = 512             # the warm worker's own memory, on top of the submission's limit, in its cgroup
#: A random base per grading run: the sandbox's uid says nothing about the grader, and slots never share one.
UID_BASE = 1_000_000_000 + secrets.randbelow(1_000_000) * 1024
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
       "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}


class SandboxError(RuntimeError):
    """The sandbox could not be started."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission.

    Parameters
    ----------
    timeout : float
        Wall-clock seconds for the whole notebook.
    cell_timeout : float
        Seconds for one cell (a check cell includes calling the student's function).
    memory_mb : int
        Address-space limit of each student process, in MiB.
    processes : int
        Processes (and threads) the student's user may have at once in the sandbox.
    file_mb : int
        Largest file the student may write, in MiB.
    open_files : int
        Open file descriptors.

    Examples
    --------
    >>> Limits(timeout=10).for_child()["cpu_seconds"]
    15
    """

    timeout: float = 120.0
    cell_timeout: float = 30.0
    memory_mb: int = 1536
    processes: int = 16
    file_mb: int = 64
    open_files: int = 256

    def __post_init__(self):
        for name in ("timeout", "cell_timeout", "memory_mb", "processes", "file_mb", "open_files"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")

    def for_child(self) -> dict:
        """The limits as the runner applies them."""
        return {**asdict(self), "cpu_seconds": int(self.timeout) + 5}


@dataclass
class RunResult:
    """What came out of running one submission.

    ``lines`` are the child's raw messages (untrusted: parsed and validated by
    :mod:`lalib.grading.scoring`); ``outcome`` is ``"finished"``, ``"timeout"``
    or ``"crashed"``, decided by the grader alone; ``detail`` says why.
    """

    lines: list[str] = field(default_factory=list)
    outcome: str = "finished"
    detail: str = ""
    seconds: float = 0.0
    memory_exceeded: bool = False


#: The one value of ``--sandbox`` that runs student code without bubblewrap: never chosen for the instructor.
NO_SANDBOX = "none"
SANDBOX_CHOICES = ("bwrap", NO_SANDBOX)


@lru_cache(maxsize=1)
def probe() -> str:
    """Why bubblewrap cannot run the sandbox here, or ``""`` when it can.

    It tries the very namespaces and mounts the sandbox uses (``bwrap ... /bin/true``), so a
    ``bwrap`` that is installed but refused user namespaces (Docker's default seccomp profile, an
    unprivileged pod, ``kernel.unprivileged_userns_clone=0``) is caught before any notebook runs.
    """
    path = shutil.which("bwrap")
    if path is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        done = subprocess.run(_bwrap_prefix(path) + ["/bin/true"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap ({path}) could not be started: {exc}"
    if done.returncode == 0:
        return ""
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    reason = f"bubblewrap ({path}) exits with status {done.returncode}" + (f": {said[-1][:300]}" if said else "")
    hints = _namespace_hints()
    return reason + (f" ({hints})" if hints else "")


def _namespace_hints() -> str:
    """What the kernel says about user namespaces, when it says they are off."""
    hints = []
    for name, off in (("/proc/sys/kernel/unprivileged_userns_clone", "0"), ("/proc/sys/user/max_user_namespaces", "0")):
        try:
            value = Path(name).read_text().strip()
        except OSError:
            continue
        if value == off:
            hints.append(f"{name} is {value}: user namespaces are off")
    return "; ".join(hints)


def bwrap_available() -> bool:
    """Whether bubblewrap is installed and can create the namespaces the sandbox uses."""
    return probe() == ""


def choose_sandbox(mode: str | None) -> bool:
    """Whether to run in bubblewrap, from the instructor's ``--sandbox`` choice.

    ``None`` or ``"bwrap"``: bubblewrap, and when it cannot run here a :class:`SandboxError` that says
    why, what running without it would lose, and how to accept that. ``"none"``: no bubblewrap, on
    the instructor's word only (the caller prints :func:`isolation_report` either way).
    """
    if mode not in (None, *SANDBOX_CHOICES):
        raise ValueError(f"--sandbox must be one of {', '.join(SANDBOX_CHOICES)}, got {mode!r}")
    if mode == NO_SANDBOX:
        return False
    reason = probe()
    if reason:
        raise SandboxError(f"the grading sandbox cannot run here: {reason}.\n{isolation_report(False, reason)}\n"
                           "Nothing was graded. Fix bubblewrap (for Docker: run the container with "
                           "--security-opt seccomp=unconfined, or grade on a machine where "
                           "`bwrap --ro-bind / / --unshare-all true` works), or accept the loss above by "
                           "passing --sandbox none.")
    return True


def isolation_report(sandboxed: bool, reason: str | None = None) -> str:
    """What is and is not isolated, in words, for the grader to print.

    Examples
    --------
    >>> print(isolation_report(False, "bubblewrap (bwrap) is not installed").splitlines()[0])
    WARNING: submissions run WITHOUT a sandbox (--sandbox none): bubblewrap (bwrap) is not installed.
    """
    memory = cgroup.available()
    if memory:
        whole = f"the whole sandbox's memory (shared memory and /tmp included) is bounded by a cgroup ({memory})"
    else:
        whole = ("NOT bounded: memory held outside a process's address space (memfd, System V shared memory, "
                 f"up to {TMPFS_BYTES >> 20} MB of /tmp files) and the sum over a submission's processes, because "
                 "this machine offers no writable memory cgroup (run the grader as root, or delegate a cgroup v2 "
                 "memory controller to it); System V IPC and /tmp are still emptied between submissions")
    if sandboxed:
        return ("Isolation: bubblewrap. Each submission sees a read-only Python, virtual environment and "
                "lalib, a private scratch /tmp, no network, its own process namespace, no user namespaces; "
                f"memory, process, CPU, file-size, open-file, per-cell and wall-clock limits; {whole}.")
    own_uid, uid_why = separate_uid()
    why = reason if reason is not None else (probe() or "bubblewrap was turned off")
    who = ("each worker runs as an unprivileged user id of its own (so it cannot read files only you may "
           "read, such as the grading secret, and the process limit applies)" if own_uid else
           f"student code runs as YOUR user, because {uid_why}")
    reads = ("any world-readable file (the repository, solutions/ if readable, other submissions' folder if "
             "readable)" if own_uid else "any file you can (including solutions/ and the grading secret)")
    nproc = own_uid or os.geteuid() != 0  # root ignores RLIMIT_NPROC
    return (f"WARNING: submissions run WITHOUT a sandbox (--sandbox none): {why}.\n"
            f"  Still enforced: memory (address space), CPU time, file size, open files, per-cell and "
            f"wall-clock limits{', the process count' if nproc else ''}; {who}; verdicts judged in the "
            "grader's process, outside student code; a fresh scratch folder per submission.\n"
            f"  LOST (bubblewrap gave these): student code can read {reads}, write wherever that user may, "
            "use the network, see and signal the user's other processes, and leave processes behind "
            f"after its notebook ends{'' if nproc else '; and as root the process-count limit does not apply'}.\n"
            f"  Memory: {whole}.\n"
            "  To get the sandbox back: apt-get install -y bubblewrap, and allow user namespaces.")


def separate_uid() -> tuple[bool, str]:
    """Whether a worker without bubblewrap can run as a user id of its own, and if not, why not.

    It needs root (to switch) and a Python, virtual environment and lalib that other users may read:
    a worker that cannot read its own standard library fails on its first lazy import.
    """
    if os.geteuid() != 0:
        return False, "the grader is not root, so it cannot switch to another user id"
    for path in [*_python_paths(), str(RUNNER.parent)]:
        here = Path(path)
        for d in [here, *here.parents]:
            try:
                mode = d.stat().st_mode
            except OSError:
                return False, f"{d} cannot be read"
            need = stat.S_IXOTH | (stat.S_IROTH if d == here else 0)
            if mode & need != need:
                return False, (f"the Python install {path} is not readable by other users ({d} is mode "
                               f"{stat.S_IMODE(mode):o}); install Python outside a private home folder to get one")
    return True, ""


def _bwrap_prefix(bwrap: str) -> list[str]:
    cmd = [bwrap, "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        # Privileged bwrap: no user namespace, so that the worker can drop to a real, unprivileged uid.
        cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-all"]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp",
            "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    cmd += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return cmd


def seccomp_program(machine: str | None = None) -> bytes | None:
    """A classic-BPF seccomp filter refusing user-namespace creation, for ``bwrap --seccomp FD``.

    ``unshare`` and ``clone`` with ``CLONE_NEWUSER`` fail with EPERM;
    ``clone3`` (whose flags a filter cannot read) fails with ENOSYS, so the C
    library falls back to ``clone``; system calls of another ABI (i386, x32)
    fail with EPERM. None on an architecture this table does not know.

    Examples
    --------
    >>> len(seccomp_program("x86_64")) % 8, seccomp_program("sparc") is None
    (0, True)
    """
    table = {"x86_64": (0xC000003E, 272, 56, 435), "aarch64": (0xC00000B7, 97, 220, 435)}
    machine = machine or platform.machine()
    if machine not in table:
        return None
    arch, unshare, clone, clone3 = table[machine]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    new_user = 0x10000000

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("<HBBI", code, jt, jf, k)
    return b"".join([
        op(ld, 4),                       # 0: architecture
        op(jeq, arch, 1, 0),             # 1: ours -> 3
        op(ret, eperm),                  # 2: another ABI
        op(ld, 0),                       # 3: system call number
        op(jge, 0x40000000, 7, 0),       # 4: x32 -> 12
        op(jeq, clone3, 7, 0),           # 5: -> 13
        op(jeq, unshare, 2, 0),          # 6: -> 9
        op(jeq, clone, 1, 0),            # 7: -> 9
        op(ret, allow),                  # 8
        op(ld, 16),                      # 9: low half of the first argument (the flags)
        op(jset, new_user, 1, 0),        # 10: -> 12
        op(ret, allow),                  # 11
        op(ret, eperm),                  # 12
        op(ret, enosys),                 # 13
    ])


def _python_paths() -> list[str]:
    """The directories Python and lalib are loaded from: the only host paths the sandbox sees."""
    candidates = [sys.base_prefix, sys.prefix, str(Path(lalib.__file__).resolve().parent),
                  str(Path(sys.executable).resolve().parent)]
    candidates += [p for p in site.getsitepackages() if os.path.isdir(p)]
    paths: list[str] = []
    for p in sorted({os.path.realpath(c) for c in candidates}, key=len):
        if p.startswith("/usr/") or any(p == q or p.startswith(q + "/") for q in paths):
            continue
        paths.append(p)
    return paths


def _bind_readonly(cmd: list[str], source: str, target: str) -> None:
    parents = Path(target).parents
    for parent in reversed(parents):  # bwrap would copy the host's mode (0700 for /root)
        if str(parent) != "/":
            cmd += ["--perms", "0755", "--dir", str(parent)]
    cmd += ["--ro-bind", source, target]


class Sandbox:
    """One warm worker, restarted whenever a submission kills it or runs out of time.

    Parameters
    ----------
    limits : Limits
    slot : int
        This worker's number (picks its user id when the grader runs as root).
    sandboxed : bool, optional
        Use bubblewrap (default; a :class:`SandboxError` when it cannot run), or not (False: only on the
        instructor's ``--sandbox none``).
    """

    def __init__(self, limits: Limits, slot: int = 0, sandboxed: bool | None = None):
        self.limits = limits
        self.slot = slot
        self.sandboxed = choose_sandbox(None) if sandboxed is None else sandboxed
        self.proc: subprocess.Popen | None = None
        self._scratch: str | None = None
        self._buffer = b""
        self._child: int | None = None
        self._seccomp_fd: int | None = None
        self.group: cgroup.MemoryGroup | None = None
        self._no_group = False

    # --- the worker process -------------------------------------------------------------
    def command(self) -> list[str]:
        """The command line that starts the worker."""
        if not self.sandboxed:
            if not self._scratch:
                self._scratch = tempfile.mkdtemp(prefix="lalib-grade-scratch-")
                if separate_uid()[0]:
                    os.chown(self._scratch, self.uid, self.uid)  # the worker's own user writes its scratch
            cmd = [sys.executable, "-I", "-B", str(RUNNER), "--scratch", self._scratch]
            if separate_uid()[0]:
                # Without bubblewrap a separate user id is what still keeps student code from the grader's
                # files (the secret, other submissions' results) and makes the process limit count.
                cmd += ["--uid", str(self.uid)]
            return cmd
        cmd = _bwrap_prefix(shutil.which("bwrap"))
        for path in _python_paths():
            _bind_readonly(cmd, path, path)
        _bind_readonly(cmd, str(RUNNER), RUNNER_IN_SANDBOX)
        cmd += ["--chdir", "/tmp", "--clearenv"]
        for key, value in ENV.items():
            cmd += ["--setenv", key, value]
        if self._seccomp_fd is not None:
            cmd += ["--seccomp", str(self._seccomp_fd)]
        cmd += [sys.executable, "-I", "-B", RUNNER_IN_SANDBOX, "--sandboxed"]
        if os.geteuid() == 0:
            # A user id of this worker's own: process limits count per user.
            cmd += ["--uid", str(self.uid)]
        return cmd

    @property
    def uid(self) -> int:
        """The unprivileged user id this worker runs as when the grader is root."""
        return UID_BASE + self.slot

    def start(self) -> None:
        """Start the worker (in its own memory cgroup where there is one) and wait until it is warm."""
        env = None if self.sandboxed else {**ENV, "HOME": self._scratch or "/tmp"}
        pass_fds: tuple[int, ...] = ()
        if self.sandboxed and self._seccomp_fd is None:
            program = seccomp_program()
            if program is not None:
                fd, path = tempfile.mkstemp(prefix="lalib-seccomp-")
                os.unlink(path)
                os.write(fd, program)
                os.lseek(fd, 0, os.SEEK_SET)
                self._seccomp_fd = fd
        if self._seccomp_fd is not None:
            os.lseek(self._seccomp_fd, 0, os.SEEK_SET)
            pass_fds = (self._seccomp_fd,)
        cmd = self.command()
        if env is not None:
            env["HOME"] = self._scratch
        if self.group is None and not self._no_group:
            self.group = cgroup.MemoryGroup.create((self.limits.memory_mb + WORKER_MB) << 20, f"slot{self.slot}")
        if self.group is not None:
            # The shell joins the group, then becomes the worker: nothing it starts is ever outside the group.
            cmd = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', self.group.procs_file, *cmd]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, start_new_session=True,
                                     pass_fds=pass_fds, preexec_fn=None if self.sandboxed else self._preexec)
        self._buffer = b""
        line = self._read_line(time.monotonic() + 120)
        if (line is None or not line.startswith(b"W")) and self.group is not None:
            # A group we may create but not join (a partial delegation): go on without it, as where there is none.
            self.kill()
            self.group.remove()
            self.group, self._no_group = None, True
            return self.start()
        if line is None or not line.startswith(b"W"):
            self.kill()
            raise SandboxError("the grading worker did not start: is bubblewrap allowed to create namespaces "
                               "here? (try `bwrap --ro-bind / / --unshare-all true`)")

    def _preexec(self) -> None:  # pragma: no cover - only without bubblewrap
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def kill(self) -> None:
        """Kill the worker and everything in its sandbox."""
        if self.proc is None:
            return
        # Our own child, not yet reaped, so its number cannot have been reused; its group is its own
        # (start_new_session). Its death ends the sandbox's PID namespace and everything in it.
        targets = [self.proc.pid]
        if not self.sandboxed and self._child and self.group is None:
            targets.append(self._child)  # without a sandbox the worker's child has a host process number
        for pgid in targets:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        if self.group is not None:
            self.group.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.proc = None
        self._child = None

    def close(self) -> None:
        """Stop the worker and remove its scratch directory."""
        self.kill()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self._seccomp_fd is not None:
            os.close(self._seccomp_fd)
            self._seccomp_fd = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read_line(self, deadline: float) -> bytes | None:
        """The next line from the worker, or None at end of file or when the deadline passes."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    # --- one submission ---------------------------------------------------------------
    def run(self, job: dict) -> RunResult:
        """Run one job (see :func:`lalib.grading.notebook.make_job`) and collect its messages."""
        if self.proc is None or self.proc.poll() is not None:
            self.kill()
            self.start()
        job = {**job, "limits": self.limits.for_child()}
        result = RunResult()
        ooms = self.group.oom_kills() if self.group is not None else 0
        start = time.monotonic()
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self.kill()
            return RunResult(outcome="crashed", detail="the sandbox ended before the notebook started")
        end = start + self.limits.timeout
        cell_end = start + self.limits.cell_timeout + GRACE
        received = records = 0
        while True:
            now = time.monotonic()
            line = self._read_line(min(end, cell_end))
            if line is None:
                timed_out = time.monotonic() >= min(end, cell_end) - 0.01
                self.kill()
                if timed_out:
                    which = ("the whole notebook ran longer than " f"{self.limits.timeout:g} s"
                             if time.monotonic() >= end - 0.01 else
                             f"a cell ran longer than {self.limits.cell_timeout:g} s and ignored the alarm")
                    result.outcome, result.detail = "timeout", f"stopped: {which}"
                else:
                    result.outcome, result.detail = "crashed", "the notebook's process ended before it finished"
                break
            received += len(line)
            if received > DATA_CAP:
                self.kill()
                result.outcome, result.detail = "crashed", f"the notebook sent more than {DATA_CAP >> 20} MB of data"
                break
            if line.startswith(b"C"):
                records += 1
                if records > MAX_RECORDS:
                    self.kill()
                    result.outcome = "crashed"
                    result.detail = f"the notebook sent more than {MAX_RECORDS:,} records and was stopped"
                    break
                text = line[1:].decode("utf-8", errors="replace")
                result.lines.append(text)
                if text.startswith('{"type": "cell"'):
                    cell_end = time.monotonic() + self.limits.cell_timeout + GRACE
            elif line.startswith(b"W"):
                try:
                    message = json.loads(line[1:])
                except ValueError:  # pragma: no cover - the worker writes these lines itself
                    continue
                if message.get("type") == "started":
                    self._child = message.get("pid")
                elif message.get("type") == "exit":
                    self._child = None
                    if message.get("clean") is False:  # its /tmp or IPC could not be emptied: a new worker next
                        self.kill()
                    if message.get("dropped"):
                        result.detail = "some of the notebook's data was too large and was dropped"
                    if not any(t.startswith('{"type": "done"') for t in result.lines[-1:]):
                        result.outcome = "crashed"
                        how = (f"was killed by signal {message['signal']}" if message.get("signal")
                               else f"exited with code {message.get('code')}")
                        result.detail = f"the notebook's process {how} before it finished"
                    break
            del now
        result.seconds = time.monotonic() - start
        if self.group is not None and self.group.oom_kills() > ooms:
            result.memory_exceeded = True
            self.kill()  # the OOM killer may have taken the worker's helpers too: start afresh
            if result.outcome != "finished" or not result.detail:
                result.detail = (f"the notebook's processes used more than the memory limit "
                                 f"({self.limits.memory_mb} MiB for the submission) and were stopped")
        return result


def _warn_once(sandboxed: bool) -> None:
    if not sandboxed:
        warnings.warn(isolation_report(False), RuntimeWarning, stacklevel=3)
