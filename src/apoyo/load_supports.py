"""The supports `apoyo load` posts: credential images drawn once, form data varied per support.

Drawing a credential and shooting it as a phone photo costs about 0.1-0.2 s of CPU; a load
generator that drew one per support would measure itself. So a few image sets are drawn at
the start and reused round robin, while each support carries another synthetic citizen's
form data and its own idempotency key. Identity still does its whole work on every support:
the typed data disagree with the card read, and its reuse check sees the same pictures again,
so the outcomes of a load run are not the outcomes of real captures.
"""

import asyncio
from dataclasses import dataclass

from apoyo.client import support_data, support_files
from apoyo.synthetic.people import Citizen, make_citizens

Files = dict[str, tuple[str, bytes, str]]


@dataclass(frozen=True)
class SupportMaker:
    process_id: str
    aspirants: tuple[str, ...]
    people: list[Citizen]
    images: list[Files]
    run_id: str

    def key(self, index: int) -> str:
        return f"load-{self.run_id}-{index}"

    def data(self, index: int) -> dict[str, object]:
        person = self.people[index % len(self.people)]
        aspirant = self.aspirants[index % len(self.aspirants)]
        return support_data(person, self.process_id, aspirant)

    def files(self, index: int) -> Files:
        return self.images[index % len(self.images)]


async def make_supports(
    process_id: str,
    aspirants: tuple[str, ...],
    *,
    people: int,
    images: int,
    seed: int,
    run_id: str,
) -> SupportMaker:
    """Citizens for the form data and `images` sets of card photos, drawn off the event loop."""
    citizens = make_citizens(people, seed=seed)
    drawn = [
        await asyncio.to_thread(support_files, citizens[i % people], seed + 2 * i)
        for i in range(images)
    ]
    return SupportMaker(process_id, aspirants, citizens, drawn, run_id)
