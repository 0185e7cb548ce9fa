"""The bundled samples load cleanly; the real data in ../shared/data (when present) too."""

import numpy as np
from helpers import shared_data

from vae_designer.core.ingest import load_designs
from vae_designer.resources import sample_folder

CAR_TYPES = {"coupe", "hatchback", "pickup", "sedan", "suv", "van"}


def test_bundled_car_silhouettes():
    d = load_designs(sample_folder("image"))
    assert len(d) >= 300 and not d.skipped and set(d.label_counts) == CAR_TYPES
    assert d.data.ndim == 3  # grey


def test_bundled_car_meshes():
    d = load_designs(sample_folder("mesh"))
    assert len(d) >= 48 and not d.skipped and set(d.label_counts) == CAR_TYPES
    from scipy import ndimage

    for i in range(len(d)):  # solid bodies, not hollow shells
        g = d.voxels(i)
        assert ndimage.binary_erosion(g).sum() > 0.2 * g.sum(), d.paths[i]


def test_mnist_folder_loads_10000_with_10_labels():
    d = load_designs(shared_data("mnist-test"))
    assert len(d) == 10000 and list(d.label_counts) == [str(i) for i in range(10)]
    assert not d.skipped


def test_voron_meshes_all_load():
    folder = shared_data("meshes-voron0")
    d = load_designs(folder)
    n_files = sum(1 for p in folder.rglob("*") if p.suffix.lower() in (".stl", ".obj", ".ply"))
    assert len(d) == n_files and not d.skipped
    assert all(d.voxels(i).any() for i in range(len(d)))


def test_trimesh_models_valid_load_broken_listed():
    d = load_designs(shared_data("meshes-trimesh-models"))
    reasons = {s.path: s.reason for s in d.skipped}
    assert len(d) >= 70
    for name in ("empty.stl", "emptyIO/ply_points_bin.ply", "points_bin.ply"):
        assert reasons.get(name)
    assert "LICENSE.md" in reasons
    assert "bunny.ply" in d.paths and "featuretype.STL" in d.paths
    assert np.all(d.data.any(axis=1))
