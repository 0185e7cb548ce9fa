"""A guard against a reference-counting bug of some PySide6 builds on CPython < 3.12.

Seen with PySide6/shiboken6 6.12 on CPython 3.11: every call of a Qt method that
returns nothing (``QObject.setObjectName``, ``QPainter.save``, ``drawImage``...)
hands Python a ``None`` without the reference it owes, so each call takes one
reference away from ``None``.  From Python 3.12 ``None`` is immortal and nothing
happens; before, the count eventually reaches zero and the process dies with
"Fatal Python error: none_dealloc: deallocating None" (a few hundred map frames
when little else holds ``None``).  :func:`keep_none_alive` detects the bug (64
such calls must not cost 64 references) and, only then, gives ``None`` a very
large reference count: ``None`` is a static object that is never freed, so
nothing else changes.
"""

from __future__ import annotations

import sys

BOOST = 1 << 48  # references: ~10^14 void calls before it would matter again


def keep_none_alive() -> bool:
    """Apply the guard if this process needs it; True if it was applied."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # None is immortal there
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    if before - sys.getrefcount(None) < 32:
        return False
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += BOOST
    return True
