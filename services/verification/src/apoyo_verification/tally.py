"""The aggregates of outcomes: supports per process, aspirant, status and cell (pure).

A support is counted under its *published* status, so a revision (a counted support that a
late, earlier one turns into a duplicate) moves one count from a key to another. What a batch
of outcomes changes is summed into moves, written once per batch, in the transaction that
records the outcomes: the aggregates always equal a recount of the outcomes.
"""

from collections import Counter
from collections.abc import Iterable

from apoyo_verification.geography import NO_CELL
from apoyo_verification.outcome import Outcome

TallyKey = tuple[str, str, str, str]  # process_id, aspirant_id, status, cell
Moves = dict[TallyKey, int]


def key_of(outcome: Outcome) -> TallyKey:
    out = outcome.published
    return out.process_id, out.aspirant_id, out.status.value, outcome.cell or NO_CELL


def moves(before: Iterable[Outcome], after: Iterable[Outcome]) -> Moves:
    """What replacing `before` by `after` changes in the counts; zeros left out."""
    delta: Counter[TallyKey] = Counter()
    for outcome in before:
        delta[key_of(outcome)] -= 1
    for outcome in after:
        delta[key_of(outcome)] += 1
    return {key: n for key, n in delta.items() if n}


def add(total: Moves, more: Moves) -> None:
    for key, n in more.items():
        total[key] = total.get(key, 0) + n
        if not total[key]:
            del total[key]


def recount(outcomes: Iterable[Outcome]) -> Moves:
    """The aggregates from scratch: what the maintained ones must equal."""
    return moves((), outcomes)
