"""`apoyo load`: post supports to a capture URL at a target rate (or as fast as it answers)
for a duration or a count, and tally what the API answered.

The schedule is open: the i-th support is due at i / rate seconds, whatever the answers took,
up to `concurrency` requests in flight (when all of them wait, the schedule slips and the
report says by how much). Every request has a bounded timeout; a support answered 429, 503,
a timeout or a dropped connection is sent again with the same idempotency key (so a retry of
one that was stored gets the same support id), up to `retries` times.
"""

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from apoyo.load_http import Answer, Unreachable
from apoyo.load_supports import SupportMaker

RETRIED = {"429", "503", "timeout", "unreachable"}


@dataclass(frozen=True)
class Plan:
    rate: float = 0.0  # supports a second; 0: as fast as `concurrency` requests allow
    count: int | None = None
    duration_s: float | None = None
    concurrency: int = 16
    timeout_s: float = 10.0
    retries: int = 0

    def __post_init__(self) -> None:
        if self.count is None and self.duration_s is None:
            raise ValueError("a load needs a count or a duration")

    def due(self, index: int) -> float:
        """Seconds after the start at which the index-th support is sent."""
        return index / self.rate if self.rate > 0 else 0.0

    def wants(self, index: int, elapsed: float) -> bool:
        if self.count is not None and index >= self.count:
            return False
        if self.duration_s is None:
            return True
        return max(self.due(index), elapsed if self.rate <= 0 else 0.0) < self.duration_s


@dataclass
class Tally:
    """What the capture API answered: every attempt's status, the latency of each answer, and
    each acknowledged support's id with when it was acknowledged (seconds after the start)."""

    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    accepted: dict[str, float] = field(default_factory=dict)
    sent: int = 0
    slipped_s: float = 0.0  # the longest a support was sent after its due time
    elapsed_s: float = 0.0

    @property
    def accepted_rate(self) -> float:
        return len(self.accepted) / self.elapsed_s if self.elapsed_s else 0.0


class Sender(Protocol):
    async def post(
        self, path: str, headers: dict[str, str], content: bytes, within_s: float
    ) -> Answer:
        """The answer; TimeoutError after `within_s` seconds, Unreachable when none came."""
        ...


@dataclass(frozen=True)
class ViaHttpx:
    """An httpx client as a Sender (tests, other callers); `apoyo load` posts with LoadClient."""

    client: httpx.AsyncClient

    async def post(
        self, path: str, headers: dict[str, str], content: bytes, within_s: float
    ) -> Answer:
        try:
            answer = await self.client.post(
                path, headers=headers, content=content, timeout=within_s
            )
        except httpx.TimeoutException:
            raise TimeoutError from None
        except httpx.TransportError as error:
            raise Unreachable(type(error).__name__) from None
        return Answer(answer.status_code, answer.content)


@dataclass
class Poster:
    client: Sender
    maker: SupportMaker
    tokens: list[str]
    plan: Plan
    tally: Tally = field(default_factory=Tally)
    started: float = field(default_factory=time.monotonic)
    stop: asyncio.Event = field(default_factory=asyncio.Event)  # set: send nothing more

    async def post(self, index: int) -> None:
        token = self.tokens[index % len(self.tokens)]
        key, body = self.maker.key(index), self.maker.body(index)
        self.tally.sent += 1
        for attempt in range(self.plan.retries + 1):
            began = self._since(index) if attempt == 0 else time.monotonic()
            status, support_id = await self._attempt(token, key, body, began)
            if support_id is not None:
                self.tally.accepted[support_id] = time.monotonic() - self.started
            if status not in RETRIED or attempt == self.plan.retries:
                return
            await asyncio.sleep(min(5.0, 0.5 * 2**attempt))

    def _since(self, index: int) -> float:
        """When the first attempt's latency starts. At a rate, the support's due time: a
        support sent late because every connection was busy waited as a citizen would, and
        timing it from its send alone would hide that wait (coordinated omission)."""
        now = time.monotonic()
        return min(now, self.started + self.plan.due(index)) if self.plan.rate > 0 else now

    async def _attempt(
        self, token: str, key: str, body: bytes, began: float
    ) -> tuple[str, str | None]:
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": self.maker.content_type,
        }
        try:
            answer = await self.client.post("/v1/supports", headers, body, self.plan.timeout_s)
        except TimeoutError:
            self.tally.statuses["timeout"] += 1
            return "timeout", None
        except Unreachable:
            self.tally.statuses["unreachable"] += 1
            return "unreachable", None
        self.tally.latencies.append(time.monotonic() - began)
        self.tally.statuses[str(answer.status)] += 1
        if answer.status == 202:
            return "202", str(json.loads(answer.body)["support_id"])
        return str(answer.status), None

    async def worker(self, indices: "itertools.count[int]") -> None:
        for index in indices:
            if self.stop.is_set() or not self.plan.wants(index, time.monotonic() - self.started):
                return
            wait = self.plan.due(index) - (time.monotonic() - self.started)
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), wait)
                if self.stop.is_set():
                    return
            else:
                self.tally.slipped_s = max(self.tally.slipped_s, -wait)
            await self.post(index)


async def post_load(
    client: Sender | httpx.AsyncClient,
    maker: SupportMaker,
    tokens: list[str],
    plan: Plan,
    on_start: Callable[[Tally], None] | None = None,
    stop: asyncio.Event | None = None,
) -> Tally:
    """Post the plan's supports, or until `stop` is set; return the tally once the last
    answer (or timeout) is in."""
    sender = ViaHttpx(client) if isinstance(client, httpx.AsyncClient) else client
    poster = Poster(sender, maker, tokens, plan, stop=stop or asyncio.Event())
    if on_start is not None:
        on_start(poster.tally)
    indices = itertools.count()
    await asyncio.gather(*(poster.worker(indices) for _ in range(plan.concurrency)))
    poster.tally.elapsed_s = time.monotonic() - poster.started
    return poster.tally
