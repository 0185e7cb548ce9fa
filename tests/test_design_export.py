"""Writing one design in the format asked for (core.export.design), the collection's look
(core.ingest.looks) and the source units images carry (the canvas centre and size)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import trimesh
from helpers import save_silhouette
from PIL import Image

from vae_designer.core.errors import UserError
from vae_designer.core.export.design import check_design_format, design_formats, project_look, write_design
from vae_designer.core.export.files import image_from_probs, write_png
from vae_designer.core.ingest.looks import collection_tones, image_look

R = 32
SILHOUETTE = {"kind": "image", "channels": 1, "image_look": "silhouette", "image_tones": [1.0],
              "typical_size": 240.0, "typical_background": [1.0, 1.0, 1.0]}
GREY = {"kind": "image", "channels": 1, "image_look": "grey", "typical_background": [1.0, 1.0, 1.0]}
MESH = {"kind": "mesh", "typical_size": 80.0, "settings": {"mesh_margin_voxels": 1}}


def disc_probs(radius=10.0, width=0.8):
    y, x = np.mgrid[:R, :R] + 0.5
    return (1 / (1 + np.exp((np.hypot(x - 16, y - 16) - radius) / width)))[None].astype(np.float32)


def ball_probs(radius=10.0, width=0.8):
    x = np.arange(R) + 0.5
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    r = np.sqrt((X - 16) ** 2 + (Y - 16) ** 2 + (Z - 16) ** 2)
    return (1 / (1 + np.exp((r - radius) / width)))[None].astype(np.float32)


# ---------------------------------------------------------------- looks


def test_flat_silhouettes_are_silhouettes_and_shading_and_strokes_are_grey():
    from scipy import ndimage

    rng = np.random.default_rng(0)
    y, x = np.mgrid[:64, :64] + 0.5
    discs = np.stack([(np.hypot(x - 32, y - 32) < rng.uniform(12, 25)) * 255.0 for _ in range(10)])
    discs = np.clip(ndimage.gaussian_filter(discs, (0, 0.7, 0.7)), 0, 255).astype(np.uint8)
    assert image_look(discs) == "silhouette" and collection_tones(discs) == pytest.approx((1.0,), abs=0.03)
    two = discs.astype(float)
    two[:, 20:30, 20:44] *= 0.3  # a light window in each
    tones = collection_tones(two.astype(np.uint8))
    assert tones == pytest.approx((0.3, 1.0), abs=0.04)
    shaded = np.stack([ndimage.gaussian_filter(rng.random((64, 64)), 3) for _ in range(10)])
    shaded = ((shaded - shaded.min()) / np.ptp(shaded) * 255 * (np.hypot(x - 32, y - 32) < 25)).astype(np.uint8)
    assert image_look(shaded) == "grey"
    strokes = np.stack([(np.abs(np.hypot(x - 32, y - 32) - 20) < 0.7) * 200 for _ in range(5)]).astype(np.uint8)
    assert image_look(strokes) == "grey"
    assert image_look(np.zeros((3, 64, 64, 3), np.uint8)) == "colour"


def test_silhouettes_are_learnt_with_hard_edges_and_grey_collections_as_they_are():
    """Training data: a silhouette collection's anti-aliased rims snapped to paper or a tone;
    grey sketches (and TrainConfig(snap_tones=False)) untouched."""
    from types import SimpleNamespace

    from scipy import ndimage

    from vae_designer.core.ingest.looks import snap_to_tones
    from vae_designer.core.model.config import TrainConfig
    from vae_designer.core.training.trainer import training_data

    y, x = np.mgrid[:64, :64] + 0.5
    discs = np.stack([(np.hypot(x - 32, y - 32) < r) * 255.0 for r in (14, 18, 22, 26)])
    discs[:, 28:36, 20:44] *= 0.3  # a light window
    soft = np.clip(ndimage.gaussian_filter(discs, (0, 0.8, 0.8)), 0, 255).astype(np.uint8)
    tones = collection_tones(soft)
    assert tones == pytest.approx((0.3, 1.0), abs=0.04)
    snapped = snap_to_tones(soft, tones)
    assert set(np.unique(snapped).tolist()) == {0, *(round(t * 255) for t in tones)}  # no rim greys left
    assert abs(int((snapped >= 128).sum()) - int((soft >= 128).sum())) < 0.01 * soft.size  # edges stay put
    designs = SimpleNamespace(kind="image", data=soft)
    np.testing.assert_array_equal(training_data(designs, TrainConfig()), snapped)
    assert training_data(designs, TrainConfig(snap_tones=False)) is soft
    strokes = np.stack([(np.abs(np.hypot(x - 32, y - 32) - 20) < 0.7) * 200 for _ in range(5)]).astype(np.uint8)
    assert training_data(SimpleNamespace(kind="image", data=strokes), TrainConfig()) is strokes


def test_old_projects_without_a_look_keep_raster_exports():
    assert project_look({"channels": 1}) == "grey" and project_look({"channels": 3}) == "colour"
    assert design_formats("image", {"channels": 1}) == ("png",)
    assert design_formats("image", SILHOUETTE) == ("png", "svg", "dxf")
    with pytest.raises(UserError, match="needs a silhouette project"):
        check_design_format("image", GREY, "svg")
    with pytest.raises(UserError, match="does not fit"):
        check_design_format("mesh", MESH, "png")


def test_images_carry_their_canvas_in_source_pixels(tmp_path):
    from vae_designer.core.ingest.images import process_image

    # content 60 x 20 at x 100..159, y 40..59 of a 300 x 200 image; margin 0.1 -> square side 75
    path = save_silhouette(tmp_path / "a.png", size=(300, 200), box=(100, 40, 159, 59))
    _, meta = process_image(str(path), 32, margin=0.1)
    assert meta["size"] == 75
    assert meta["centre"] == pytest.approx([130.0, 50.0], abs=0.5)


# ---------------------------------------------------------------- writing designs


def test_silhouette_png_at_a_chosen_size_and_its_sidecar_fields(tmp_path):
    export = write_design("image", disc_probs(), tmp_path / "d.png", "png", SILHOUETTE, pixels=300)
    img = np.asarray(Image.open(tmp_path / "d.png").convert("L"))
    assert img.shape == (300, 300)
    assert img[0, 0] == 255 and img[150, 150] == 0
    assert export["look"] == "silhouette" and export["pixels"] == 300 and export["units"] == "source pixels"
    r = 10.0 * 240.0 / R  # source pixels
    assert export["area"] == pytest.approx(np.pi * r * r, rel=0.01)
    assert export["bbox"]["size"] == pytest.approx([2 * r, 2 * r], rel=0.01)
    json.dumps(export)
    default = write_design("image", disc_probs(), tmp_path / "e.png", "png", SILHOUETTE)
    assert Image.open(tmp_path / "e.png").size == (R, R) and default["pixels"] == R


def test_silhouette_svg_and_dxf_are_in_source_units(tmp_path):
    ezdxf = pytest.importorskip("ezdxf")

    write_design("image", disc_probs(), tmp_path / "d.svg", "svg", SILHOUETTE)
    root = ET.parse(tmp_path / "d.svg").getroot()
    assert root.get("viewBox") == "0 0 240 240"
    write_design("image", disc_probs(), tmp_path / "d.dxf", "dxf", SILHOUETTE)
    poly = next(iter(ezdxf.readfile(tmp_path / "d.dxf").modelspace().query("POLYLINE")))
    pts = np.array([(v.x, v.y) for v in poly.points()])
    assert np.hypot(pts[:, 0] - 120, pts[:, 1] - 120) == pytest.approx(10 * 240 / R, rel=0.01)
    with pytest.raises(UserError, match="no pixel size"):
        write_design("image", disc_probs(), tmp_path / "x.svg", "svg", SILHOUETTE, pixels=100)


def test_grey_projects_keep_rasters_enlarged_smoothly(tmp_path):
    export = write_design("image", disc_probs(), tmp_path / "g.png", "png", GREY, pixels=128)
    assert Image.open(tmp_path / "g.png").size == (128, 128)
    assert export == {"format": "png", "background": [1.0, 1.0, 1.0], "look": "raster", "pixels": 128}


def test_a_sidecar_from_before_the_crisp_exports_reproduces_its_raster_byte_for_byte(tmp_path):
    probs = disc_probs()
    write_png(image_from_probs(probs, background=(1.0, 1.0, 1.0)), tmp_path / "old.png")  # what it wrote then
    recipe = {"format": "png", "background": [1.0, 1.0, 1.0]}
    export = write_design("image", probs, tmp_path / "new.png", "png", SILHOUETTE, recipe=recipe)
    assert (tmp_path / "new.png").read_bytes() == (tmp_path / "old.png").read_bytes()
    assert export == recipe
    again = write_design("image", probs, tmp_path / "again.png", "png", SILHOUETTE, recipe=dict(
        write_design("image", probs, tmp_path / "first.png", "png", SILHOUETTE, pixels=200)))
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "first.png").read_bytes() and again["pixels"] == 200


def test_mesh_export_reports_volume_and_bbox_in_source_units(tmp_path):
    export = write_design("mesh", ball_probs(), tmp_path / "m.stl", "stl", MESH)
    assert export["refine"] == 2 and export["smooth"] == 16
    r = 10.0 / (R - 2) * 80.0
    assert export["volume"] == pytest.approx(4 / 3 * np.pi * r**3, rel=0.01)
    assert export["bbox"]["min"] == pytest.approx([-r] * 3, abs=0.02 * 80)
    assert export["bbox"]["size"] == pytest.approx([2 * r] * 3, rel=0.02)
    back = trimesh.load(tmp_path / "m.stl")
    assert back.is_watertight and back.volume == pytest.approx(export["volume"], rel=1e-4)
    # an old sidecar (no "refine") gets the unrefined extraction it was made with
    old = write_design("mesh", ball_probs(), tmp_path / "o.stl", "stl", MESH, smooth=2,
                       recipe={"format": "stl", "level": 0.5, "smooth": 2, "centre": [0, 0, 0], "size": 80.0})
    assert "refine" not in old and old["smooth"] == 2
