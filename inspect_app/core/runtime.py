"""How a serving process runs the app: the garbage collector's settings.

A page allocates tens of thousands of short-lived objects (ORM rows, template output); with
CPython's default threshold (a young-generation collection every 700 allocations) a request
triggers dozens of collections, each walking the young objects, and the older generations
hold the app's long-lived objects (mappers, compiled templates, translations). Measured
in-process on the benchmark data (bench/pages.py): the case list 12.2 -> 10.7 ms of CPU, the
inspections list 14.3 -> 12.6, the cached dashboard 17.8 -> 16.0. Freezing what exists after
start-up moves it out of every later collection (and keeps forked workers' pages shared).
"""

from __future__ import annotations

import gc

# Young-generation threshold: a few requests' worth of allocations between collections.
YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Collect once, freeze the start-up objects, then collect the young generation less
    often; called once per process after the app is created (wsgi.py)."""
    gc.collect()
    gc.freeze()
    _young, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
