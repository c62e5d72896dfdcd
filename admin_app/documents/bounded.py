"""Rendering a staff template within bounds of time, memory and output size.

Jinja's sandbox stops attribute escapes, not work: a template can loop 10^8 times, recurse exponentially or join a
list into 50 MB. So every render runs in a child process kept for the purpose (one per app process, started on
first use): the child has an address-space limit (RLIMIT_AS), the parent waits at most `time_limit` seconds and
kills and replaces the child when it overruns, and the rendered parts are measured before the result is accepted.
The app process itself never runs a template, so a bad one costs one child, never a web worker; other requests go
on meanwhile. Renders are serialised per app process (a render takes tens of milliseconds).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
import zipfile
from typing import Any, Mapping

TIME_LIMIT_SECONDS = 5.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024  # the child's whole address space, libraries included
MAX_RENDERED_BYTES = 20 * 1024 * 1024  # uncompressed parts of the rendered .docx
STARTUP_SECONDS = 60.0  # a new child imports docxtpl and lxml once; not counted against a template


class RenderFailed(Exception):
    """The child refused or could not finish; `problems` are sentences in Bahasa Indonesia."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def _serve(conn, memory_limit: int, max_rendered: int) -> None:  # pragma: no cover - runs in the child
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ValueError, OSError):
        pass  # a platform without the limit still has the time limit and the output check
    from admin_app.documents.sandbox import TemplateRejected, render_in_process

    conn.send(("ready", None))  # the imports are done: the parent's clock starts with the first job
    while True:
        try:
            template, context = conn.recv()
        except (EOFError, OSError):
            return
        try:
            output = render_in_process(template, context)
            size = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(output)).infolist())
            if size > max_rendered:
                conn.send(("rejected", [f"Templat ditolak: hasil cetaknya terlalu besar ({size // 1024 // 1024} MB; "
                                        f"batasnya {max_rendered // 1024 // 1024} MB)."]))
            else:
                conn.send(("ok", output))
        except TemplateRejected as exc:
            conn.send(("rejected", exc.problems))
        except MemoryError:
            conn.send(("rejected", ["Templat ditolak: pencetakannya memakai memori melebihi batas."]))
        except Exception:  # noqa: BLE001 - nothing a template does may end the child's service silently
            conn.send(("rejected", ["Templat tidak dapat dicetak: isi berkas .docx tidak dapat diolah."]))


class RenderWorker:
    def __init__(self, time_limit: float = TIME_LIMIT_SECONDS, memory_limit: int = MEMORY_LIMIT_BYTES,
                 max_rendered: int = MAX_RENDERED_BYTES):
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.max_rendered = max_rendered
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self._owner_pid = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a threaded web worker
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, self.memory_limit, self.max_rendered),
                                  name="jangkau-render", daemon=True)
        process.start()
        child.close()
        if not parent.poll(STARTUP_SECONDS) or parent.recv()[0] != "ready":
            process.kill()
            raise RenderFailed(["Pencetak dokumen tidak dapat dijalankan di server; hubungi administrator."])
        self._process, self._conn, self._owner_pid = process, parent, os.getpid()

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def render(self, template: bytes, context: Mapping[str, Any], time_limit: float | None = None) -> bytes:
        limit = self.time_limit if time_limit is None else time_limit
        with self._lock:
            if self._process is None or not self._process.is_alive() or self._owner_pid != os.getpid():
                self._start()
            try:
                self._conn.send((template, dict(context)))
                finished = self._conn.poll(limit)
                if finished:
                    status, payload = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._stop()
                raise RenderFailed(["Templat ditolak: pencetakannya menghabiskan batas memori atau menghentikan "
                                    "proses pencetak."]) from None
            if not finished:
                self._stop()  # the next render gets a fresh child
                raise RenderFailed([f"Templat ditolak: pencetakannya melewati batas waktu {limit:g} detik "
                                    "(mis. perulangan atau rekursi yang terlalu besar)."])
        if status != "ok":
            raise RenderFailed(payload)
        return payload

    def close(self) -> None:
        with self._lock:
            self._stop()


_worker = RenderWorker()


def worker() -> RenderWorker:
    return _worker


def configure(time_limit: float | None = None) -> None:
    """Settings from the app (JANGKAU_TEMPLATE_TIME_LIMIT)."""
    if time_limit is not None:
        _worker.time_limit = time_limit
