"""The supports `apoyo load` posts: credential images drawn once, form data varied per support.

Drawing a credential and shooting it as a phone photo costs about 0.1-0.2 s of CPU; a load
generator that drew one per support would measure itself. So a few image sets are drawn at
the start and reused round robin, while each support carries another synthetic citizen's
form data and its own idempotency key. Identity still does its whole work on every support:
the typed data disagree with the card read, and its reuse check sees the same pictures again,
so the outcomes of a load run are not the outcomes of real captures.

The multipart body is also put together here, not by the HTTP client: the generator shares
the machine with the service it measures, and encoding 400 KB of files per request is work
stolen from it. Each image set's file parts are encoded once; a support's body is its data
part before them.
"""

import asyncio
import json
import uuid
from dataclasses import dataclass, field

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
    boundary: str = field(default_factory=lambda: uuid.uuid4().hex)
    _parts: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)

    def key(self, index: int) -> str:
        return f"load-{self.run_id}-{index}"

    def data(self, index: int) -> dict[str, object]:
        person = self.people[index % len(self.people)]
        aspirant = self.aspirants[index % len(self.aspirants)]
        return support_data(person, self.process_id, aspirant)

    def files(self, index: int) -> Files:
        return self.images[index % len(self.images)]

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def body(self, index: int) -> bytes:
        """The multipart body of `data(index)` and `files(index)`, as a client would send it."""
        data = json.dumps(self.data(index)).encode()
        head = self._head('name="data"') + data + b"\r\n"
        return head + self._file_parts(index % len(self.images))

    def _head(self, disposition: str, content_type: str | None = None) -> bytes:
        lines = [f"--{self.boundary}", f"Content-Disposition: form-data; {disposition}"]
        lines += [f"Content-Type: {content_type}"] if content_type else []
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _file_parts(self, which: int) -> bytes:
        if which not in self._parts:
            parts = [
                self._head(f'name="{name}"; filename="{filename}"', media) + content + b"\r\n"
                for name, (filename, content, media) in self.images[which].items()
            ]
            self._parts[which] = b"".join(parts) + f"--{self.boundary}--\r\n".encode()
        return self._parts[which]


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
