"""Draw every image referenced by the Newsroom demo content.

The demo articles in ``articles.jsonl`` point at featured images, inline
figure images and author portraits under ``images/``.  Rather than shipping
binary files (or downloading stock photos), this script paints them: each
featured or inline image is a small editorial-style illustration (gradient
sky, sun or moon, clouds, hills, mountains, skylines, waves or abstract
shapes) and each author portrait is an abstract head-and-shoulders avatar
with the author's initials.

Every drawing decision comes from a random generator seeded with the image's
file name, so the output is identical on every run.  Palettes and the mix of
scenes vary by the article's section, and a few words in a file name steer the
scene (``...-ferry-...`` draws the sea, ``...-garden-...`` draws hills), so the
pictures roughly match their stories.

Usage::

    python demo/draw_images.py [OUTDIR] [--force] [--articles PATH]

OUTDIR defaults to the ``images/`` folder beside this script.  Files that
already exist with the right pixel size are kept unless ``--force`` is given.
The only third-party dependency is Pillow.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent

FEATURED_SIZE = (1200, 675)
INLINE_SIZE = (1200, 800)
PORTRAIT_SIZE = (400, 400)

JPEG_QUALITY = 82
MIN_JPEG_QUALITY = 60
MAX_BYTES = 120 * 1024
SUPERSAMPLE = 2  # draw at 2x and scale down for smooth edges

IMG_SRC_RE = re.compile(r"<img\b[^>]*?\bsrc=\"(images/[^\"]+)\"", re.IGNORECASE)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Target:
    """One image to draw: where it lives and what it should look like."""

    src: str  # path as written in articles.jsonl, e.g. "images/foo.jpg"
    kind: str  # "featured", "inline" or "portrait"
    size: tuple[int, int]
    section: str = ""
    label: str = ""  # author name, for portraits


@dataclass(frozen=True)
class Palette:
    """Colours for one illustration."""

    sky_top: str
    sky_bottom: str
    layers: tuple[str, ...]  # far to near
    accent: str  # sun, moon, lit windows
    night: bool = False


# Palettes per section; each image picks one with its own seeded generator.
PALETTES: dict[str, tuple[Palette, ...]] = {
    "News": (
        Palette("#1d3557", "#a8dadc", ("#457b9d", "#2f5d7c", "#1d3557", "#12243a"), "#f1faee"),
        Palette("#3a6ea5", "#f4d35e", ("#6c8ead", "#4f6d8a", "#344e68", "#1f3147"), "#ffe8a3"),
        Palette("#274060", "#f7b267", ("#5d7596", "#3f587a", "#2b3f5c", "#1a2940"), "#fff1c1"),
    ),
    "Film and TV": (
        Palette(
            "#14003d", "#ff6f91", ("#845ec2", "#5e3c99", "#3d2370", "#22114a"), "#ffc75f", True
        ),
        Palette(
            "#2c0735", "#f9a03f", ("#7b2d5b", "#5a1f4a", "#3c1337", "#230a22"), "#ffe1a8", True
        ),
    ),
    "Music": (
        Palette(
            "#240046", "#ff9e00", ("#7b2cbf", "#5a189a", "#3c096c", "#10002b"), "#ffd166", True
        ),
        Palette("#003049", "#fcbf49", ("#d62828", "#a61e1e", "#6b1414", "#3b0b0b"), "#eae2b7"),
    ),
    "Tech": (
        Palette(
            "#0b132b", "#3a506b", ("#1c2541", "#243b55", "#16324f", "#0b1a2c"), "#5bc0be", True
        ),
        Palette(
            "#0f2027", "#2c5364", ("#203a43", "#1b323a", "#142830", "#0c1a1f"), "#7ef9ff", True
        ),
        Palette(
            "#1b1b3a", "#693668", ("#3c2a5d", "#2f2350", "#221a40", "#150f2b"), "#a6fff2", True
        ),
    ),
    "Features": (
        Palette("#7fb7be", "#f3dfa2", ("#a3c4a8", "#7a9e7e", "#53785a", "#2f4f38"), "#fff4d6"),
        Palette("#5c80bc", "#e8c7de", ("#9fb4c7", "#7d96b0", "#5a7394", "#3a5070"), "#fff8e7"),
    ),
    "Celebrity": (
        Palette("#ff5d8f", "#ffd6a5", ("#ff87ab", "#f26a8d", "#dd2d4a", "#880d1e"), "#fff3b0"),
        Palette("#6a4c93", "#ffca3a", ("#c77dff", "#9d4edd", "#7b2cbf", "#3c096c"), "#fffbe0"),
    ),
    "Politics": (
        Palette("#22223b", "#c9ada7", ("#4a4e69", "#3b3e58", "#2c2e44", "#1c1d2e"), "#f2e9e4"),
        Palette("#1b263b", "#e0e1dd", ("#778da9", "#5c7290", "#415a77", "#1b263b"), "#fdf0d5"),
    ),
    "Weird": (
        Palette(
            "#2b0f54", "#ab1f65", ("#21a0a0", "#168080", "#0e5f5f", "#073f3f"), "#e0ff4f", True
        ),
        Palette("#04395e", "#70e000", ("#5f0f40", "#4a0c32", "#360924", "#220516"), "#fb8b24"),
    ),
    "Community": (
        Palette("#8ecae6", "#ffe5b4", ("#90be6d", "#6a994e", "#4c7a3a", "#386641"), "#ffb703"),
        Palette("#f4a261", "#fefae0", ("#e9c46a", "#bc8a3f", "#8a5a2b", "#5a3a1e"), "#fff7d6"),
    ),
}
DEFAULT_PALETTES = PALETTES["News"]

# Relative weights of each scene per section.
SCENE_WEIGHTS: dict[str, dict[str, int]] = {
    "News": {"city": 3, "hills": 2, "sea": 2, "mountains": 1, "abstract": 1},
    "Film and TV": {"city": 2, "abstract": 3, "sea": 1, "mountains": 1},
    "Music": {"abstract": 4, "city": 2, "hills": 1},
    "Tech": {"abstract": 3, "city": 3, "mountains": 1},
    "Features": {"hills": 3, "sea": 2, "mountains": 2, "city": 1},
    "Celebrity": {"abstract": 3, "city": 2, "sea": 1},
    "Politics": {"city": 4, "hills": 1, "abstract": 1},
    "Weird": {"abstract": 3, "mountains": 2, "sea": 1, "hills": 1},
    "Community": {"hills": 4, "city": 2, "sea": 1},
}
DEFAULT_SCENES = {"hills": 1, "city": 1, "sea": 1, "mountains": 1, "abstract": 1}

# Words in an image's file name that pick its scene, checked in this order.
SCENE_HINTS = (
    ("tram", "city"),
    ("depot", "city"),
    ("lighthouse", "sea"),
    ("ferry", "sea"),
    ("estuary", "sea"),
    ("seal", "sea"),
    ("beach", "sea"),
    ("bottle", "sea"),
    ("pier", "sea"),
    ("garden", "hills"),
    ("gardens", "hills"),
    ("allotment", "hills"),
    ("flower", "hills"),
    ("winters", "hills"),
    ("frost", "mountains"),
    ("satellite", "mountains"),
    ("cinema", "abstract"),
    ("records", "abstract"),
    ("games", "abstract"),
    ("lights", "abstract"),
    ("market", "city"),
    ("station", "city"),
    ("factory", "city"),
    ("election", "city"),
)

AVATAR_BACKGROUNDS = ("#e9c46a", "#84a59d", "#f28482", "#8ecae6", "#b8b8ff", "#ffd6a5", "#95d5b2")
SKIN_TONES = ("#f1c27d", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#a0522d")
HAIR_COLOURS = ("#2b1d14", "#4a2c17", "#7b4b2a", "#b5651d", "#1c1c1c", "#8a8a8a")
SHIRT_COLOURS = ("#264653", "#2a9d8f", "#e76f51", "#3d405b", "#6d597a", "#1d3557")


# ---------------------------------------------------------------------------
# Reading the articles
# ---------------------------------------------------------------------------


def collect_targets(articles_path: Path) -> list[Target]:
    """Return every image referenced by the JSON Lines file, without duplicates."""
    found: dict[str, Target] = {}

    def add(target: Target) -> None:
        found.setdefault(target.src, target)

    with articles_path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            article = json.loads(line)
            section = article.get("section") or ""
            featured = article.get("featured_image") or {}
            if featured.get("src"):
                add(Target(featured["src"], "featured", FEATURED_SIZE, section))
            for src in IMG_SRC_RE.findall(article.get("body_html") or ""):
                add(Target(src, "inline", INLINE_SIZE, section))
            for author in article.get("authors") or []:
                if author.get("photo"):
                    add(
                        Target(
                            author["photo"], "portrait", PORTRAIT_SIZE, label=author.get("name", "")
                        )
                    )
    return list(found.values())


def output_path(outdir: Path, src: str) -> Path:
    """Map an ``images/...`` source path onto OUTDIR, refusing to escape it."""
    parts = PurePosixPath(src).parts
    if parts and parts[0] == "images":
        parts = parts[1:]
    if not parts or any(part in ("..", "") or part.startswith("/") for part in parts):
        raise ValueError(f"unsafe image path: {src!r}")
    return outdir.joinpath(*parts)


def seeded_rng(name: str) -> random.Random:
    """Return a random generator seeded only by ``name``."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# ---------------------------------------------------------------------------
# Colour helpers
# ---------------------------------------------------------------------------


def rgb(colour: str) -> RGB:
    """Convert ``#rrggbb`` to an RGB tuple."""
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Blend colour ``a`` towards ``b`` by fraction ``t``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def with_alpha(colour: RGB, alpha: int) -> tuple[int, int, int, int]:
    """Add an alpha channel to an RGB colour."""
    return (*colour, alpha)


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """Return an RGB image fading from ``top`` to ``bottom``."""
    height = size[1]
    column = Image.new("RGB", (1, height))
    column.putdata([mix(top, bottom, y / max(1, height - 1)) for y in range(height)])
    return column.resize(size)


# ---------------------------------------------------------------------------
# Scene elements
# ---------------------------------------------------------------------------


def draw_stars(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    """Scatter small stars over the upper sky."""
    for _ in range(rng.randint(40, 90)):
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.45)
        r = rng.uniform(1.0, 3.2) * SUPERSAMPLE
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 240, rng.randint(110, 230)))


def draw_sun(
    draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, colour: RGB
) -> tuple[float, float]:
    """Draw a sun or moon with a soft halo; return its centre."""
    cx, cy = rng.uniform(w * 0.15, w * 0.85), rng.uniform(h * 0.12, h * 0.35)
    radius = rng.uniform(h * 0.07, h * 0.12)
    for step in range(6, 0, -1):
        halo = radius * (1 + step * 0.35)
        draw.ellipse((cx - halo, cy - halo, cx + halo, cy + halo), fill=with_alpha(colour, 14))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=with_alpha(colour, 255))
    return cx, cy


def draw_clouds(image: Image.Image, rng: random.Random, colour: RGB) -> None:
    """Draw a few soft, puffy clouds, each one a single translucent shape."""
    w, h = image.size
    for _ in range(rng.randint(2, 5)):
        cx, cy = rng.uniform(-0.05 * w, 1.05 * w), rng.uniform(h * 0.08, h * 0.4)
        scale = rng.uniform(0.6, 1.4) * h * 0.06
        alpha = rng.randint(110, 200)
        mask = Image.new("L", image.size, 0)
        puffs = ImageDraw.Draw(mask)
        for _ in range(rng.randint(4, 7)):
            dx, dy = rng.uniform(-3, 3) * scale, rng.uniform(-0.6, 0.4) * scale
            rx, ry = rng.uniform(1.2, 2.2) * scale, rng.uniform(0.7, 1.1) * scale
            puffs.ellipse((cx + dx - rx, cy + dy - ry, cx + dx + rx, cy + dy + ry), fill=alpha)
        image.paste(colour, (0, 0), mask)


def draw_birds(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, colour: RGB) -> None:
    """Draw a small flock of 'v' shaped birds."""
    fx, fy = rng.uniform(w * 0.2, w * 0.8), rng.uniform(h * 0.15, h * 0.35)
    for _ in range(rng.randint(3, 7)):
        x, y = fx + rng.uniform(-w * 0.08, w * 0.08), fy + rng.uniform(-h * 0.05, h * 0.05)
        span = rng.uniform(8, 16) * SUPERSAMPLE
        line = max(2, SUPERSAMPLE * 2)
        draw.line(
            [(x - span, y - span * 0.4), (x, y), (x + span, y - span * 0.4)],
            fill=colour,
            width=line,
        )


def wavy_ridge(
    rng: random.Random, w: int, base: float, amplitude: float
) -> list[tuple[float, float]]:
    """Return points along a smooth random ridge line."""
    waves = [
        (rng.uniform(0.5, 3.0), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(3)
    ]
    total = sum(weight for _, _, weight in waves)
    points = []
    steps = 80
    for i in range(steps + 1):
        x = w * i / steps
        offset = sum(
            weight * math.sin(freq * math.tau * i / steps + phase) for freq, phase, weight in waves
        )
        points.append((x, base + amplitude * offset / total))
    return points


def draw_hills(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, pal: Palette) -> None:
    """Draw layered rolling hills with atmospheric haze."""
    haze = rgb(pal.sky_bottom)
    layers = [rgb(c) for c in pal.layers]
    for i, colour in enumerate(layers):
        base = h * (0.52 + 0.11 * i)
        ridge = wavy_ridge(rng, w, base, h * rng.uniform(0.04, 0.09))
        fade = 0.55 * (len(layers) - 1 - i) / max(1, len(layers) - 1)
        draw.polygon([*ridge, (w, h), (0, h)], fill=mix(colour, haze, fade))
        if i == len(layers) - 2:
            draw_trees(draw, rng, ridge, mix(layers[-1], haze, 0.1), h)


def draw_trees(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    ridge: list[tuple[float, float]],
    colour: RGB,
    h: int,
) -> None:
    """Plant a few triangular trees along a ridge."""
    for _ in range(rng.randint(4, 12)):
        x, y = ridge[rng.randrange(len(ridge))]
        tall = rng.uniform(0.04, 0.08) * h
        draw.polygon([(x, y - tall), (x - tall * 0.3, y + 2), (x + tall * 0.3, y + 2)], fill=colour)


def draw_mountains(
    draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, pal: Palette
) -> None:
    """Draw jagged mountain ranges with snow caps, then a foreground meadow."""
    haze = rgb(pal.sky_bottom)
    snow = mix(rgb(pal.accent), (255, 255, 255), 0.6)
    for i, colour in enumerate(rgb(c) for c in pal.layers[:3]):
        base = h * (0.62 + 0.1 * i)
        x, points, peaks = -w * 0.1, [], []
        while x < w * 1.1:
            points.append((x, base))
            x += rng.uniform(0.08, 0.16) * w
            peak = (x, base - rng.uniform(0.18, 0.38) * h / (1 + i * 0.4))
            points.append(peak)
            peaks.append((points[-2], peak))
            x += rng.uniform(0.08, 0.16) * w
        points.append((x, base))
        draw.polygon(
            [*points, (w * 1.2, h), (-w * 0.2, h)], fill=mix(colour, haze, 0.35 * (2 - i) / 2)
        )
        if i == 0:
            for (lx, ly), (px, py) in peaks:
                rx = px + (px - lx)
                t = 0.28
                left = (px + (lx - px) * t, py + (ly - py) * t)
                right = (px + (rx - px) * t, py + (ly - py) * t)
                notch = (
                    px + rng.uniform(-0.3, 0.3) * (right[0] - left[0]),
                    left[1] - (left[1] - py) * 0.3,
                )
                draw.polygon([(px, py), right, notch, left], fill=snow)
    meadow = wavy_ridge(rng, w, h * 0.9, h * 0.03)
    draw.polygon([*meadow, (w, h), (0, h)], fill=rgb(pal.layers[-1]))


def draw_city(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, pal: Palette) -> None:
    """Draw two layers of skyline with lit windows and a street strip."""
    haze = rgb(pal.sky_bottom)
    window = rgb(pal.accent)
    for depth, colour in enumerate((rgb(pal.layers[1]), rgb(pal.layers[3]))):
        ground = h * (0.8 + 0.06 * depth)
        x = -rng.uniform(0, 60) * SUPERSAMPLE
        while x < w:
            bw = rng.uniform(0.05, 0.11) * w
            bh = rng.uniform(0.18, 0.48) * h * (1.15 - 0.25 * depth)
            top = ground - bh
            fill = mix(colour, haze, 0.35 if depth == 0 else 0.0)
            draw.rectangle((x, top, x + bw, h), fill=fill)
            roof = rng.random()
            if roof < 0.2:
                draw.polygon([(x, top), (x + bw / 2, top - bw * 0.35), (x + bw, top)], fill=fill)
            elif roof < 0.35:
                mast = x + bw / 2
                draw.line([(mast, top), (mast, top - bh * 0.25)], fill=fill, width=3 * SUPERSAMPLE)
            if depth == 1:
                draw_windows(draw, rng, (x, top, x + bw, ground), window, pal.night)
            x += bw + rng.uniform(0, 0.015) * w
    draw.rectangle((0, h * 0.93, w, h), fill=mix(rgb(pal.layers[3]), (0, 0, 0), 0.3))


def draw_windows(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    box: tuple[float, float, float, float],
    colour: RGB,
    night: bool,
) -> None:
    """Fill a building front with a grid of windows, some of them lit."""
    left, top, right, bottom = box
    cell = 14 * SUPERSAMPLE
    lit_share = 0.55 if night else 0.25
    y = top + cell
    while y + cell < bottom:
        x = left + cell * 0.6
        while x + cell * 0.6 < right - cell * 0.4:
            alpha = 230 if rng.random() < lit_share else 45
            draw.rectangle((x, y, x + cell * 0.55, y + cell * 0.7), fill=with_alpha(colour, alpha))
            x += cell
        y += cell * 1.3


def draw_sea(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    w: int,
    h: int,
    pal: Palette,
    sun: tuple[float, float] | None,
    lighthouse: bool = False,
) -> None:
    """Draw a sea with a horizon, sun glitter, wave strokes, a boat and maybe a lighthouse."""
    horizon = h * rng.uniform(0.55, 0.62)
    near, far = rgb(pal.layers[3]), mix(rgb(pal.layers[0]), rgb(pal.sky_bottom), 0.4)
    rows = 40
    for i in range(rows):
        y0 = horizon + (h - horizon) * i / rows
        draw.rectangle((0, y0, w, y0 + (h - horizon) / rows + 1), fill=mix(far, near, i / rows))
    glitter = rgb(pal.accent)
    sx = sun[0] if sun else w / 2
    for i in range(24):
        y = horizon + (h - horizon) * (i + 0.5) / 24
        half = rng.uniform(0.02, 0.09) * w * (1 - i / 40)
        draw.rectangle(
            (sx - half, y, sx + half, y + 3 * SUPERSAMPLE), fill=with_alpha(glitter, 120)
        )
    for _ in range(rng.randint(25, 45)):
        y = rng.uniform(horizon + 10, h)
        x = rng.uniform(0, w)
        span = (y - horizon) / (h - horizon) * 0.06 * w + 10
        draw.arc(
            (x - span, y - span * 0.3, x + span, y + span * 0.3),
            200,
            340,
            fill=with_alpha((255, 255, 255), 90),
            width=2 * SUPERSAMPLE,
        )
    draw_boat(draw, rng, w, horizon, mix(near, (0, 0, 0), 0.4), mix(glitter, (255, 255, 255), 0.5))
    if lighthouse:
        draw_lighthouse(draw, rng, w, h, horizon, pal)


def draw_boat(
    draw: ImageDraw.ImageDraw, rng: random.Random, w: int, horizon: float, hull: RGB, sail: RGB
) -> None:
    """Draw a little sailing boat near the horizon."""
    x = rng.uniform(0.15, 0.85) * w
    y = horizon + rng.uniform(0.03, 0.08) * w
    size = rng.uniform(0.04, 0.07) * w
    draw.polygon(
        [
            (x - size, y),
            (x + size, y),
            (x + size * 0.7, y + size * 0.3),
            (x - size * 0.7, y + size * 0.3),
        ],
        fill=hull,
    )
    draw.polygon(
        [(x, y - size * 1.5), (x, y - size * 0.05), (x + size * 0.85, y - size * 0.05)], fill=sail
    )
    draw.polygon(
        [
            (x - size * 0.08, y - size * 1.2),
            (x - size * 0.08, y - size * 0.05),
            (x - size * 0.7, y - size * 0.05),
        ],
        fill=sail,
    )


def draw_lighthouse(
    draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, horizon: float, pal: Palette
) -> None:
    """Draw a striped lighthouse with a beam, standing on a headland at one edge."""
    side = rng.choice((-1, 1))
    edge = 0 if side == 1 else w
    top = horizon - 0.07 * h
    land = rgb(pal.layers[2])
    draw.polygon(
        [
            (edge, h),
            (edge, top),
            (edge + side * 0.17 * w, top + 0.01 * h),
            (edge + side * 0.27 * w, horizon + 0.08 * h),
            (edge + side * 0.31 * w, h),
        ],
        fill=land,
    )
    cx, tall = edge + side * 0.09 * w, 0.32 * h
    base_half, top_half = 0.028 * w, 0.018 * w
    bands = 5
    for band in range(bands):
        y0, y1 = top - tall * band / bands, top - tall * (band + 1) / bands
        half0 = base_half + (top_half - base_half) * band / bands
        half1 = base_half + (top_half - base_half) * (band + 1) / bands
        colour = (245, 242, 235) if band % 2 == 0 else (192, 57, 43)
        draw.polygon(
            [(cx - half0, y0), (cx + half0, y0), (cx + half1, y1), (cx - half1, y1)], fill=colour
        )
    lamp_y = top - tall
    accent = rgb(pal.accent)
    draw.polygon(
        [
            (cx, lamp_y - 0.03 * h),
            (cx + side * 0.75 * w, lamp_y - 0.12 * h),
            (cx + side * 0.75 * w, lamp_y + 0.1 * h),
        ],
        fill=with_alpha(accent, 55),
    )
    draw.rectangle(
        (cx - top_half * 1.5, lamp_y - 0.004 * h, cx + top_half * 1.5, lamp_y), fill=(40, 40, 48)
    )
    draw.rectangle(
        (cx - top_half * 0.8, lamp_y - 0.05 * h, cx + top_half * 0.8, lamp_y - 0.004 * h),
        fill=accent,
    )
    draw.polygon(
        [
            (cx - top_half * 1.1, lamp_y - 0.05 * h),
            (cx + top_half * 1.1, lamp_y - 0.05 * h),
            (cx, lamp_y - 0.08 * h),
        ],
        fill=(40, 40, 48),
    )


def draw_abstract(
    draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, pal: Palette
) -> None:
    """Draw overlapping translucent circles, triangles, bars and rings."""
    white, accent = (255, 255, 255), rgb(pal.accent)
    colours = [
        accent,
        rgb(pal.sky_bottom),
        mix(rgb(pal.layers[0]), white, 0.2),
        mix(rgb(pal.layers[1]), accent, 0.4),
        mix(accent, white, 0.5),
    ]
    for _ in range(rng.randint(9, 15)):
        colour = rng.choice(colours)
        alpha = rng.randint(110, 210)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        size = rng.uniform(0.08, 0.3) * h
        shape = rng.choice(("circle", "triangle", "bar", "ring"))
        if shape == "circle":
            draw.ellipse(
                (cx - size, cy - size, cx + size, cy + size), fill=with_alpha(colour, alpha)
            )
        elif shape == "triangle":
            angle = rng.uniform(0, math.tau)
            pts = [
                (
                    cx + size * math.cos(angle + k * math.tau / 3),
                    cy + size * math.sin(angle + k * math.tau / 3),
                )
                for k in range(3)
            ]
            draw.polygon(pts, fill=with_alpha(colour, alpha))
        elif shape == "bar":
            draw.rounded_rectangle(
                (cx - size * 1.6, cy - size * 0.18, cx + size * 1.6, cy + size * 0.18),
                radius=size * 0.18,
                fill=with_alpha(colour, alpha),
            )
        else:
            draw.ellipse(
                (cx - size, cy - size, cx + size, cy + size),
                outline=with_alpha(colour, alpha),
                width=int(size * 0.15),
            )
    dot = with_alpha(rgb(pal.accent), 160)
    ox, oy = rng.choice(((0.06, 0.1), (0.78, 0.1), (0.06, 0.7), (0.78, 0.7)))
    for row in range(5):
        for col in range(8):
            x, y = w * ox + col * 0.02 * w, h * oy + row * 0.035 * h
            draw.ellipse(
                (
                    x - 4 * SUPERSAMPLE,
                    y - 4 * SUPERSAMPLE,
                    x + 4 * SUPERSAMPLE,
                    y + 4 * SUPERSAMPLE,
                ),
                fill=dot,
            )
    wave = wavy_ridge(rng, w, h * 0.85, h * 0.06)
    draw.polygon([*wave, (w, h), (0, h)], fill=with_alpha(rgb(pal.layers[-1]), 220))


def pick_scene(rng: random.Random, section: str, words: set[str]) -> str:
    """Choose a scene from file-name hints, else by the section's weights."""
    for word, scene in SCENE_HINTS:
        if word in words:
            return scene
    weights = SCENE_WEIGHTS.get(section, DEFAULT_SCENES)
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def draw_illustration(target: Target) -> Image.Image:
    """Paint one editorial illustration for a featured or inline image."""
    rng = seeded_rng(PurePosixPath(target.src).name)
    pal = rng.choice(PALETTES.get(target.section, DEFAULT_PALETTES))
    words = set(PurePosixPath(target.src).stem.split("-"))
    scene = pick_scene(rng, target.section, words)
    w, h = target.size[0] * SUPERSAMPLE, target.size[1] * SUPERSAMPLE

    image = vertical_gradient((w, h), rgb(pal.sky_top), rgb(pal.sky_bottom))
    draw = ImageDraw.Draw(image, "RGBA")
    if pal.night:
        draw_stars(draw, rng, w, h)
    sun = (
        draw_sun(draw, rng, w, h, rgb(pal.accent))
        if scene != "abstract" or rng.random() < 0.5
        else None
    )
    if scene != "abstract":
        draw_clouds(image, rng, mix(rgb(pal.sky_bottom), (255, 255, 255), 0.6))
    if scene in ("hills", "sea") and not pal.night and rng.random() < 0.6:
        draw_birds(draw, rng, w, h, mix(rgb(pal.sky_top), (0, 0, 0), 0.5))

    if scene == "hills":
        draw_hills(draw, rng, w, h, pal)
    elif scene == "mountains":
        draw_mountains(draw, rng, w, h, pal)
    elif scene == "city":
        draw_city(draw, rng, w, h, pal)
    elif scene == "sea":
        lighthouse = "lighthouse" in words or rng.random() < 0.35
        draw_sea(draw, rng, w, h, pal, sun, lighthouse)
    else:
        draw_abstract(draw, rng, w, h, pal)
    return image.resize(target.size, Image.Resampling.LANCZOS)


# ---------------------------------------------------------------------------
# Portraits
# ---------------------------------------------------------------------------


def initials(name: str) -> str:
    """Return up to two initials, e.g. 'Priya Natarajan' -> 'PN'."""
    words = [word for word in re.split(r"[\s\-]+", name) if word]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def load_font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Return Pillow's built-in font at ``size`` if supported, else the bitmap default."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ImportError, OSError, AttributeError):
        return ImageFont.load_default()


def text_stamp(text: str, height: int, colour: RGB) -> Image.Image:
    """Render ``text`` onto a transparent image roughly ``height`` pixels tall."""
    font = load_font(height)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    stamp = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(stamp).text((-left, -top), text, font=font, fill=(*colour, 255))
    if stamp.height < height * 0.6:  # bitmap fallback font: scale it up
        factor = height * 0.75 / stamp.height
        stamp = stamp.resize(
            (round(stamp.width * factor), round(stamp.height * factor)), Image.Resampling.BICUBIC
        )
    return stamp


def draw_portrait(target: Target) -> Image.Image:
    """Paint an abstract head-and-shoulders avatar with initials."""
    rng = seeded_rng(PurePosixPath(target.src).name)
    w, h = target.size[0] * SUPERSAMPLE, target.size[1] * SUPERSAMPLE
    background = rgb(rng.choice(AVATAR_BACKGROUNDS))
    skin, hair = rgb(rng.choice(SKIN_TONES)), rgb(rng.choice(HAIR_COLOURS))
    shirt = rgb(rng.choice(SHIRT_COLOURS))

    image = vertical_gradient(
        (w, h), mix(background, (255, 255, 255), 0.25), mix(background, (0, 0, 0), 0.12)
    )
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(rng.randint(3, 6)):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.08, 0.25) * w
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 40))

    head_cx, head_cy = w * 0.5, h * 0.39
    head_rx, head_ry = w * 0.16, h * 0.19
    style = rng.choice(("short", "long", "bun", "curly", "crop"))
    if style == "long":
        draw.rounded_rectangle(
            (
                head_cx - head_rx * 1.3,
                head_cy - head_ry * 1.15,
                head_cx + head_rx * 1.3,
                head_cy + head_ry * 1.6,
            ),
            radius=head_rx,
            fill=hair,
        )

    shade = mix(skin, (0, 0, 0), 0.12)
    draw.rectangle(
        (head_cx - w * 0.055, head_cy, head_cx + w * 0.055, h * 0.72), fill=shade
    )  # neck
    draw.ellipse((w * 0.14, h * 0.67, w * 0.86, h * 1.3), fill=shirt)  # shoulders
    draw.polygon(
        [(head_cx - w * 0.06, h * 0.67), (head_cx + w * 0.06, h * 0.67), (head_cx, h * 0.74)],
        fill=shade,
    )  # v-neck
    for side in (-1, 1):  # ears
        ex = head_cx + side * head_rx * 0.95
        draw.ellipse(
            (ex - w * 0.03, head_cy - h * 0.035, ex + w * 0.03, head_cy + h * 0.045), fill=shade
        )
    draw.ellipse(
        (head_cx - head_rx, head_cy - head_ry, head_cx + head_rx, head_cy + head_ry), fill=skin
    )

    cap = (
        head_cx - head_rx * 1.05,
        head_cy - head_ry * 1.1,
        head_cx + head_rx * 1.05,
        head_cy + head_ry * 0.5,
    )
    if style in ("short", "long", "bun"):
        draw.chord(cap, 180, 360, fill=hair)
    if style == "bun":
        r = head_rx * 0.45
        draw.ellipse(
            (head_cx - r, head_cy - head_ry * 1.25 - r, head_cx + r, head_cy - head_ry * 1.25 + r),
            fill=hair,
        )
    elif style == "curly":
        for k in range(11):
            angle = math.pi + math.pi * k / 10
            x = head_cx + head_rx * 0.95 * math.cos(angle)
            y = head_cy - head_ry * 0.15 + head_ry * 0.95 * math.sin(angle)
            r = head_rx * 0.3
            draw.ellipse((x - r, y - r, x + r, y + r), fill=hair)
    elif style == "crop":
        draw.chord(
            (
                cap[0] + head_rx * 0.05,
                cap[1] + head_ry * 0.05,
                cap[2] - head_rx * 0.05,
                cap[3] - head_ry * 0.2,
            ),
            190,
            350,
            fill=hair,
        )

    stamp = text_stamp(initials(target.label), int(h * 0.12), mix(background, (255, 255, 255), 0.7))
    image.paste(stamp, (int(head_cx - stamp.width / 2), int(h * 0.86 - stamp.height / 2)), stamp)
    return image.resize(target.size, Image.Resampling.LANCZOS)


# ---------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------


def save_jpeg(image: Image.Image, path: Path, max_bytes: int | None) -> None:
    """Save as JPEG, lowering quality step by step if over ``max_bytes``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    quality = JPEG_QUALITY
    while True:
        image.save(path, "JPEG", quality=quality, optimize=True)
        if max_bytes is None or path.stat().st_size <= max_bytes or quality <= MIN_JPEG_QUALITY:
            return
        quality -= 6


def has_size(path: Path, size: tuple[int, int]) -> bool:
    """True if ``path`` is a readable image of exactly ``size`` pixels."""
    try:
        with Image.open(path) as existing:
            return existing.size == size
    except (OSError, ValueError):
        return False


def draw_target(target: Target) -> Image.Image:
    """Dispatch to the right painter for a target."""
    if target.kind == "portrait":
        return draw_portrait(target)
    return draw_illustration(target)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(
        description="Draw the demo images referenced by articles.jsonl."
    )
    parser.add_argument(
        "outdir",
        nargs="?",
        type=Path,
        default=HERE / "images",
        help="output folder (default: images/ beside this script)",
    )
    parser.add_argument(
        "--articles",
        type=Path,
        default=HERE / "articles.jsonl",
        help="JSON Lines file to read (default: articles.jsonl beside this script)",
    )
    parser.add_argument(
        "--force", action="store_true", help="redraw images even if they already exist"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Draw all missing images and print a one-line summary."""
    args = parse_args(argv)
    if not args.articles.is_file():
        print(f"error: articles file not found: {args.articles}", file=sys.stderr)
        return 1
    drawn = kept = 0
    for target in collect_targets(args.articles):
        path = output_path(args.outdir, target.src)
        if not args.force and has_size(path, target.size):
            kept += 1
            continue
        budget = MAX_BYTES if target.kind != "portrait" else None
        save_jpeg(draw_target(target), path, budget)
        drawn += 1
    print(f"drew {drawn} images, kept {kept} in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
