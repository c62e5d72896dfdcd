"""The benchmark runs (at a tiny size, so a broken scenario is found here and not on the day of a full run); it
measures, it asserts no timing. The query budgets it prints are asserted: a list page runs a fixed, small number
of statements whatever the size."""

from __future__ import annotations

from bench import bench_lists, bench_work, generate

LIST_SCENARIOS = {"daftar_kasus_hal1", "daftar_kasus_hal50", "cari_nomor_kasus", "cari_nama_korban", "saring_langkah",
                  "saring_terlambat", "saring_risiko", "saring_bentuk", "saring_kecamatan", "saring_petugas",
                  "saring_tanggal", "urut_nomor", "cari_nik"}
WITH_PLAIN = {"daftar_kasus_hal1", "daftar_kasus_hal50", "cari_nomor_kasus", "cari_nama_korban", "saring_langkah",
              "urut_nomor", "halaman_kasus"}


def test_the_list_bench_runs_every_scenario_as_head_and_officer(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    counts = generate.generate(url, 300)
    assert counts["cases"] == 300
    rows = bench_lists.run(url, runs=1, quiet=True)
    assert {(r["scenario"], r["role"]) for r in rows} == {
        (s, role) for s in LIST_SCENARIOS | {"halaman_kasus", "tugas_saya"} for role in ("kepala", "petugas1")}
    for row in rows:
        assert row["ours_p95_ms"] > 0 and row["floor_p95_ms"] > 0 and row["queries"] > 0, row
        if row["scenario"] in LIST_SCENARIOS:
            # 8 on a list page; a search adds its audit entry (2 statements, 3 on PostgreSQL) and a name its look
            # into the name index; a filter on a violence type its look into that type's index
            assert row["queries"] <= 12, row
        if row["scenario"] in WITH_PLAIN:
            assert row["plain_p95_ms"] > 0, row


def test_the_work_bench_issues_a_letter_saves_a_form_and_reads_the_reports(tmp_path):
    """bench_work.py at a tiny size: each write is done through the real forms (and undone), each report page and
    file answers, with the statements counted; the scratch data is as generated afterwards."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    generate.generate(url, 1500)  # enough open cases for a step-3 case of petugas1's
    engine = sa.create_engine(url)
    open_letters = "SELECT count(*) FROM letters WHERE status = 'terbit'"
    with engine.connect() as connection:
        issued_before = connection.exec_driver_sql(open_letters).scalar()
    rows = bench_work.run(url, runs=2, quiet=True)
    assert {r["scenario"] for r in rows} == {"rekap_tahun", "kepatuhan_tahun", "ekspor_rekap_bulan_xlsx",
                                             "terbitkan_surat_tugas", "simpan_formulir"}, rows
    for row in rows:
        assert row["ours_p95_ms"] > 0 and row["queries"] > 0, row
        assert (row["floor_p95_ms"] is None) == (row["scenario"] in ("terbitkan_surat_tugas", "simpan_formulir"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql(open_letters).scalar() == issued_before  # each letter cancelled again
        cancelled = connection.exec_driver_sql("SELECT count(*) FROM letters WHERE status = 'dibatalkan'").scalar()
    assert cancelled == 2 + 1  # the runs and the warm-up, numbered and kept as the SOP keeps a cancelled letter
    engine.dispose()


def test_the_load_bench_drives_gunicorn_with_logged_in_users(tmp_path, monkeypatch):
    """`python -m bench.load` at a tiny size: gunicorn starts on the scratch data, the users log in and get only
    the answers the pages give (no 500, no refused page, no lost request), and the workers' memory is read."""
    from bench import load

    monkeypatch.setenv("JANGKAU_BENCH_DIR", str(tmp_path))
    result = load.run(300, "sqlite", users=6, seconds=4, workers=2, threads=2)
    assert result["errors"] == 0, result["error_examples"]
    assert result["requests"] > 20 and {"halaman_kasus", "daftar_kasus"} <= set(result["kinds"]), result
    assert len(result["worker_rss_mb"]) == 2 and all(mb > 0 for mb in result["worker_rss_mb"]), result
