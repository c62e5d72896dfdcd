"""How documents print values: Indonesian dates, NIP, names, regions, addresses, initials; `-` for what nobody filled."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Sequence

from admin_app.models import (
    Authority,
    CaseKind,
    Region,
    RegionLevel,
    RiskLevel,
    Sex,
    Victim,
)
from admin_app.models.cases import PersonMixin
from admin_app.models.reference import ReferenceValue

# --- Indonesian formatting -------------------------------------------------------------------------------------

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # date.weekday(): Monday is 0
EMPTY = "-"  # what a printed form shows for a field nobody filled
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# Who owns a case, as a letter names it ("... melainkan kewenangan UPTD PPA Provinsi Banten").
AUTHORITY_NAMES = {
    Authority.KOTA: "UPTD PPA Kota Tangerang",
    Authority.PROVINSI: "UPTD PPA Provinsi Banten",
    Authority.PUSAT: "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",
}
CASE_KIND_LABELS = {CaseKind.KTP: "KTP (Kekerasan Terhadap Perempuan)", CaseKind.KTA: "KTA (Kekerasan Terhadap Anak)"}

def tanggal_indonesia(day: dt.date | dt.datetime | None, *, with_day: bool = False) -> str:
    """`1 Agustus 2025`, or `Jumat, 1 Agustus 2025` with the day name; `-` when there is no date."""
    if day is None:
        return EMPTY
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if with_day else text


def format_nip(nip: str | None) -> str:
    """NIP as printed on letters: `19860926 201505 1 001` (birth date, appointment, sex, serial)."""
    if not nip:
        return EMPTY
    if len(nip) != 18 or not nip.isdigit():
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def shown(value: object) -> str:
    if value is None:
        return EMPTY
    text = str(value).strip()
    return text or EMPTY


def yes_no(value: bool | None) -> str:
    return "Ya" if value else "Tidak"


def label_of(value: ReferenceValue | None) -> str:
    return value.label if value is not None else EMPTY


def labels_of(values: Iterable[ReferenceValue]) -> str:
    return ", ".join(v.label for v in values) or EMPTY


def sex_label(sex: Sex | None) -> str:
    return {Sex.PEREMPUAN: "Perempuan", Sex.LAKI_LAKI: "Laki-laki"}.get(sex, EMPTY) if sex else EMPTY


def age_label(person: PersonMixin, on: dt.date) -> str:
    years = person.age_on(on)
    return f"{years} tahun" if years is not None else EMPTY


def region_label(region: Region | None) -> str:
    """`Kelurahan Sukaasih, Kecamatan Tangerang, Kota Tangerang`, walking up the region tree."""
    prefixes = {RegionLevel.KELURAHAN: "Kelurahan", RegionLevel.KECAMATAN: "Kecamatan"}
    parts: list[str] = []
    while region is not None and region.level != RegionLevel.PROVINSI:
        prefix = prefixes.get(region.level)
        parts.append(f"{prefix} {region.name}" if prefix else region.name)
        region = region.parent
    return ", ".join(parts) or EMPTY


def short_region_label(region: Region | None) -> str:
    """Kelurahan and kecamatan only: what an assignment letter says about where the victim is."""
    text = region_label(region)
    return ", ".join(p for p in text.split(", ") if p.startswith(("Kelurahan", "Kecamatan"))) or text


def address_label(person: PersonMixin) -> str:
    if person.address_outside_city:
        return ", ".join(p for p in (person.address, person.address_outside_city) if p)
    street = person.address or ""
    if person.rt or person.rw:
        street += f" RT {person.rt or EMPTY}/RW {person.rw or EMPTY}"
    parts = [street.strip(), region_label(person.region) if person.region else ""]
    return ", ".join(p for p in parts if p) or EMPTY


def birth_label(person: PersonMixin) -> str:
    if not person.birth_place and not person.birth_date:
        return EMPTY
    return f"{person.birth_place or EMPTY}, {tanggal_indonesia(person.birth_date)}"


def enumerate_text(items: Sequence[str]) -> str:
    """`A`, `A dan B`, `A, B dan C`."""
    if len(items) <= 1:
        return "".join(items) or EMPTY
    return ", ".join(items[:-1]) + " dan " + items[-1]


def numbered(lines: Iterable[str]) -> list[dict[str, str]]:
    return [{"no": str(i), "teks": line} for i, line in enumerate(lines, start=1)]


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def initials_described(victim: Victim, on: dt.date) -> str:
    """`R.A. (14 tahun, perempuan)`: how a letter leaving the office names a victim."""
    details = [d for d in (age_label(victim, on), sex_label(victim.sex).lower()) if d != EMPTY]
    return f"{victim.initials} ({', '.join(details)})" if details else victim.initials


def initials_only(text: str | None, people: Sequence[PersonMixin]) -> str:
    """Replace victims' names inside free text with their initials.

    Letters that leave the office name victims by initials only, but chronology and condition are typed by staff
    and may carry a name; this is the safety net under that rule.
    """
    if not text or not text.strip():
        return EMPTY
    for person in people:
        names = [n for n in (person.full_name, person.alias) if n and n.strip()]
        tokens = {n.strip() for n in names}
        tokens |= {t for n in names for t in re.split(r"[\s.,]+", n) if len(t) >= 3}
        for token in sorted(tokens, key=len, reverse=True):  # the full name before its parts
            text = re.sub(rf"(?<!\w){re.escape(token)}(?!\w)", person.initials, text, flags=re.IGNORECASE)
    return text.strip()


def level_label(level: RiskLevel | None) -> str:
    return level.value.capitalize() if level else EMPTY
