"""What a server process does once the app is loaded, before its first request (gunicorn's `post_worker_init`,
deploy/gunicorn.conf.py; the benches' in-process app does the same, so they measure what production runs).

The garbage collector. A loaded app holds about 270,000 objects that live as long as the process (Flask-Admin's
views, SQLAlchemy's mappers and caches, the templates), and CPython's full collection walks every one of them:
under the default thresholds one request in twenty paid 100-250 ms for it (the head's Tugas Saya at 100k cases:
p50 54 ms, p95 252 ms). `gc.freeze()` moves what exists at start-up out of the collector's sight, and a larger
young generation collects the short-lived objects of a request less often (p95 48 ms on the same page). Cycles
made by requests are still collected; a worker's memory is measured by the load bench (bench/load.py).
"""

from __future__ import annotations

import gc

# Collections of the young generation after this many new container objects (default 700), of the middle one
# after this many young ones (default 10), of the old one after this many middle ones (default 10).
THRESHOLDS = (10_000, 50, 100)


def settle_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
