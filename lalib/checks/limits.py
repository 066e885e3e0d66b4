"""A time limit for the student's code inside a notebook check.

An infinite loop in a function being checked would otherwise hang the cell.
The limit is an interval timer (``SIGALRM``), so it only works in the main
thread of a Unix process, which is where a Jupyter kernel runs cells;
elsewhere the code simply runs without a limit. A timer that was already
running (the grader's per-cell alarm, say) is put back with its remaining time.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["TimeLimitExceeded", "time_limit"]


class TimeLimitExceeded(BaseException):
    """The limited code ran too long (a BaseException, so ``except Exception`` does not swallow it)."""


def _available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` (None: no limit).

    Examples
    --------
    >>> with time_limit(1.0):
    ...     total = sum(range(10))
    >>> try:
    ...     with time_limit(0.05):
    ...         while True:
    ...             pass
    ... except TimeLimitExceeded:
    ...     print("stopped")
    stopped
    """
    if seconds is None or not _available():
        yield
        return
    if seconds <= 0:
        raise TimeLimitExceeded()

    def alarm(signum, frame):
        raise TimeLimitExceeded()

    previous_handler = signal.signal(signal.SIGALRM, alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's timer: give it back what is left (at least a tick)
            left = max(previous_delay - (time.monotonic() - start), 1e-4)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)
