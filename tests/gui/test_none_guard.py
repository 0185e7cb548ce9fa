"""The guard against PySide6 builds that drop a reference to None on every void Qt call.

Without it, a long session (or a few hundred frames of the 100k-point map) ends in
"Fatal Python error: none_dealloc".  Run in a fresh process: a crash must not take
the test session with it.
"""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
import sys
import vae_designer.gui as gui
from PySide6.QtCore import QObject
o = QObject()
before = sys.getrefcount(None)
for _ in range(300_000):  # more than None's whole reference count in a small process
    o.setObjectName("x")
print("guard", gui.NONE_GUARD, "lost", before - sys.getrefcount(None))
"""


def test_void_qt_calls_cannot_deallocate_none():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    p = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr[-1000:]
    guard, lost = p.stdout.split()[1], int(p.stdout.split()[3])
    # the guard is applied exactly when this PySide6 build leaks (Python >= 3.12: None is immortal)
    assert (guard == "True") == (lost >= 300_000 // 2)
