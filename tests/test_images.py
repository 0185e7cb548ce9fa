"""Image normalisation: whatever the file, the shape comes out bright, cropped and centred."""

import numpy as np
import pytest
from helpers import bomb_png, save_silhouette
from PIL import Image

from vae_designer.core.errors import SkipFile
from vae_designer.core.ingest.images import ink_to_image, process_image


def content_box(a):
    m = (a if a.ndim == 2 else a.max(axis=2)) > 128
    rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def assert_centred_wide(a, ratio=3.0):
    R = a.shape[0]
    y0, y1, x0, x1 = content_box(a)
    w, h = x1 - x0, y1 - y0
    assert abs(w / h - ratio) < 0.35, (w, h)
    assert abs((x0 + x1) / 2 - R / 2) <= 1.5 and abs((y0 + y1) / 2 - R / 2) <= 1.5
    assert w >= R * 0.8  # cropped to content: the shape fills the frame minus the margin
    assert np.all(a[0, 0] == 0) and np.all(a[-1, -1] == 0)  # background is dark


@pytest.mark.parametrize("name,kwargs", [
    ("dark_on_white.png", dict(fg=0, bg=255)),
    ("white_on_black.png", dict(fg=255, bg=0)),
    ("grey_on_grey.bmp", dict(fg=60, bg=170)),
    ("photo.jpg", dict(fg=20, bg=235)),
    ("sheet.tif", dict(fg=10, bg=250)),
    ("web.webp", dict(fg=0, bg=255, lossless=True)),
])
def test_shape_is_foreground_cropped_centred_aspect_kept(tmp_path, name, kwargs):
    # a 90x30 bar off-centre on a 200x150 canvas
    path = save_silhouette(tmp_path / name, size=(200, 150), box=(10, 100, 99, 129), **kwargs)
    a, meta = process_image(str(path), 64)
    assert a.shape == (64, 64) and a.dtype == np.uint8 and not meta["colour"]
    assert_centred_wide(a)


def test_transparent_png_dark_shape(tmp_path):
    img = Image.new("RGBA", (200, 120), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (40, 40, 160, 80))
    img.save(tmp_path / "t.png")
    a, meta = process_image(str(tmp_path / "t.png"), 32)
    assert_centred_wide(a)
    assert meta["background"] == [1.0, 1.0, 1.0]


def test_palette_gif_first_frame_and_16_bit(tmp_path):
    f1 = Image.new("P", (90, 90), 0)
    f1.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    f1.paste(1, (10, 35, 70, 55))  # 60 x 20 bar: ratio 3
    f2 = Image.new("P", (90, 90), 1)
    f1.save(tmp_path / "anim.gif", save_all=True, append_images=[f2])
    a, _ = process_image(str(tmp_path / "anim.gif"), 64)
    assert_centred_wide(a)

    arr = np.full((100, 160), 60000, np.uint16)
    arr[40:60, 20:80] = 1000
    Image.fromarray(arr).save(tmp_path / "deep.tif")
    assert Image.open(tmp_path / "deep.tif").mode.startswith("I;16")
    a, _ = process_image(str(tmp_path / "deep.tif"), 64)
    assert_centred_wide(a)


def test_cmyk_and_colour(tmp_path):
    img = Image.new("RGB", (200, 100), (255, 255, 255))
    img.paste((220, 30, 30), (20, 30, 140, 70))
    img.convert("CMYK").save(tmp_path / "c.jpg", quality=95)
    a, meta = process_image(str(tmp_path / "c.jpg"), 64)
    assert a.shape == (64, 64, 3) and meta["colour"]
    assert_centred_wide(a)
    # the ink inverts back to the source look
    back = ink_to_image(a, meta["background"])
    centre = back[32, 32].astype(int)
    assert centre[0] > 150 and centre[1] < 90 and centre[2] < 90
    assert tuple(back[0, 0]) == (255, 255, 255)


def test_exif_orientation_applied(tmp_path):
    img = Image.new("L", (60, 200), 255)
    img.paste(0, (20, 10, 40, 190))  # a tall bar as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    img.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    a, _ = process_image(str(tmp_path / "rot.jpg"), 64)
    y0, y1, x0, x1 = content_box(a)
    assert (x1 - x0) > 3 * (y1 - y0)  # shown wide, as a viewer would show it


def test_refusals(tmp_path):
    with pytest.raises(SkipFile, match="decompression bomb"):
        process_image(str(bomb_png(tmp_path / "bomb.png")), 64)
    Image.new("L", (50, 50), 200).save(tmp_path / "blank.png")
    with pytest.raises(SkipFile, match="blank"):
        process_image(str(tmp_path / "blank.png"), 64)
    good = save_silhouette(tmp_path / "good.png")
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    with pytest.raises(SkipFile):
        process_image(str(tmp_path / "cut.png"), 64)
    (tmp_path / "text.png").write_text("hello")
    with pytest.raises(SkipFile, match="not a readable image"):
        process_image(str(tmp_path / "text.png"), 64)
