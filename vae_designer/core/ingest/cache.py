"""Per-file cache of processed items under the user cache directory.

One pack per (folder, settings): ``index.json`` (one entry per file, keyed by
relative path, holding size, mtime, the result's metadata or skip reason, and
where its bytes lie) plus ``items.bin`` (the items' bytes back to back).  An
entry is reused only when the file's size and mtime are unchanged, so a changed
file is redone and the rest reopens in milliseconds: one JSON parse and one
read, instead of thousands of small files.  Writes go to temporary files and
are renamed into place, so a crash never leaves a half-written pack.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from ..fsio import atomic_write_bytes
from .discover import FoundFile
from .process import FileResult
from .settings import IngestSettings

FORMAT = 3  # 3: per-item metadata stored once per distinct value ("metas" + indices)
_TOKEN = 16  # bytes of random hex at the start of items.bin, repeated in index.json


_chosen_root: Path | None = None  # the app's preference (set_cache_root), above the environment


def set_cache_root(path: str | os.PathLike | None) -> None:
    """Keep the ingestion cache under ``path`` from now on (None: the default again)."""
    global _chosen_root
    _chosen_root = Path(path) if path else None


def default_cache_root() -> Path:
    """``$VAE_DESIGNER_CACHE_DIR`` or the platform's user cache directory."""
    env = os.environ.get("VAE_DESIGNER_CACHE_DIR")
    if env:
        return Path(env)
    import appdirs

    return Path(appdirs.user_cache_dir("vae-designer", "VAE Designer"))


def cache_root() -> Path:
    """Where the ingestion cache lives: the folder chosen with :func:`set_cache_root`, else
    :func:`default_cache_root`."""
    return _chosen_root if _chosen_root is not None else default_cache_root()


def cache_size(root: str | os.PathLike | None = None) -> tuple[int, int]:
    """(bytes, files) of the ingestion cache under ``root`` (default :func:`cache_root`)."""
    base = Path(root) if root is not None else cache_root()
    total = files = 0
    for dirpath, _dirs, names in os.walk(base / "ingest"):
        for name in names:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
                files += 1
            except OSError:  # removed while walking
                pass
    return total, files


def clear_cache(root: str | os.PathLike | None = None) -> int:
    """Delete the ingestion cache under ``root`` (only its own ``ingest`` folder, nothing else
    there); the bytes freed.  Designs load again from their files next time."""
    import shutil

    base = Path(root) if root is not None else cache_root()
    freed, _files = cache_size(base)
    target = base / "ingest"
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.is_symlink():
        target.unlink()
    return freed


def _pack_dir(root: str, settings: IngestSettings) -> Path:
    key = hashlib.sha256(f"{os.path.abspath(root)}\n{settings.to_json()}".encode()).hexdigest()[:24]
    return cache_root() / "ingest" / key


class IngestCache:
    """Lookup and store of processed items for one folder and one set of settings.

    ``index.json`` is columnar (one list per field) because parsing 100k small
    dicts would dominate reopening a big cached folder.
    """

    COLUMNS = ("path", "size", "mtime_ns", "offset", "nbytes", "shape", "reason", "meta")

    def __init__(self, root: str, settings: IngestSettings, enabled: bool = True):
        self.enabled = enabled
        self.dir = _pack_dir(root, settings)
        self._cols: dict[str, list] = {c: [] for c in self.COLUMNS}
        self._row: dict[str, int] = {}
        self._blob = b""
        if enabled:
            self._read()

    def _read(self) -> None:
        try:
            index = json.loads((self.dir / "index.json").read_text())
            if index.get("format") != FORMAT:
                return
            blob = (self.dir / "items.bin").read_bytes()
            if blob[:_TOKEN] != index["token"].encode():
                return  # index and blob from different writes: ignore both
            cols = {c: index[c] for c in self.COLUMNS}
            # most items share their metadata (same source size, mode, background): the index
            # stores each distinct value once; items share the dict (nothing mutates it)
            metas = index["metas"]
            cols["meta"] = [metas[k] for k in cols["meta"]]
            if len({len(v) for v in cols.values()}) != 1:
                return
            self._cols, self._blob = cols, blob
            self._row = {p: i for i, p in enumerate(cols["path"])}
            self._size = np.asarray(cols["size"], np.int64)
            self._mtime = np.asarray(cols["mtime_ns"], np.int64)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def result(self, i: int, relpath: str) -> FileResult:
        """The cached result in row ``i`` (a row :meth:`fresh_rows` gave)."""
        c = self._cols
        if c["reason"][i] is not None:
            return FileResult(relpath, reason=c["reason"][i], meta=c["meta"][i] or {})
        raw = np.frombuffer(self._blob, np.uint8, count=c["nbytes"][i], offset=c["offset"][i])
        return FileResult(relpath, array=raw.reshape(c["shape"][i]), meta=c["meta"][i])

    def fresh_rows(self, files: list[FoundFile]) -> np.ndarray:
        """Each file's row in the cache, or -1 where it is missing or stale (size or mtime
        changed) -- for a whole folder at once, without a Python object per file."""
        n = len(files)
        rows = np.full(n, -1, np.int64)
        if not self._row or n == 0:
            return rows
        get = self._row.get
        rows = np.fromiter((get(f.relpath, -1) for f in files), np.int64, n)
        size = np.fromiter((f.size for f in files), np.int64, n)
        mtime = np.fromiter((f.mtime_ns for f in files), np.int64, n)
        known = np.flatnonzero(rows >= 0)
        r = rows[known]
        stale = (self._size[r] != size[known]) | (self._mtime[r] != mtime[known])
        rows[known[stale]] = -1
        return rows

    def reasons(self, rows: np.ndarray) -> list:
        """The skip reason of each row (None for items that loaded)."""
        col = self._cols["reason"]
        return [col[r] for r in rows.tolist()]

    def metas(self, rows: np.ndarray) -> list:
        col = self._cols["meta"]
        return [col[r] for r in rows.tolist()]

    def stack(self, rows: np.ndarray) -> np.ndarray | None:
        """The arrays of ``rows`` (loaded items) as one ``(len(rows), *shape)`` uint8 array,
        or None when their shapes differ (grey and colour images mixed)."""
        c = self._cols
        if len(rows) == 0:
            return None
        shapes, nbytes = c["shape"], c["nbytes"]
        ids = rows.tolist()
        shape = shapes[ids[0]]
        if any(shapes[r] != shape for r in ids):
            return None
        nb = int(nbytes[ids[0]])
        buf = np.frombuffer(self._blob, np.uint8)
        off = np.asarray(c["offset"], np.int64)[rows]
        out = np.empty((len(ids), nb), np.uint8)
        if len(ids) > 1 and np.all(np.diff(off) == nb):  # stored in this order: one copy
            out[:] = buf[off[0] : off[0] + nb * len(ids)].reshape(len(ids), nb)
        else:
            for i, o in enumerate(off.tolist()):
                out[i] = buf[o : o + nb]
        return out.reshape((len(ids), *shape))

    def store(self, files: dict[str, FoundFile], results: dict[str, FileResult]) -> None:
        """Rewrite the pack with exactly these results (stale entries are dropped)."""
        if not self.enabled:
            return
        token = os.urandom(_TOKEN // 2).hex()
        cols: dict[str, list] = {c: [] for c in self.COLUMNS}
        metas: list = []
        meta_key: dict[str, int] = {}
        chunks, offset = [token.encode()], _TOKEN
        for rel, r in results.items():
            f = files[rel]
            cols["path"].append(rel)
            cols["size"].append(f.size)
            cols["mtime_ns"].append(f.mtime_ns)
            key = json.dumps(r.meta, sort_keys=True)
            if key not in meta_key:
                meta_key[key] = len(metas)
                metas.append(r.meta)
            cols["meta"].append(meta_key[key])
            if r.ok:
                data = np.ascontiguousarray(r.array, dtype=np.uint8).tobytes()
                cols["offset"].append(offset)
                cols["nbytes"].append(len(data))
                cols["shape"].append(list(r.array.shape))
                cols["reason"].append(None)
                chunks.append(data)
                offset += len(data)
            else:
                cols["offset"].append(0)
                cols["nbytes"].append(0)
                cols["shape"].append(None)
                cols["reason"].append(r.reason)
        blob = b"".join(chunks)
        index = {"format": FORMAT, "token": token, **cols, "metas": metas}
        try:
            # blob first; an index is only trusted with the blob that starts with its token
            atomic_write_bytes(self.dir / "items.bin", blob)
            atomic_write_bytes(self.dir / "index.json", json.dumps(index).encode())
        except OSError:
            pass  # a cache that cannot be written only costs speed next time
