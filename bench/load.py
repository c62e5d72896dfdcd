"""Under load: the app under gunicorn on generated data, driven from this process by many logged-in users at once.

    python -m bench.load --cases 100000 --db postgresql --users 50 --seconds 60
    python -m bench.load --cases 100000 --db sqlite

Starts gunicorn (`--workers`, default 4, x `--threads`, default 2; deploy/gunicorn.conf.py otherwise) on the
scratch database of `python -m bench` (made if missing), logs in `--users` users (one in five the head, the rest
the generated officers, each on her own cases) and runs them for `--seconds`: each user picks the next request
from a realistic mix (Tugas Saya, the case list, a search by case number or by part of a name, a case page,
saving a document of a case), waits for the answer, reads for `--think` seconds on average (0: none, the
server's capacity; its p95 is then mostly waiting in the queue: 50 users / N per second), picks again. Prints requests per second, p50 /
p95 per kind and overall, every response that was not what the page answers (errors: must be 0), and each
worker's resident memory after the run; writes bench/results/load-<db>-<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402 - after the path
from bench.__main__ import scratch_database  # noqa: E402
from bench.bench_reports import timing_stats  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "jangkau-demo"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
# kind: share of the requests (the rest of the mix follows from these)
MIX = (("tugas_saya", 0.15), ("daftar_kasus", 0.25), ("cari_nomor", 0.10), ("cari_nama", 0.10),
       ("halaman_kasus", 0.35), ("simpan_dokumen", 0.05))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _start(url: str, workers: int, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    import requests

    config = generate.app_config(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "JANGKAU_ENV": "testing", "SECRET_KEY": "b" * 64,
           "LOGIN_RATE_LIMIT_ADDRESS": "10000 per minute", "PYTHONPATH": str(ROOT),
           "JANGKAU_BIND": f"127.0.0.1:{port}", "JANGKAU_WORKERS": str(workers),
           **{k: config[k] for k in ("JANGKAU_DATA_KEYS", "JANGKAU_DATA_KEY_ID", "JANGKAU_HMAC_KEY",
                                     "JANGKAU_AUDIT_KEY")}}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--threads", str(threads),
         "admin_app:create_app()"], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start: " + log.read_text()[-2000:])


def _targets(url: str) -> dict:
    """What each user asks for: her visible cases (ids, numbers), names to search, open cases for documents."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as c:
        users = dict(c.execute(sa.text("SELECT username, id FROM users")).all())
        officers = sorted(u for u in users if u.startswith("petugas"))
        mine = {}
        for name in officers:
            mine[name] = c.execute(sa.text(
                "SELECT c.id, c.case_number FROM cases c JOIN letters l ON l.case_id = c.id "
                "JOIN assignment_members m ON m.letter_id = l.id WHERE m.user_id = :u AND l.status = 'terbit' "
                "ORDER BY c.id DESC LIMIT 300"), {"u": users[name]}).all()
        mine["kepala"] = c.execute(sa.text(
            "SELECT id, case_number FROM cases ORDER BY id DESC LIMIT 3000")).all()
        names = [n.split()[-1][:4].lower() for n in c.execute(sa.text(
            "SELECT full_name FROM victims ORDER BY id DESC LIMIT 200")).scalars()]
        documents = list(c.execute(sa.text(
            "SELECT id FROM cases WHERE status = 'terbuka' AND current_step >= 3 ORDER BY id DESC LIMIT 50")).scalars())
    engine.dispose()
    return {"officers": officers, "mine": mine, "names": names, "documents": documents}


def _login(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=60).text
    token = CSRF_RE.search(page)
    response = session.post(f"{base}/login", data={"username": username, "password": PASSWORD, "next": "",
                                                   "csrf_token": token.group(1) or token.group(2)},
                            allow_redirects=False, timeout=60)
    if response.status_code != 302:
        raise SystemExit(f"log in as {username}: {response.status_code}")
    return session


def _ask(send, kind: str, base: str, rng: random.Random, targets: dict, case_id: int, number: str):
    """One request of the mix."""
    if kind == "tugas_saya":
        return send("GET", f"{base}/admin/")
    if kind == "daftar_kasus":
        return send("GET", f"{base}/admin/cases/", params={"page": rng.choice((0, 0, 0, 1, 2))})
    if kind == "cari_nomor":
        return send("GET", f"{base}/admin/cases/", params={"search": number})
    if kind == "cari_nama":
        return send("GET", f"{base}/admin/cases/", params={"search": rng.choice(targets["names"])})
    if kind == "halaman_kasus":
        return send("GET", f"{base}/admin/cases/details/", params={"id": case_id})
    document_case = rng.choice(targets["documents"])
    page = send("GET", f"{base}/admin/cases/details/", params={"id": document_case})
    token = CSRF_RE.search(page.text)
    return send("POST", f"{base}/admin/dokumen/buat/{document_case}/formulir_pengaduan",
                data={"csrf_token": token.group(1) or token.group(2)}, allow_redirects=False)


def _user(base: str, username: str, seed: int, targets: dict, stop: float, think: float, samples: dict,
          statuses: Counter, errors: list) -> None:
    import requests

    rng = random.Random(seed)
    session = _login(base, username)

    def send(method: str, url: str, **kwargs):
        # A kept-alive connection the server closed while this user was reading (gunicorn closes idle ones after
        # its `keepalive`, 2 s) is reset on reuse; a browser then sends the request again on a new connection,
        # and so does this user, once, counted as a retry (not an error: the server never saw the request).
        try:
            return session.request(method, url, timeout=120, **kwargs)
        except requests.ConnectionError as exc:
            if "reset" not in str(exc).lower() and "aborted" not in str(exc).lower():
                raise
            statuses["retried"] += 1
            return session.request(method, url, timeout=120, **kwargs)

    cases = targets["mine"][username]
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    while time.monotonic() < stop:
        if think:
            time.sleep(rng.expovariate(1 / think))
        kind = rng.choices(kinds, weights)[0]
        if kind == "simpan_dokumen" and (username != "kepala" or not targets["documents"]):
            kind = "halaman_kasus"
        case_id, number = rng.choice(cases)
        started = time.perf_counter()
        try:
            response = _ask(send, kind, base, rng, targets, case_id, number)
        except requests.RequestException as exc:
            errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        statuses[response.status_code] += 1
        expected = (302,) if kind == "simpan_dokumen" else (200,)
        if response.status_code not in expected:
            errors.append(f"{kind} {response.status_code} {response.url}")
            continue
        samples[kind].append(elapsed)


def run(cases: int, db: str, users: int, seconds: int, workers: int, threads: int, think: float = 0.0) -> dict:
    url = scratch_database(db, cases, False)
    targets = _targets(url)
    log = Path(f"/tmp/jangkau-load-{db}-{cases}.log")
    process, base = _start(url, workers, threads, log)
    try:
        officers = targets["officers"]
        names = ["kepala" if i % 5 == 0 else officers[i % len(officers)] for i in range(users)]
        samples: dict[str, list[float]] = defaultdict(list)
        statuses: Counter = Counter()
        errors: list[str] = []
        # everyone logs in first (the logins are not timed), then all start together
        stop_holder = {"at": None}
        ready = threading.Barrier(users + 1)

        def user(i: int, name: str) -> None:
            ready.wait()
            _user(base, name, i, targets, stop_holder["at"], think, samples, statuses, errors)

        threads_ = [threading.Thread(target=user, args=(i, n)) for i, n in enumerate(names)]
        for t in threads_:
            t.start()
        stop_holder["at"] = time.monotonic() + seconds
        ready.wait()
        began = time.monotonic()
        for t in threads_:
            t.join()
        took = time.monotonic() - began
        rss = {pid: _rss_mb(pid) for pid in _workers(process.pid)}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    every = [s for v in samples.values() for s in v]
    result = {"db": db, "cases": cases, "users": users, "think_s": think, "seconds": round(took, 1), "workers": workers,
              "threads": threads, "requests": len(every), "requests_per_second": round(len(every) / took, 1),
              "all": timing_stats(every) if every else {}, "kinds": {k: timing_stats(v) for k, v in sorted(samples.items())},
              "retried": statuses.pop("retried", 0),
              "statuses": {str(k): v for k, v in sorted(statuses.items())}, "errors": len(errors),
              "error_examples": errors[:10], "worker_rss_mb": sorted(rss.values()),
              "machine": {"cpus": os.cpu_count()}}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between a user's requests")
    parser.add_argument("--json", type=Path, default=None,
                        help="default: bench/results/load-<db>-<N>[-think<T>].json")
    args = parser.parse_args()
    result = run(args.cases, args.db, args.users, args.seconds, args.workers, args.threads, args.think)
    print(f"{result['db']}, {result['cases']} cases, {result['users']} users (think {args.think} s), "
          f"{result['workers']} workers x {result['threads']} threads, {result['seconds']} s: {result['requests']} requests, "
          f"{result['requests_per_second']} per second, errors {result['errors']}")
    print(f"{'kind':16s} {'n':>6s} {'p50 ms':>9s} {'p95 ms':>9s}")
    for kind, figures in [("alle", result["all"]), *result["kinds"].items()]:
        print(f"{kind:16s} {figures.get('runs', 0):6d} {figures.get('p50_ms', 0):9.1f} {figures.get('p95_ms', 0):9.1f}")
    print(f"worker RSS after the run (MB): {result['worker_rss_mb']}; statuses {result['statuses']}; "
          f"sent again after a reset kept-alive connection: {result['retried']}")
    for example in result["error_examples"]:
        print("  error:", example)
    output = args.json or RESULTS / f"load-{args.db}-{args.cases}{f'-think{args.think:g}' if args.think else ''}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    main()
