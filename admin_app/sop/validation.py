"""Field validation for the step-3 forms: identifiers (NIK, No. KK, NIP), phone numbers, RT/RW, dates, age and the
KTP/KTA case kind.

Plain Python, no Flask: the form layer calls these and turns `FieldInvalid` into a field error. Each `clean_*`
function returns the cleaned value (None for an empty optional value) or raises `FieldInvalid` with a message in
Bahasa Indonesia. Warnings (a NIK that does not match the recorded birth date or sex) are *returned* as a list of
messages, never raised: DOMAIN.md says such a mismatch must not block saving.

Inputs may be str, int (for the digit fields), an enum whose `.value` is the code (models' `Sex`, `CaseKind`) or
None. For text input the only exception ever raised is `FieldInvalid`; passing a non-date where a date is
expected is a programming error and raises TypeError.

Length (about 500 lines): one cleaner per kind of field, each with its Indonesian messages.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

__all__ = [
    "FieldInvalid",
    "PROVINCE_CODES",
    "NikInfo",
    "parse_nik",
    "clean_nik",
    "nik_warnings",
    "clean_family_card_number",
    "clean_nip",
    "format_nip",
    "clean_phone",
    "clean_rt_rw",
    "check_not_future",
    "check_incident_after_birth",
    "age_on",
    "is_child",
    "check_case_kind",
    "CHILD_AGE_LIMIT",
    "tanggal_indonesia",
]


class FieldInvalid(ValueError):
    """A value the user typed is not acceptable; `message` is shown next to the field (Bahasa Indonesia)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# Province codes (kode wilayah Kemendagri: the first two digits of NIK and No. KK), the 38 provinces since the 2022
# Papua split (UU 14, 15, 16 and 29 of 2022 created Papua Selatan 93, Papua Tengah 94, Papua Pegunungan 95 and
# Papua Barat Daya 96; the codes are those of the Kemendagri area-code decrees, latest Kepmendagri
# 300.2.2-2430/2025, to the best of our knowledge):
#   11-19 Sumatra, 21 Kepulauan Riau, 31-36 Java (36 = Banten), 51-53 Bali and Nusa Tenggara, 61-65 Kalimantan,
#   71-76 Sulawesi, 81-82 Maluku, 91-96 Papua.
# Dukcapil uses the Kemendagri numbering, not the BPS one (BPS had Papua Barat 91 and Papua 94); both lie in the
# accepted set. A NIK keeps the code of the region of first registration, so a resident of a province created later
# may hold an older code (a Papua Selatan resident with a 91... NIK): we only check that the code exists.
# 54 (Timor Timur, before 1999) predates the NIK and is refused.
PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

CHILD_AGE_LIMIT = 18  # UU 35/2014 art. 1: a child is a person not yet 18 years old
NIP_MIN_AGE_AT_APPOINTMENT = 15  # the brief's sanity bound: appointment year >= birth year + 15
NIP_MIN_BIRTH_YEAR = 1900

_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

# Separators people type inside numbers: whitespace (incl. no-break space), dots and every kind of dash.
_SEPARATORS = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_PHONE_CHARS = re.compile(r"\+?[0-9\s.\-\u2010\u2011\u2012\u2013\u2014\u2212()/]*")

_EXAMPLE_PHONE = "Contoh: 0812-3456-7890."


# --------------------------------------------------------------------------------------------------- helpers


def _text(value: object) -> str:
    """The user's input as text: enums give their value, ints their digits; NFKC turns full-width digits ASCII."""
    value = getattr(value, "value", value)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise FieldInvalid("Isian tidak valid.")
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise FieldInvalid("Isian tidak valid.")
    return unicodedata.normalize("NFKC", value).strip()


def _digits(value: object) -> str:
    """Text with separators (spaces, dots, dashes) removed; may still contain non-digits."""
    return _SEPARATORS.sub("", _text(value))


def _is_ascii_digits(s: str, n: int | None = None) -> bool:
    return bool(re.fullmatch(r"[0-9]+", s)) and (n is None or len(s) == n)


def _length_hint(s: str) -> str:
    if _is_ascii_digits(s):
        return f" (terisi {len(s)} digit)"
    return " (hanya angka; spasi, titik dan tanda hubung boleh)"


def _as_date(value: object, what: str = "tanggal") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"{what} must be a datetime.date, got {type(value).__name__}")


def tanggal_indonesia(day: dt.date) -> str:
    """`26 September 1986`: how dates read in Indonesian messages and letters."""
    return f"{day.day} {_BULAN[day.month - 1]} {day.year}"


def _sex_code(sex: object) -> str | None:
    """'L' / 'P' from 'L', 'P', 'Laki-laki', 'Perempuan', Sex enum; None when unknown."""
    s = getattr(sex, "value", sex)
    if not isinstance(s, str) or not s.strip():
        return None
    first = s.strip()[0].upper()
    return first if first in ("L", "P") else None


_SEX_WORD = {"L": "laki-laki", "P": "perempuan"}


def _check_province(code: str, label: str) -> None:
    if code not in PROVINCE_CODES:
        raise FieldInvalid(f"Kode provinsi pada {label} (2 digit pertama: {code}) tidak dikenal.")


# ------------------------------------------------------------------------------------------------------- NIK


@dataclass(frozen=True)
class NikInfo:
    """What a (valid) NIK encodes."""

    nik: str
    province: str  # digits 1-2
    city: str  # digits 3-4 (region of first registration)
    district: str  # digits 5-6 (idem: never compared with the address)
    day: int  # 1-31, already minus 40 for women
    month: int
    year2: int  # two-digit year: the century is not encoded
    sex: str  # "L" or "P"
    serial: str  # digits 13-16

    @property
    def province_name(self) -> str:
        return PROVINCE_CODES[self.province]

    @property
    def region_code(self) -> str:
        """`36.71.05`: province.city.district, as in the Kemendagri area codes."""
        return f"{self.province}.{self.city}.{self.district}"


def clean_nik(value: object) -> str | None:
    """NIK (Nomor Induk Kependudukan): optional; separators removed; 16 digits with a known province code, a month
    01-12, a day 01-31 (41-71 for women) that exists in that month, and a serial other than 0000."""
    s = _digits(value)
    if not s:
        return None
    if not _is_ascii_digits(s, 16):
        raise FieldInvalid("NIK harus 16 digit angka" + _length_hint(s) + ".")
    _check_province(s[:2], "NIK")
    day, month, year2 = int(s[6:8]), int(s[8:10]), int(s[10:12])
    if not 1 <= month <= 12:
        raise FieldInvalid(f"Bulan lahir pada NIK (digit ke-9 dan ke-10: {s[8:10]}) harus 01 sampai 12.")
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise FieldInvalid(
            f"Tanggal lahir pada NIK (digit ke-7 dan ke-8: {s[6:8]}) harus 01 sampai 31, "
            "atau 41 sampai 71 untuk perempuan (tanggal ditambah 40)."
        )
    real_day = day - 40 if day > 40 else day
    # The century is not encoded: 29 February is possible when the two-digit year is a multiple of 4 (2000 leaps).
    leap = year2 % 4 == 0
    last = 29 if (month == 2 and leap) else calendar.monthrange(2001, month)[1]
    if real_day > last:
        raise FieldInvalid(
            f"Tanggal lahir pada NIK ({real_day:02d}-{month:02d}-{year2:02d}) tidak ada di kalender."
        )
    if s[12:] == "0000":
        raise FieldInvalid("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000.")
    return s


def parse_nik(value: object) -> NikInfo | None:
    """Decode a NIK (after `clean_nik`, so it raises FieldInvalid when invalid); None when empty."""
    s = clean_nik(value)
    if s is None:
        return None
    day = int(s[6:8])
    return NikInfo(
        nik=s,
        province=s[:2],
        city=s[2:4],
        district=s[4:6],
        day=day - 40 if day > 40 else day,
        month=int(s[8:10]),
        year2=int(s[10:12]),
        sex="P" if day > 40 else "L",
        serial=s[12:],
    )


def nik_warnings(nik: object, birth_date: dt.date | None = None, sex: object = None) -> list[str]:
    """Warnings (never errors) when the birth date (day, month, two-digit year) or the sex encoded in the NIK differ
    from the recorded ones. Nothing to compare (no NIK, invalid NIK, no date/sex) gives no warning: an invalid NIK
    is `clean_nik`'s error, not a warning."""
    try:
        info = parse_nik(nik)
    except FieldInvalid:
        return []
    if info is None:
        return []
    warnings: list[str] = []
    if birth_date is not None:
        bd = _as_date(birth_date, "birth_date")
        if (bd.day, bd.month, bd.year % 100) != (info.day, info.month, info.year2):
            warnings.append(
                f"Tanggal lahir pada NIK ({info.day:02d}-{info.month:02d}-..{info.year2:02d}) tidak sama dengan "
                f"tanggal lahir yang dicatat ({bd:%d-%m-%Y}). Periksa kembali NIK atau tanggal lahir."
            )
    recorded = _sex_code(sex)
    if recorded is not None and recorded != info.sex:
        warnings.append(
            f"NIK menunjukkan jenis kelamin {_SEX_WORD[info.sex]} (pada NIK perempuan tanggal lahirnya ditambah 40), "
            f"tetapi yang dicatat {_SEX_WORD[recorded]}. Periksa kembali NIK atau jenis kelamin."
        )
    return warnings


# ------------------------------------------------------------------------------------------------------ No. KK


def clean_family_card_number(value: object) -> str | None:
    """Nomor Kartu Keluarga: optional; separators removed; 16 digits with a known province code."""
    s = _digits(value)
    if not s:
        return None
    if not _is_ascii_digits(s, 16):
        raise FieldInvalid("Nomor KK harus 16 digit angka" + _length_hint(s) + ".")
    _check_province(s[:2], "Nomor KK")
    return s


# --------------------------------------------------------------------------------------------------------- NIP


def clean_nip(value: object) -> str | None:
    """NIP (civil servant number, also the NI PPPK): optional; separators removed; 18 digits = birth date yyyymmdd
    (a real date, year >= 1900), appointment yyyymm (month 01-12, year >= birth year + 15), sex digit 1 (male) or
    2 (female), serial 001-999."""
    s = _digits(value)
    if not s:
        return None
    if not _is_ascii_digits(s, 18):
        raise FieldInvalid(
            "NIP harus 18 digit angka" + _length_hint(s) + ", mis. 19860926 201505 1 001."
        )
    by, bm, bd = int(s[0:4]), int(s[4:6]), int(s[6:8])
    try:
        birth = dt.date(by, bm, bd)
    except ValueError:
        birth = None
    if birth is None or by < NIP_MIN_BIRTH_YEAR:
        raise FieldInvalid(f"Tanggal lahir pada NIP (8 digit pertama: {s[:8]}) bukan tanggal yang valid (ttttbbhh).")
    ay, am = int(s[8:12]), int(s[12:14])
    if not 1 <= am <= 12:
        raise FieldInvalid(f"Bulan pengangkatan pada NIP (digit ke-13 dan ke-14: {s[12:14]}) harus 01 sampai 12.")
    if ay < by + NIP_MIN_AGE_AT_APPOINTMENT:
        raise FieldInvalid(
            f"Tahun pengangkatan pada NIP ({ay}) tidak mungkin untuk tahun lahir {by} "
            f"(paling awal {by + NIP_MIN_AGE_AT_APPOINTMENT})."
        )
    if s[14] not in "12":
        raise FieldInvalid(f"Digit jenis kelamin pada NIP (digit ke-15: {s[14]}) harus 1 (pria) atau 2 (wanita).")
    if s[15:] == "000":
        raise FieldInvalid("Nomor urut pada NIP (3 digit terakhir) tidak boleh 000.")
    return s


def format_nip(nip: object) -> str:
    """`19860926 201505 1 001` for an 18-digit NIP (spaces or not); '' for none. A display helper: anything that is
    not 18 digits is returned as typed, never raised."""
    try:
        s = _digits(nip)
    except FieldInvalid:
        return ""
    if not s:
        return ""
    if not _is_ascii_digits(s, 18):
        return str(nip).strip()
    return f"{s[:8]} {s[8:14]} {s[14]} {s[15:]}"


# ------------------------------------------------------------------------------------------------------- phone


def _parse_phone(text: str, compact: str) -> phonenumbers.PhoneNumber | None:
    """The first valid reading of the number, or None."""
    candidates: list[str] = []
    if compact.startswith("62"):  # 62812...: the country code typed without "+"
        candidates.append("+" + compact)
    elif compact.startswith("00"):  # 0062812...: international prefix typed as 00
        candidates.append("+" + compact[2:])
    candidates.append(text)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, "ID")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def clean_phone(value: object, *, allow_foreign: bool = True, mobile_only: bool = False) -> str | None:
    """Phone number: optional; `0812-3456-7890`, `+62 812 3456 7890`, `62812...`, `(021) 555-1234` (spaces, dots,
    dashes, brackets allowed; letters refused) normalised to E.164 `+6281234567890`. A number without "+" is read
    as Indonesian. Foreign numbers (migrant workers, WNA) are accepted when typed with "+" unless
    `allow_foreign=False`; `mobile_only=True` refuses landlines."""
    text = _text(value)
    if not text:
        return None
    if not _PHONE_CHARS.fullmatch(text):
        raise FieldInvalid(
            "Nomor telepon hanya boleh berisi angka, spasi, tanda hubung dan '+' di depan. " + _EXAMPLE_PHONE
        )
    compact = re.sub(r"[^0-9+]", "", text)
    if not re.search(r"[0-9]", compact):
        raise FieldInvalid("Nomor telepon tidak valid. " + _EXAMPLE_PHONE)
    number = _parse_phone(text, compact)
    if number is None:
        raise FieldInvalid("Nomor telepon tidak valid. " + _EXAMPLE_PHONE)
    if number.country_code != 62 and not allow_foreign:
        raise FieldInvalid("Nomor telepon harus nomor Indonesia. " + _EXAMPLE_PHONE)
    if mobile_only and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise FieldInvalid("Nomor telepon harus nomor HP (seluler). " + _EXAMPLE_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ------------------------------------------------------------------------------------------------------- RT/RW


def clean_rt_rw(value: object, label: str = "RT/RW") -> str | None:
    """RT or RW number: optional; 1-3 digits (not 0), returned zero-padded to 3: "1" -> "001". A leading "RT"/"RW"
    typed by habit is tolerated."""
    s = _text(value)
    s = re.sub(r"^(?:RT|RW)\s*[.:]?\s*", "", s, flags=re.IGNORECASE).strip()
    if not s:
        return None
    if not re.fullmatch(r"[0-9]{1,3}", s):
        raise FieldInvalid(f"{label} harus angka 1 sampai 3 digit, mis. 001.")
    if int(s) == 0:
        raise FieldInvalid(f"{label} tidak boleh 000.")
    return s.zfill(3)


# ------------------------------------------------------------------------------------------------------- dates


def check_not_future(date: dt.date | None, today: dt.date, label: str = "Tanggal") -> dt.date | None:
    """The date itself (datetime -> date), or FieldInvalid when after `today`; None passes (optional)."""
    if date is None:
        return None
    d, t = _as_date(date, "date"), _as_date(today, "today")
    if d > t:
        raise FieldInvalid(f"{label} tidak boleh melewati hari ini ({tanggal_indonesia(t)}).")
    return d


def check_incident_after_birth(incident_date: dt.date | None, birth_date: dt.date | None) -> dt.date | None:
    """The incident date, or FieldInvalid when it is before the victim's birth date (either missing: no check)."""
    if incident_date is None:
        return None
    incident = _as_date(incident_date, "incident_date")
    if birth_date is not None and incident < _as_date(birth_date, "birth_date"):
        raise FieldInvalid(
            f"Tanggal kejadian ({tanggal_indonesia(incident)}) tidak boleh sebelum tanggal lahir korban "
            f"({tanggal_indonesia(_as_date(birth_date))})."
        )
    return incident


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Completed years on `day` (someone born on 29 February turns a year older on 1 March in common years).
    FieldInvalid when `day` is before the birth date."""
    b, d = _as_date(birth_date, "birth_date"), _as_date(day, "day")
    if d < b:
        raise FieldInvalid(
            f"Tanggal {tanggal_indonesia(d)} sebelum tanggal lahir ({tanggal_indonesia(b)}): umur tidak dapat dihitung."
        )
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def is_child(birth_date_or_age: dt.date | int | None, on_day: dt.date | None = None) -> bool:
    """True when under 18 on `on_day` (the incident date). Takes a birth date (then `on_day` is required) or an age
    in years (age at the incident, e.g. an estimate). FieldInvalid when neither is known or the age is impossible."""
    value = birth_date_or_age
    if value is None:
        raise FieldInvalid(
            "Tanggal lahir atau perkiraan umur korban harus diisi untuk menentukan apakah korban anak "
            "(di bawah 18 tahun)."
        )
    if isinstance(value, dt.date):
        if on_day is None:
            raise FieldInvalid("Tanggal kejadian harus diisi untuk menghitung umur korban saat kejadian.")
        return age_on(value, on_day) < CHILD_AGE_LIMIT
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"birth_date_or_age must be a date or an int, got {type(value).__name__}")
    if not 0 <= value <= 150:
        raise FieldInvalid(f"Umur {value} tahun tidak valid.")
    return value < CHILD_AGE_LIMIT


def check_case_kind(case_kind: object, victim_is_child: bool | None, victim_sex: object = None) -> str | None:
    """The case kind "KTP" or "KTA" (normalised), checked against the victim: KTA (Kekerasan Terhadap Anak) only for
    a child (under 18 at the incident); KTP (Kekerasan Terhadap Perempuan) only for an adult woman (sex "P").
    Empty -> None (requiredness is the form's business). A kind chosen while the age is unknown is refused."""
    kind = _text(case_kind).upper()
    if not kind:
        return None
    if kind not in ("KTP", "KTA"):
        raise FieldInvalid("Jenis kasus harus KTP (kekerasan terhadap perempuan) atau KTA (kekerasan terhadap anak).")
    if victim_is_child is None:
        raise FieldInvalid(
            f"Jenis kasus {kind} belum dapat diperiksa: isi tanggal lahir atau perkiraan umur korban terlebih dahulu."
        )
    if kind == "KTA":
        if not victim_is_child:
            raise FieldInvalid(
                "KTA (kekerasan terhadap anak) hanya untuk korban anak (di bawah 18 tahun saat kejadian). "
                "Korban dewasa perempuan dicatat sebagai KTP."
            )
        return kind
    if victim_is_child:
        raise FieldInvalid("Korban berumur di bawah 18 tahun saat kejadian: gunakan KTA (kekerasan terhadap anak).")
    if _sex_code(victim_sex) != "P":
        raise FieldInvalid(
            "KTP (kekerasan terhadap perempuan) hanya untuk korban perempuan dewasa; "
            "isi jenis kelamin korban (perempuan)."
            if _sex_code(victim_sex) is None
            else "KTP (kekerasan terhadap perempuan) hanya untuk korban perempuan dewasa."
        )
    return kind
