"""A server process settles its garbage collector once the app is loaded (admin_app/serving.py): what exists at
start-up is frozen out of the collector's full passes, and gunicorn's workers do it (deploy/gunicorn.conf.py)."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

from admin_app import serving

ROOT = Path(__file__).resolve().parents[1]


def test_settling_freezes_what_is_loaded_and_sets_the_thresholds(monkeypatch):
    before = gc.get_threshold()
    settled = []
    monkeypatch.setattr(serving.gc, "freeze", lambda: settled.append("freeze"))
    try:
        serving.settle_garbage_collector()
        assert settled == ["freeze"] and gc.get_threshold() == serving.THRESHOLDS
    finally:
        gc.set_threshold(*before)


def test_gunicorn_workers_settle_after_loading_the_app(monkeypatch):
    called = []
    monkeypatch.setattr(serving, "settle_garbage_collector", lambda: called.append(True))
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    conf["post_worker_init"](worker=None)
    assert called == [True]
