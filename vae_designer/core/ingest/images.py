"""One image file -> a centred square "ink" array in which the shape is bright.

Designers hand in anything: dark shapes on white paper, white shapes on black,
transparent PNGs, photos of sketches in 16-bit TIFF, palette GIFs.  The model
always sees the same thing: background = 0, shape = up to 255.

``ink`` is the distance of each pixel from the detected background colour,
scaled so that the farthest possible colour is 255, per channel.  This is
invertible given the background colour (kept per item), so exports can be
turned back into the look of the source collection.

The content is cropped to its bounding box, a margin added, centred on a square
canvas (aspect ratio kept) and resized to R x R.
"""

from __future__ import annotations

import warnings

import numpy as np
from PIL import Image, ImageOps

from ..errors import SkipFile

# Pillow's own limit (about 89 M pixels warns, 2x that raises).  Anything above
# this is refused: no design silhouette needs a 16k x 16k canvas.
MAX_PIXELS = 64_000_000
# A pixel counts as content when its ink exceeds this fraction of full scale.
CONTENT_THRESHOLD = 0.12
# Items whose channels differ more than this (0..255) on 1% of content are colour.
COLOUR_SPREAD = 24


def _open(path: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(path)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise SkipFile(
                    f"refused: {w}x{h} pixels is a possible decompression bomb "
                    f"(limit {MAX_PIXELS // 1_000_000} megapixels)"
                )
            img.seek(0)  # first frame of GIF / multi-page TIFF
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise SkipFile(f"refused: possible decompression bomb ({exc})") from None
        except SkipFile:
            raise
        except Image.UnidentifiedImageError:
            raise SkipFile("not a readable image (unknown or corrupt format)") from None
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError) as exc:
            raise SkipFile(f"corrupt or truncated image ({_one_line(exc)})") from None
    return img


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


def to_float_rgba(img: Image.Image) -> np.ndarray:
    """Any Pillow mode -> float32 H x W x (C + 1) in 0..1, C = 1 for grey modes, else 3.

    EXIF orientation is applied; the last channel is alpha.
    """
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001 - broken EXIF must not lose the image
        pass
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img, dtype=np.float64)
        hi = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        grey = np.clip(arr / hi, 0, 1).astype(np.float32)
        return np.dstack([grey, np.ones_like(grey)])
    if mode == "F":
        arr = np.asarray(img, dtype=np.float32)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        grey = np.nan_to_num((arr - lo) / (hi - lo)) if hi > lo else np.zeros_like(arr)
        return np.dstack([grey, np.ones_like(grey)])
    if mode in ("1", "L"):
        grey = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
        return np.dstack([grey, np.ones_like(grey)])
    if mode in ("LA", "La"):
        return np.asarray(img.convert("LA"), dtype=np.float32) / 255.0
    if (mode == "P" and "transparency" in img.info) or mode in ("LA", "PA", "La", "RGBa"):
        img = img.convert("RGBA")
    elif mode != "RGBA":
        img = img.convert("RGB")  # 1, L, P, CMYK, YCbCr, LAB, HSV ...
    arr = np.asarray(img, dtype=np.float32) / 255.0
    if arr.shape[2] == 3:
        arr = np.dstack([arr, np.ones(arr.shape[:2], np.float32)])
    return arr


def _border(a: np.ndarray) -> np.ndarray:
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]], axis=0)


def background_and_ink(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (background colour in 0..1, ink H x W x C in 0..1), C = 1 or 3.

    Transparent images are first flattened onto white when their visible part is
    dark and onto black when it is light, so the shape always stands out.
    """
    rgb, alpha = rgba[..., :-1], rgba[..., -1:]
    if float(np.median(_border(alpha))) < 0.5:
        visible = alpha[..., 0] > 0.5
        lum = rgb[visible].mean() if visible.any() else 0.0
        bg_value = 1.0 if lum < 0.5 else 0.0
        rgb = rgb * alpha + bg_value * (1.0 - alpha)
        bg = np.full(rgb.shape[-1], bg_value, np.float32)
    else:
        bg = np.median(_border(rgb), axis=0).astype(np.float32)
    scale = np.maximum(np.maximum(bg, 1.0 - bg), 1e-3)
    ink = np.abs(rgb - bg) / scale
    return bg, np.clip(ink, 0.0, 1.0)


def _square_crop(ink: np.ndarray, margin: float) -> tuple[np.ndarray, list[float], int]:
    """(the content centred on a square canvas with a margin, the canvas centre [x, y] and side in
    source pixels)."""
    strength = ink[..., 0] if ink.shape[2] == 1 else np.maximum(np.maximum(ink[..., 0], ink[..., 1]), ink[..., 2])
    mask = strength > CONTENT_THRESHOLD
    if not mask.any():
        raise SkipFile("blank image: no shape stands out from the background")
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    crop = ink[y0:y1, x0:x1]
    h, w = crop.shape[:2]
    side = int(np.ceil(max(h, w) / (1.0 - 2.0 * margin)))
    canvas = np.zeros((side, side, ink.shape[2]), np.float32)
    oy, ox = (side - h) // 2, (side - w) // 2
    canvas[oy : oy + h, ox : ox + w] = crop
    centre = [float(x0 - ox + side / 2.0), float(y0 - oy + side / 2.0)]
    return canvas, centre, side


def _resize(canvas: np.ndarray, resolution: int) -> np.ndarray:
    u8 = np.round(canvas * 255.0).astype(np.uint8)
    img = Image.fromarray(u8[..., 0], "L") if u8.shape[2] == 1 else Image.fromarray(u8, "RGB")
    if img.size[0] != resolution:
        img = img.resize((resolution, resolution), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(img, dtype=np.uint8)


def process_image(path: str, resolution: int, margin: float = 0.08) -> tuple[np.ndarray, dict]:
    """Load one image file and return (ink uint8, metadata).

    ink is R x R (grey) or R x R x 3 (colour).  ``meta`` holds the source's size and
    mode, the background colour, whether it is colour, and the square canvas that
    the item covers in the source image (``centre`` [x, y] and ``size``, in source
    pixels; an exported outline maps back to source units through them).  Raises :class:`SkipFile` with a
    reason for anything that cannot be used.
    """
    img = _open(path)
    source_size = list(img.size)
    source_mode = img.mode
    rgba = to_float_rgba(img)
    bg, ink = background_and_ink(rgba)
    canvas, centre, side = _square_crop(ink, margin)
    out = _resize(canvas, resolution)
    colour = False
    if out.ndim == 3:
        hi, lo = out.max(axis=2), out.min(axis=2)
        content = hi > 255 * CONTENT_THRESHOLD
        colour = bool(content.any() and ((hi.astype(np.int16) - lo)[content] > COLOUR_SPREAD).mean() > 0.01)
        if not colour:
            out = hi
    if bg.size == 1:
        bg = np.repeat(bg, 3)
    meta = {
        "source_size": source_size,
        "source_mode": source_mode,
        "background": [round(float(c), 4) for c in bg],
        "colour": colour,
        # the square the R x R item covers, in source pixels (after EXIF orientation): exports in source units
        "centre": centre,
        "size": int(side),
    }
    return out, meta


def ink_to_image(ink: np.ndarray, background) -> np.ndarray:
    """Invert :func:`background_and_ink`: ink (uint8, grey or RGB) -> RGB uint8 picture."""
    bg = np.asarray(background, np.float32).reshape(1, 1, 3)
    x = ink.astype(np.float32) / 255.0
    if x.ndim == 2:
        x = x[..., None]
    scale = np.maximum(np.maximum(bg, 1.0 - bg), 1e-3)
    direction = np.where(bg > 0.5, -1.0, 1.0)
    rgb = bg + direction * x * scale
    return np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
