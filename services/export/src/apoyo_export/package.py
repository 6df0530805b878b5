"""Writing a package: records streamed in reception order, each support's certificate and
images added to the zip as they come, the tables kept in temporary files until the end.

Memory holds one support (and its images) at a time, whatever the size of the package.
"""

import tempfile
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.signing import canonical_json, public_pem
from apoyo_common.storage import ObjectNotFound
from apoyo_export import manifest as m
from apoyo_export.records import (
    GENESIS,
    Support,
    certificate_path,
    chained,
    counts,
    evidence_path,
    record_of,
)
from apoyo_export.summary import Basis, Tally, summary_json
from apoyo_export.tables import HEARING_HEADER, SUPPORTS_HEADER, csv_line, hearing_row, supports_row
from apoyo_export.zipsink import Sink, Written, ZipSink

Read = Callable[[str], Awaitable[bytes]]


class EvidenceMismatch(ValueError):
    """An image in object storage is not the one capture hashed: the package would lie."""


@dataclass
class Built:
    tally: Tally
    chain_head: str = GENESIS

    @property
    def supports(self) -> int:
        return self.tally.supports


def chunks(handle: IO[bytes]) -> Iterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        yield chunk


@dataclass
class PackageWriter:
    sink: ZipSink
    read: Read
    tables: dict[str, IO[bytes]]
    files: IO[bytes]
    basis: Basis
    built: Built = field(init=False)

    def __post_init__(self) -> None:
        rule = self.basis.process.dispersion
        self.built = Built(Tally(None if rule is None else rule.unit))

    def _listed(self, written: Written) -> None:
        self.files.write(m.file_entry(written.path, written.sha256, written.bytes))

    async def add(self, support: Support) -> None:
        certificate = await self._certificate(support)
        for evidence in support.evidence:
            path = evidence_path(support.support_id, evidence)
            written = self.sink.add(path, await self.read(evidence.object_key))
            if written.sha256 != evidence.sha256:
                raise EvidenceMismatch(path)
            self._listed(written)
        built = self.built
        record = record_of(support, built.supports + 1, certificate)
        built.chain_head = record["chain"] = chained(built.chain_head, record)
        built.tally.add(support.status, support.registry)
        self._tabulate(
            record, None if certificate is None else certificate_path(support.support_id)
        )

    async def _certificate(self, support: Support) -> str | None:
        document = support.certificate  # carried by its event (`support.captured` version 2)
        try:
            if document is None:  # a version 1 event: capture copied it to object storage
                document = await self.read(support.certificate_key)
        except ObjectNotFound:
            return None  # a support captured before certificates were issued on reception
        written = self.sink.add(certificate_path(support.support_id), document, compress=True)
        self._listed(written)
        return written.sha256

    def _tabulate(self, record: dict[str, Any], certificate: str | None) -> None:
        self.tables[m.SUPPORTS_JSONL].write(canonical_json(record) + b"\n")
        self.tables[m.SUPPORTS_CSV].write(csv_line(supports_row(record)).encode())
        if not counts(record["status"]):
            self.tables[m.HEARING_CSV].write(csv_line(hearing_row(record, certificate)).encode())

    def finish(self, meta: m.PackageMeta, key: Ed25519PrivateKey) -> None:
        for name, table in self.tables.items():
            self._listed(self.sink.add_chunks(name, chunks(table), compress=True))
        summary = summary_json(self.built.tally, self.basis)
        self._listed(self.sink.add(m.SUMMARY, summary, compress=True))
        self._listed(self.sink.add(m.PUBLIC_KEY, public_pem(key.public_key())))
        built = self.built
        manifest = m.manifest_bytes(meta, built.supports, built.chain_head, key, self.files)
        self.sink.add(m.MANIFEST, manifest, compress=True)
        self.sink.add(m.SIGNATURE, m.signature_of(manifest, key))
        self.sink.close()


async def write_package(
    out: Sink,
    meta: m.PackageMeta,
    supports: AsyncIterable[Support],
    read: Read,
    key: Ed25519PrivateKey,
    basis: Basis,
) -> Built:
    with ExitStack() as stack:
        temp: list[IO[bytes]] = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(4)]
        tables = dict(zip((m.SUPPORTS_JSONL, m.SUPPORTS_CSV, m.HEARING_CSV), temp, strict=False))
        tables[m.SUPPORTS_CSV].write(csv_line(SUPPORTS_HEADER).encode())
        tables[m.HEARING_CSV].write(csv_line(HEARING_HEADER).encode())
        sink = ZipSink(out, meta.created_at)
        stack.callback(sink.directory.close)  # also when a support fails half-way
        writer = PackageWriter(sink, read, tables, temp[3], basis)
        async for support in supports:
            await writer.add(support)
        writer.finish(meta, key)
        return writer.built
