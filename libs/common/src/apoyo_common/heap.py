"""The garbage collector of a served process, settled once it has started.

Start-up builds most of a service's heap (modules, routes, models, schemas: about 150,000
objects in a capture worker) and keeps it for the process's life. Every full collection
walked all of it, about 100 ms of CPU with every request in flight waiting on the event loop,
and the young collections ran every 700 objects although the requests' objects are freed by
their counts (docs/operations.md, *Capture's reception, seventh pass*).
"""

import atexit
import gc

# Young collections every 10,000 objects kept instead of 700: a request's own objects are
# freed by reference counting (the load runs found next to no cycles), so the collector only
# needs to pass now and then for the rare cycle; a few MB at most wait for it.
YOUNG_THRESHOLD = 10_000


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
