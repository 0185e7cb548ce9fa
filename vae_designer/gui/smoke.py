"""The app's smoke run: what ``packaging/smoke_app.py`` checks a built (frozen) app with.

With ``VAE_DESIGNER_SMOKE=OUTDIR`` in the environment, the app, once its window is shown, goes
through a designer's first minutes by its own controls -- the start page's sample tile (the bundled
car silhouettes), one epoch of training from the Training page's form and Start button, the Map page
and an export of the design on show -- then writes ``OUTDIR/smoke.json`` (the window title, the menu
bar's titles -- they show the interface's language --, the files exported, how long each step took,
when the first window was shown) and closes the window the way a user does (exit status 0; 1 with
the reason in ``smoke.json`` when a step did not finish within its time). No window manager is
needed: nothing is clicked by coordinates. Without the variable this module is never imported.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

STEP_TIMEOUT_S = 300.0
POLL_MS = 100


class SmokeRun(QObject):
    """See the module docstring; ``start()`` once the window is shown."""

    def __init__(self, window, outdir: str):
        super().__init__(window)
        self.window, self.out = window, Path(outdir)
        self.report: dict = {"first_window_unix": time.time(), "steps": {}, "ok": False}
        self._steps = [("open the samples", self._open, self._opened),
                       ("train one epoch", self._train, self._trained),
                       ("show the map", self._map, self._mapped),
                       ("export a design", self._export, lambda: True)]
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._k, self._t0 = -1, 0.0

    def start(self) -> None:
        self._next()
        self._timer.start()

    def _next(self) -> None:
        if self._k >= 0:
            self.report["steps"][self._steps[self._k][0]] = round(time.perf_counter() - self._t0, 2)
        self._k += 1
        if self._k == len(self._steps):
            self._finish(True)
            return
        self._t0 = time.perf_counter()
        self._steps[self._k][1]()

    def _poll(self) -> None:
        if self._k >= len(self._steps):
            return
        name, _act, done = self._steps[self._k]
        if done():
            self._next()
        elif time.perf_counter() - self._t0 > STEP_TIMEOUT_S:
            self.report["failed"] = f"{name}: not done within {STEP_TIMEOUT_S:.0f} s"
            self._finish(False)

    # the steps
    def _open(self) -> None:
        self.window.show_page("start")
        self.window.start_page.sample_2d_tile.click()

    def _opened(self) -> bool:
        ws = self.window.workspace
        return ws.current is not None and ws.current.designs is not None and not ws.busy

    def _train(self) -> None:
        self.window.show_page("training")
        page = self.window.training_page
        page.form.set_values(epochs=1)
        page.start_clicked()

    def _trained(self) -> bool:
        s = self.window.training
        return not s.busy and s.last_event is not None and s.last_event.kind == "done" and s.project is not None

    def _map(self) -> None:
        self.window.show_page("map")

    def _mapped(self) -> bool:
        page = self.window.map_page
        return page.session.has_map and page.live.last_result is not None

    def _export(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        written = self.window.map_page.export_current(str(self.out / "smoke-design.png"))
        self.report["exported"] = [str(p) for p in written or []]

    def _finish(self, ok: bool) -> None:
        self._timer.stop()
        menus = [a.text() for a in self.window.menuBar().actions()]
        self.report.update(ok=ok and bool(self.report.get("exported")), title=self.window.windowTitle(),
                           frozen=bool(getattr(sys, "frozen", False)), menus=menus)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "smoke.json").write_text(json.dumps(self.report, indent=1))
        if not self.report["ok"]:
            os.environ["VAE_DESIGNER_SMOKE_FAILED"] = "1"
        self.window.close()

