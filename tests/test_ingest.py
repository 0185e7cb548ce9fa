"""Ingestion of whole folders: labels, hostile files, cache, cancellation."""

import os
import threading
import time

import numpy as np
import pytest
from helpers import bomb_png, box_mesh, hostile_files, save_silhouette

from vae_designer.core.errors import Cancelled, UserError
from vae_designer.core.ingest import Progress, ingest_steps, load_designs


def test_labels_voxels_and_source_units(mesh_folder):
    d = load_designs(mesh_folder)
    assert d.kind == "mesh" and d.resolution == 32 and len(d) == 6
    assert d.label_counts == {"long": 3, "tall": 3}
    assert d.data.dtype == np.uint8 and d.data.shape == (6, 32**3 // 8)
    x = d.batch([0, 5])
    assert x.shape == (2, 1, 32, 32, 32) and set(np.unique(x)) == {0.0, 1.0}
    # a 'long' box is long along x, a 'tall' one along z
    g_long, g_tall = d.voxels(d.labels.index("long")), d.voxels(d.labels.index("tall"))
    assert np.ptp(np.nonzero(g_long)[0]) > np.ptp(np.nonzero(g_long)[2])
    assert np.ptp(np.nonzero(g_tall)[2]) > np.ptp(np.nonzero(g_tall)[0])
    assert d.meta[0]["size"] == pytest.approx(1.0) and len(d.meta[0]["centre"]) == 3


def test_hostile_mesh_files_are_skipped_with_reasons(mesh_folder):
    expected = hostile_files(mesh_folder / "long")
    bomb_png(mesh_folder / "bomb.png")
    d = load_designs(mesh_folder)
    assert len(d) == 6
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in d.skipped}
    for name, word in expected.items():
        assert name in reasons, name
        assert word in reasons[name]
        assert "Traceback" not in reasons[name] and "\n" not in reasons[name]
    assert "image file in a mesh folder" in reasons["bomb.png"]


def test_hostile_image_files_are_skipped_with_reasons(tmp_path):
    root = tmp_path / "imgs"
    for i in range(4):
        save_silhouette(root / f"good_{i}.png", box=(10 + i, 20, 90, 50))
    bomb_png(root / "bomb.png")
    (root / "empty.png").write_bytes(b"")
    (root / "truncated.jpg").write_bytes(save_silhouette(tmp_path / "x.jpg").read_bytes()[:80])
    (root / "text.webp").write_text("not an image")
    d = load_designs(root, workers=1)
    assert len(d) == 4 and d.data.shape == (4, 64, 64)
    reasons = {s.path: s.reason for s in d.skipped}
    assert set(reasons) == {"bomb.png", "empty.png", "truncated.jpg", "text.webp"}
    assert "decompression bomb" in reasons["bomb.png"]


def test_nothing_loadable_is_a_user_error(tmp_path):
    hostile_files(tmp_path / "bad")
    (tmp_path / "bad" / "notes.txt").unlink()
    with pytest.raises(UserError, match="no usable mesh designs"):
        load_designs(tmp_path / "bad")
    with pytest.raises(UserError, match="no such folder"):
        load_designs(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no image or mesh files"):
        load_designs(tmp_path / "empty")


def test_cache_reuses_unchanged_and_redoes_changed_files(mesh_folder):
    first = load_designs(mesh_folder)
    assert first.from_cache == 0
    second = load_designs(mesh_folder)
    assert second.from_cache == 6
    assert np.array_equal(first.data, second.data) and first.meta == second.meta
    # change one file: only it is redone
    target = mesh_folder / "long" / "long_0.stl"
    box_mesh((1.0, 1.0, 1.0)).export(target)
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    third = load_designs(mesh_folder)
    assert third.from_cache == 5
    i = third.paths.index("long/long_0.stl")
    assert not np.array_equal(third.data[i], first.data[first.paths.index("long/long_0.stl")])
    # other settings are a different cache
    assert load_designs(mesh_folder, resolution=64).from_cache == 0


def test_reopening_an_unchanged_folder_gives_the_same_set_from_the_cache_in_bulk(tmp_path, mesh_folder):
    root = tmp_path / "imgs"
    for i in range(5):
        save_silhouette(root / ("a" if i % 2 else "b") / f"good_{i}.png", box=(10 + i, 20, 90, 50))
    (root / "empty.png").write_bytes(b"")  # a cached failure
    (root / "notes.txt").write_text("not a design")  # not even tried
    for folder in (root, mesh_folder):
        cold = load_designs(folder, workers=1)
        warm = load_designs(folder, workers=1)
        assert cold.from_cache == 0 and warm.from_cache == len(cold) + (1 if folder == root else 0)
        assert warm.item_ms == []  # nothing was processed again
        assert np.array_equal(cold.data, warm.data) and cold.data.dtype == warm.data.dtype
        assert (cold.paths, cold.labels, cold.meta) == (warm.paths, warm.labels, warm.meta)
        assert [(s.path, s.reason) for s in cold.skipped] == [(s.path, s.reason) for s in warm.skipped]
    # grey and colour images mixed do not stack as they are: the per-file path makes them all colour
    from PIL import Image

    Image.new("RGB", (120, 80), (255, 255, 255)).save(root / "colour.png")
    img = Image.open(root / "colour.png")
    img.paste((200, 30, 30), (20, 20, 90, 60))
    img.save(root / "colour.png")
    first = load_designs(root, workers=1)
    again = load_designs(root, workers=1)
    assert first.data.shape[-1] == 3 and np.array_equal(first.data, again.data)
    assert again.from_cache == len(again) + 1


def test_parallel_matches_serial_and_reports_progress(tmp_path):
    root = tmp_path / "many"
    rng = np.random.default_rng(1)
    for i in range(30):
        x0 = int(rng.integers(5, 40))
        save_silhouette(root / ("a" if i % 2 else "b") / f"{i:02d}.png", box=(x0, 20, x0 + 50, 45))
    events = []
    par = load_designs(root, workers=2, use_cache=False, on_progress=events.append)
    ser = load_designs(root, workers=1, use_cache=False)
    assert np.array_equal(par.data, ser.data) and par.paths == ser.paths
    assert isinstance(events[-1], Progress) and events[-1].done == events[-1].total == 30


def test_cancel_stops_between_files_and_keeps_work(tmp_path):
    root = tmp_path / "c"
    for i in range(10):
        save_silhouette(root / f"{i}.png", box=(10, 20, 60 + i, 45))
    cancel = threading.Event()
    gen = ingest_steps(root, workers=1, cancel=cancel)
    done = 0
    with pytest.raises(Cancelled):
        for ev in gen:
            done = ev.done
            if done >= 3:
                cancel.set()
    assert 3 <= done < 10
    # what was done before the cancel is in the cache
    assert load_designs(root).from_cache >= 3
