"""Building blocks of the synthetic phone photos: backgrounds, card placement, light, sensor.

Images are uint8 RGB arrays (OpenCV's saturating uint8 arithmetic is several times faster than
float32 at these sizes); light effects are float32 per-pixel maps. Randomness comes from the
caller's `random.Random` (geometry, choices) and `numpy.random.Generator` (pixel noise), so
one seed always gives the same bytes.
"""

import math
import random
from typing import TypeVar

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Quad = npt.NDArray[np.float32]
Gain = npt.NDArray[np.float32]  # per-pixel multiplier of the light, height × width
Pixel = TypeVar("Pixel", np.uint8, np.int16, np.float32)

_SURFACES = ((120, 84, 56), (150, 150, 146), (60, 60, 66), (214, 210, 200), (70, 90, 120))


def decode(data: bytes) -> Image:
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError("not a PNG or JPEG image")
    return u8(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def u8(image: cv2.typing.MatLike) -> Image:
    """OpenCV's result typed as what it is (no copy when it already is uint8)."""
    return np.asarray(image, np.uint8)


def f32(image: cv2.typing.MatLike) -> Gain:
    return np.asarray(image, np.float32)


def to_jpeg(image: Image, quality: int) -> bytes:
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(data)


def three(channel: npt.NDArray[Pixel]) -> npt.NDArray[Pixel]:
    """A one-channel map repeated on R, G and B, for OpenCV's per-element arithmetic."""
    merged: npt.NDArray[Pixel] = np.asarray(cv2.merge([channel] * 3), channel.dtype)
    return merged


def _smooth_noise(rng: np.random.Generator, size: tuple[int, int], cells: int) -> Gain:
    """Low-frequency noise in about -1..1: a coarse random grid upsampled smoothly."""
    width, height = size
    coarse = rng.standard_normal((cells, cells * width // height + 1), dtype=np.float32)
    return f32(cv2.resize(coarse, size, interpolation=cv2.INTER_CUBIC))


def _paper(image: Image, r: random.Random, size: tuple[int, int]) -> None:
    """A receipt or sheet with text-like lines: clutter that tempts text detectors."""
    width, height = size
    centre = np.array([r.uniform(0, width), r.uniform(0, height)])
    pw, ph, theta = r.uniform(75, 210), r.uniform(100, 260), r.uniform(0, math.pi)
    u = np.array([math.cos(theta), math.sin(theta)])
    v = np.array([-u[1], u[0]])
    corners = [
        centre + a * u * pw / 2 + b * v * ph / 2 for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]
    shade = r.randint(215, 245)
    cv2.fillPoly(image, [np.array(corners, np.int32)], (shade, shade, shade - 6))
    for row in np.arange(-ph / 2 + 10, ph / 2 - 10, r.uniform(7, 11)):
        x = -pw / 2 + 8
        while x < pw / 2 - 20:
            length = r.uniform(5, 30)
            a, b = centre + u * x + v * row, centre + u * (x + length) + v * row
            cv2.line(
                image, tuple(a.astype(int)), tuple(b.astype(int)), (70, 70, 80), 1, cv2.LINE_AA
            )
            x += length + r.uniform(3, 7)


def desk(r: random.Random, rng: np.random.Generator, size: tuple[int, int]) -> Image:
    """A table surface (wood grain or cloth) with papers, a pen and coins lying on it.

    Drawn at half size and enlarged: the background is out of focus in a photo of a card
    anyway, and this quarters the cost."""
    width, height = size[0] // 2, size[1] // 2
    base = np.array(r.choice(_SURFACES), np.float32)
    low = _smooth_noise(rng, (width, height), 4)
    grain = np.sin(np.arange(height, dtype=np.float32)[:, None] / r.uniform(1.5, 4.5) + 6 * low)
    fine = rng.standard_normal((height, width), dtype=np.float32)
    shade = 1 + 0.12 * low + 0.05 * grain + 0.03 * fine
    image = np.clip(base * shade[..., None], 0, 255).astype(np.uint8)
    for _ in range(r.randint(1, 3)):
        _paper(image, r, (width, height))
    for _ in range(r.randint(0, 3)):
        colour = tuple(r.randint(20, 200) for _ in range(3))
        centre = (r.randrange(width), r.randrange(height))
        cv2.circle(image, centre, r.randrange(9, 20), colour, -1, cv2.LINE_AA)
    a = (r.randrange(width), r.randrange(height))
    b = (a[0] + r.randrange(-200, 200), a[1] + r.randrange(-150, 150))
    cv2.line(
        image, a, b, (r.randint(10, 60), r.randint(10, 60), r.randint(60, 160)), 7, cv2.LINE_AA
    )
    return u8(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR))


def card_quad(
    r: random.Random,
    canvas: tuple[int, int],
    card: tuple[int, int],
    scale: float,
    angle: float,
    perspective: float,
) -> Quad:
    """Where the card's corners (TL, TR, BR, BL) land: scaled, skewed, rotated, in frame."""
    w, h = card[0] * scale, card[1] * scale
    quad = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
    quad += np.array([[r.uniform(-1, 1) * perspective * w for _ in range(2)] for _ in range(4)])
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    quad = quad @ np.array([[cos, sin], [-sin, cos]])
    margin, size = 12, np.array(canvas, np.float64)
    fit = min(1.0, *((size - 2 * margin) / (quad.max(0) - quad.min(0))))
    quad *= fit  # shrink if the tilt would leave the frame
    low, high = margin - quad.min(0), size - margin - quad.max(0)
    centre = np.array([r.uniform(low[0], high[0]), r.uniform(low[1], high[1])])
    return f32(quad + centre)


def rounded_alpha(size: tuple[int, int]) -> Gain:
    """Opacity of an ID-1 card: 1 inside, 0 outside its 3.18 mm rounded corners."""
    width, height = size
    radius = round(width * 3.18 / 85.6)
    alpha = np.zeros((height, width), np.uint8)
    cv2.rectangle(alpha, (radius, 0), (width - radius, height), 255, -1)
    cv2.rectangle(alpha, (0, radius), (width, height - radius), 255, -1)
    for x in (radius, width - radius - 1):
        for y in (radius, height - radius - 1):
            cv2.circle(alpha, (x, y), radius, 255, -1, cv2.LINE_AA)
    return f32(alpha / np.float32(255))


def place(background: Image, card: Image, quad: Quad, shadow: float) -> Image:
    """The card warped onto `quad` over the background, with a soft drop shadow."""
    alpha = rounded_alpha((card.shape[1], card.shape[0]))
    scale = float(np.linalg.norm(quad[1] - quad[0])) / card.shape[1]
    if scale < 0.9:  # a bilinear warp alone would alias fine print and QR modules
        card = u8(cv2.resize(card, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        alpha = f32(cv2.resize(alpha, card.shape[1::-1], interpolation=cv2.INTER_AREA))
    height, width = card.shape[:2]
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)
    matrix = cv2.getPerspectiveTransform(source, quad)
    size = (background.shape[1], background.shape[0])
    warped = cv2.warpPerspective(card, matrix, size, flags=cv2.INTER_LINEAR)
    alpha = f32(cv2.warpPerspective(alpha, matrix, size, flags=cv2.INTER_LINEAR))
    under = 1 - alpha
    if shadow:  # at a quarter of the size: it is only a blur of the card's outline
        small = cv2.resize(alpha, (size[0] // 4, size[1] // 4), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(np.roll(small, (2, 2), (0, 1)), (0, 0), 2)
        under *= 1 - shadow * f32(cv2.resize(small, size, interpolation=cv2.INTER_LINEAR))
    return u8(cv2.blendLinear(warped, background, alpha, under))


def light_gradient(size: tuple[int, int], r: random.Random, strength: float) -> Gain:
    """Uneven light: brightness falls off linearly across the frame in a random direction."""
    theta = r.uniform(0, 2 * math.pi)
    x = np.linspace(-0.5, 0.5, size[0], dtype=np.float32)[None, :] * math.cos(theta)
    y = np.linspace(-0.5, 0.5, size[1], dtype=np.float32)[:, None] * math.sin(theta)
    return (1 + strength * (x + y)).astype(np.float32)


def cast_shadow(size: tuple[int, int], r: random.Random) -> Gain:
    """The soft shadow of the phone or a hand across part of the frame."""
    width, height = size[0] // 4, size[1] // 4
    small = np.zeros((height, width), np.float32)
    x0 = r.uniform(0, width)
    polygon = [(x0, 0), (x0 + r.uniform(40, 120), 0), (r.uniform(0, width), height), (0, height)]
    cv2.fillPoly(small, [np.array(polygon, np.int32)], 1.0)
    soft = f32(cv2.resize(cv2.GaussianBlur(small, (0, 0), 6), size))
    return (1 - r.uniform(0.3, 0.5) * soft).astype(np.float32)


def lighten(image: Image, gain: Gain) -> Image:
    """Multiply the light by `gain` (0..2), in 1/128 steps to stay in uint8 arithmetic."""
    steps = np.clip(gain * 128, 0, 255).astype(np.uint8)
    return u8(cv2.multiply(image, three(steps), scale=1 / 128))


def glare(image: Image, r: random.Random, quad: Quad) -> Image:
    """A specular highlight on the laminate, somewhere on the card."""
    height, width = image.shape[:2]
    cx, cy = quad.mean(0) + (quad[r.randrange(4)] - quad.mean(0)) * r.uniform(0, 0.8)
    sigma = r.uniform(25, 55)
    gx = np.exp(-(((np.arange(width) - cx) / sigma) ** 2) / 2)
    gy = np.exp(-(((np.arange(height) - cy) / (sigma * 0.7)) ** 2) / 2)
    spot = (r.uniform(100, 180) * np.outer(gy, gx)).astype(np.uint8)
    return u8(cv2.add(image, three(spot)))


def sensor(image: Image, rng: np.random.Generator, blur: float, noise: float) -> Image:
    """Lens blur, then luminance noise of about `noise` standard deviation (0..255 units).

    The noise is drawn at half size and enlarged: phone grain is correlated over a couple of
    pixels after demosaicing and denoising, and this is four times cheaper."""
    if blur >= 4:  # a wide blur loses nothing when done on a smaller copy, and is faster
        size, factor = (image.shape[1], image.shape[0]), int(blur // 2)
        small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
        image = u8(cv2.resize(cv2.GaussianBlur(small, (0, 0), blur / factor), size))
    elif blur:
        image = u8(cv2.GaussianBlur(image, (0, 0), blur))
    if noise:
        height, width = image.shape[:2]
        grain = rng.standard_normal(((height + 1) // 2, (width + 1) // 2), dtype=np.float32)
        grain = f32(
            cv2.resize(grain * noise * 1.6, (width, height), interpolation=cv2.INTER_LINEAR)
        )
        image = u8(cv2.add(image, three(np.rint(grain).astype(np.int16)), dtype=cv2.CV_8U))
    return image
