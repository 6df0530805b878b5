"""Giving some of one citizen's supports new verdicts (pure): a reviewer's decision, or the
same supports judged against a newer cut. The duplicates rule then places every support of
the citizen again; what changes is written, and only what changes for downstream (the status
or the reasons) is published, as a revision."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from apoyo_verification.duplicates import finals
from apoyo_verification.outcome import Outcome, revised
from apoyo_verification.recording import Changes, CitizenKey, citizen_of
from apoyo_verification.tally import add, moves


def _same_row(before: Outcome, after: Outcome) -> bool:
    return before == after and before.cut == after.cut and before.person == after.person


def rejudge(
    recorded: Sequence[Outcome],
    judged: Mapping[str, Outcome],
    now: datetime,
    announce: Collection[str] = (),
) -> Changes:
    """`judged` replaces some of `recorded` (one citizen's) with new verdicts, cells or cuts;
    the supports in `announce` are published again even if their outcome stays."""
    current = [judged.get(o.support_id, o) for o in recorded]
    final = finals(current)
    changes = Changes()
    for before, after in zip(recorded, current, strict=True):
        sid = before.support_id
        if before.final != final[sid] or sid in announce:
            after = revised(after, final[sid], now)
            changes.events.append(after)
        elif _same_row(before, after):
            continue
        changes.updated[sid] = after
    changes.moves = moves(recorded, [changes.updated.get(o.support_id, o) for o in recorded])
    return changes


def rejudge_people(
    held: Iterable[Outcome],
    judged: Mapping[str, Outcome],
    now: datetime,
    announce: Collection[str] = (),
) -> Changes:
    """`rejudge` across several people, when a new judgement may also move a support to
    another person (the record found in a newer cut is not the one found before, or one is
    found now): every held support is placed among the people it belongs to after, and each
    of those people is judged again, the one it left included. `held` must hold every
    support of the people before and after (their locks taken)."""
    people: dict[CitizenKey, list[Outcome]] = {}
    for outcome in held:
        after = judged.get(outcome.support_id, outcome)
        people.setdefault(citizen_of(after), []).append(outcome)
    total = Changes()
    for recorded in people.values():
        one = rejudge(recorded, judged, now, announce)
        total.updated |= one.updated
        total.events += one.events
        add(total.moves, one.moves)
    return total
