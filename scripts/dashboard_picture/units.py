"""Grafana's value formats for the units these dashboards use (short, ops, reqps, s, bytes,
percentunit): the same scaling steps and suffixes, about three significant digits."""

import math
from collections.abc import Callable

SHORT_STEPS = ["", " K", " Mil", " Bil", " Tri"]
BYTE_STEPS = [" B", " KiB", " MiB", " GiB", " TiB", " PiB"]
# seconds: below each bound, the divisor and suffix Grafana's toSeconds uses
TIME_STEPS = [
    (1e-6, 1e-9, " ns"), (1e-3, 1e-6, " µs"), (1, 1e-3, " ms"), (60, 1, " s"),
    (3600, 60, " min"), (86400, 3600, " hour"), (604800, 86400, " day"),
]  # fmt: skip


def number(value: float) -> str:
    """About three significant digits, trailing zeros dropped: 240, 12.3, 0.0421."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:.{min(decimals, 6)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scaled(value: float, factor: float, steps: list[str]) -> str:
    step = 0
    while abs(value) >= factor and step < len(steps) - 1:
        value /= factor
        step += 1
    return number(value) + steps[step]


def seconds(value: float) -> str:
    if value == 0:
        return "0 s"
    for bound, divisor, suffix in TIME_STEPS:
        if abs(value) < bound:
            return number(value / divisor) + suffix
    return number(value / 604800) + " week"


def counted(suffix: str) -> Callable[[float], str]:
    return lambda value: scaled(value, 1000, SHORT_STEPS) + suffix


FORMATS: dict[str, Callable[[float], str]] = {
    "short": counted(""),
    "none": number,
    "ops": counted(" ops/s"),
    "reqps": counted(" req/s"),
    "s": seconds,
    "ms": lambda value: seconds(value / 1000),
    "bytes": lambda value: scaled(value, 1024, BYTE_STEPS),
    "percentunit": lambda value: number(100 * value) + "%",
    "percent": lambda value: number(value) + "%",
}


def formatted(value: float | None, unit: str | None) -> str:
    """A value as Grafana shows it with `unit`; no value is a dash."""
    if value is None or math.isnan(value):
        return "–"
    return FORMATS.get(unit or "short", counted(f" {unit}"))(value)
