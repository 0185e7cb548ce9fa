"""Measured properties in source units (core.export.measure, core.export.measure_files): shapes of
known size measured exactly (the geometry exports are written from) and fast (the vectorised grid
measure) agree with the truth; files measure as what they are; bad files are one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from vae_designer.core.errors import UserError
from vae_designer.core.export.design import write_design
from vae_designer.core.export.measure import (
    frame_of,
    item_frames,
    measure_design,
    measure_designs,
    measure_fields,
    measure_mesh,
    projected_area,
)
from vae_designer.core.export.measure_files import measure_file, measure_written, measured_fields
from vae_designer.core.export.sidecar import sidecar, write_sidecar
from vae_designer.core.ingest.designset import DesignSet
from vae_designer.core.ingest.settings import IngestSettings

R = 64
SIZE = 320.0  # source pixels the model's square covers
SILHOUETTE = {"kind": "image", "resolution": R, "channels": 1, "image_look": "silhouette", "image_tones": [1.0],
              "typical_size": SIZE, "typical_background": [1.0, 1.0, 1.0],
              "items": [{"path": "a.png", "label": "", "meta": {"centre": [400.0, 300.0], "size": SIZE}}]}
MESH = {"kind": "mesh", "resolution": 32, "typical_size": 80.0, "settings": {"mesh_margin_voxels": 1}}


def soft_box(x0, x1, y0, y1, res=R, width=0.6):
    """A rectangle [x0, x1] x [y0, y1] (model pixel edges) with soft edges: its 0.5 level is the box."""
    c = np.arange(res) + 0.5
    sx = 1 / (1 + np.exp(-(c - x0) / width)) * 1 / (1 + np.exp((c - x1) / width))
    sy = 1 / (1 + np.exp(-(c - y0) / width)) * 1 / (1 + np.exp((c - y1) / width))
    p = np.outer(sy, sx)
    return (p / p.max() * 0.999)[None].astype(np.float32)


def soft_cuboid(lo, hi, res=32, width=0.6):
    c = np.arange(res) + 0.5
    axes = [1 / (1 + np.exp(-(c - a) / width)) / (1 + np.exp((c - b) / width)) for a, b in zip(lo, hi)]
    p = np.einsum("i,j,k->ijk", *axes)
    return (p / p.max() * 0.999)[None].astype(np.float32)


def test_an_image_frame_is_the_collections_canvas():
    frame = frame_of("image", SILHOUETTE)
    assert frame["size"] == SIZE and frame["centre"] == [400.0, 300.0] and frame["level"] == 0.5
    bare = frame_of("image", None, resolution=32)
    assert bare["size"] == 32 and bare["units"] == "model pixels"
    assert frame_of("mesh", MESH, axis="z")["axis"] == "z"
    with pytest.raises(UserError, match="frontal axis"):
        frame_of("mesh", MESH, axis="w")


def test_a_rectangle_measures_its_size_area_and_centroid_in_source_pixels():
    frame = frame_of("image", SILHOUETTE)
    probs = soft_box(10.0, 50.0, 20.0, 36.0)  # 40 x 16 model pixels, centred at (30, 28)
    s = SIZE / R
    truth = {"width": 40 * s, "height": 16 * s, "aspect": 2.5, "area": 640 * s * s,
             "centroid_x": 400 - SIZE / 2 + 30 * s, "centroid_y": 300 - SIZE / 2 + 28 * s}
    exact = measure_design("image", probs[0], frame)
    fast = {k: float(v[0]) for k, v in measure_fields("image", probs, frame).items()}
    for name, want in truth.items():
        assert exact[name] == pytest.approx(want, rel=0.01), name
        assert fast[name] == pytest.approx(want, rel=0.01), name
    # a training item measured in its own canvas: twice the canvas, twice the lengths
    twice = measure_fields("image", probs, frame, ["width", "area"], sizes=np.array([2 * SIZE]))
    assert twice["width"][0] == pytest.approx(2 * fast["width"], rel=1e-9)
    assert twice["area"][0] == pytest.approx(4 * fast["area"], rel=1e-9)


def test_an_empty_design_measures_nothing():
    frame = frame_of("image", SILHOUETTE)
    empty = np.zeros((1, R, R), np.float32)
    exact = measure_design("image", empty[0], frame)
    fast = measure_fields("image", empty, frame)
    assert exact["area"] == 0 and np.isnan(exact["aspect"]) and fast["width"][0] == 0 and np.isnan(fast["aspect"][0])


def test_a_cuboid_measures_in_source_units_exactly_and_fast():
    frame = frame_of("mesh", MESH)
    probs = soft_cuboid((4, 8, 10), (28, 20, 18), width=0.3)  # 24 x 12 x 8 voxels of a 30-voxel span
    s = 80.0 / 30
    truth = {"length": 24 * s, "width": 12 * s, "height": 8 * s, "volume": 24 * 12 * 8 * s**3,
             "surface_area": 2 * (24 * 12 + 24 * 8 + 12 * 8) * s * s, "frontal_area": 12 * 8 * s * s}
    exact = measure_design("mesh", probs[0], frame)
    fast = {k: float(v[0]) for k, v in measure_fields("mesh", probs, frame).items()}
    for name, want in truth.items():
        # the level set of a product of soft steps has rounded edges: a little less volume and surface
        rel = {"surface_area": 0.08, "volume": 0.03}.get(name, 0.01)
        assert exact[name] == pytest.approx(want, rel=rel), name
        assert fast[name] == pytest.approx(want, rel=rel), name
    side = frame_of("mesh", MESH, axis="z")
    assert measure_fields("mesh", probs, side, ["frontal_area"])["frontal_area"][0] == \
        pytest.approx(24 * 12 * s * s, rel=0.03)


def test_a_meshs_shadow_and_measures():
    box = trimesh.creation.box((1.0, 0.6, 0.4))
    got = measure_mesh(box)
    assert got["length"] == pytest.approx(1.0) and got["width"] == pytest.approx(0.6)
    assert got["volume"] == pytest.approx(0.24) and got["surface_area"] == pytest.approx(2.48)
    assert got["frontal_area"] == pytest.approx(0.24, rel=0.005)
    assert projected_area(box, "z") == pytest.approx(0.6, rel=0.005)
    ball = trimesh.creation.icosphere(4, radius=2.0)
    assert projected_area(ball, "y") == pytest.approx(np.pi * 4, rel=0.005)
    flipped = trimesh.Trimesh(box.vertices, box.faces[:, ::-1])  # inside out: the shadow is the same
    assert projected_area(flipped, "x") == pytest.approx(0.24, rel=0.005)


def _export(tmp_path, fmt, probs, manifest, kind="image", **kw):
    target = tmp_path / f"design.{fmt}"
    export = write_design(kind, probs, target, fmt, manifest, **kw)
    frame = frame_of(kind, manifest)
    props = measure_written(target, fmt, frame, export)
    write_sidecar(target.with_suffix(".json"), sidecar(project_id="p", weights_sha256="w", kind=kind, latent=[0.0],
                                                       source="sample", export=export, properties=props,
                                                       measured=measured_fields(frame)))
    return target, props


def test_exported_pictures_outlines_and_meshes_measure_as_their_designs(tmp_path):
    probs = soft_box(10.0, 50.0, 20.0, 36.0)
    exact = measure_design("image", probs[0], frame_of("image", SILHOUETTE))
    for fmt, rel in (("png", 0.02), ("svg", 1e-3), ("dxf", 1e-3)):
        folder = tmp_path / fmt
        folder.mkdir()
        target, props = _export(folder, fmt, probs, SILHOUETTE, pixels=256 if fmt == "png" else None)
        measured = measure_file(target)
        assert measured["units"] == "source pixels" and measured["properties"] == props
        for name in ("width", "height", "aspect", "area", "centroid_x", "centroid_y"):
            assert props[name] == pytest.approx(exact[name], rel=rel), (fmt, name)
        assert measure_file(target.with_suffix(".json"))["properties"] == props  # a sidecar: its file
    # a PNG on its own is measured in its pixels
    alone = tmp_path / "png" / "alone.png"
    alone.write_bytes((tmp_path / "png" / "design.png").read_bytes())
    own = measure_file(alone)
    assert own["units"] == "pixels of the file" and own["properties"]["width"] == pytest.approx(160, rel=0.02)

    ball = soft_cuboid((6, 6, 6), (26, 26, 26))
    target, props = _export(tmp_path, "stl", ball, MESH, kind="mesh")
    exact = measure_design("mesh", ball[0], frame_of("mesh", MESH))
    assert props == pytest.approx(exact, rel=1e-3)  # the file is the export mesh (float32 vertices)
    assert measure_file(target)["properties"] == props


def test_files_that_cannot_be_measured_say_why_in_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nrubbish")
    (tmp_path / "empty.stl").write_bytes(b"")
    (tmp_path / "lonely.json").write_text(json.dumps({"app": "vae-designer", "format_version": 1}))
    (tmp_path / "folder").mkdir()
    for name, words in (("missing.png", "no such file"), ("notes.txt", "not a design file"), ("folder", "a folder"),
                        ("broken.png", "not a readable picture"), ("empty.stl", "empty file"),
                        ("lonely.json", "not a usable VAE Designer sidecar")):
        with pytest.raises(UserError, match=words) as err:
            measure_file(tmp_path / name)
        assert "\n" not in str(err.value)


def test_training_designs_are_measured_each_in_its_own_canvas():
    ink = (soft_box(10.0, 50.0, 20.0, 36.0)[0] * 255).astype(np.uint8)
    designs = DesignSet(root="/generated", settings=IngestSettings("image", R), paths=["a.png", "b.png"],
                        labels=["x", "x"], data=np.stack([ink, ink]),
                        meta=[{"centre": [100.0, 100.0], "size": 100.0}, {"centre": [100.0, 100.0], "size": 300.0}])
    values = measure_designs(designs, SILHOUETTE)
    assert values["width"][1] == pytest.approx(3 * values["width"][0])
    assert values["width"][0] == pytest.approx(40 * 100 / R, rel=0.01)
    sizes, centres = item_frames(frame_of("image", SILHOUETTE), designs.meta)
    assert sizes.tolist() == [100.0, 300.0] and centres.tolist() == [[100.0, 100.0]] * 2
