"""Ingestion: a design folder -> a ``DesignSet``, in parallel, cancellable, cached.

``ingest_steps`` is a generator: it yields :class:`Progress` events and
*returns* the ``DesignSet`` (``result = yield from ingest_steps(...)``).  The GUI
runs it in a worker thread and forwards the events as signals; the CLI
iterates it under a progress bar; ``load_designs`` simply drives it.
Cancellation: set the ``cancel`` event (checked between files) or close the
generator; the work already done is kept in the cache either way.

Data flow per file: discover (stat) -> cache lookup -> ``process.process_file``
in a worker process (image -> ink array, mesh -> triangles -> voxels) -> cache
store -> stacked into the DesignSet.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from ..errors import Cancelled, UserError
from ..generators import run_to_end
from .cache import IngestCache
from .designset import DesignSet, Skipped
from .discover import FoundFile, discover
from .process import FileResult, exit_with, process_chunk, process_file
from .settings import IngestSettings

# Below this many uncached files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24
CHUNK_FILES = 8


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


def _workers(requested: int | None) -> int:
    if requested:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork is unsafe once threads exist (Qt, torch); forkserver starts fast and clean.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["vae_designer.core.ingest.process", "vae_designer.core.ingest.voxelize",
                                    "vae_designer.core.ingest.meshes", "vae_designer.core.ingest.images"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=exit_with,
                               initargs=(os.getpid(),))


def _run_parallel(todo: list[FoundFile], settings: IngestSettings, workers: int,
                  cancel: threading.Event) -> Generator[list[FileResult], None, None]:
    chunks = [todo[i : i + CHUNK_FILES] for i in range(0, len(todo), CHUNK_FILES)]
    pool = _pool(min(workers, len(chunks)))
    settings_json = settings.to_json()
    pending = set()
    try:
        it = iter(chunks)
        for chunk in it:  # keep a bounded number of chunks in flight
            pending.add(pool.submit(process_chunk, [(f.path, f.relpath) for f in chunk], settings_json))
            if len(pending) >= 2 * workers:
                break
        while pending:
            if cancel.is_set():
                raise Cancelled()
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(process_chunk, [(f.path, f.relpath) for f in nxt],
                                            settings_json))
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)


def ingest_steps(
    folder: str | os.PathLike,
    kind: str | None = None,
    resolution: int | None = None,
    *,
    workers: int | None = None,
    use_cache: bool = True,
    cancel: threading.Event | None = None,
    default_resolutions: dict[str, int] | None = None,
) -> Generator[Progress, None, DesignSet]:
    """Load every design under ``folder``; yields progress, returns the DesignSet.
    Without ``resolution``, the kind found gets ``default_resolutions[kind]`` (the app's
    preferences) or the built-in default.

    Raises :class:`UserError` when nothing loads, :class:`Cancelled` when cancelled.
    """
    start = time.perf_counter()
    cancel = cancel or threading.Event()
    found = discover(folder, kind)
    settings = IngestSettings.default(found.kind, resolution or (default_resolutions or {}).get(found.kind))
    root = os.path.abspath(os.fspath(folder))
    cache = IngestCache(root, settings, enabled=use_cache)
    files = {f.relpath: f for f in found.files}
    rows = cache.fresh_rows(found.files)
    if len(rows) and (rows >= 0).all():  # reopening an unchanged folder: assemble in bulk
        designs = _assemble_cached(root, settings, found, cache, rows)
        if designs is not None:
            yield Progress(len(rows), len(rows), f"{len(rows)} of {len(rows)} from cache")
            return _finish(designs, folder, settings, start, [], len(rows))
    results: dict[str, FileResult] = {}
    todo: list[FoundFile] = []
    for f, row in zip(found.files, rows.tolist()):
        if row < 0:
            todo.append(f)
        else:
            results[f.relpath] = cache.result(row, f.relpath)
    from_cache = len(results)
    total = len(found.files)
    yield Progress(len(results), total, f"{len(results)} of {total} from cache")

    item_ms: list[float] = []
    n_workers = _workers(workers)
    try:
        if todo:
            if n_workers > 1 and len(todo) >= PARALLEL_MIN_FILES:
                batches: Iterable[list[FileResult]] = _run_parallel(todo, settings, n_workers, cancel)
            else:
                batches = _run_serial(todo, settings, cancel)
            for batch in batches:
                for r in batch:
                    results[r.relpath] = r
                    if r.ok:
                        item_ms.append(r.ms)
                yield Progress(len(results), total, batch[-1].relpath)
    finally:
        if todo and len(results) > from_cache:
            cache.store(files, {rel: results[rel] for rel in files if rel in results})

    return _finish(_assemble(root, settings, found, results), folder, settings, start, item_ms, from_cache)


def _finish(designs: DesignSet, folder, settings: IngestSettings, start: float, item_ms: list[float],
            from_cache: int) -> DesignSet:
    """The loaded set with its timing figures; UserError when nothing loaded."""
    designs.seconds = time.perf_counter() - start
    designs.item_ms = item_ms
    designs.from_cache = from_cache
    return _check_not_empty(designs, folder, settings)


def _check_not_empty(designs: DesignSet, folder, settings: IngestSettings) -> DesignSet:
    if len(designs) == 0:
        reasons = {s.reason for s in designs.skipped}
        why = next(iter(reasons)) if len(reasons) == 1 else f"{len(designs.skipped)} files skipped"
        raise UserError(f"{folder}: no usable {settings.kind} designs ({why})")
    return designs


def _assemble_cached(root: str, settings: IngestSettings, found, cache, rows: np.ndarray) -> DesignSet | None:
    """What :func:`_assemble` makes, straight from the cache's columns and blob (every file a
    fresh hit); None when the items do not stack into one array (then the per-file path runs)."""
    reasons = cache.reasons(rows)
    ok = [i for i, r in enumerate(reasons) if r is None]
    data = cache.stack(rows[ok])
    if data is None:
        return None
    R = settings.resolution
    expected = (R, R) if settings.kind == "image" else ((R**3 + 7) // 8,)
    if data.shape[1:3 if settings.kind == "image" else 2] != expected:
        return None
    files = found.files
    skipped = _skipped(found, [(files[i].relpath, r) for i, r in enumerate(reasons) if r is not None])
    return DesignSet(root=root, settings=settings, paths=[files[i].relpath for i in ok],
                     labels=[files[i].label for i in ok], data=data, meta=cache.metas(rows[ok]),
                     skipped=skipped)


def _run_serial(todo: list[FoundFile], settings: IngestSettings,
                cancel: threading.Event) -> Generator[list[FileResult], None, None]:
    for f in todo:
        if cancel.is_set():
            raise Cancelled()
        yield [process_file(f.path, f.relpath, settings)]


def _skipped(found, failed: list[tuple[str, str]]) -> list[Skipped]:
    """Files that are not designs (from discovery) and designs that failed, sorted by path."""
    skipped = [Skipped(rel, reason) for rel, reason in [*found.skipped, *failed]]
    skipped.sort(key=lambda s: s.path)
    return skipped


def _assemble(root: str, settings: IngestSettings, found, results: dict[str, FileResult]) -> DesignSet:
    ok = [f for f in found.files if results[f.relpath].ok]
    skipped = _skipped(found, [(f.relpath, results[f.relpath].reason) for f in found.files
                               if not results[f.relpath].ok])
    arrays = [results[f.relpath].array for f in ok]
    R = settings.resolution
    if settings.kind == "image":
        colour = any(a.ndim == 3 for a in arrays)
        shape = (len(arrays), R, R, 3) if colour else (len(arrays), R, R)
        data = np.empty(shape, np.uint8)
        for i, a in enumerate(arrays):
            data[i] = a[..., None] if (colour and a.ndim == 2) else a
    else:
        data = np.empty((len(arrays), (R**3 + 7) // 8), np.uint8)
        for i, a in enumerate(arrays):
            data[i] = a
    return DesignSet(
        root=root,
        settings=settings,
        paths=[f.relpath for f in ok],
        labels=[f.label for f in ok],
        data=data,
        meta=[results[f.relpath].meta for f in ok],
        skipped=skipped,
    )


def load_designs(folder, kind=None, resolution=None, *, on_progress: Callable[[Progress], None] | None = None,
                 **kwargs) -> DesignSet:
    """Drive :func:`ingest_steps` to the end and return the DesignSet."""
    return run_to_end(ingest_steps(folder, kind, resolution, **kwargs), on_progress)
