"""INE's sampling rule (pure): a random sample of an aspirant's counted supports goes to the
desk; if 10 % or more of it has problems once every sampled support is decided, every counted
support of the aspirant goes to the desk."""

import random
from collections.abc import Sequence

from apoyo_verification.desk.ports import Sample

# 384 is the classic size for a proportion at 95 % confidence within ±5 points, whatever the
# number of supports; an aspirant with fewer counted supports has all of them drawn.
DEFAULT_SIZE = 384
PROBLEM_SHARE = 10  # percent


def draw(counted: Sequence[str], size: int, seed: int) -> list[str]:
    """The sampled support ids: the same ids and seed always draw the same sample."""
    population = sorted(counted)
    # Reproducible on purpose, so that an auditor can repeat the draw; the seed itself comes
    # from `secrets` unless the reviewer gives one (desk/service.py).
    chooser = random.Random(seed)  # noqa: S311
    return sorted(chooser.sample(population, min(size, len(population))))


def complete(sample: Sample) -> bool:
    return sample.drawn > 0 and sample.decided >= sample.drawn


def needs_full_review(sample: Sample) -> bool:
    """Every sampled support decided, and at least 10 % of them were problems."""
    return complete(sample) and sample.problems * 100 >= PROBLEM_SHARE * sample.drawn
