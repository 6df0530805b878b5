"""The review desk over the two backends of test_verification_duplicates (memory, PostgreSQL)."""

from apoyo_verification.adapters.book_postgres import PgSupportBook
from apoyo_verification.adapters.desk_memory import InMemoryDeskStore
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.reverify import Records
from tests.component.test_verification_duplicates import Backend, MemoryBackend, PgBackend


async def desk_on(backend: Backend) -> ReviewDesk:
    verifier = await backend.verifier()
    if isinstance(backend, MemoryBackend):
        return ReviewDesk(InMemoryDeskStore(backend.book), backend.book, verifier, backend.clock)
    assert isinstance(backend, PgBackend)
    pool = await backend.pool()
    store, book = PgDeskStore(pool, backend.keyring), PgSupportBook(pool, backend.keyring)
    return ReviewDesk(store, book, verifier, backend.clock)


def records_of(desk: ReviewDesk) -> Records:
    """What re-verification reads: the desk's store serves it on both backends."""
    store = desk.store
    assert isinstance(store, InMemoryDeskStore | PgDeskStore)
    return store
