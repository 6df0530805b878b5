"""A served process's collector, settled after start-up, and its C allocator keeping large
blocks (apoyo_common.heap)."""

import gc
import os
import platform
import subprocess
import sys
from collections.abc import Iterator

import pytest

from apoyo_common.heap import ANALYSIS, SERVED, YOUNG_THRESHOLD, settle_heap


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


def test_each_kind_of_process_keeps_its_own_values_in_both_forms() -> None:
    assert (SERVED.mmap, SERVED.trim) == (8 << 20, 64 << 20)
    assert (ANALYSIS.mmap, ANALYSIS.trim) == (64 << 20, 256 << 20)
    assert ANALYSIS.environment() == {
        "MALLOC_MMAP_THRESHOLD_": str(64 << 20),
        "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
    }


# Large buffers, over and over: copies of a block of `size` bytes (a 200 KB photo, as a capture
# worker copies it for each support: the body, its parts, their sealed copies). The mode is
# the allocator's setting: glibc's default, one of `heap`'s values set by `mallopt`, or
# ("environment") whatever the environment the process started with says. Prints the page
# faults.
_COPIES = """
import os, resource, sys
from apoyo_common import heap
mode, size = sys.argv[1], int(sys.argv[2])
if mode not in ("default", "environment"):
    assert heap.keep_large_blocks(getattr(heap, mode))
photo = os.urandom(size)
for _ in range(5):
    bytes(bytearray(photo))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(int(sys.argv[3])):
    bytes(bytearray(photo))
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, size: int = 200_000, copies: int = 500, **environment: str) -> int:
    # Not the allocator's settings of this process's environment: an analysis pool started
    # by another test leaves the workers' values in it.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    ended = subprocess.run(
        [sys.executable, "-c", _COPIES, mode, str(size), str(copies)],
        capture_output=True,
        text=True,
        check=True,
        env=inherited | environment,
    )
    return int(ended.stdout)


GLIBC = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's allocator",
)


@GLIBC
def test_large_blocks_reuse_the_heap_instead_of_fresh_pages() -> None:
    # Left as it is, glibc gives each 200 KB block fresh pages and hands them back when it is
    # freed: about fifty page faults a copy. Kept, the heap's pages serve them all again.
    assert _faults("default") > 5_000
    assert _faults("SERVED") < 500


@GLIBC
def test_the_analysis_workers_keep_blocks_a_served_process_does_not_in_either_form() -> None:
    # A decoded 12-megapixel photo (36 MB) is past a served process's 8 MiB and past the most
    # glibc's own sliding threshold reaches (32 MiB): fresh pages every copy, about 9,000
    # faults for each of its two blocks. Identity's workers keep it in the heap, whether set in
    # the running process or read from the environment they start with.
    size, copies = 36_000_000, 10
    assert _faults("default", size, copies) > copies * 9_000
    assert _faults("SERVED", size, copies) > copies * 9_000
    assert _faults("ANALYSIS", size, copies) < 500
    assert _faults("environment", size, copies, **ANALYSIS.environment()) < 500
