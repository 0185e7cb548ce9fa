"""The map session's history and its saved form: what each costs on the GUI thread.

A core-only benchmark (no Qt): a :class:`MapSession` over N synthetic encodings in D
dimensions, driven as a designer drives the map -- drags of ``--moves`` cursor moves
each ended by ``settle()``, a pin every third step, renames and removals, a group --
until the history is full (``HISTORY_LIMIT`` steps), then:

* a cursor move (``move_to``: lift + the design event) with the history recording on,
  against the same move with recording paused: what undo costs a drag;
* ``settle()`` (one step: a snapshot of every part and the comparison), undo, redo, jump;
* ``session_document`` (the session as JSON-ready data: what the GUI thread builds before
  the background worker writes it), ``save_session`` (JSON + pictures, atomic, fsync) and
  ``load_session`` + ``restore_session`` (reopening), with the file sizes.

The Map page's budget is a frame (16 ms) per cursor move and 50 ms for anything else on the
GUI thread (PRODUCT.md: event-loop stalls p99 <= 50 ms).

Usage: python benchmarks/session_history.py [--designs 2000] [--dim 32] [--moves 40] [--pins 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from vae_designer.core.latent.history import HISTORY_LIMIT
from vae_designer.core.latent.saved_session import restore_session, session_document
from vae_designer.core.latent.session import MapSession
from vae_designer.core.project.store import POINTER, load_session, save_session


def ms(seconds: list[float]) -> str:
    a = np.asarray(seconds) * 1e3
    return f"median {np.median(a):.3f} ms, p95 {np.percentile(a, 95):.3f} ms (n={len(a)})"


def new_session(n: int, dim: int) -> MapSession:
    rng = np.random.default_rng(0)
    enc = rng.normal(size=(n, dim)).astype(np.float32) * np.linspace(3, 0.1, dim, dtype=np.float32)
    s = MapSession()
    s.open_model("image", SimpleNamespace(latent_dim=dim), {}, enc, ["a", "b"] * (n // 2),
                 [f"designs/{i:05d}.png" for i in range(n)])
    s.move_to(s.start_point())
    return s


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def drive(s: MapSession, moves: int, pins: int, rng) -> dict[str, list[float]]:
    """Fill the history as a designer would; the times of each kind of call."""
    times: dict[str, list[float]] = {"move": [], "settle": [], "pin": []}
    x0, x1, y0, y1 = s.latent_map.bounds()
    thumb = np.full((64, 64, 3), 128, np.uint8)
    step = 0
    while len(s.history.entries) < HISTORY_LIMIT or step < HISTORY_LIMIT:
        a, b = rng.uniform((x0, y0), (x1, y1), size=(2, 2))
        for t in np.linspace(0, 1, moves):
            times["move"].append(timed(s.move_to, tuple(a + t * (b - a)))[1])
        times["settle"].append(timed(s.settle)[1])
        if step % 3 == 0 and len(s.pins) < pins:
            times["pin"].append(timed(s.pin_design, thumb, 0)[1])
        if step % 7 == 0 and s.pins:
            s.rename_pin(s.pins[-1], f"variant {step}")
        if step % 11 == 0 and len(s.pins) > 3:
            s.remove_pins(s.pins[:1])
        if step == 20:
            s.set_group("A", np.arange(0, len(s.paths), 7))
        step += 1
    for st in s.history.entries:
        st.thumb = thumb
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--designs", type=int, default=2000)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--moves", type=int, default=40, help="cursor moves per drag")
    ap.add_argument("--pins", type=int, default=30)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    s = new_session(args.designs, args.dim)
    times = drive(s, args.moves, args.pins, rng)
    x0, x1, y0, y1 = s.latent_map.bounds()
    paused = []
    with s.history.paused():
        for p in rng.uniform((x0, y0), (x1, y1), size=(len(times["move"]) // 4, 2)):
            paused.append(timed(s.move_to, tuple(p))[1])
    print(f"session: {args.designs} designs, {args.dim} dimensions, {len(s.history.entries)} steps, "
          f"{len(s.pins)} pins")
    print(f"cursor move, history on:  {ms(times['move'])}")
    print(f"cursor move, history off: {ms(paused)}")
    print(f"settle (one step):        {ms(times['settle'])}")
    print(f"pin (one step):           {ms(times['pin'])}")
    undo = [timed(s.undo)[1] for _ in range(30)]
    redo = [timed(s.redo)[1] for _ in range(30)]
    jumps = [timed(s.jump, int(i))[1] for i in rng.integers(0, len(s.history.entries), 30)]
    print(f"undo: {ms(undo)}; redo: {ms(redo)}; jump: {ms(jumps)}")
    docs = [timed(session_document, s) for _ in range(10)]
    (doc, pictures), _ = docs[0]
    print(f"session_document:          {ms([t for _, t in docs])}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / POINTER).write_text("{}")
        saves = [timed(save_session, root, doc, pictures)[1] for _ in range(5)]
        sizes = {p.name: p.stat().st_size for p in root.iterdir() if p.name.startswith("session")}
        print(f"save_session (worker):     {ms(saves)}; "
              + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())))
        loads = []
        for _ in range(5):
            other = new_session(args.designs, args.dim)
            t0 = time.perf_counter()
            restore_session(other, *load_session(root))
            loads.append(time.perf_counter() - t0)
        assert [p.name for p in other.pins] == [p.name for p in s.pins]
        print(f"load + restore (reopen):   {ms(loads)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
