"""Rendering Word templates that staff write, safely, and the checks before an upload is stored.

Every render runs in the Jinja2 sandbox (`documents.sandbox`) inside a bounded child process
(`documents.bounded`). An upload is checked as a file first (size, zip structure, zip bombs, macros, a renamed
file), then as a template (tags parse, variables exist) and finally by rendering it once with the sample data of
its document type, inside the same bounds.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Mapping

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from admin_app.documents import bounded
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.samples import provided_names, sample_context
from admin_app.documents.sandbox import (  # noqa: F401 - re-exported: the upload checks and their callers
    MAX_REPEAT,
    SAFE_FILTERS,
    LimitExceeded,
    TemplateRejected,
    _check_primitive,
    _jinja_message,
    make_environment,
    render_in_process,
)

MAX_FILE_BYTES = 5 * 1024 * 1024  # a letter template with a logo is well under 1 MiB
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # Word's XML compresses about 5-20x; a bomb compresses 1000x and more
MAX_ZIP_ENTRIES = 500
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc format
DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "doc_templates"


# --- hashes ------------------------------------------------------------------------------------------------------


def data_sha256(context: Mapping[str, Any]) -> str:
    """Hash of the data a document was made from: canonical JSON, so the same data always hashes the same."""
    canonical = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- rendering ---------------------------------------------------------------------------------------------------



def render_document(template_bytes: bytes, context: Mapping[str, Any]) -> bytes:
    """Render a .docx template with `context` within bounds of time, memory and output size (a child process,
    `documents.bounded`); TemplateRejected says why it could not."""
    _check_primitive(dict(context))
    try:
        return bounded.worker().render(template_bytes, context)
    except bounded.RenderFailed as exc:
        raise TemplateRejected(exc.problems) from None




def default_template(doc_type: str) -> bytes:
    """The shipped default template of `doc_type` (doc_templates/<code>.docx)."""
    if doc_type not in DOCUMENT_TYPES:
        raise KeyError(doc_type)
    return (DEFAULT_TEMPLATE_DIR / f"{doc_type}.docx").read_bytes()


# --- validation of an upload -------------------------------------------------------------------------------------

_NOT_DOCX = (
    "Berkas ini bukan dokumen Word .docx (mungkin berkas lain yang diganti namanya). Buka di Word atau LibreOffice "
    "lalu simpan sebagai \"Word 2007-365 (.docx)\"."
)
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _check_package(data: bytes) -> None:
    """Refuse anything that is not a plain, honest .docx package before any library parses it."""
    archive, infos = _open_zip(data)
    xml_parts, types, relationships = _read_parts(archive, infos)
    _check_parts(xml_parts, types, relationships)


def _open_zip(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The upload as a zip archive within the size, entry and expansion limits, without macros or encryption."""
    if len(data) > MAX_FILE_BYTES:
        raise TemplateRejected(
            f"Berkas terlalu besar ({len(data) / 1024 / 1024:.1f} MB); batas ukuran templat "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if data.startswith(OLE_MAGIC):
        raise TemplateRejected("Berkas ini dokumen Word lama (.doc). Simpan ulang sebagai .docx.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise TemplateRejected("Berkas bukan .docx yang utuh (bukan arsip ZIP yang dapat dibaca).") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise TemplateRejected(f"Berkas berisi terlalu banyak bagian ({len(infos)}); batasnya {MAX_ZIP_ENTRIES}.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES or (total > 1024 * 1024 and total > MAX_COMPRESSION_RATIO * max(packed, 1)):
        raise TemplateRejected("Berkas ditolak: isinya mengembang berlebihan saat dibuka (kemungkinan zip bomb).")
    names = {i.filename for i in infos}
    if any(n.lower().endswith(("vbaproject.bin", "vbadata.xml")) or n.lower().startswith("word/activex/") for n in names):
        raise TemplateRejected("Berkas berisi makro (VBA/ActiveX); makro tidak diizinkan. Simpan ulang sebagai .docx biasa.")
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise TemplateRejected(_NOT_DOCX)
    if any(i.flag_bits & 0x1 for i in infos):
        raise TemplateRejected("Berkas dilindungi kata sandi (terenkripsi); unggah berkas tanpa kata sandi.")
    return archive, infos


def _read_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]):
    xml_parts: dict[str, bytes] = {}
    try:
        # Read every entry once (sizes are bounded above): this checks each CRC, so a broken zip is refused here.
        for info in infos:
            content = archive.read(info)
            if info.filename.endswith((".xml", ".rels")):
                xml_parts[info.filename] = content
        types = etree.fromstring(xml_parts["[Content_Types].xml"], _XML_PARSER)
        relationships = [rel for name, xml in xml_parts.items() if name.endswith(".rels")
                         for rel in etree.fromstring(xml, _XML_PARSER)]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, ValueError, KeyError):
        raise TemplateRejected("Berkas .docx rusak: sebagian isinya tidak dapat dibaca.") from None
    return xml_parts, types, relationships


def _check_parts(xml_parts: dict[str, bytes], types, relationships) -> None:
    if any(b"<!DOCTYPE" in xml for xml in xml_parts.values()):
        # Word never writes a DTD; one in an upload can only be an attempt at entity tricks.
        raise TemplateRejected("Berkas berisi deklarasi DTD di dalam XML; dokumen Word biasa tidak memilikinya.")
    if any(rel.get("TargetMode") == "External" and not rel.get("Type", "").endswith("/hyperlink")
           for rel in relationships):
        # e.g. an attached template or image fetched from the internet each time the letter is opened.
        raise TemplateRejected(
            "Berkas memuat tautan ke berkas di luar dokumen (mis. templat atau gambar dari internet). "
            "Hapus tautan tersebut, lalu unggah ulang."
        )
    content_types = [el.get("ContentType", "") for el in types]
    if any("macroenabled" in ct.lower() for ct in content_types):
        raise TemplateRejected("Berkas ini dokumen bermakro (.docm); makro tidak diizinkan. Simpan ulang sebagai .docx.")
    main = next((el.get("ContentType") for el in types if el.get("PartName") == "/word/document.xml"), None)
    if main == DOTX_MAIN:
        raise TemplateRejected("Berkas ini templat Word (.dotx). Simpan sebagai dokumen .docx biasa.")
    if main != DOCX_MAIN:
        raise TemplateRejected(_NOT_DOCX)


def _raw_texts(template: DocxTemplate) -> list[tuple[str, str]]:
    """The text staff typed in the body, headers and footers, before docxtpl rewrites any tag."""
    docx = template.get_docx()
    parts = [("isi dokumen", template.xml_to_string(docx._element.body))]
    for label, uri in (("kepala halaman", template.HEADER_URI), ("kaki halaman", template.FOOTER_URI)):
        for _, part in template.get_headers_footers(uri):
            parts.append((label, template.get_part_xml(part)))
    return [(label, re.sub(r"<[^>]+>", "", xml)) for label, xml in parts]


def _check_braces(template: DocxTemplate) -> None:
    """Every {{ has its }} and every {% its %}. docxtpl cleans Word's markup from the first {{ to the next }}, so
    an unclosed tag would swallow the text after it without any syntax error: refuse it here, by name."""
    for label, raw in _raw_texts(template):
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            where = None  # the first tag without its partner
            for match in re.finditer(re.escape(opening) + "|" + re.escape(closing), raw):
                if (match.group() == opening) == (where is not None):
                    break  # an opening inside an open tag, or a closing without an opening
                where = match.start() if match.group() == opening else None
            else:
                if where is None:
                    continue
                match = None
            if match is not None and where is None:
                where = match.start()
            if where is not None:
                raise TemplateRejected(
                    f"Tag templat tidak dapat dibaca di {label}: ada {opening} tanpa pasangan {closing} (atau "
                    f"sebaliknya), di sekitar \u201c{raw[max(where - 40, 0):where + 60].strip()}\u201d."
                )


def _template_sources(template: DocxTemplate) -> list[tuple[str, str]]:
    """The Jinja source of the body, headers and footers as docxtpl renders it: one line per paragraph."""
    docx = template.get_docx()
    parts = [("isi dokumen", template.xml_to_string(docx._element.body))]
    for label, uri in (("kepala halaman", template.HEADER_URI), ("kaki halaman", template.FOOTER_URI)):
        for _, part in template.get_headers_footers(uri):
            parts.append((label, template.get_part_xml(part)))
    return [(label, re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))) for label, xml in parts]


def _check_tags(template: DocxTemplate) -> None:
    """Parse (and compile) each part, so a broken tag or a forbidden filter is reported where it is."""
    _check_braces(template)
    env = make_environment()
    for label, source in _template_sources(template):
        try:
            ast = env.parse(source)
            meta.find_undeclared_variables(ast)  # compiles: refuses filters outside the allowlist
        except TemplateSyntaxError as exc:  # includes TemplateAssertionError (unknown filter)
            lines = source.splitlines()
            text = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]) if 0 < exc.lineno <= len(lines) else ""
            raise TemplateRejected(
                f"Tag templat tidak dapat dibaca di {label}, paragraf ke-{max(exc.lineno - 1, 1)} "
                f"(\u201c{text.strip()[:120]}\u201d): {_jinja_message(exc.message)}."
            ) from None
        if any(True for _ in ast.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport))):
            raise TemplateRejected("Tag include/extends/import tidak diizinkan di templat dokumen.")


def validate_template(doc_type: str, data: bytes) -> list[str]:
    """Check an uploaded template for `doc_type`; raise TemplateRejected if it may not be stored.

    Returns warnings that do not block the upload (e.g. a letter template that prints no letter number).
    """
    doc = DOCUMENT_TYPES.get(doc_type)
    if doc is None:
        raise TemplateRejected("Jenis dokumen tidak dikenal.")
    _check_package(data)
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
    except Exception:  # noqa: BLE001 - python-docx refuses broken packages in many ways
        raise TemplateRejected("Berkas .docx rusak atau tidak dapat dibuka oleh pengolah dokumen.") from None
    _check_tags(template)
    known = provided_names(doc_type)
    used = template.get_undeclared_template_variables(jinja_env=make_environment())
    unknown = sorted(used - known)
    if unknown:
        raise TemplateRejected(
            f"Templat memakai variabel yang tidak tersedia untuk {doc.title}: {', '.join(unknown)}. "
            f"Variabel yang tersedia: {', '.join(sorted(known))}."
        )
    # One trial render with the sample data catches what parsing cannot: a misspelt column of a list row,
    # a sandbox violation, tags moved so that the Word XML no longer holds together.
    rendered = render_document(data, sample_context(doc_type))
    try:
        Document(io.BytesIO(rendered))
    except Exception:  # noqa: BLE001
        raise TemplateRejected(
            "Hasil cetak templat ini tidak dapat dibuka lagi; periksa letak tag {% %} (mis. {%tr %} di baris tabel)."
        ) from None
    warnings = []
    if doc.is_letter:
        for name, what in (("nomor_surat", "nomor surat"), ("tanggal_surat", "tanggal surat")):
            if name not in used:
                warnings.append(f"Templat surat ini tidak memakai {{{{ {name} }}}}: surat akan tercetak tanpa {what}.")
    return warnings
