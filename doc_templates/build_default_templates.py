"""Build the default Word templates (one .docx per document type) with python-docx.

Run from the repository root:  python doc_templates/build_default_templates.py
The .docx files are committed; this script is how they were made, so a layout change is made here and
regenerated rather than hand-edited. Staff change their own copies in the app (template versions).

Tags are docxtpl's: {{ variable }}, {%tr for ... %} for a table row that repeats, {%p if ... %} for a paragraph
that appears conditionally. The variables each document type provides are listed in
admin_app/documents/context.py (DOCUMENT_TYPES); the tests render every file here with them.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from typing import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

OUT_DIR = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2025, 8, 1, 0, 0, 0)
FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans, so line breaks stay put
TEXT_WIDTH_CM = 16.5  # A4 21 cm minus 2.5 cm left and 2 cm right margins
PBDR_SUCCESSORS = (  # w:pPr children that must come after w:pBdr (OOXML schema order; Word is strict about it)
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
LEFT, CENTER, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


# --- page and text -----------------------------------------------------------------------------------------------


def new_document(title: str, *, confidential_footer: bool) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    # Indonesian spell checking in Word and LibreOffice.
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))  # the stock template has one (en-US); a second would corrupt the file
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults.append(lang)
    lang.set(qn("w:val"), "id-ID")
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "UPTD PPA Kota Tangerang", "UPTD PPA Kota Tangerang"
    props.comments, props.subject, props.language = "Templat bawaan Jangkau", "", "id-ID"
    if confidential_footer:
        # Forms run to several pages: each page says which of how many it is, so a loose page is put back.
        footer = section.footer.paragraphs[0]
        footer.alignment = CENTER
        text(footer, "RAHASIA \u2013 dokumen internal UPTD PPA Kota Tangerang \u2013 kasus {{ nomor_kasus }} \u2013 "
             "Halaman ", size=8, italic=True)
        page_field(footer, "PAGE")
        text(footer, " dari ", size=8, italic=True)
        page_field(footer, "NUMPAGES")
    return doc


def page_field(p: Paragraph, name: str) -> None:
    """A PAGE / NUMPAGES field: Word and LibreOffice put the page number (or count) in when they lay out."""
    def run_with(element) -> None:
        run = p.add_run()
        run.font.size, run.italic = Pt(8), True
        run._r.append(element)

    begin, instr, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar"),
                                   OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {name} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instr)
    run_with(separate)
    text(p, "1", size=8, italic=True)
    run_with(end)


def text(p: Paragraph, content: str, *, bold: bool = False, size: float | None = None, underline: bool = False,
         italic: bool = False, color: RGBColor | None = None) -> Paragraph:
    run = p.add_run(content)
    run.bold, run.underline, run.italic = bold or None, underline or None, italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return p


def para(doc_or_cell, content: str = "", *, align=LEFT, bold: bool = False, size: float | None = None,
         underline: bool = False, italic: bool = False, before: float = 0, after: float = 0,
         indent_cm: float = 0, first_line_cm: float = 0, keep_next: bool = False,
         color: RGBColor | None = None) -> Paragraph:
    p = doc_or_cell.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_cm:
        fmt.left_indent = Cm(indent_cm)
    if first_line_cm:
        fmt.first_line_indent = Cm(first_line_cm)
    if keep_next:
        fmt.keep_with_next = True
    if content:
        text(p, content, bold=bold, size=size, underline=underline, italic=italic, color=color)
    return p


def tag(doc_or_cell, content: str) -> Paragraph:
    """A paragraph holding only a {%p ... %} tag; docxtpl removes the paragraph when rendering."""
    return para(doc_or_cell, content, size=6)


def bottom_rule(p: Paragraph, *, style: str = "thickThinSmallGap", size: int = 24) -> None:
    """The horizontal rule under the letterhead, as a paragraph border (stays put when staff edit the text)."""
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", style), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.insert_element_before(borders, *PBDR_SUCCESSORS)


LOGO = OUT_DIR / "kop_logo.png"  # placeholder emblem, clearly marked; the sysadmin's logo replaces it (kop.logo)
LOGO_WIDTH_CM = 2.0


def letterhead(doc: DocumentObject) -> None:
    """Kop surat: the city's emblem on the left, the lines from the settings (kop.*) centred beside it, so a change
    of name, address or telephone needs no new file; closed by the double rule."""
    widths = (2.4, 14.1)
    table = new_table(doc, widths, bordered=False)
    row = table.add_row()
    logo, lines = row.cells
    logo.width, lines.width = Cm(widths[0]), Cm(widths[1])
    logo.paragraphs[0].add_run().add_picture(str(LOGO), width=Cm(LOGO_WIDTH_CM))
    logo.vertical_alignment = lines.vertical_alignment = 1  # centre
    for n, (content, size) in enumerate((("{{ kop_pemerintah }}", 14), ("{{ kop_dinas }}", 11.5),
                                         ("{{ kop_unit }}", 14))):
        p = lines.paragraphs[0] if n == 0 else lines.add_paragraph()
        p.alignment = CENTER
        text(p, content, bold=True, size=size)
    address = lines.add_paragraph()
    address.alignment = CENTER
    text(address, "{{ kop_alamat }}", size=9)
    tag(lines, "{%p if kop_kontak %}")
    contacts = lines.add_paragraph()
    contacts.alignment = CENTER
    text(contacts, "{{ kop_kontak }}", size=9)
    tag(lines, "{%p endif %}")
    rule = para(doc, "", size=2, after=2)
    bottom_rule(rule)
    para(doc, "", size=6)


def cancelled_marker(doc: DocumentObject) -> None:
    """A cancelled letter keeps its number and is reprinted visibly marked."""
    tag(doc, "{%p if surat_dibatalkan %}")
    para(doc, "DIBATALKAN \u2013 {{ alasan_pembatalan }}", align=CENTER, bold=True, size=12, after=6,
         color=RGBColor(0xC0, 0x00, 0x00))
    tag(doc, "{%p endif %}")


def title(doc: DocumentObject, main: str, *lines: str) -> None:
    para(doc, main, align=CENTER, bold=True, size=12, underline=not lines or lines[0].startswith("Nomor"))
    for line in lines:
        para(doc, line, align=CENTER, size=11)
    para(doc, "")


def heading(doc: DocumentObject, content: str) -> None:
    para(doc, content, bold=True, before=8, after=3, keep_next=True)


# --- tables ------------------------------------------------------------------------------------------------------


def _cell_shading(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def new_table(container, widths: Sequence[float], *, bordered: bool) -> Table:
    assert abs(sum(widths) - TEXT_WIDTH_CM) < 0.01 or sum(widths) < TEXT_WIDTH_CM, widths
    table = container.add_table(rows=0, cols=len(widths))
    table.style = container.part.document.styles["Table Grid"] if bordered else None
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    # Borderless: no padding on the left, so label columns line up with the body text as in a typed letter.
    # Bordered: slim padding, so narrow columns (No, NIK, phone numbers) do not wrap.
    margins = OxmlElement("w:tblCellMar")
    for side, twips in ((("left", 0), ("right", 85)) if not bordered else (("left", 57), ("right", 57))):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    return table


def add_row(table: Table, cells: Sequence[str | Sequence[str]], *, bold: bool = False, size: float | None = None,
            align=LEFT, shade: str | None = None, widths: Sequence[float] | None = None):
    """One row; a cell given as a list of strings gets one paragraph per string."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is read whole: never split over two pages
    for i, (cell, content) in enumerate(zip(row.cells, cells)):
        if widths:
            cell.width = Cm(widths[i])
        lines = [content] if isinstance(content, str) else list(content)
        first = cell.paragraphs[0]
        for n, line in enumerate(lines):
            p = first if n == 0 else cell.add_paragraph()
            p.alignment = align if not (i == 0 and align == JUSTIFY) else LEFT
            if line:
                text(p, line, bold=bold, size=size)
        if shade:
            _cell_shading(cell, shade)
    return row


def list_table(doc, headers: Sequence[str], widths: Sequence[float], loop: str, cells: Sequence[str | Sequence[str]],
               *, size: float = 9.5, keep_next: bool = False):
    """A bordered table whose data row repeats once per item of a list: `{%tr for x in list %}`; `keep_next`: it
    stays on one page with what follows (the table, and the space after it)."""
    table = new_table(doc, widths, bordered=True)
    header = add_row(table, headers, bold=True, size=size, align=CENTER, shade="D9D9D9", widths=widths)
    _repeat_header(header)
    add_row(table, [f"{{%tr for {loop} %}}"] + [""] * (len(widths) - 1), size=6, widths=widths)
    add_row(table, cells, size=size, widths=widths)
    add_row(table, ["{%tr endfor %}"] + [""] * (len(widths) - 1), size=6, widths=widths)
    para(doc, "", size=6, keep_next=keep_next)
    return kept_together(table) if keep_next else table


def field_table(doc, rows: Sequence[tuple[str, str]], *, widths=(6.2, 0.4, 9.9), bordered: bool = False,
                size: float | None = None) -> Table:
    """`Label : value` rows, the way Indonesian forms and letters set out their fields."""
    table = new_table(doc, widths, bordered=bordered)
    for label, value in rows:
        add_row(table, [label, ":", value], size=size, widths=widths)
    return table


def kept_together(table: Table) -> Table:
    """Keep a table on one page with what follows it (every paragraph in it "keep with next")."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    return table


def numbered_block(doc, label: str, loop: str, number: str, content: str,
                   widths=(2.2, 0.4, 0.8, 13.1)) -> Table:
    """`Dasar : 1. ...` / `Untuk : 1. ...`: a borderless repeating row, the label only on the first."""
    table = new_table(doc, widths, bordered=False)
    add_row(table, [f"{{%tr for {loop} %}}", "", "", ""], size=6, widths=widths)
    row = add_row(table, [f"{{% if loop.first %}}{label}{{% endif %}}", "{% if loop.first %}:{% endif %}",
                          f"{number}.", content], widths=widths)
    row.cells[3].paragraphs[0].alignment = JUSTIFY
    add_row(table, ["{%tr endfor %}", "", "", ""], size=6, widths=widths)
    return table


def signature(doc, place_date: str, lines: Sequence[str], *, name: str = "ttd_nama", rank: str | None = "ttd_pangkat",
              nip: str = "ttd_nip", left: Sequence[str] = (), left_name: str = "") -> None:
    """The signature block on the right half; optionally a second signer on the left (e.g. the reporter).

    `name`, `rank` and `nip` are variable names; rank and NIP lines disappear for staff who have none ("-").
    """
    # The closing text goes with the signature: a signature block never stands alone at the top of a page.
    last = doc.paragraphs[-1] if doc.paragraphs else None
    if last is not None:
        last.paragraph_format.keep_with_next = True
    para(doc, "", keep_next=True)
    table = new_table(doc, (8.0, 8.5), bordered=False)
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # never split a signature over two pages
    lcell, rcell = row.cells
    lcell.width, rcell.width = Cm(8.0), Cm(8.5)
    right = ([place_date] if place_date else []) + list(lines)
    for n, line in enumerate(right):
        text(rcell.paragraphs[0] if n == 0 else rcell.add_paragraph(), line, size=6 if line.startswith("{%p") else None)
    for _ in range(3):
        rcell.add_paragraph()
    text(rcell.add_paragraph(), f"{{{{ {name} }}}}", bold=True, underline=True)
    for var, line in ((rank, f"{{{{ {rank} }}}}"), (nip, f"NIP. {{{{ {nip} }}}}")):
        if var:
            tag(rcell, f"{{%p if {var} != '-' %}}")
            text(rcell.add_paragraph(), line)
            tag(rcell, "{%p endif %}")
    if left:
        # Blank first line so the left signer's title sits level with the right one's (under the date line).
        lines_left = ([""] if place_date else []) + list(left)
        for n, line in enumerate(lines_left):
            text(lcell.paragraphs[0] if n == 0 else lcell.add_paragraph(), line)
        for _ in range(3):
            lcell.add_paragraph()
        text(lcell.add_paragraph(), left_name, bold=True)


def head_signature(doc, date_var: str | None) -> None:
    """The head's signature. A letter dates itself in its head (`date_var` None): no second place and date."""
    signature(doc, f"{{{{ tempat }}}}, {{{{ {date_var} }}}}" if date_var else "",
              ["{{ ttd_jabatan }}", "{%p if ttd_jabatan_2 %}", "{{ ttd_jabatan_2 }}", "{%p endif %}"])


def officer_signature(doc, date_var: str, *, left: Sequence[str] = (), left_name: str = "") -> None:
    signature(doc, f"{{{{ tempat }}}}, {{{{ {date_var} }}}}", ["Petugas Layanan PPA,"], name="petugas_nama",
              rank=None, nip="petugas_nip", left=left, left_name=left_name)


def save(doc: DocumentObject, code: str) -> Path:
    """Save with fixed timestamps, so regenerating unchanged templates gives identical files (no git noise)."""
    blocks = [el for el in doc.element.body if el.tag != qn("w:sectPr")]
    if blocks[-1].tag == qn("w:tbl"):
        # Word wants a paragraph, not a table, at the very end of the body; 1 pt high, so it never spills onto a
        # page of its own after a signature that ends a full page.
        end = para(doc, "", size=1)
        end.paragraph_format.line_spacing = Pt(1)
        end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    props = doc.core_properties
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    path = OUT_DIR / f"{code}.docx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            dst.writestr(entry, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- the documents -----------------------------------------------------------------------------------------------

VICTIM_HEAD = ["No", "Nama (panggilan)", "Jenis kelamin", "Tempat, tgl lahir / umur", "NIK / No. KK", "Alamat"]
VICTIM_WIDTHS = (0.8, 3.0, 2.0, 3.0, 3.2, 4.5)
VICTIM_CELLS = ["{{ k.no }}", "{{ k.nama }}{% if k.alias %} ({{ k.alias }}){% endif %}", "{{ k.jenis_kelamin }}",
                ["{{ k.tempat_tanggal_lahir }}", "{{ k.umur }}"], ["{{ k.nik }}", "{{ k.no_kk }}"], "{{ k.alamat }}"]
VICTIM2_HEAD = ["No", "Telepon", "Agama", "Pendidikan", "Pekerjaan", "Status kawin", "WNI/ WNA", "Disabilitas",
                "Hamil"]
VICTIM2_WIDTHS = (0.8, 2.8, 1.6, 2.0, 2.2, 2.0, 1.4, 2.2, 1.5)
VICTIM2_CELLS = ["{{ k.no }}", "{{ k.telepon }}", "{{ k.agama }}", "{{ k.pendidikan }}", "{{ k.pekerjaan }}",
                 "{{ k.status_perkawinan }}", "{{ k.kewarganegaraan }}", "{{ k.disabilitas }}", "{{ k.hamil }}"]
PERP_HEAD = ["No", "Nama", "Jenis kelamin", "Umur", "Hubungan dengan korban", "Serumah", "Pekerjaan", "Alamat"]
PERP_WIDTHS = (0.8, 2.8, 1.9, 1.5, 2.4, 1.7, 2.6, 2.8)
PERP_CELLS = ["{{ p.no }}", "{{ p.nama }}", "{{ p.jenis_kelamin }}", "{{ p.umur }}", "{{ p.hubungan }}",
              "{{ p.tinggal_serumah }}", "{{ p.pekerjaan }}", "{{ p.alamat }}"]
SHORT_VICTIM_HEAD = ["No", "Nama", "Jenis kelamin", "Umur", "Alamat"]
SHORT_VICTIM_WIDTHS = (0.8, 4.2, 2.3, 2.0, 7.2)
SHORT_VICTIM_CELLS = ["{{ k.no }}", "{{ k.nama }}", "{{ k.jenis_kelamin }}", "{{ k.umur }}", "{{ k.alamat }}"]
PLAN_HEAD = ["No", "Layanan", "Pelaksana", "Penanggung jawab", "Target", "Status", "Catatan"]
PLAN_WIDTHS = (0.8, 2.5, 2.9, 2.8, 2.5, 2.5, 2.5)  # Status fits "Direncanakan" unbroken at 9 pt
PLAN_CELLS = ["{{ r.no }}", "{{ r.layanan }}", "{{ r.pelaksana }}", "{{ r.penanggung_jawab }}", "{{ r.target }}",
              "{{ r.status }}", "{{ r.catatan }}"]


def surat_tugas() -> DocumentObject:
    doc = new_document("Surat Tugas Penjangkauan Korban", confidential_footer=False)
    letterhead(doc)
    cancelled_marker(doc)
    title(doc, "SURAT TUGAS", "Nomor : {{ nomor_surat }}")
    numbered_block(doc, "Dasar", "d in dasar", "{{ d.no }}", "{{ d.teks }}")
    para(doc, "MEMBERI TUGAS", align=CENTER, bold=True, before=10, after=8)
    para(doc, "Kepada :", after=4)
    list_table(doc, ["No", "Nama", "Pangkat/Gol.", "NIP", "Jabatan"], (0.9, 4.3, 2.7, 4.6, 4.0), "a in anggota",
               ["{{ a.no }}", "{{ a.nama }}", "{{ a.pangkat }}", "{{ a.nip }}", "{{ a.jabatan }}"], size=10)
    numbered_block(doc, "Untuk", "u in untuk", "{{ u.no }}", "{{ u.teks }}")
    para(doc, "Demikian surat tugas ini dibuat untuk dilaksanakan dengan penuh tanggung jawab.", align=JUSTIFY,
         before=10)
    head_signature(doc, "tanggal_surat")
    return doc


def _letter_header(doc: DocumentObject) -> None:
    """Nomor / Sifat / Lampiran / Hal on the left, place, date and addressee on the right."""
    widths = (2.3, 0.4, 7.4, 6.4)
    table = new_table(doc, widths, bordered=False)
    rows = [
        ("Nomor", "{{ nomor_surat }}", "{{ tempat }}, {{ tanggal_surat }}"),
        ("Sifat", "{{ sifat }}", ""),
        ("Lampiran", "{{ lampiran }}", "Kepada"),
        ("Hal", "{{ hal }}", "Yth. {{ kepada }}"),
        ("", "", "di"),
        ("", "", "{{ di }}"),
    ]
    for label, value, right in rows:
        row = add_row(table, [label, ":" if label else "", value, right], widths=widths)
        if label == "Hal":
            row.cells[2].paragraphs[0].runs[0].bold = True
        if right == "{{ di }}":
            row.cells[3].paragraphs[0].paragraph_format.left_indent = Cm(0.8)
    para(doc, "")


def _beneficiaries(doc: DocumentObject) -> None:
    list_table(doc, ["No", "Inisial", "Umur", "Jenis kelamin"], (1.0, 5.0, 4.0, 6.5), "k in penerima_manfaat",
               ["{{ k.no }}", "{{ k.inisial }}", "{{ k.umur }}", "{{ k.jenis_kelamin }}"], size=10)


def _details(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> None:
    # Values stay left-aligned: they are free text with line breaks, which justification would stretch.
    widths = (0.7, 5.4, 0.4, 10.0)
    table = new_table(doc, widths, bordered=False)
    for n, (label, value) in enumerate(rows, start=1):
        add_row(table, [f"{n}.", label, ":", value], widths=widths)


def _copies(doc: DocumentObject) -> None:
    tag(doc, "{%p if tembusan %}")
    para(doc, "Tembusan:", before=12, underline=True, size=10)
    widths = (0.7, 15.8)
    table = new_table(doc, widths, bordered=False)
    add_row(table, ["{%tr for t in tembusan %}", ""], size=6, widths=widths)
    add_row(table, ["{{ t.no }}.", "{{ t.teks }}"], size=10, widths=widths)
    add_row(table, ["{%tr endfor %}", ""], size=6, widths=widths)
    tag(doc, "{%p endif %}")


def surat_rujukan() -> DocumentObject:
    doc = new_document("Surat Rujukan Layanan Kedaruratan", confidential_footer=False)
    letterhead(doc)
    cancelled_marker(doc)
    _letter_header(doc)
    para(doc, "Sehubungan dengan penanganan kasus kekerasan ({{ bentuk_kekerasan }}) oleh UPTD PPA Kota Tangerang, "
              "bersama ini kami rujuk penerima manfaat berikut untuk mendapatkan layanan kedaruratan:",
         align=JUSTIFY, first_line_cm=1.0, after=6)
    _beneficiaries(doc)
    para(doc, "dengan keterangan sebagai berikut:", after=4)
    _details(doc, [
        ("Kronologi singkat", "{{ kronologi }}"),
        ("Layanan yang telah diberikan", "{{ layanan_diberikan }}"),
        ("Kondisi terkini", "{{ kondisi_terkini }}"),
        ("Tujuan rujukan", "{{ tujuan }}"),
        ("Dokumen yang diserahkan", "{{ dokumen_diserahkan }}"),
        ("Narahubung", "{{ narahubung }}"),
    ])
    para(doc, "Identitas lengkap penerima manfaat bersifat rahasia dan hanya disampaikan langsung kepada petugas "
              "yang menangani. Demikian disampaikan, atas perhatian dan kerja sama Saudara kami ucapkan terima kasih.",
         align=JUSTIFY, first_line_cm=1.0, before=8)
    head_signature(doc, None)
    _copies(doc)
    return doc


def surat_pelimpahan() -> DocumentObject:
    doc = new_document("Surat Pelimpahan Kasus", confidential_footer=False)
    letterhead(doc)
    cancelled_marker(doc)
    _letter_header(doc)
    para(doc, "Berdasarkan hasil identifikasi kasus oleh UPTD PPA Kota Tangerang, penanganan kasus kekerasan "
              "({{ bentuk_kekerasan }}) terhadap penerima manfaat berikut bukan merupakan kewenangan UPTD PPA Kota "
              "Tangerang, melainkan kewenangan {{ kewenangan }}:", align=JUSTIFY, first_line_cm=1.0, after=6)
    _beneficiaries(doc)
    para(doc, "Sehubungan dengan hal tersebut, bersama ini kami limpahkan penanganan kasus tersebut dengan keterangan "
              "sebagai berikut:", align=JUSTIFY, after=4)
    _details(doc, [
        ("Dasar pelimpahan", "{{ dasar_pelimpahan }}"),
        ("Kronologi singkat", "{{ kronologi }}"),
        ("Layanan yang telah diberikan", "{{ layanan_diberikan }}"),
        ("Kondisi terkini", "{{ kondisi_terkini }}"),
        ("Maksud pelimpahan", "{{ tujuan }}"),
        ("Dokumen yang diserahkan", "{{ dokumen_diserahkan }}"),
        ("Narahubung", "{{ narahubung }}"),
    ])
    para(doc, "Identitas lengkap penerima manfaat bersifat rahasia dan disampaikan langsung kepada petugas yang "
              "menangani. Demikian disampaikan, atas perhatian dan kerja sama Saudara kami ucapkan terima kasih.",
         align=JUSTIFY, first_line_cm=1.0, before=8)
    head_signature(doc, None)
    _copies(doc)
    return doc


def _form(title_text: str, *subtitle: str) -> DocumentObject:
    doc = new_document(title_text.title(), confidential_footer=True)
    letterhead(doc)
    title(doc, title_text, *subtitle, "Nomor kasus: {{ nomor_kasus }}")
    return doc


def formulir_pengaduan() -> DocumentObject:
    doc = _form("FORMULIR PENGADUAN")
    heading(doc, "A. INFORMASI PENGADUAN")
    field_table(doc, [
        ("Tanggal pengaduan", "{{ tanggal_pengaduan }}"),
        ("Informasi diterima", "{{ tanggal_diterima }}, pukul {{ jam_diterima }}"),
        ("Sumber informasi", "{{ kanal_pengaduan }}"),
        ("Tingkat urgensi", "{{ urgensi }}"),
    ])
    heading(doc, "B. IDENTITAS PELAPOR")
    list_table(doc, ["No", "Nama", "Hubungan dengan korban", "Instansi", "Telepon", "Alamat"],
               (0.8, 3.4, 2.9, 2.5, 2.9, 4.0), "r in pelapor",
               ["{{ r.no }}", "{{ r.nama }}", "{{ r.hubungan }}", "{{ r.instansi }}", "{{ r.telepon }}",
                "{{ r.alamat }}"])
    heading(doc, "C. IDENTITAS KORBAN")
    list_table(doc, VICTIM_HEAD, VICTIM_WIDTHS, "k in korban", VICTIM_CELLS, size=9)
    list_table(doc, VICTIM2_HEAD, VICTIM2_WIDTHS, "k in korban", VICTIM2_CELLS, size=9)
    heading(doc, "D. IDENTITAS TERLAPOR / PELAKU")
    list_table(doc, PERP_HEAD, PERP_WIDTHS, "p in pelaku", PERP_CELLS, size=9)
    heading(doc, "E. KEJADIAN")
    field_table(doc, [
        ("Tanggal kejadian", "{{ tanggal_kejadian }}"),
        ("Tempat kejadian", "{{ tempat_kejadian }}"),
        ("Wilayah", "{{ wilayah_kejadian }}"),
        ("Alamat kejadian", "{{ alamat_kejadian }}"),
        ("Kekerasan dalam rumah tangga", "{{ kdrt }}"),
        ("Bentuk kekerasan", "{{ bentuk_kekerasan }}"),
        ("Layanan yang dibutuhkan", "{{ layanan_dibutuhkan }}"),
    ])
    heading(doc, "F. KRONOLOGI (5W + 1H)")
    kept_together(field_table(doc, [
        ("Ringkasan informasi", "{{ ringkasan }}"),
        ("Apa yang terjadi", "{{ apa }}"),
        ("Siapa yang terlibat", "{{ siapa }}"),
        ("Kapan", "{{ kapan }}"),
        ("Di mana", "{{ dimana }}"),
        ("Mengapa", "{{ mengapa }}"),
        ("Bagaimana", "{{ bagaimana }}"),
        ("Harapan korban/pelapor", "{{ harapan }}"),
    ]))
    officer_signature(doc, "tanggal_pengaduan", left=["Pelapor,"], left_name="{{ pelapor_ttd }}")
    return doc


def formulir_identifikasi() -> DocumentObject:
    doc = _form("FORMULIR IDENTIFIKASI PENERIMA MANFAAT KTP/KTA",
                "(KTP: Kekerasan Terhadap Perempuan; KTA: Kekerasan Terhadap Anak)")
    heading(doc, "A. IDENTITAS PENERIMA MANFAAT")
    list_table(doc, VICTIM_HEAD, VICTIM_WIDTHS, "k in korban", VICTIM_CELLS, size=9)
    list_table(doc, VICTIM2_HEAD, VICTIM2_WIDTHS, "k in korban", VICTIM2_CELLS, size=9)
    heading(doc, "B. KEJADIAN")
    field_table(doc, [
        ("Tanggal kejadian", "{{ tanggal_kejadian }}"),
        ("Tempat kejadian", "{{ tempat_kejadian }}"),
        ("Wilayah", "{{ wilayah_kejadian }}"),
        ("Kekerasan dalam rumah tangga", "{{ kdrt }}"),
        ("Bentuk kekerasan", "{{ bentuk_kekerasan }}"),
    ])
    heading(doc, "C. TERLAPOR / PELAKU")
    list_table(doc, PERP_HEAD, PERP_WIDTHS, "p in pelaku", PERP_CELLS, size=9)
    heading(doc, "D. HASIL IDENTIFIKASI KASUS")
    # The result of the identification is what the officer signs: section D stays on the signature's page.
    list_table(doc, ["No", "Nama", "Umur", "Jenis kasus", "TPPO", "Kategori AMPK", "Kewenangan"],
               (0.8, 2.6, 1.5, 4.4, 1.2, 2.6, 3.4), "i in identifikasi",
               ["{{ i.no }}", "{{ i.nama }}", "{{ i.umur }}", "{{ i.jenis_kasus }}", "{{ i.tppo }}", "{{ i.ampk }}",
                "{{ i.kewenangan }}"], size=9, keep_next=True)
    list_table(doc, ["No", "Lembaga berwenang (bila bukan UPTD PPA Kota)", "Penyesuaian layanan disabilitas", "Catatan"],
               (0.8, 5.0, 5.0, 5.7), "i in identifikasi",
               ["{{ i.no }}", "{{ i.kewenangan_tujuan }}", "{{ i.kebutuhan_disabilitas }}", "{{ i.catatan }}"],
               size=9, keep_next=True)
    officer_signature(doc, "tanggal_identifikasi")
    return doc


def formulir_asesmen_risiko() -> DocumentObject:
    doc = _form("FORMULIR ASESMEN RISIKO")
    heading(doc, "A. IDENTITAS PENERIMA MANFAAT")
    list_table(doc, SHORT_VICTIM_HEAD, SHORT_VICTIM_WIDTHS, "k in korban", SHORT_VICTIM_CELLS)
    heading(doc, "B. INDIKATOR RISIKO")
    list_table(doc, ["No", "Indikator risiko", "Korban", "Ada", "Bobot", "Catatan"], (0.8, 6.4, 3.0, 1.2, 1.3, 3.8),
               "i in indikator",
               ["{{ i.no }}", "{{ i.indikator }}", "{{ i.korban }}", "{{ i.ada }}", "{{ i.bobot }}",
                "{{ i.catatan }}"])
    heading(doc, "C. HASIL ASESMEN")
    list_table(doc, ["No", "Nama", "Skor", "Tingkat menurut skor", "Tingkat akhir", "Alasan perubahan tingkat"],
               (0.8, 3.6, 1.3, 2.6, 2.4, 5.8), "h in hasil",
               ["{{ h.no }}", "{{ h.nama }}", "{{ h.skor }}", "{{ h.tingkat_hitung }}", "{{ h.tingkat_akhir }}",
                "{{ h.alasan_perubahan }}"])
    p = para(doc, "Tingkat risiko tertinggi: ", after=4)
    text(p, "{{ tingkat_risiko }}", bold=True)
    para(doc, "Keterangan: skor {{ ambang_tinggi }} atau lebih berarti risiko tinggi; skor {{ ambang_sedang }} "
              "sampai di bawah {{ ambang_tinggi }} berarti risiko sedang; di bawahnya risiko rendah. Indikator "
              "tertentu (mis. nyawa terancam) menjadikan risiko tinggi berapa pun skornya. Korban dengan risiko "
              "tinggi mendapat layanan kedaruratan (penyelamatan, kepolisian, kesehatan) sebelum asesmen lanjutan.",
         align=JUSTIFY, size=9, italic=True)
    officer_signature(doc, "tanggal_asesmen")
    return doc


def formulir_persetujuan() -> DocumentObject:
    doc = _form("FORMULIR PERSETUJUAN LAYANAN", "(INFORMED CONSENT)")
    tag(doc, "{%p if not persetujuan %}")
    para(doc, "Belum ada pernyataan persetujuan yang tercatat untuk kasus ini.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for c in persetujuan %}")
    para(doc, "{{ c.tujuan }}", bold=True, after=6)
    para(doc, "Yang bertanda tangan di bawah ini:", after=3)
    field_table(doc, [
        ("Nama", "{{ c.yang_menyatakan }}"),
        ("Hubungan dengan penerima manfaat", "{{ c.hubungan }}"),
        ("Bertindak sebagai orang tua/wali", "{{ c.sebagai_wali }}"),
    ], widths=(6.6, 0.4, 9.5))
    para(doc, "atas nama penerima manfaat:", before=4, after=3)
    field_table(doc, [
        ("Nama", "{{ c.penerima_manfaat }}"),
        ("Umur / jenis kelamin", "{{ c.umur }} / {{ c.jenis_kelamin }}"),
    ], widths=(6.6, 0.4, 9.5))
    para(doc, "setelah mendapat penjelasan dari petugas UPTD PPA Kota Tangerang tentang layanan yang akan diberikan, "
              "hak-hak penerima manfaat dan kerahasiaan data, dengan ini menyatakan ", align=JUSTIFY, before=6,
         after=4)
    text(doc.paragraphs[-1], "{{ c.keputusan }}", bold=True)
    text(doc.paragraphs[-1], " dengan rincian sebagai berikut:")
    widths = (0.9, 12.6, 3.0)
    table = new_table(doc, widths, bordered=True)
    add_row(table, ["No", "Hal yang disetujui", "Jawaban"], bold=True, align=CENTER, shade="D9D9D9", widths=widths,
            size=10)
    add_row(table, ["1", "Menerima layanan UPTD PPA Kota Tangerang sesuai {{ c.tujuan|lower }}", "{{ c.setuju_layanan }}"],
            widths=widths, size=10)
    add_row(table, ["2", "Data dibagikan kepada lembaga rujukan: {{ c.lembaga_berbagi_data }}",
                    "{{ c.setuju_berbagi_data }}"], widths=widths, size=10)
    add_row(table, ["3", "Data dicatat dalam Simfoni PPA (Kementerian PPPA)", "{{ c.setuju_simfoni }}"],
            widths=widths, size=10)
    # A plan consent shows the plan it consents to.
    tag(doc, "{%p if c.untuk_rencana %}")
    para(doc, "Rencana intervensi layanan yang disetujui:", before=6, after=3, keep_next=True, size=10)
    list_table(doc, PLAN_HEAD, PLAN_WIDTHS, "r in rencana", PLAN_CELLS, size=9)
    tag(doc, "{%p endif %}")
    para(doc, "Catatan: {{ c.catatan }}", before=4, size=10)
    para(doc, "Pernyataan ini dibuat dengan sadar dan tanpa paksaan dari pihak mana pun.", before=4, align=JUSTIFY,
         keep_next=True)
    para(doc, "", before=8, keep_next=True)
    widths = (5.5, 5.5, 5.5)
    sign = new_table(doc, widths, bordered=False)
    # Place and date above the last signer's title, in its column, as the three titles are set.
    add_row(sign, ["", "", "{{ c.tempat }}, {{ c.tanggal }}"], align=CENTER, widths=widths)
    add_row(sign, ["Yang menyatakan,", "Saksi,", "Petugas yang menjelaskan,"], align=CENTER, widths=widths)
    for _ in range(3):
        add_row(sign, ["", "", ""], widths=widths)
    add_row(sign, ["{{ c.yang_menyatakan }}", "{{ c.saksi }}", "{{ c.petugas }}"], align=CENTER, bold=True,
            widths=widths)
    for row in sign.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True  # the three signatures stay on one page
    # Who cannot sign gives a thumbprint (cap jempol) in the box under their name.
    para(doc, "Cap jempol yang menyatakan (bila tidak dapat menandatangani):", before=6, after=2, size=9,
         keep_next=True)
    box = new_table(doc, (3.0,), bordered=True)
    cell_row = add_row(box, [""], widths=(3.0,))
    cell_row.height = Cm(3.0)
    cell_row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    tag(doc, "{%p if not loop.last %}")
    para(doc).add_run().add_break(WD_BREAK.PAGE)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc


def laporan_kasus() -> DocumentObject:
    doc = _form("LAPORAN KASUS", "Hasil Asesmen Biopsikososial dan Rencana Intervensi Layanan")
    heading(doc, "A. IDENTITAS PENERIMA MANFAAT")
    list_table(doc, SHORT_VICTIM_HEAD, SHORT_VICTIM_WIDTHS, "k in korban", SHORT_VICTIM_CELLS)
    heading(doc, "B. INFORMASI KASUS")
    field_table(doc, [
        ("Bentuk kekerasan", "{{ bentuk_kekerasan }}"),
        ("Tanggal kejadian", "{{ tanggal_kejadian }}"),
        ("Tempat kejadian", "{{ tempat_kejadian }}, {{ wilayah_kejadian }}"),
        ("Kekerasan dalam rumah tangga", "{{ kdrt }}"),
        ("Tingkat risiko", "{{ tingkat_risiko }}"),
        ("Nomor Simfoni PPA", "{{ nomor_simfoni }} (input {{ tanggal_input_simfoni }})"),
        ("Ringkasan kasus", "{{ ringkasan }}"),
    ])
    para(doc, "Terlapor/pelaku:", before=6, after=3)
    list_table(doc, ["No", "Nama", "Hubungan dengan korban", "Umur", "Serumah dengan korban"],
               (0.8, 5.2, 4.5, 2.5, 3.5), "p in pelaku",
               ["{{ p.no }}", "{{ p.nama }}", "{{ p.hubungan }}", "{{ p.umur }}", "{{ p.tinggal_serumah }}"])
    heading(doc, "C. PELAKSANAAN PENJANGKAUAN")
    field_table(doc, [
        ("Sumber verifikasi", "{{ penjangkauan_sumber_verifikasi }}"),
        ("Catatan verifikasi", "{{ penjangkauan_verifikasi }}"),
        ("Alamat yang ditelusuri", "{{ penjangkauan_alamat }}"),
        ("Waktu", "{{ penjangkauan_waktu }}"),
        ("Tim yang hadir", "{{ penjangkauan_tim }}"),
        ("Pendamping", "{{ penjangkauan_pendamping }}"),
        ("Penyelamatan", "{{ penjangkauan_penyelamatan }}"),
        ("Pengamanan korban", "{{ penjangkauan_pengamanan }}"),
        ("Dukungan psikososial awal", "{{ penjangkauan_dukungan_awal }}"),
    ], bordered=True)
    heading(doc, "D. HASIL ASESMEN BIOPSIKOSOSIAL ({{ tanggal_asesmen }})")
    field_table(doc, [
        ("Kondisi fisik dan kesehatan", "{{ kondisi_fisik }}"),
        ("Kondisi psikologis", "{{ kondisi_psikologis }}"),
        ("Kondisi keluarga dan sosial", "{{ kondisi_sosial }}"),
        ("Kondisi ekonomi", "{{ kondisi_ekonomi }}"),
        ("Kebutuhan hukum", "{{ kebutuhan_hukum }}"),
        ("Kesimpulan", "{{ kesimpulan_asesmen }}"),
    ], bordered=True)
    heading(doc, "E. RENCANA INTERVENSI LAYANAN")
    field_table(doc, [("Tujuan", "{{ rencana_tujuan }}")])
    para(doc, "", size=6)
    list_table(doc, PLAN_HEAD, PLAN_WIDTHS, "r in rencana", PLAN_CELLS, size=9)
    para(doc, "Catatan: {{ rencana_catatan }}", size=10)
    officer_signature(doc, "tanggal_laporan_kasus")
    return doc


def _memo_header(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> None:
    """Nota dinas style: Kepada / Dari / Tanggal / Hal, closed by a thin rule."""
    field_table(doc, rows, widths=(3.0, 0.4, 13.1))
    bottom_rule(para(doc, "", after=2), style="single", size=8)
    para(doc, "", size=6)


def laporan_permohonan_instruksi() -> DocumentObject:
    doc = new_document("Laporan dan Permohonan Instruksi Tindak Lanjut Layanan", confidential_footer=True)
    letterhead(doc)
    title(doc, "LAPORAN DAN PERMOHONAN INSTRUKSI TINDAK LANJUT LAYANAN")
    _memo_header(doc, [
        ("Nomor", "{{ nomor_surat }}"),
        ("Kepada", "Yth. {{ jabatan_kepala }}"),
        ("Dari", "{{ dari }}"),
        ("Tanggal", "{{ tanggal_laporan }}"),
        ("Nomor kasus", "{{ nomor_kasus }} (Simfoni PPA: {{ nomor_simfoni }})"),
        ("Hal", "Laporan dan permohonan instruksi tindak lanjut layanan"),
    ])
    heading(doc, "1. Penerima manfaat")
    list_table(doc, SHORT_VICTIM_HEAD, SHORT_VICTIM_WIDTHS, "k in korban", SHORT_VICTIM_CELLS)
    para(doc, "Bentuk kekerasan: {{ bentuk_kekerasan }}. Tingkat risiko: {{ tingkat_risiko }}.", indent_cm=0.6)
    heading(doc, "2. Laporan pelaksanaan penjangkauan")
    para(doc, "{{ laporan }}", indent_cm=0.6)
    heading(doc, "3. Rencana intervensi layanan")
    list_table(doc, PLAN_HEAD, PLAN_WIDTHS, "r in rencana", PLAN_CELLS, size=9)
    para(doc, "Persetujuan rencana intervensi: {{ persetujuan_rencana }}", align=JUSTIFY, indent_cm=0.6)
    heading(doc, "4. Instruksi yang dimohonkan")
    para(doc, "{{ permohonan }}", indent_cm=0.6)
    para(doc, "Demikian laporan ini kami sampaikan, mohon instruksi tindak lanjut layanan.", align=JUSTIFY,
         before=8)
    officer_signature(doc, "tanggal_laporan")
    return doc


def instruksi_tindak_lanjut() -> DocumentObject:
    doc = new_document("Instruksi Tindak Lanjut Layanan", confidential_footer=True)
    letterhead(doc)
    title(doc, "INSTRUKSI TINDAK LANJUT LAYANAN")
    _memo_header(doc, [
        ("Nomor", "{{ nomor_surat }}"),
        ("Kepada", "Yth. {{ kepada }}"),
        ("Dari", "{{ jabatan_kepala }}"),
        ("Tanggal", "{{ tanggal_instruksi }}"),
        ("Nomor kasus", "{{ nomor_kasus }}"),
        ("Hal", "Instruksi tindak lanjut layanan"),
    ])
    heading(doc, "1. Penerima manfaat")
    list_table(doc, ["No", "Nama", "Jenis kelamin", "Umur"], (0.8, 8.7, 3.5, 3.5), "k in korban",
               ["{{ k.no }}", "{{ k.nama }}", "{{ k.jenis_kelamin }}", "{{ k.umur }}"])
    para(doc, "Tingkat risiko: {{ tingkat_risiko }}.", indent_cm=0.6)
    heading(doc, "2. Dasar: laporan petugas layanan")
    para(doc, "{{ laporan }}", indent_cm=0.6)
    heading(doc, "3. Instruksi")
    para(doc, "{{ instruksi }}", indent_cm=0.6)
    heading(doc, "4. Tindak lanjut")
    list_table(doc, ["No", "Tindak lanjut", "Keterangan"], (0.8, 6.2, 9.5), "t in tindak_lanjut",
               ["{{ t.no }}", "{{ t.jenis }}", "{{ t.keterangan }}"], size=10)
    para(doc, "Demikian instruksi ini disampaikan untuk dilaksanakan dengan penuh tanggung jawab.", align=JUSTIFY, before=4)
    head_signature(doc, "tanggal_instruksi")
    return doc


BUILDERS = {
    "surat_tugas": surat_tugas,
    "formulir_pengaduan": formulir_pengaduan,
    "formulir_identifikasi": formulir_identifikasi,
    "formulir_asesmen_risiko": formulir_asesmen_risiko,
    "formulir_persetujuan": formulir_persetujuan,
    "laporan_kasus": laporan_kasus,
    "laporan_permohonan_instruksi": laporan_permohonan_instruksi,
    "instruksi_tindak_lanjut": instruksi_tindak_lanjut,
    "surat_rujukan": surat_rujukan,
    "surat_pelimpahan": surat_pelimpahan,
}


def main(codes: Sequence[str]) -> None:
    for code in codes or BUILDERS:
        print(save(BUILDERS[code](), code))


if __name__ == "__main__":
    main(sys.argv[1:])
