"""Generate the sample designs bundled with VAE Designer: parametric cars.

The app must be useful before anyone has a folder of designs of their own.  The
intended first user is an automotive designer who wants to see new car variants
come out of a trained model, so we ship two small collections of cars, one per
kind of design the app understands:

* ``cars-2d/<type>/<type>_NNN.png`` -- 50 side-view silhouettes per body type:
  8-bit greyscale, white background, near-black body, lighter side windows,
  black wheels with a grey hub, anti-aliased, at a slightly random position and
  scale on a landscape canvas (the app crops to content and centres).
* ``cars-3d/<type>/<type>_NN.stl`` -- 8 binary STL meshes per body type, in
  millimetres (x = length, y = width, z = up, ground at z = 0): one lofted,
  watertight body plus four overlapping wheel cylinders.  Several overlapping
  bodies in one file are deliberate: real CAD exports look like that.

Body types (sub-folder names, which the app uses as labels): sedan, hatchback,
suv, pickup, van, coupe.  Both sets are drawn from ONE proportions model
(:class:`Car`) with per-type parameter ranges, so they look like one family.

Everything is deterministic (numpy Generator with a fixed seed, one stream per
type and set): ``python packaging/make_samples.py`` regenerates byte-identical
files.  It deletes and rewrites only its own two folders, ``cars-2d`` and
``cars-3d`` under ``--out`` (default ``vae_designer/assets/samples`` in the repository).
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import trimesh
from PIL import Image, ImageDraw
from scipy.ndimage import minimum_filter

SEED = 2024
TYPES = ("sedan", "hatchback", "suv", "pickup", "van", "coupe")
N_2D, N_3D = 50, 8
CANVAS = (160, 96)  # final PNG size (width, height)
SUPERSAMPLE = 4  # draw at 4x, downsample with LANCZOS for anti-aliasing
LOOP_POINTS = 20  # points per 3D cross-section (multiple of 4: top centre is a point)
WHEEL_SECTIONS = 12

# Grey levels of the 2D silhouettes.
BACKGROUND, BODY, WINDOW, TYRE, HUB = 255, 40, 178, 0, 128


@dataclass(frozen=True)
class Car:
    """Proportions of one car in millimetres: x from the front bumper, z up from the ground."""

    body: str
    length: float
    width: float
    height: float  # roof
    clearance: float  # underside of the body
    wheel_radius: float
    wheelbase: float
    front_overhang: float
    hood_length: float  # nose to the foot of the windscreen (= cabin start)
    hood_height: float  # at the foot of the windscreen
    nose_height: float
    belt_height: float  # lower edge of the side windows
    windscreen_slope: float  # horizontal run per unit of rise
    cabin_end: float  # where the rear glass meets the deck / cab back / tail
    rear_slope: float  # rear window run per unit of rise
    deck_height: float  # boot lid, bed rail or foot of the tailgate glass
    tail_height: float
    bed_length: float  # pickups only, else 0
    tumblehome: float  # fraction by which the greenhouse narrows up to the roof
    roundness: float  # superellipse exponent of the cross-sections (higher = boxier)
    pillars: tuple[float, ...]  # B/C pillar positions, fractions of the side-glass span

    @property
    def roof_start(self) -> float:
        return self.hood_length + self.windscreen_slope * (self.height - self.hood_height)

    @property
    def roof_end(self) -> float:
        return self.cabin_end - self.rear_slope * (self.height - self.deck_height)

    @property
    def wheel_x(self) -> tuple[float, float]:
        return self.front_overhang, self.front_overhang + self.wheelbase


# Per-type ranges (uniformly sampled).  mm unless noted; "wheelbase" and "hood"
# are fractions of length, "front" the front share of the total overhang,
# "cabin_end" a fraction of length (pickups use "bed" in mm instead).
RANGES = {
    "sedan": dict(length=(4550, 5050), width=(1790, 1880), height=(1400, 1490), clearance=(120, 150),
                  wheel=(315, 340), wheelbase=(.57, .60), front=(.44, .50), hood=(.25, .29),
                  hood_h=(860, 930), nose=(.80, .87), belt=(950, 1010), ws=(1.3, 1.7),
                  cabin_end=(.75, .80), rear=(1.4, 2.0), deck=(990, 1060), tumble=(.12, .18),
                  round=(4.0, 5.0), pillars=(.52,)),
    "hatchback": dict(length=(3850, 4350), width=(1700, 1800), height=(1440, 1530), clearance=(130, 160),
                      wheel=(300, 325), wheelbase=(.61, .65), front=(.55, .62), hood=(.23, .27),
                      hood_h=(860, 930), nose=(.80, .88), belt=(930, 1000), ws=(1.2, 1.6),
                      cabin_end=(.975, .99), rear=(.6, 1.0), deck=(960, 1030), tumble=(.12, .17),
                      round=(4.0, 5.0), pillars=(.50, .86)),
    "suv": dict(length=(4400, 4950), width=(1850, 1980), height=(1650, 1800), clearance=(190, 230),
                wheel=(360, 395), wheelbase=(.58, .61), front=(.48, .55), hood=(.24, .28),
                hood_h=(1050, 1150), nose=(.86, .92), belt=(1130, 1200), ws=(1.0, 1.3),
                cabin_end=(.975, .99), rear=(.15, .40), deck=(1110, 1180), tumble=(.08, .13),
                round=(5.5, 7.0), pillars=(.42, .80)),
    "pickup": dict(length=(5200, 5600), width=(1900, 2030), height=(1780, 1930), clearance=(220, 260),
                   wheel=(380, 415), wheelbase=(.60, .64), front=(.50, .56), hood=(.24, .27),
                   hood_h=(1200, 1300), nose=(.90, .95), belt=(1260, 1350), ws=(0.9, 1.2),
                   bed=(1650, 2000), rear=(.05, .12), deck=(1220, 1300), tumble=(.06, .10),
                   round=(6.0, 8.0), pillars=(.55,)),
    "van": dict(length=(4800, 5350), width=(1900, 2000), height=(1900, 2150), clearance=(160, 200),
                wheel=(330, 360), wheelbase=(.58, .62), front=(.52, .60), hood=(.15, .19),
                hood_h=(1000, 1100), nose=(.80, .88), belt=(1060, 1150), ws=(0.55, 0.8),
                cabin_end=(.985, .995), rear=(.05, .12), deck=(1060, 1150), tumble=(.04, .07),
                round=(7.0, 9.0), pillars=(.27, .55, .82)),
    "coupe": dict(length=(4400, 4800), width=(1820, 1920), height=(1260, 1360), clearance=(110, 135),
                  wheel=(315, 340), wheelbase=(.56, .59), front=(.45, .52), hood=(.30, .34),
                  hood_h=(780, 860), nose=(.80, .86), belt=(870, 930), ws=(1.6, 2.0),
                  cabin_end=(.84, .88), rear=(2.0, 2.6), deck=(880, 950), tumble=(.18, .24),
                  round=(3.5, 4.5), pillars=(.68,)),
}


def sample_car(body: str, rng: np.random.Generator) -> Car:
    """Draw one car of a body type from its ranges (fixed draw order: reproducible)."""
    r = RANGES[body]
    u = {k: float(rng.uniform(*v)) for k, v in r.items() if k != "pillars"}
    length, height = u["length"], u["height"]
    wheelbase = u["wheelbase"] * length
    hood_h = u["hood_h"]
    deck = u["deck"]
    bed = u.get("bed", 0.0)
    cabin_end = length - bed if bed else u["cabin_end"] * length
    hood_length = u["hood"] * length
    # Keep a roof of at least 300 mm: shorten the slopes if the draw left none.
    ws, rear = u["ws"], u["rear"]
    room = cabin_end - hood_length - 300.0
    need = ws * (height - hood_h) + rear * (height - deck)
    if need > room:
        ws, rear = ws * room / need, rear * room / need
    return Car(
        body=body, length=length, width=u["width"], height=height, clearance=u["clearance"],
        wheel_radius=u["wheel"], wheelbase=wheelbase, front_overhang=u["front"] * (length - wheelbase),
        hood_length=hood_length, hood_height=hood_h, nose_height=u["nose"] * hood_h,
        belt_height=max(u["belt"], hood_h + 20.0), windscreen_slope=ws, cabin_end=cabin_end,
        rear_slope=rear, deck_height=deck, tail_height=deck - (0.0 if bed else 40.0),
        bed_length=bed, tumblehome=u["tumble"], roundness=u["round"], pillars=r["pillars"],
    )


def chaikin(points: np.ndarray, iterations: int = 3) -> np.ndarray:
    """Round the corners of a closed polygon by Chaikin corner cutting."""
    for _ in range(iterations):
        nxt = np.roll(points, -1, axis=0)
        points = np.stack([0.75 * points + 0.25 * nxt, 0.25 * points + 0.75 * nxt], axis=1).reshape(-1, 2)
    return points


def side_profile(car: Car) -> np.ndarray:
    """Closed, smoothed (x, z) outline of the body seen from the side (no wheels)."""
    c, L, n = car.clearance, car.length, car.nose_height
    ro = L - car.front_overhang - car.wheelbase
    top = [(0, c + 0.45 * (n - c)), (0.025 * L, 0.93 * n), (0.06 * L, n), (car.hood_length, car.hood_height),
           (car.roof_start, car.height), (car.roof_end, car.height), (car.cabin_end, car.deck_height),
           (L - 60, car.tail_height), (L, car.tail_height - 60)]
    bottom = [(L, c + 0.4 * (car.tail_height - c)), (L - 0.45 * ro, c), (0.45 * car.front_overhang, c),
              (0, c + 0.3 * (n - c))]
    return chaikin(np.array(top + bottom, dtype=float))


def profile_span(outline: np.ndarray, x: float) -> tuple[float, float]:
    """Lowest and highest z of the outline on the vertical line at x (outline is x-monotone)."""
    a, b = outline, np.roll(outline, -1, axis=0)
    lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    hit = (lo <= x) & (x <= hi) & (hi > lo)
    t = (x - a[hit, 0]) / (b[hit, 0] - a[hit, 0])
    z = a[hit, 1] + t * (b[hit, 1] - a[hit, 1])
    return float(z.min()), float(z.max())


# ----------------------------------------------------------------------------- 2D


def draw_silhouette(car: Car, rng: np.random.Generator) -> Image.Image:
    """Side view at a random position and scale, drawn at 4x and downsampled."""
    W, H = CANVAS[0] * SUPERSAMPLE, CANVAS[1] * SUPERSAMPLE
    margin = 3 * SUPERSAMPLE
    s = rng.uniform(0.76, 0.92) * W / car.length  # px per mm
    x0 = rng.uniform(margin, W - margin - car.length * s)
    ground = rng.uniform(margin + car.height * s, H - margin)

    def px(x, z):
        return (x0 + x * s, ground - z * s)

    outline = [px(x, z) for x, z in side_profile(car)]
    img = Image.new("L", (W, H), BACKGROUND)
    ImageDraw.Draw(img).polygon(outline, fill=BODY)

    # Side glass: the body above the belt line, shrunk by the pillar thickness,
    # between the cabin start and end, with B/C(/D) pillars cut out.
    glass = Image.new("L", (W, H), 0)
    gd = ImageDraw.Draw(glass)
    gd.polygon(outline, fill=255)
    gd.rectangle([0, px(0, car.belt_height)[1], W, H], fill=0)
    gd.rectangle([0, 0, px(car.hood_length, 0)[0], H], fill=0)
    gd.rectangle([px(car.cabin_end, 0)[0], 0, W, H], fill=0)
    pillar = max(3, round(75 * s))
    glass = Image.fromarray(minimum_filter(np.asarray(glass), size=2 * (pillar // 2) + 1))
    a = car.hood_length + car.windscreen_slope * (car.belt_height - car.hood_height)
    b = min(car.cabin_end, car.roof_end + car.rear_slope * (car.height - car.belt_height))
    gd = ImageDraw.Draw(glass)
    top, bot = px(0, car.height)[1], px(0, car.belt_height)[1]
    lean = 0.08 * (bot - top)  # pillars lean back a little
    for f in car.pillars:
        xp = px(a + f * (b - a), 0)[0]
        gd.polygon([(xp - pillar, bot), (xp + pillar, bot), (xp + pillar + lean, top),
                    (xp - pillar + lean, top)], fill=0)
    img.paste(WINDOW, mask=glass)

    draw = ImageDraw.Draw(img)
    if car.bed_length:  # the gap between a pickup's cab and its box
        gx = px(car.cabin_end + 60.0, 0)[0]
        gap = max(2.0, 18.0 * s)
        draw.rectangle([gx, px(0, car.deck_height + 50)[1], gx + gap,
                        px(0, car.clearance + 0.4 * (car.deck_height - car.clearance))[1]], fill=BACKGROUND)
    r = car.wheel_radius * s
    for wx in car.wheel_x:
        cx, cy = px(wx, car.wheel_radius)
        for radius, fill in ((1.07 * r, BACKGROUND), (r, TYRE), (0.55 * r, HUB)):
            draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=fill)
    return img.resize(CANVAS, Image.Resampling.LANCZOS)


# ----------------------------------------------------------------------------- 3D


def stations(car: Car) -> np.ndarray:
    """x positions of the cross-sections: denser near the ends, plus the profile's key points."""
    t = np.linspace(0.0, 1.0, 18)
    xs = car.length * (0.6 * t + 0.4 * (0.5 - 0.5 * np.cos(np.pi * t)))
    keys = [car.hood_length, car.roof_start, car.roof_end, car.cabin_end]
    if car.bed_length:
        keys += [car.cabin_end + 100.0]
    xs = np.sort(np.concatenate([xs, keys]))
    keep = [xs[0]]
    for x in xs[1:]:
        if x - keep[-1] > 60.0:
            keep.append(x)
    xs = np.array(keep)
    xs[0], xs[-1] = 4.0, car.length - 4.0
    return xs


def cross_section(car: Car, x: float, zlo: float, zhi: float) -> np.ndarray:
    """(LOOP_POINTS, 3) superellipse loop at station x, counter-clockwise seen from +x."""
    d = min(x, car.length - x)
    radius = 0.09 * car.length if x < car.length / 2 else 0.06 * car.length
    plan = 0.6 + 0.4 * np.sqrt(1.0 - (1.0 - min(d / radius, 1.0)) ** 2)  # rounded corners in plan
    t = 2 * np.pi * np.arange(LOOP_POINTS) / LOOP_POINTS
    e = 2.0 / car.roundness
    u = np.sign(np.cos(t)) * np.abs(np.cos(t)) ** e
    v = np.sign(np.sin(t)) * np.abs(np.sin(t)) ** e
    z = zlo + (v + 1.0) * 0.5 * (zhi - zlo)
    rise = np.clip((z - car.belt_height) / (car.height - car.belt_height), 0.0, 1.0)
    y = 0.5 * car.width * plan * u * (1.0 - car.tumblehome * rise)
    if car.bed_length and car.cabin_end + 150 < x < car.length - 90:  # pickup bed: sink the floor
        floor = car.deck_height - 450.0
        inner = (v > 0) & (np.abs(y) < 0.5 * car.width - 110.0)
        z = np.where(inner, np.maximum(np.minimum(z, floor), 0.5 * (zlo + zhi) + 10.0), z)
    return np.column_stack([np.full_like(z, x), y, z])


def loft_body(car: Car) -> trimesh.Trimesh:
    """Watertight body: the cross-section loops joined by quads, closed by two fans."""
    outline = side_profile(car)
    loops = [cross_section(car, x, *profile_span(outline, x)) for x in stations(car)]
    n, m = len(loops), LOOP_POINTS
    verts = np.vstack([*loops, loops[0].mean(axis=0), loops[-1].mean(axis=0)])
    faces = []
    for i in range(n - 1):
        for j in range(m):
            a, b = i * m + j, i * m + (j + 1) % m
            faces += [(a, b, b + m), (a, b + m, a + m)]
    front, back = n * m, n * m + 1
    for j in range(m):
        faces += [(front, j, (j + 1) % m), (back, (n - 1) * m + (j + 1) % m, (n - 1) * m + j)]
    mesh = trimesh.Trimesh(verts, np.array(faces), process=False)
    assert mesh.is_watertight and mesh.volume > 0, car
    return mesh


def car_mesh(car: Car) -> trimesh.Trimesh:
    """Body plus four wheel cylinders (axis along y), overlapping the body."""
    parts = [loft_body(car)]
    tyre = 0.11 * car.width
    to_y = trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0])
    for wx in car.wheel_x:
        for side in (-1, 1):
            wheel = trimesh.creation.cylinder(radius=car.wheel_radius, height=tyre, sections=WHEEL_SECTIONS)
            wheel.apply_transform(to_y)
            wheel.apply_translation([wx, side * (0.5 * car.width - 0.5 * tyre), car.wheel_radius])
            parts.append(wheel)
    return trimesh.util.concatenate(parts)


# ----------------------------------------------------------------------------- main


def generate(out: Path) -> None:
    """(Re)write out/cars-2d and out/cars-3d."""
    for kind in ("cars-2d", "cars-3d"):
        shutil.rmtree(out / kind, ignore_errors=True)
    for k, body in enumerate(TYPES):
        rng = np.random.default_rng([SEED, k, 2])
        folder = out / "cars-2d" / body
        folder.mkdir(parents=True)
        for i in range(N_2D):
            img = draw_silhouette(sample_car(body, rng), rng)
            img.save(folder / f"{body}_{i:03d}.png", optimize=True)
        rng = np.random.default_rng([SEED, k, 3])
        folder = out / "cars-3d" / body
        folder.mkdir(parents=True)
        for i in range(N_3D):
            (folder / f"{body}_{i:02d}.stl").write_bytes(car_mesh(sample_car(body, rng)).export(file_type="stl"))
    print(f"wrote {len(TYPES) * N_2D} PNGs and {len(TYPES) * N_3D} STLs under {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "vae_designer" / "assets" / "samples"
    parser.add_argument("--out", type=Path, default=default, help=f"output folder (default {default})")
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
