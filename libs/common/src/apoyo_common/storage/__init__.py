"""Object storage behind one small protocol: S3 (minio client), a local folder, memory."""

from apoyo_common.storage.local import LocalFolderStore
from apoyo_common.storage.memory import InMemoryStore
from apoyo_common.storage.protocol import (
    ListingStore,
    ObjectNotFound,
    ObjectStore,
    check_key,
)

__all__ = [
    "InMemoryStore",
    "ListingStore",
    "LocalFolderStore",
    "ObjectNotFound",
    "ObjectStore",
    "check_key",
]
