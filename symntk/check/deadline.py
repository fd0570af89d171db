"""Time limits for checks: a computation that runs out of time is ``undecided``, never a pass.

SymPy's simplification and limits can run for ever on hard input. :func:`deadline` bounds a block of code
with a real-time interval timer (``SIGALRM``), which interrupts pure-Python computation such as SymPy's.
Deadlines nest: an inner one never extends an outer one. Outside the main thread no signal can be used and the
block runs unbounded (the result is still honest, only possibly slow).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OutOfTime(BaseException):
    """Raised inside a :func:`deadline` block when its time is up.

    A ``BaseException``, like ``KeyboardInterrupt``, so that the ``except Exception`` clauses inside SymPy do
    not swallow it and carry on past the deadline.
    """


_ends: list[float] = []


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise OutOfTime


def _arm() -> None:
    remaining = min(_ends) - time.monotonic()
    if remaining <= 0:
        raise OutOfTime
    signal.setitimer(signal.ITIMER_REAL, remaining)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Run the block for at most ``seconds`` of wall time, else raise :class:`OutOfTime` inside it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outermost = not _ends
    previous = signal.getsignal(signal.SIGALRM) if outermost else None
    if outermost:
        signal.signal(signal.SIGALRM, _on_alarm)
    _ends.append(time.monotonic() + seconds)
    try:
        _arm()
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _ends.pop()
        if outermost:
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        else:
            remaining = min(_ends) - time.monotonic()
            # the outer block is due now: let the alarm fire at once in the outer block
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-4))
