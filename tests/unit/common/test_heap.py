"""A served process's collector, settled after start-up, and its C allocator keeping large
blocks (apoyo_common.heap)."""

import gc
import platform
import subprocess
import sys
from collections.abc import Iterator

import pytest

from apoyo_common.heap import YOUNG_THRESHOLD, settle_heap


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_what_startup_built_is_kept_out_of_later_collections() -> None:
    built = [[index] for index in range(1000)]
    settle_heap()
    assert gc.get_freeze_count() >= len(built)
    assert gc.get_count()[0] < YOUNG_THRESHOLD


@pytest.mark.usefixtures("collector")
def test_young_collections_wait_for_more_objects_and_the_older_keep_their_pace() -> None:
    _, middle, old = gc.get_threshold()
    settle_heap()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, middle, old)


@pytest.mark.usefixtures("collector")
def test_a_cycle_made_after_start_up_is_still_collected() -> None:
    settle_heap()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_what_start_up_built_is_freed_at_exit() -> None:
    # zxing-cpp's bindings report, at exit, any of their objects still alive; the barcode
    # module keeps some from its import, as a served identity does.
    script = (
        "import apoyo_identity.vision.barcodes\n"
        "from apoyo_common.heap import settle_heap\n"
        "settle_heap()\n"
    )
    ended = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ended.returncode == 0, ended.stderr
    assert "leaked" not in ended.stderr


# A request's large buffers, over and over: copies of a 200 KB photo, as a capture worker
# makes for each support (the body, its parts, their sealed copies). Prints the page faults.
_COPIES = """
import ctypes, os, resource, sys
from apoyo_common.heap import keep_large_blocks
if sys.argv[1] == "kept":
    assert keep_large_blocks()
photo = os.urandom(200_000)
for _ in range(50):
    bytes(bytearray(photo))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(500):
    bytes(bytearray(photo))
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    ended = subprocess.run(
        [sys.executable, "-c", _COPIES, mode], capture_output=True, text=True, check=True
    )
    return int(ended.stdout)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's allocator",
)
def test_large_blocks_reuse_the_heap_instead_of_fresh_pages() -> None:
    # Left as it is, glibc gives each 200 KB block fresh pages and hands them back when it is
    # freed: about fifty page faults a copy. Kept, the heap's pages serve them all again.
    assert _faults("default") > 5_000
    assert _faults("kept") < 500
