"""Evidence-check calibration: how often each flag fires on good pictures and on bad ones.

A benchmark, not a test. It draws labelled synthetic pictures with seeds the thresholds were
not tuned on, runs the checks of `apoyo_identity.vision.evidence` and prints, per flag, the
false-alarm rate on good pictures and the catch rate on the bad pictures that flag is for:

- good: phone photos of fronts and backs at levels 0-2 (`phone_photo`); level 3, the hardest
  photos the MRZ reader is tested on, is printed on its own row, not counted as good;
- bad: `photocopy`, `screen_photo`, `blurry`, `too_small`, black-and-white phone photos with a
  white-balance cast and colour noise, fronts sent as backs, swapped sides, one picture sent
  for both sides, pictures with no face sent as the selfie;
- reuse: the same picture re-encoded, resized, brightened or gamma-shifted against pictures
  of different cards of the same model (flatbed scans share their whole layout).

    .venv/bin/python benchmarks/evidence.py [--count 60] [--seed 7000]
        [--sections pictures,supports,reuse,faces] [--portraits PHOTO ...]

`--portraits` (with the faces section): photos of real faces, each pasted into desk frames
with its face at shares of the frame's shorter side, to tell how small a face the selfie's
face search still finds (the project ships no picture of a real face).

Takes about three minutes with the default count on one core (nine with --count 150).
"""

import argparse
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back, front
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import desk
from apoyo_identity.analysis import analyse_support
from apoyo_identity.domain import support_flags
from apoyo_identity.reuse import REUSE_DISTANCE, coarse, fine, hamming
from apoyo_identity.vision import evidence, faces
from apoyo_identity.vision.phash import perceptual_hash

Image = NDArray[np.uint8]
CHECKS: dict[str, Callable[[Image], bool]] = {
    "GRAYSCALE": evidence.looks_grayscale,
    "PHOTOCOPY": evidence.looks_photocopy,
    "SCREEN_PHOTO": evidence.looks_screen,
    "BLURRY": evidence.is_blurry,
    "TOO_SMALL": evidence.is_too_small,
}


def u8(image: cv2.typing.MatLike | None) -> Image:
    return np.asarray(image, np.uint8)


def decode(data: bytes) -> Image:
    return u8(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))


def jpeg(image: Image, quality: int) -> Image:
    return decode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes())


def cards(count: int, seed: int) -> Iterator[tuple[int, bytes, bytes]]:
    for i, person in enumerate(make_citizens(count, seed)):
        yield i, front(person), back(person)


def black_and_white(photo: Image, r: random.Random) -> Image:
    """A phone's black-and-white mode: grey, then a white-balance cast and colour noise."""
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY).astype(np.float32)
    cast = np.array([r.uniform(0.85, 1.0), r.uniform(0.93, 1.0), r.uniform(0.95, 1.05)])
    noise = np.random.default_rng(r.randrange(1 << 32)).normal(0, 3, (*gray.shape, 3))
    return jpeg(np.clip(gray[..., None] * cast + noise, 0, 255).astype(np.uint8), 80)


def picture_sets(count: int, seed: int) -> dict[str, list[Image]]:
    r = random.Random(seed)  # noqa: S311 - synthetic pictures
    sets: dict[str, list[Image]] = {f"good L{level}": [] for level in range(3)}
    for i, f, b in cards(count, seed):
        card = f if i % 2 else b
        level = i % 3
        sets[f"good L{level}"].append(decode(photos.phone_photo(card, level, i)))
        sets.setdefault("hard L3", []).append(decode(photos.phone_photo(card, 3, i)))
        for name in ("photocopy", "screen_photo", "blurry", "too_small"):
            make = getattr(photos, name)
            sets.setdefault(name, []).append(decode(make(card, seed + i)))
        photo = decode(photos.phone_photo(card, i % 3, i + 1))
        sets.setdefault("black_and_white", []).append(black_and_white(photo, r))
    return sets


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / max(total, 1):.0f}%)"


def image_table(sets: dict[str, list[Image]]) -> None:
    good = [i for name, images in sets.items() if name.startswith("good") for i in images]
    sets = {"good, levels 0-2": good} | sets
    print("| pictures | n | " + " | ".join(CHECKS) + " |")
    print("|---|---|" + "---|" * len(CHECKS))
    for name, images in sets.items():
        cells = [rate(sum(check(i) for i in images), len(images)) for check in CHECKS.values()]
        print(f"| {name} | {len(images)} | " + " | ".join(cells) + " |")


def service_flags(front_side: Image, back_side: Image | None) -> tuple[str, ...]:
    sent = {"credential_front": front_side, "credential_back": back_side}
    images = {k: cv2.imencode(".png", v)[1].tobytes() for k, v in sent.items() if v is not None}
    return support_flags(analyse_support(images), reused=False)


def support_table(count: int, seed: int) -> None:
    """Every flag on whole supports (front, back), raised as the identity service does."""
    rows: dict[str, list[list[str]]] = {}
    for i, f, b in cards(count, seed):
        level = i % 3
        front_photo = decode(photos.phone_photo(f, level, i))
        back_photo = decode(photos.phone_photo(b, level, i + 1))
        resent = u8(cv2.resize(jpeg(front_photo, 70), None, fx=0.9, fy=0.9))
        cases = {
            "good, levels 0-2": (front_photo, back_photo),
            "hard, level 3": (
                decode(photos.phone_photo(f, 3, i)),
                decode(photos.phone_photo(b, 3, i + 1)),
            ),
            "swapped (back, front)": (back_photo, front_photo),
            "front sent as both": (front_photo, resent),
            "back missing": (front_photo, None),
        }
        for name, (one, other) in cases.items():
            rows.setdefault(name, []).append(list(service_flags(one, other)))
    codes = ("NO_MRZ", "SIDES_SWAPPED", "ONLY_ONE_SIDE")
    print("| support | n | " + " | ".join(codes) + " | any flag | other flags |")
    print("|---|---|" + "---|" * (len(codes) + 2))
    for name, found in rows.items():
        cells = [rate(sum(c in x for x in found), len(found)) for c in codes]
        cells.append(rate(sum(bool(x) for x in found), len(found)))
        others = Counter(c for x in found for c in x if c not in codes)
        cells.append(", ".join(f"{c} {n}" for c, n in others.most_common()) or "-")
        print(f"| {name} | {len(found)} | " + " | ".join(cells) + " |")


def variants(image: Image, r: random.Random) -> dict[str, Image]:
    h, w = image.shape[:2]
    gamma = r.uniform(0.8, 1.25)
    lut = np.array([255 * (v / 255) ** gamma for v in range(256)], np.uint8)
    scale = r.choice((r.uniform(0.5, 0.9), r.uniform(1.1, 1.5)))
    return {
        "re-encoded q35-90": jpeg(image, r.randrange(35, 91)),
        "resized x0.5-1.5": u8(cv2.resize(image, (round(w * scale), round(h * scale)))),
        "brightness/contrast": u8(
            cv2.convertScaleAbs(image, alpha=r.uniform(0.8, 1.2), beta=r.uniform(-25, 25))
        ),
        "gamma 0.8-1.25": u8(cv2.LUT(image, lut)),
        "all of these": jpeg(u8(cv2.LUT(cv2.resize(image, None, fx=0.8, fy=0.8), lut)), 60),
        "cropped 2% (not required)": image[h // 50 : h - h // 50, w // 50 : w - w // 50],
    }


def reuse_table(count: int, seed: int) -> None:
    r = random.Random(seed)  # noqa: S311 - synthetic pictures
    same: dict[str, list[tuple[int, int]]] = {}
    different: dict[str, list[tuple[int, int]]] = {}
    for level, side in itertools.product((0, 1, 2), ("front", "back")):
        hashes = []
        for i, f, b in cards(count // 3, seed + 100 * level):
            image = decode(photos.phone_photo(f if side == "front" else b, level, i))
            hashes.append(service_hash(image))
            for name, copy in variants(image, r).items():
                same.setdefault(name, []).append(distances(hashes[-1], service_hash(copy)))
        key = f"different cards, {side}s L{level}"
        different[key] = [distances(a, b) for a, b in itertools.combinations(hashes, 2)]
    print(
        f"| pairs | n | coarse median | coarse range | fine median | fine range | "
        f"coarse half alone <= {REUSE_DISTANCE} | both halves <= {REUSE_DISTANCE} (the rule) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, pairs in (same | different | same_layout(count, seed)).items():
        c, fi = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        alone = rate(int(np.sum(c <= REUSE_DISTANCE)), len(pairs))
        both = rate(int(np.sum((c <= REUSE_DISTANCE) & (fi <= REUSE_DISTANCE))), len(pairs))
        print(
            f"| {name} | {len(pairs)} | {np.median(c):.0f} | {c.min()}-{c.max()} | "
            f"{np.median(fi):.0f} | {fi.min()}-{fi.max()} | {alone} | {both} |"
        )


def same_layout(count: int, seed: int) -> dict[str, list[tuple[int, int]]]:
    """Different cards placed exactly alike: the card images as rendered, and flatbed scans
    with one placement (a template, or a scanner with a guide), the hardest case for a hash."""
    found: dict[str, list[tuple[int, int]]] = {}
    makers: tuple[tuple[str, Callable[[bytes], Image]], ...] = (
        ("as rendered", decode),
        ("scanned alike", lambda card: decode(photos.phone_photo(card, 0, seed))),
    )
    cards_of = list(cards(count, seed + 7))
    for side in ("front", "back"):
        for kind, make in makers:
            hashes = [service_hash(make(f if side == "front" else b)) for _, f, b in cards_of]
            pairs = [distances(a, b) for a, b in itertools.combinations(hashes, 2)]
            found[f"different cards, {side}s {kind}"] = pairs
    return found


def service_hash(image: Image) -> int:
    """The hash as the identity service takes it: of the evidence checks' working copy."""
    return perceptual_hash(evidence.views(image).work)


def distances(a: int, b: int) -> tuple[int, int]:
    return hamming(coarse(a), coarse(b)), hamming(fine(a), fine(b))


def face_table(count: int, seed: int) -> None:
    r = random.Random(seed)  # noqa: S311 - synthetic pictures
    rng = np.random.default_rng(seed)
    sets: dict[str, list[Image]] = {"card back photo": [], "desk, no one": [], "plain wall": []}
    sets["card front photo (drawn portrait)"] = []
    for i, f, b in cards(count // 4, seed):
        sets["card back photo"].append(decode(photos.phone_photo(b, 1, i)))
        sets["card front photo (drawn portrait)"].append(decode(photos.phone_photo(f, 1, i)))
        sets["desk, no one"].append(u8(cv2.cvtColor(desk(r, rng, (960, 1280)), cv2.COLOR_RGB2BGR)))
        wall = np.full((1280, 960, 3), r.randrange(60, 230), np.uint8)
        sets["plain wall"].append(
            jpeg(u8(cv2.add(wall, rng.integers(0, 12, wall.shape, np.uint8))), 80)
        )
    print("| selfie without a real face | n | NO_FACE |")
    print("|---|---|---|")
    for name, images in sets.items():
        caught = sum(not faces.has_face(i) for i in images)
        print(f"| {name} | {len(images)} | {rate(caught, len(images))} |")


SHARES = (0.14, 0.17, 0.2, 0.23, 0.26, 0.3, 0.4, 0.5, 0.6)


def portrait_table(paths: list[str], seed: int) -> None:
    """Each portrait's face pasted into desk frames (landscape and portrait, 3 of each) at
    shares of the frame's shorter side: how many the search finds, and without its bound."""
    r = random.Random(seed)  # noqa: S311 - synthetic pictures
    print("| face / shorter side | " + " | ".join(f"{s:.2f}" for s in SHARES) + " |")
    print("|---|" + "---|" * len(SHARES))
    rows: dict[str, list[list[bool]]] = {"found": [], "found, no least face": []}
    for share in SHARES:
        found: list[list[bool]] = [[], []]
        for path, frame, _ in itertools.product(paths, ((1280, 960), (960, 1280)), range(3)):
            work = evidence.views(pasted(u8(cv2.imread(path)), frame, share, r)).work
            found[0].append(faces.has_face(work))
            found[1].append(faces.has_face(work, smallest=0))
        rows["found"].append(found[0])
        rows["found, no least face"].append(found[1])
    for name, columns in rows.items():
        print(f"| {name} | " + " | ".join(rate(sum(c), len(c)) for c in columns) + " |")


def pasted(portrait: Image, frame: tuple[int, int], share: float, r: random.Random) -> Image:
    """The portrait scaled so its face is `share` of the frame's shorter side, on a desk."""
    x, y, side = face_box(portrait)
    k = share * min(frame) / side
    scaled = u8(cv2.resize(portrait, None, fx=k, fy=k, interpolation=cv2.INTER_AREA))
    canvas = u8(cv2.cvtColor(desk(r, np.random.default_rng(r.randrange(1 << 32)), frame), 4))
    half = share * min(frame) / 2
    left = round(r.uniform(half, frame[0] - half) - (x + side / 2) * k)
    top = round(r.uniform(half, frame[1] - half) - (y + side / 2) * k)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + scaled.shape[1], frame[0]), min(top + scaled.shape[0], frame[1])
    canvas[y0:y1, x0:x1] = scaled[y0 - top : y1 - top, x0 - left : x1 - left]
    return jpeg(canvas, 85)


def face_box(portrait: Image) -> tuple[float, float, float]:
    """The mean of the windows the cascade accepts (x, y, side), in the portrait's pixels."""
    gray = u8(cv2.cvtColor(portrait, cv2.COLOR_BGR2GRAY))
    k = faces.WORKING_SIDE / max(gray.shape)
    found = faces.detections(u8(cv2.resize(gray, None, fx=k, fy=k)), faces.cascade())
    if not len(found):
        raise SystemExit("no face found in a portrait")
    x, y, side, _ = found.mean(0) / k
    return float(x), float(y), float(side)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=60, help="pictures per set")
    parser.add_argument("--seed", type=int, default=7000)
    parser.add_argument("--sections", default="pictures,supports,reuse,faces")
    parser.add_argument("--portraits", nargs="*", default=[], help="photos of real faces")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    sections = args.sections.split(",")
    if "pictures" in sections:
        print("## Per picture\n")
        image_table(picture_sets(args.count, args.seed))
    if "supports" in sections:
        print("\n## Per support (front, back)\n")
        support_table(args.count, args.seed + 1)
    if "reuse" in sections:
        print("\n## Reuse (perceptual hash)\n")
        reuse_table(args.count, args.seed + 2)
    if "faces" in sections:
        print("\n## Faces\n")
        face_table(args.count, args.seed + 3)
        if args.portraits:
            print("\n## Faces found, by size (real faces pasted into desk frames)\n")
            portrait_table(args.portraits, args.seed + 4)


if __name__ == "__main__":
    main()
