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
blocks in the heap and reuse them.
"""

import atexit
import ctypes
import gc

# Young collections every 10,000 objects kept instead of 700: a request's own objects are
# freed by reference counting (the load runs found next to no cycles), so the collector only
# needs to pass now and then for the rare cycle; a few MB at most wait for it.
YOUNG_THRESHOLD = 10_000

# glibc's mallopt parameters (malloc.h) and what a served process sets them to: blocks up to
# 8 MiB come from the heap, not from pages of their own, and up to 64 MiB of freed heap is
# kept for the next requests instead of being handed back to the kernel at once.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 8 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024


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


def keep_large_blocks() -> bool:
    """Large blocks served from the heap and freed memory kept for reuse (glibc); whether the
    C library took the setting (another C library, or none found, leaves it as it is)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
