"""Every default template renders, from sample data and from real rows, and prints what the document must say:
letter number, Indonesian dates, NIP groups, full names in internal forms and initials only in letters that leave
the office. The list of variables each document type offers is the builders' real output."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn

from admin_app.documents.formatting import format_nip, initials_only, tanggal_indonesia
from admin_app.documents.parts import signer_fields
from admin_app.documents.registry import DOCUMENT_TYPES, build_context, flatten_names
from admin_app.documents.rendering import (
    DEFAULT_TEMPLATE_DIR,
    _check_primitive,
    data_sha256,
    default_template,
    file_sha256,
    render_document,
    validate_template,
)
from admin_app.documents.samples import sample_context
from admin_app.extensions import db
from admin_app.models import (
    AssignmentLetter,
    AssignmentMember,
    Authority,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    FollowUpInstruction,
    FollowUpRequest,
    InformedConsent,
    InstructionOutcome,
    InterventionPlan,
    InterventionPlanItem,
    LetterNature,
    LetterType,
    OutcomeKind,
    Perpetrator,
    PerpetratorRelation,
    ReferralLetter,
    Region,
    Reporter,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RiskLevel,
    ServiceType,
    Sex,
    SimfoniRecord,
    TransferLetter,
    Victim,
    ViolenceType,
)
from admin_app.sop.numbering import issue_number

CODES = sorted(DOCUMENT_TYPES)
LETTERS_LEAVING_THE_OFFICE = ("surat_rujukan", "surat_pelimpahan")
NOW = dt.datetime(2025, 8, 1, 3, 0, tzinfo=dt.timezone.utc)


def docx_text(data: bytes) -> str:
    """All text of a .docx, tables, headers and footers included, one line per paragraph."""
    doc = Document(io.BytesIO(data))
    parts = [doc.element.body] + [s.footer._element for s in doc.sections] + [s.header._element for s in doc.sections]
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for part in parts for p in part.iter(qn("w:p"))
    )


# --- formatting helpers (pure) ------------------------------------------------------------------------------------


def test_dates_are_written_the_indonesian_way():
    assert tanggal_indonesia(dt.date(2025, 8, 1)) == "1 Agustus 2025"
    assert tanggal_indonesia(dt.date(2025, 8, 1), with_day=True) == "Jumat, 1 Agustus 2025"
    assert tanggal_indonesia(dt.date(2026, 2, 22), with_day=True) == "Minggu, 22 Februari 2026"
    assert tanggal_indonesia(None) == "-"


def test_nip_is_printed_in_its_four_groups():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"
    assert format_nip(None) == "-"


def test_delegated_signature_follows_tata_naskah_dinas():
    an = signer_fields("Yuliana Putri, A.Md.", "199107182019032009", "Pengatur (II/c)", "Kasubag TU UPTD PPA", "a.n.",
                       "Kepala UPTD PPA Kota Tangerang")
    assert (an["ttd_jabatan"], an["ttd_jabatan_2"]) == ("a.n. Kepala UPTD PPA Kota Tangerang", "Kasubag TU UPTD PPA,")
    plt = signer_fields("X", None, None, "Sekretaris Dinas", "Plt", "Kepala UPTD PPA Kota Tangerang")
    assert (plt["ttd_kapasitas"], plt["ttd_jabatan"], plt["ttd_nip"]) == ("Plt.", "Plt. Kepala UPTD PPA Kota Tangerang,", "-")


def test_victim_names_in_free_text_become_initials():
    victim = Victim(full_name="Rahma Aulia", alias="Rara")
    text = "RAHMA AULIA dipanggil Rara; ibu Rahma melapor. Aulia-nya? Rahmat tidak terkait."
    assert initials_only(text, [victim]) == "R.A. dipanggil R.A.; ibu R.A. melapor. R.A.-nya? Rahmat tidak terkait."


def test_initials_are_made_of_letters_only():
    for name, initials in (("Siti Nur'aini & Dewi", "S.N.D."), ("dr. Ayu  P. Lestari", "D.A.P.L."),
                           ("R. A. Kartini 2", "R.A.K."), ("Ömer Çelik", "Ö.Ç."), ("& 123", "")):
        assert Victim(full_name=name).initials == initials, name


def test_data_hash_is_canonical():
    assert data_sha256({"a": 1, "b": [{"x": "1", "y": "2"}]}) == data_sha256({"b": [{"y": "2", "x": "1"}], "a": 1})
    assert data_sha256({"a": "1"}) != data_sha256({"a": "2"})
    assert file_sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --- registry and sample contexts (pure) --------------------------------------------------------------------------


def test_every_document_type_has_a_default_template_and_nothing_else_is_there():
    assert {p.stem for p in Path(DEFAULT_TEMPLATE_DIR).glob("*.docx")} == set(DOCUMENT_TYPES)
    letters = {code for code, t in DOCUMENT_TYPES.items() if t.is_letter}
    assert letters == {"surat_tugas", "surat_rujukan", "surat_pelimpahan"}


@pytest.mark.parametrize("code", CODES)
def test_declared_variables_are_exactly_what_the_builder_outputs(code):
    context = sample_context(code)
    assert flatten_names(context) == set(DOCUMENT_TYPES[code].variables)
    for name, value in context.items():
        if isinstance(value, list):
            assert value, f"sample of {code} must show at least one row of {name}"
            assert len({tuple(sorted(row)) for row in value}) == 1, f"rows of {name} differ in columns"
    _check_primitive(context)
    json.dumps(context)  # plain data only
    assert all(DOCUMENT_TYPES[code].variables.values())


@pytest.mark.parametrize("code", CODES)
def test_default_template_renders_with_sample_data(code):
    template = default_template(code)
    assert validate_template(code, template) == []
    context = sample_context(code)
    text = docx_text(render_document(template, context))
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert "PEMERINTAH KOTA TANGERANG" in text
    assert "UPTD PERLINDUNGAN PEREMPUAN DAN ANAK" in text
    assert context["kop_alamat"] in text
    assert "2025" in text and "Agustus" in text
    if DOCUMENT_TYPES[code].is_letter:
        assert context["nomor_surat"] in text
        assert "Tangerang, 1 Agustus 2025" in text
        assert "NIP. 19720514 199803 2 004" in text
    if code in LETTERS_LEAVING_THE_OFFICE or code == "surat_tugas":
        assert "Rahma" not in text and "Aulia" not in text
        assert "R.A. (14 tahun, perempuan)" in text or "R.A." in text
    else:
        assert "Rahma Aulia" in text


def test_surat_tugas_lists_every_officer_with_rank_and_nip():
    text = docx_text(render_document(default_template("surat_tugas"), sample_context("surat_tugas")))
    for expected in ("SURAT TUGAS", "Nomor : 800.1.11.1/001/ST/UPTD-PPA/VIII/2025", "MEMBERI TUGAS", "Dasar", "Untuk",
                     "Rina Marlina, S.Psi.", "Penata (III/c)", "19860926 201505 2 001", "Dedi Kurniawan, S.Sos.",
                     "Kelurahan Sukaasih, Kecamatan Tangerang", "Jumat, 1 Agustus 2025",
                     "Kepala UPTD PPA Kota Tangerang,", "Dra. Hj. Siti Nurjanah, M.Si.", "Pembina (IV/a)"):
        assert expected in text, expected
    assert "DIBATALKAN" not in text


def test_cancelled_letter_is_printed_marked():
    context = sample_context("surat_rujukan") | {"surat_dibatalkan": True, "alasan_pembatalan": "Salah alamat tujuan"}
    text = docx_text(render_document(default_template("surat_rujukan"), context))
    assert "DIBATALKAN \u2013 Salah alamat tujuan" in text
    assert context["nomor_surat"] in text


def test_data_cannot_inject_word_xml():
    context = sample_context("formulir_pengaduan") | {"ringkasan": 'A & B <w:p/> "kutip" </w:t>'}
    text = docx_text(render_document(default_template("formulir_pengaduan"), context))
    assert 'A & B <w:p/> "kutip" </w:t>' in text


def test_a_model_object_never_reaches_a_template():
    with pytest.raises(TypeError):
        render_document(default_template("laporan_kasus"), sample_context("laporan_kasus") | {"x": Victim()})


# --- contexts built from real rows (database) --------------------------------------------------------------------


def _ref(model, label):
    return db.session.execute(sa.select(model).where(model.label == label)).scalar_one()


@pytest.fixture
def demo_case(app, make_user):
    """A case carried through all six steps, with every field document and the three letters."""
    s = db.session
    head = make_user("kepala_uji", "kepala", full_name="Dra. Hj. Nurhayati, M.Si.", nip="197205141998032004",
                     rank="Pembina (IV/a)", position="Kepala UPTD PPA Kota Tangerang")
    officer = make_user("petugas_uji", "petugas", full_name="Rina Marlina, S.Psi.", nip="198609262015052001",
                        rank="Penata (III/c)", position="Petugas Layanan PPA")
    village = s.execute(sa.select(Region).where(Region.code == "36.71.01.1002")).scalar_one()
    case = Case(
        case_number="PJK-2025-0042", received_at=dt.datetime(2025, 8, 1, 1, 15, tzinfo=dt.timezone.utc),
        reported_date=dt.date(2025, 8, 1), incident_date=dt.date(2025, 7, 30), incident_region=village,
        summary="Siti Maryam Lestari dipukul ayah tirinya; Maryam kini tinggal di rumah bibinya.",
        registered_by=officer, is_domestic_violence=True, violence_types=[_ref(ViolenceType, "Fisik")],
    )
    victim = Victim(full_name="Siti Maryam Lestari", sex=Sex.PEREMPUAN, birth_date=dt.date(2012, 5, 2),
                    region=village, address="Jl. Mawar No. 3", rt="001", rw="002")
    case.victims.append(victim)
    case.perpetrators.append(Perpetrator(full_name="Joko Santoso", sex=Sex.LAKI_LAKI, age_estimate=45,
                                         relation=_ref(PerpetratorRelation, "Orang Tua"), lives_with_victim=True))
    case.reporters.append(Reporter(full_name="Wati Susanti", relation_to_victim="Bibi"))
    s.add(case)
    s.flush()
    done = dt.datetime(2025, 8, 2, 4, 0, tzinfo=dt.timezone.utc)
    indicator = s.execute(sa.select(RiskIndicator).where(RiskIndicator.code == "nyawa_terancam")).scalar_one()
    s.add_all([
        Complaint(case=case, complaint_date=dt.date(2025, 8, 1), what="Pemukulan", filled_by=officer),
        CaseIdentification(case=case, victim=victim, case_kind=CaseKind.KTA, authority=Authority.KOTA,
                           filled_by=officer, completed_at=done),
        RiskAssessment(case=case, victim=victim, score=40, computed_level=RiskLevel.SEDANG,
                       final_level=RiskLevel.TINGGI, level_change_reason="Ancaman berulang", filled_by=officer,
                       completed_at=done,
                       answers=[RiskAnswer(indicator=indicator, present=True, weight=indicator.weight)]),
        InformedConsent(case=case, victim=victim, purpose=ConsentPurpose.PLAN, consenter_name="Wati Susanti",
                        consenter_is_guardian=True, consenter_relation="Bibi", consents_to_services=True,
                        decision=ConsentDecision.GIVEN, consent_date=dt.date(2025, 8, 2), filled_by=officer),
        BiopsychosocialAssessment(case=case, assessed_on=dt.date(2025, 8, 2), physical="Memar di lengan",
                                  filled_by=officer),
        InterventionPlan(case=case, goal="Korban aman", filled_by=officer, items=[
            InterventionPlanItem(service_type=_ref(ServiceType, "Kesehatan"), provider="RSUD Kota Tangerang",
                                 target_date=dt.date(2025, 8, 5))]),
        SimfoniRecord(case=case, registration_number="SIMFONI-0042", input_date=dt.date(2025, 8, 4),
                      recorded_by=officer),
        FollowUpRequest(case=case, report="Korban aman di rumah bibi.", request="Mohon rujukan ke RSUD.",
                        submitted_by=officer, submitted_at=dt.datetime(2025, 8, 4, 2, 0, tzinfo=dt.timezone.utc)),
    ])

    def letter(cls, code, **fields):
        letter_type = s.execute(sa.select(LetterType).where(LetterType.code == code)).scalar_one()
        day = dt.date(2025, 8, 1)
        number, serial = issue_number(s, letter_type, day)
        row = cls(letter_type=letter_type, case=case, number=number, year=day.year, serial=serial, letter_date=day,
                  issued_at=NOW, issued_by=head, signer=head, signer_name=head.full_name, signer_nip=head.nip,
                  signer_rank=head.rank, signer_position=head.position, **fields)
        s.add(row)
        return row

    letters = {
        "surat_tugas": letter(AssignmentLetter, "surat_tugas", outreach_date=dt.date(2025, 8, 1),
                              outreach_until=dt.date(2025, 8, 4),
                              purpose="Menjemput korban dari rumah pelaku dan mengantarnya ke rumah aman", members=[
            AssignmentMember(user=officer, position_in_list=1, name=officer.full_name, nip=officer.nip,
                             rank=officer.rank, position=officer.position)]),
        "surat_rujukan": letter(ReferralLetter, "surat_rujukan", nature=LetterNature.SEGERA,
                                recipient="Direktur RSUD Kota Tangerang",
                                current_condition="Siti Maryam Lestari cemas dan sulit tidur.",
                                copies_to="Kepala DP3AP2KB\nArsip"),
        "surat_pelimpahan": letter(TransferLetter, "surat_pelimpahan", recipient="Kepala UPTD PPA Provinsi Banten",
                                   authority=Authority.PROVINSI, transfer_basis="Pelaku berdomisili di luar kota."),
    }
    s.add(FollowUpInstruction(case=case, instruction="Rujuk ke RSUD.", given_by=head, given_at=NOW, outcomes=[
        InstructionOutcome(kind=OutcomeKind.REFERRAL, letter=letters["surat_rujukan"]),
        InstructionOutcome(kind=OutcomeKind.CLOSE, close_reason="Ditangani provinsi")]))
    s.commit()
    return case, letters


@pytest.mark.parametrize("code", CODES)
def test_default_template_renders_from_real_rows(demo_case, code):
    case, letters = demo_case
    doc_type = DOCUMENT_TYPES[code]
    context = build_context(code, db.session, case, letter=letters.get(code), now=NOW)
    assert flatten_names(context) <= set(doc_type.variables)  # empty lists have no columns to show
    assert set(context) == {n for n in doc_type.variables if "." not in n}
    _check_primitive(context)
    text = docx_text(render_document(default_template(code), context))
    assert "PJK-2025-0042" in text or doc_type.is_letter
    if doc_type.is_letter:
        letter = letters[code]
        assert letter.number.endswith("/UPTD-PPA/VIII/2025") and letter.number in text
        assert "Tangerang, 1 Agustus 2025" in text
        assert "19720514 199803 2 004" in text
        # Letters name the victim by initials only, even where staff typed her name into free text.
        assert "Siti" not in text and "Maryam" not in text and "Lestari" not in text
        assert "S.M.L." in text
    else:
        assert "Siti Maryam Lestari" in text


def test_real_rows_print_what_each_document_is_for(demo_case):
    case, letters = demo_case

    def text_of(code):
        context = build_context(code, db.session, case, letter=letters.get(code), now=NOW)
        return docx_text(render_document(default_template(code), context))

    tugas = text_of("surat_tugas")
    assert "korban S.M.L. (13 tahun, perempuan) di Kelurahan Sukaasih, Kecamatan Tangerang" in tugas
    assert "19860926 201505 2 001" in tugas and "Jumat, 1 Agustus 2025" in tugas
    # What the head typed is the first task, and the assignment has its period.
    assert "Menjemput korban dari rumah pelaku dan mengantarnya ke rumah aman;" in tugas
    assert "pada Jumat, 1 Agustus 2025 sampai dengan Senin, 4 Agustus 2025" in tugas
    assert "Undang-Undang Nomor 35 Tahun 2014 tentang Perlindungan Anak;" in tugas  # the Dasar setting's default
    assert "S.M.L. cemas dan sulit tidur." in text_of("surat_rujukan")
    assert "kewenangan UPTD PPA Provinsi Banten" in text_of("surat_pelimpahan")
    risk = text_of("formulir_asesmen_risiko")
    assert "Nyawa korban terancam oleh pelaku" in risk and "Tinggi" in risk and "Ancaman berulang" in risk
    assert "RSUD Kota Tangerang" in text_of("laporan_kasus")
    instruction = text_of("instruksi_tindak_lanjut")
    assert f"Surat nomor {letters['surat_rujukan'].number}" in instruction
    assert "Alasan: Ditangani provinsi" in instruction
    assert "Wati Susanti menyetujui rencana intervensi pada 2 Agustus 2025" in text_of("laporan_permohonan_instruksi")


def test_letters_need_their_own_issued_letter(demo_case):
    case, letters = demo_case
    with pytest.raises(ValueError):
        build_context("surat_tugas", db.session, case, now=NOW)
    with pytest.raises(ValueError):
        build_context("surat_tugas", db.session, case, letter=letters["surat_rujukan"], now=NOW)
    other = Case(case_number="PJK-2025-0043", received_at=NOW, reported_date=dt.date(2025, 8, 1), summary="Lain",
                 registered_by=case.registered_by)
    db.session.add(other)
    db.session.flush()
    with pytest.raises(ValueError):
        build_context("surat_rujukan", db.session, other, letter=letters["surat_rujukan"], now=NOW)


def test_letterhead_comes_from_the_settings(demo_case):
    from admin_app.models import Setting

    case, _ = demo_case
    row = db.session.execute(sa.select(Setting).where(Setting.key == "kop.alamat")).scalar_one_or_none()
    if row is None:
        row = Setting(key="kop.alamat", value="")
        db.session.add(row)
    row.value = "Jl. Baru No. 9, Kota Tangerang"
    db.session.commit()
    context = build_context("formulir_pengaduan", db.session, case, now=NOW)
    assert "Jl. Baru No. 9, Kota Tangerang" in docx_text(render_document(default_template("formulir_pengaduan"), context))


def test_the_dasar_lines_and_the_heads_position_are_settings(demo_case):
    """The unit changes its legal basis and the title of its head without a programmer."""
    from admin_app.models import Setting

    case, letters = demo_case
    for key, value in (("surat.dasar_tugas", "Peraturan Daerah Kota Tangerang Nomor 1 Tahun 2026;"),
                       ("surat.jabatan_kepala", "Kepala UPTD PPA Kota Tangerang (Plt. sementara)")):
        row = db.session.execute(sa.select(Setting).where(Setting.key == key)).scalar_one_or_none()
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    db.session.commit()
    letters["surat_tugas"].signer_capacity = "Plt."
    text = docx_text(render_document(default_template("surat_tugas"),
                                     build_context("surat_tugas", db.session, case, letter=letters["surat_tugas"],
                                                   now=NOW)))
    assert "Peraturan Daerah Kota Tangerang Nomor 1 Tahun 2026;" in text
    assert "Undang-Undang Nomor 35 Tahun 2014" not in text
    assert "Plt. Kepala UPTD PPA Kota Tangerang (Plt. sementara)," in text


def test_the_case_report_prints_the_outreach_and_keeps_the_date_of_its_assessment():
    """SOP step 3 a and c on paper (verification, rescue, safety, first support); the report is dated by the
    assessment it reports, so a reprint a month later carries the same date."""
    from admin_app.documents.registry import DOCUMENT_TYPES
    from admin_app.documents.samples import sample_case_file

    later = dt.datetime(2025, 9, 30, 3, 0, tzinfo=dt.timezone.utc)
    context = DOCUMENT_TYPES["laporan_kasus"].shape(sample_case_file("laporan_kasus"), later)
    text = docx_text(render_document(default_template("laporan_kasus"), context))
    assert "C. PELAKSANAAN PENJANGKAUAN" in text
    for printed in ("Kelurahan", "lurah dan ketua RT 003", "Unit PPA Polres Metro Tangerang Kota",
                    "diantar ke rumah bibinya", "pelaku tidak mengetahui alamatnya", "Konseling awal",
                    "berangkat 01-08-2025 09:00, tiba 01-08-2025 09:40, kembali 01-08-2025 12:00"):
        assert printed in text, printed
    assert "Tangerang, 2 Agustus 2025" in text and "30 September 2025" not in text


def test_a_template_part_is_compiled_once_and_a_changed_template_is_compiled_anew(monkeypatch):
    """The render child keeps each part's compiled template by its whole source (documents/sandbox.py): the same
    template renders again without compiling; another template (or a changed one) is compiled and printed as
    written, never answered from the cache of another."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from admin_app.documents import sandbox

    compiled = []
    real = ImmutableSandboxedEnvironment.from_string
    monkeypatch.setattr(ImmutableSandboxedEnvironment, "from_string",
                        lambda self, source, *a, **k: compiled.append(source) or real(self, source, *a, **k))
    monkeypatch.setattr(sandbox, "_render_environment", None)

    def template(text: str) -> bytes:
        document = Document()
        document.add_paragraph(text)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    first, second = template("Nomor: {{ nomor }}"), template("Perihal: {{ nomor }} (ubah)")
    texts = []
    for data in (first, first, second, first):
        rendered = Document(io.BytesIO(sandbox.render_in_process(data, {"nomor": "001/ST"})))
        texts.append(rendered.paragraphs[0].text)
    assert texts == ["Nomor: 001/ST", "Nomor: 001/ST", "Perihal: 001/ST (ubah)", "Nomor: 001/ST"]
    bodies = [s for s in compiled if "nomor" in s]
    assert len(bodies) == 2  # the first template's body once, the second's once
