"""An uploaded template is refused, with a message in Bahasa Indonesia, when it is not a real, safe .docx for its
document type; and no template can reach Python internals through the Jinja2 sandbox. Pure tests: no database."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from admin_app.documents.rendering import (
    MAX_FILE_BYTES,
    TemplateRejected,
    default_template,
    render_document,
    validate_template,
)
from admin_app.documents.samples import sample_context


def docx_text(data: bytes) -> str:
    body = Document(io.BytesIO(data)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def make_docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rezip(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None,
          drop: tuple[str, ...] = ()) -> bytes:
    """A copy of the .docx package `data` with entries added, replaced or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def rejected(doc_type: str, data: bytes) -> str:
    with pytest.raises(TemplateRejected) as info:
        validate_template(doc_type, data)
    assert info.value.problems
    return str(info.value)


VALID = make_docx("{{ kop_pemerintah }}", "Nomor: {{ nomor_surat }}", "{{ tempat }}, {{ tanggal_surat }}")


def test_a_valid_upload_passes():
    assert validate_template("surat_tugas", VALID) == []
    assert validate_template("surat_tugas", default_template("surat_tugas")) == []


def test_oversized_file_is_refused():
    assert "terlalu besar" in rejected("surat_tugas", VALID + b"\0" * (MAX_FILE_BYTES + 1 - len(VALID)))


def test_not_a_zip_is_refused():
    assert "bukan .docx yang utuh" in rejected("surat_tugas", b"Ini hanya teks biasa, bukan dokumen.")


def test_truncated_zip_is_refused():
    assert "bukan .docx yang utuh" in rejected("surat_tugas", VALID[: len(VALID) // 2])


def test_old_binary_doc_is_refused():
    assert ".doc" in rejected("surat_tugas", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)


def test_macro_project_is_refused():
    assert "makro" in rejected("surat_tugas", rezip(VALID, add={"word/vbaProject.bin": b"\xcc" * 100}))


def test_docm_content_type_is_refused():
    with zipfile.ZipFile(io.BytesIO(VALID)) as z:
        types = z.read("[Content_Types].xml").replace(
            b"wordprocessingml.document.main+xml", b"application/vnd.ms-word.document.macroEnabled.main+xml"
        )
    assert "makro" in rejected("surat_tugas", rezip(VALID, replace={"[Content_Types].xml": types}))


def test_renamed_spreadsheet_is_refused():
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sheet.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("xl/workbook.xml", b"<workbook/>")
    assert "bukan dokumen Word .docx" in rejected("surat_tugas", out.getvalue())


def test_docx_with_wrong_main_content_type_is_refused():
    with zipfile.ZipFile(io.BytesIO(VALID)) as z:
        types = z.read("[Content_Types].xml").replace(
            b"wordprocessingml.document.main+xml", b"presentationml.presentation.main+xml"
        )
    assert "bukan dokumen Word .docx" in rejected("surat_tugas", rezip(VALID, replace={"[Content_Types].xml": types}))


def test_remote_template_link_is_refused():
    with zipfile.ZipFile(io.BytesIO(VALID)) as z:
        rels = z.read("word/_rels/document.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'attachedTemplate" Target="http://contoh.invalid/makro.dotm" TargetMode="External"/></Relationships>',
        )
    assert "tautan ke berkas di luar dokumen" in rejected(
        "surat_tugas", rezip(VALID, replace={"word/_rels/document.xml.rels": rels})
    )


def test_xml_with_a_dtd_is_refused():
    with zipfile.ZipFile(io.BytesIO(VALID)) as z:
        document = z.read("word/document.xml").replace(
            b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1
        )
    assert "DTD" in rejected("surat_tugas", rezip(VALID, replace={"word/document.xml": document}))


def test_zip_bomb_by_total_size_is_refused():
    bomb = rezip(VALID, add={"word/media/bom.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < MAX_FILE_BYTES  # small on disk, huge once opened
    assert "zip bomb" in rejected("surat_tugas", bomb)


def test_zip_bomb_by_compression_ratio_is_refused():
    bomb = rezip(VALID, add={"word/media/bom.bin": b"\0" * (8 * 1024 * 1024)})
    assert "zip bomb" in rejected("surat_tugas", bomb)


def test_too_many_entries_are_refused():
    many = rezip(VALID, add={f"extra/item{i}.xml": b"<a/>" for i in range(600)})
    assert "terlalu banyak bagian" in rejected("surat_tugas", many)


def test_tag_that_does_not_parse_is_refused_with_its_place():
    message = rejected("surat_tugas", make_docx("Judul", "Nomor: {{ nomor_surat }}", "{% for a in anggota %}{{ a.nama }}"))
    assert "paragraf ke-3" in message
    assert "{% for a in anggota %}" in message


def test_unknown_variable_is_refused_listing_known_ones():
    message = rejected("surat_rujukan", make_docx("Yth. {{ kepada }}", "Korban: {{ nama_korban }} {{ nik_korban }}"))
    assert "nama_korban, nik_korban" in message
    assert "Variabel yang tersedia:" in message and "nomor_surat" in message and "penerima_manfaat" in message


def test_referral_letter_cannot_print_a_victim_full_name():
    # The list exists, its `nama` column does not: external letters are given initials only.
    message = rejected("surat_rujukan", make_docx("{% for k in penerima_manfaat %}{{ k.nama }}{% endfor %}"))
    assert "nama" in message


def test_filter_outside_the_allowlist_is_refused():
    assert "center" in rejected("surat_tugas", make_docx("{{ nomor_surat|center(100000000) }}"))


def test_include_is_refused():
    assert "include" in rejected("surat_tugas", make_docx("{% include 'rahasia.xml' %}"))


def test_letter_template_without_number_is_accepted_with_a_warning():
    warnings = validate_template("surat_tugas", make_docx("{{ kop_pemerintah }}"))
    assert any("nomor_surat" in w for w in warnings)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ nomor_surat.__class__.__base__.__subclasses__() }}",
        "{{ anggota.__class__ }}",
        "{{ (nomor_surat.upper).__self__ }}",
        "{{ '{0.__class__}'.format(nomor_surat) }}",
        "{{ anggota.append(1) }}",
        "{{ 'a' * 100000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ '%s %s' % (nomor_surat, tempat) }}",
        "{{ range(10)|list }}",
        "{{ lipsum(1000) }}",
        "{{ nomor_surat|attr('__class__') }}",
    ],
)
def test_sandbox_escapes_are_refused(payload):
    data = make_docx("Nomor {{ nomor_surat }}", payload)
    with pytest.raises(TemplateRejected) as info:
        validate_template("surat_tugas", data)
    message = str(info.value).replace(payload, "")  # the message may quote the offending paragraph itself
    assert "class" not in message and "__" not in message and "object at" not in message
    # Rendering without validation (a template stored before a rule existed) is refused the same way.
    try:
        text = docx_text(render_document(data, sample_context("surat_tugas")))
    except TemplateRejected as exc:
        assert "class" not in str(exc)
    else:
        assert "class" not in text and "<" not in text and "function" not in text
