"""The installed Qt bindings must not lose references to the objects they pass around.

PySide6-Essentials 6.12.0 on CPython 3.11 takes one reference away from ``None`` on
every void Qt call and from ``True``/``False`` on every signal that carries them; once
a count reaches zero the process aborts ("Fatal Python error: bool_dealloc") -- the
map latency benchmark died of it while training.  pyproject.toml excludes that
release; this test checks whichever bindings are installed, so a new release that
brings the bug back is caught before a user meets it.  From CPython 3.12 on, ``None``,
``True`` and ``False`` are immortal (their counts are fixed), so there the counts
of ordinary objects are what the test watches.

The probe runs in a fresh process: a broken build aborts it, not the test session.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

app = QCoreApplication([])

class Emitter(QObject):
    pair = Signal(object, object)
    flag = Signal(bool)
    one = Signal(object)

class Payload:
    pass

payload = Payload()
e = Emitter()
e.pair.connect(lambda a, b: None)
e.flag.connect(lambda v: None)
e.one.connect(lambda v: None)
probe = QObject()
N = 1000

def counts():
    return {"True": sys.getrefcount(True), "False": sys.getrefcount(False),
            "None": sys.getrefcount(None), "payload": sys.getrefcount(payload)}

before = counts()
for _ in range(N):
    e.pair.emit(1, True)
    e.pair.emit(1, False)
    e.flag.emit(True)
    e.flag.emit(False)
    e.one.emit(payload)
    e.pair.emit(payload, None)
    probe.setObjectName("probe")  # a void Qt call: returns None
    probe.blockSignals(False)  # returns a bool
after = counts()
for name in before:
    print(name, before[name] - after[name])
"""


def test_signals_and_void_calls_keep_reference_counts():
    import PySide6

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    p = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    where = f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}"
    assert p.returncode == 0, f"{where}: the probe died (exit {p.returncode}): {p.stderr.strip()[-600:]}"
    lost = {name: int(n) for name, n in (line.split() for line in p.stdout.split("\n") if line.strip())}
    assert set(lost) == {"True", "False", "None", "payload"}, p.stdout
    # a few references may come and go with caches; a leak costs one per call (thousands)
    assert all(abs(n) < 50 for n in lost.values()), f"{where} loses references: {lost}"
