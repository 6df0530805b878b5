"""The garbage collector and the C allocator of a served process, settled once it has started.

Start-up builds most of a service's heap (modules, routes, models, schemas: about 150,000
objects in a capture worker) and keeps it for the process's life. Every full collection
walked all of it, about 100 ms of CPU with every request in flight waiting on the event loop,
and the young collections ran every 700 objects although the requests' objects are freed by
their counts (docs/operations.md, *Capture's reception, seventh pass*).

The C allocator (glibc's malloc) handed each block of 128 KB or more (a request's body, its
images, their sealed copies) its own fresh pages from the kernel and gave them back when the
block was freed, so every large buffer of every request paid a page fault for each 4 KB
touched and the kernel's zeroing of it: a copy of a 200 KB photo cost 0.14 CPU ms instead of
0.008 (docs/operations.md, *Capture's reception, twelfth pass*). Served processes keep such
blocks in the heap and reuse them, and so do identity's analysis workers, with larger limits
(`LargeBlocks`: each kind of process's values and the two forms of setting them).
"""

import atexit
import ctypes
import gc
from dataclasses import dataclass

# Young collections every 10,000 objects kept instead of 700: a request's own objects are
# freed by reference counting (the load runs found next to no cycles), so the collector only
# needs to pass now and then for the rare cycle; a few MB at most wait for it.
YOUNG_THRESHOLD = 10_000

# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


@dataclass(frozen=True)
class LargeBlocks:
    """glibc's malloc: blocks up to `mmap` bytes come from the heap, not from pages of their
    own handed back when freed, and up to `trim` bytes of freed heap stay for the next use."""

    mmap: int
    trim: int

    def environment(self) -> dict[str, str]:
        """The form glibc reads when a process starts: for processes spawned with it."""
        return {"MALLOC_MMAP_THRESHOLD_": str(self.mmap), "MALLOC_TRIM_THRESHOLD_": str(self.trim)}


# A served process (capture's workers, the consumers, `apoyo load`'s client): a request's
# buffers are its body, its parts and their sealed copies, a few MB at most (a support's body
# about 540 KB), and a worker holds those of its requests in flight. Blocks up to 8 MiB from
# the heap, up to 64 MiB of freed heap kept: capture's page faults 41-48 -> 3.9-4.5 a support.
SERVED = LargeBlocks(mmap=8 << 20, trim=64 << 20)
# Identity's analysis workers (`apoyo_identity.pool`): a decoded photo's arrays are megabytes
# each (a 12-megapixel phone photo decoded in colour is 36 MB), handed back to the kernel when
# freed and faulted in again for the next picture: 5-8 ms of system time a support in a worker.
# Blocks up to 64 MiB from the heap, trimmed only past 256 MiB: about 1 ms (docs/identity.md,
# *Throughput*; a worker peaks at about 150 MB). Set in the environment they are spawned with.
ANALYSIS = LargeBlocks(mmap=64 << 20, trim=256 << 20)


def settle_heap() -> None:
    """Once started: collect what start-up left, then keep the survivors out of every later
    collection (`gc.freeze`), and collect the young less often."""
    gc.collect()
    gc.freeze()
    # Thawed at exit, so that the interpreter's last collections free what start-up built:
    # frozen, zxing-cpp's module objects outlived the interpreter, and nanobind printed a
    # page of "leaked" warnings at the end of every `apoyo demo`.
    atexit.unregister(gc.unfreeze)
    atexit.register(gc.unfreeze)
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def keep_large_blocks(blocks: LargeBlocks = SERVED) -> bool:
    """The running process's form (`mallopt`): large blocks served from the heap and freed
    memory kept for reuse as `blocks` says, from now on; whether the C library took the
    setting (another C library, or none found, leaves it as it is)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, blocks.mmap)) and bool(
        mallopt(M_TRIM_THRESHOLD, blocks.trim)
    )
