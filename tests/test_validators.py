"""The field validators of the step-3 forms (admin_app.sop.validation): good and bad values for each, and property
tests for the identifiers. Pure tests: no app, no database."""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from admin_app.sop.validation import (
    PROVINCE_CODES,
    FieldInvalid,
    age_on,
    check_case_kind,
    check_incident_after_birth,
    check_not_future,
    clean_family_card_number,
    clean_nik,
    clean_nip,
    clean_phone,
    clean_rt_rw,
    format_nip,
    is_child,
    nik_warnings,
    parse_nik,
)

FAST = settings(max_examples=200, deadline=None)
D = dt.date


class Sex(str, enum.Enum):  # the shape of admin_app.models.cases.Sex, without importing the models
    LAKI_LAKI = "L"
    PEREMPUAN = "P"


def refused(fn, *args, match: str | None = None, **kwargs) -> str:
    with pytest.raises(FieldInvalid) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert message and message == info.value.message
    if match:
        assert re.search(match, message), message
    return message


def make_nik(province: str, city: int, district: int, birth: dt.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{province}{city:02d}{district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


# ------------------------------------------------------------------------------------------------------ FieldInvalid


def test_field_invalid_is_a_value_error():
    err = FieldInvalid("NIK harus 16 digit angka.")
    assert isinstance(err, ValueError)
    assert str(err) == err.message == "NIK harus 16 digit angka."


# ------------------------------------------------------------------------------------------------------------- NIK


def test_province_codes():
    assert len(PROVINCE_CODES) == 38
    assert PROVINCE_CODES["36"] == "Banten"
    assert {"93", "94", "95", "96"} <= PROVINCE_CODES.keys()
    assert all(re.fullmatch(r"[1-9][1-9]", code) for code in PROVINCE_CODES)
    assert not {"10", "20", "22", "30", "37", "50", "54", "60", "66", "70", "77", "80", "83", "90", "97", "99"} & (
        PROVINCE_CODES.keys()
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3671052509860001", "3671052509860001"),  # man born 25-09-1986, Kota Tangerang, Cipondoh
        ("3671056509860001", "3671056509860001"),  # woman: day + 40
        ("3671 0565 0986 0001", "3671056509860001"),
        ("3671.0565.0986.0001", "3671056509860001"),
        ("3671-0565-0986-0001", "3671056509860001"),
        ("  3671056509860001\t", "3671056509860001"),
        ("3671\u00a0056509860001", "3671056509860001"),  # no-break space pasted from a document
        ("\uff13\uff16\uff17\uff11056509860001", "3671056509860001"),  # full-width digits from a phone keyboard
        (3671056509860001, "3671056509860001"),
        ("1101010101000001", "1101010101000001"),  # Aceh, 01-01-00
        ("9601017112250001", "9601017112250001"),  # Papua Barat Daya, woman born 31-12-25
        ("3671012902000001", "3671012902000001"),  # 29 February of a year ..00 (2000 was leap)
        ("3671016902040001", "3671016902040001"),  # woman, 29-02-04
        ("3671053101009999", "3671053101009999"),
        ("3671054112990001", "3671054112990001"),  # woman born 01-12-99
    ],
)
def test_clean_nik_good(value, expected):
    assert clean_nik(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", " - . "])
def test_clean_nik_empty_is_none(value):
    assert clean_nik(value) is None


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("367105250986000", r"^NIK harus 16 digit angka \(terisi 15 digit\)\.$"),
        ("36710525098600011", r"NIK harus 16 digit angka \(terisi 17 digit\)"),
        ("3671", "NIK harus 16 digit angka"),
        ("3671O52509860001", "NIK harus 16 digit angka.*hanya angka"),  # letter O
        ("3671052509860001a", "NIK harus 16 digit angka"),
        ("3671/0525/0986/0001", "NIK harus 16 digit angka"),
        ("\u0663\u0666\u0667\u0661052509860001", "NIK harus 16 digit angka"),  # Arabic-Indic digits
        ("+3671052509860001", "NIK harus 16 digit angka"),
        ("1071052509860001", r"provinsi.*10"),
        ("0071052509860001", "provinsi"),
        ("2071052509860001", "provinsi"),
        ("3771052509860001", "provinsi"),
        ("5471052509860001", "provinsi"),
        ("9771052509860001", "provinsi"),
        ("9971052509860001", "provinsi"),
        ("3671052500860001", r"Bulan lahir.*00"),
        ("3671052513860001", r"Bulan lahir.*13"),
        ("3671050009860001", r"Tanggal lahir.*00.*41 sampai 71"),
        ("3671053209860001", "Tanggal lahir"),
        ("3671054009860001", "Tanggal lahir"),
        ("3671057209860001", "Tanggal lahir"),
        ("3671059909860001", "Tanggal lahir"),
        ("3671053102860001", "tidak ada di kalender"),  # 31 February
        ("3671053002860001", "tidak ada di kalender"),
        ("3671053104860001", "tidak ada di kalender"),  # 31 April
        ("3671057109860001", "tidak ada di kalender"),  # woman, 31 September
        ("3671052902010001", "tidak ada di kalender"),  # 29-02-01: neither 1901 nor 2001 leaps
        ("3671052509860000", "0000"),
    ],
)
def test_clean_nik_bad(value, match):
    refused(clean_nik, value, match=match)


def test_parse_nik():
    info = parse_nik("3671 0565 0986 0012")
    assert info is not None
    assert (info.province, info.city, info.district) == ("36", "71", "05")
    assert (info.day, info.month, info.year2, info.sex, info.serial) == (25, 9, 86, "P", "0012")
    assert info.province_name == "Banten"
    assert info.region_code == "36.71.05"
    assert parse_nik("") is None
    refused(parse_nik, "123")


# ---------------------------------------------------------------------------------------------------- NIK warnings


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3671052509860001", D(1986, 9, 25), "L"),
        ("3671056509860001", D(1986, 9, 25), "P"),
        ("3671056509860001", D(2086, 9, 25), Sex.PEREMPUAN),  # only two digits of the year are encoded
        ("3671056509860001", dt.datetime(1986, 9, 25, 10, 30), "Perempuan"),
        ("3671052509860001", D(1986, 9, 25), "laki-laki"),
        ("3671052509860001", None, None),  # nothing to compare
        ("3671052509860001", D(1986, 9, 25), None),
        ("3671052509860001", None, "L"),
        ("3671052509860001", D(1986, 9, 25), "X"),  # unknown sex: no opinion
        (None, D(1986, 9, 25), "L"),  # no NIK
        ("", D(1986, 9, 25), "L"),
        ("12345", D(1986, 9, 25), "L"),  # invalid NIK: clean_nik's error, not a warning
        ("3671 0525 0986 0001", D(1986, 9, 25), Sex.LAKI_LAKI),
    ],
)
def test_nik_warnings_none(nik, birth_date, sex):
    assert nik_warnings(nik, birth_date, sex) == []


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex", "matches"),
    [
        ("3671052509860001", D(1986, 9, 26), "L", ["Tanggal lahir pada NIK"]),  # day
        ("3671052509860001", D(1986, 10, 25), "L", ["Tanggal lahir pada NIK"]),  # month
        ("3671052509860001", D(1987, 9, 25), "L", ["Tanggal lahir pada NIK"]),  # year
        ("3671052509860001", D(1986, 9, 25), "P", ["jenis kelamin laki-laki.*dicatat perempuan"]),
        ("3671056509860001", D(1986, 9, 25), Sex.LAKI_LAKI, ["jenis kelamin perempuan.*dicatat laki-laki"]),
        # a woman's NIK: the date agrees (day - 40), the sex does not
        ("3671056509860001", D(1986, 9, 25), "L", ["jenis kelamin perempuan"]),
        ("3671052509860001", D(1990, 1, 1), "P", ["Tanggal lahir pada NIK", "jenis kelamin"]),
    ],
)
def test_nik_warnings_mismatch(nik, birth_date, sex, matches):
    warnings = nik_warnings(nik, birth_date, sex)
    assert len(warnings) == len(matches)
    for warning, pattern in zip(warnings, matches):
        assert re.search(pattern, warning), warning
        assert "Periksa kembali" in warning


def test_nik_warning_text():
    (warning,) = nik_warnings("3671052509860001", D(1986, 9, 26))
    assert warning == (
        "Tanggal lahir pada NIK (25-09-..86) tidak sama dengan tanggal lahir yang dicatat (26-09-1986). "
        "Periksa kembali NIK atau tanggal lahir."
    )


# ----------------------------------------------------------------------------------------------------------- No. KK


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3671011203150007", "3671011203150007"),
        ("3671 0112 0315 0007", "3671011203150007"),
        ("3671.0112.0315.0007", "3671011203150007"),
        ("9601010101010001", "9601010101010001"),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_clean_family_card_number_good(value, expected):
    assert clean_family_card_number(value) == expected


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("367101120315000", r"^Nomor KK harus 16 digit angka \(terisi 15 digit\)\.$"),
        ("36710112031500071", "Nomor KK harus 16 digit angka"),
        ("3671O11203150007", "Nomor KK harus 16 digit angka"),
        ("KK 3671011203150007", "Nomor KK harus 16 digit angka"),
        ("1071011203150007", r"provinsi pada Nomor KK.*10"),
        ("9771011203150007", "provinsi"),
    ],
)
def test_clean_family_card_number_bad(value, match):
    refused(clean_family_card_number, value, match=match)


# ------------------------------------------------------------------------------------------------------------- NIP


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19860926 201505 1 001", "198609262015051001"),
        ("198609262015051001", "198609262015051001"),
        ("  19860926  201505 1 001 ", "198609262015051001"),
        ("19860926.201505.1.001", "198609262015051001"),
        ("19860926-201505-1-001", "198609262015051001"),
        ("19700101 199003 2 015", "197001011990032015"),
        ("20000229 202401 2 999", "200002292024012999"),  # leap day
        ("19860926 200101 1 001", "198609262001011001"),  # appointed at birth year + 15: the earliest allowed
        ("19861231 200112 2 001", "198612312001122001"),
        (198609262015051001, "198609262015051001"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_clean_nip_good(value, expected):
    assert clean_nip(value) == expected


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("19860926 201505 1 00", r"NIP harus 18 digit angka \(terisi 17 digit\), mis\. 19860926 201505 1 001\."),
        ("19860926 201505 1 0011", "NIP harus 18 digit angka"),
        ("19860926 2015O5 1 001", "NIP harus 18 digit angka"),
        ("NIP 19860926 201505 1 001", "NIP harus 18 digit angka"),
        ("19861326 201505 1 001", "Tanggal lahir pada NIP"),  # month 13
        ("19860026 201505 1 001", "Tanggal lahir pada NIP"),
        ("19860931 201505 1 001", "Tanggal lahir pada NIP"),  # 31 September
        ("19860900 201505 1 001", "Tanggal lahir pada NIP"),
        ("19000229 195003 1 001", "Tanggal lahir pada NIP"),  # 1900 did not leap
        ("18991231 195003 1 001", "Tanggal lahir pada NIP"),
        ("00000000 000000 0 000", "Tanggal lahir pada NIP"),
        ("19860926 201500 1 001", r"Bulan pengangkatan.*00"),
        ("19860926 201513 1 001", "Bulan pengangkatan"),
        ("19860926 200012 1 001", r"Tahun pengangkatan.*2000.*1986.*2001"),  # appointed at 14
        ("19860926 198001 1 001", "Tahun pengangkatan"),  # appointed before birth
        ("19860926 201505 0 001", r"jenis kelamin.*\b0\b"),
        ("19860926 201505 3 001", "jenis kelamin"),
        ("19860926 201505 9 001", "jenis kelamin"),
        ("19860926 201505 1 000", "000"),
    ],
)
def test_clean_nip_bad(value, match):
    refused(clean_nip, value, match=match)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("198609262015051001", "19860926 201505 1 001"),
        ("19860926 201505 1 001", "19860926 201505 1 001"),
        ("19860926201505 1001", "19860926 201505 1 001"),
        (198609262015051001, "19860926 201505 1 001"),
        (None, ""),
        ("", ""),
        ("12345", "12345"),  # a display helper: shown as typed, never raised
        (" tenaga kontrak ", "tenaga kontrak"),
    ],
)
def test_format_nip(value, expected):
    assert format_nip(value) == expected


# ----------------------------------------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("0812\u20133456\u20137890", "+6281234567890"),  # en dash from autocorrect
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("62812345678", "+62812345678"),  # 62 + 9 digits: the country code, not a 0628 landline
        ("0062 812 3456 7890", "+6281234567890"),
        ("+62 (0)812-3456-7890", "+6281234567890"),
        ("62 0812 3456 7890", "+6281234567890"),
        ("0811-234-567", "+62811234567"),  # 10 digits, old Telkomsel number
        ("0856 1234 5678", "+6285612345678"),
        ("0896-1234-56789", "+62896123456789"),
        ("  0812 3456 7890  ", "+6281234567890"),
        ("\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10", "+6281234567890"),
        ("(021) 5551234", "+62215551234"),  # a landline: police, puskesmas, kelurahan
        ("021-555-1234", "+62215551234"),
        ("+62 21 5551234", "+62215551234"),
        ("+60 12-345 6789", "+60123456789"),  # a migrant worker in Malaysia
        ("+852 5123 4567", "+85251234567"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_clean_phone_good(value, expected):
    assert clean_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "08123",
        "0812",
        "08",
        "0",
        "12345",
        "0000000000",
        "0841 2345 6789",  # no 084 mobile prefix
        "0812 3456 7890 1234",  # too long
        "+62 812 345",
        "+",
        "()",
        "---",
        "+999 123 456",
        "0812 FLOWERS",  # letters would be read as keypad digits by phonenumbers: refused instead
        "0812-3456-7890 (WA)",
        "0812-3456-7890 / 0813-1111-2222",  # one number per field
        "0812+3456",
        "tidak ada",
        "-",
    ],
)
def test_clean_phone_bad(value):
    message = refused(clean_phone, value)
    assert "0812-3456-7890" in message  # every message shows an example


def test_clean_phone_invalid_message():
    refused(clean_phone, "08123", match=r"^Nomor telepon tidak valid\. Contoh: 0812-3456-7890\.$")


def test_clean_phone_options():
    refused(clean_phone, "+60 12-345 6789", allow_foreign=False, match="nomor Indonesia")
    assert clean_phone("0812-3456-7890", allow_foreign=False) == "+6281234567890"
    refused(clean_phone, "(021) 5551234", mobile_only=True, match="HP")
    assert clean_phone("0812-3456-7890", mobile_only=True) == "+6281234567890"


# ----------------------------------------------------------------------------------------------------------- RT/RW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "001"),
        ("01", "001"),
        ("001", "001"),
        ("12", "012"),
        ("123", "123"),
        (" 5 ", "005"),
        (7, "007"),
        ("RT 05", "005"),
        ("rw.3", "003"),
        ("\uff14", "004"),
        ("RT", None),  # only the habitual prefix: nothing typed
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_clean_rt_rw_good(value, expected):
    assert clean_rt_rw(value) == expected


@pytest.mark.parametrize("value", ["0", "00", "000", "1234", "0001", "1a", "-1", "01/02", "1.5", "satu"])
def test_clean_rt_rw_bad(value):
    refused(clean_rt_rw, value, match="^RT/RW ")


def test_clean_rt_rw_label():
    refused(clean_rt_rw, "12a", label="RW", match=r"^RW harus angka 1 sampai 3 digit, mis\. 001\.$")
    refused(clean_rt_rw, "0", label="RT", match=r"^RT tidak boleh 000\.$")


# ----------------------------------------------------------------------------------------------------------- dates

TODAY = D(2025, 6, 10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (TODAY, TODAY),
        (D(2025, 6, 9), D(2025, 6, 9)),
        (D(1950, 1, 1), D(1950, 1, 1)),
        (dt.datetime(2025, 6, 10, 23, 59), TODAY),
        (None, None),
    ],
)
def test_check_not_future_good(value, expected):
    assert check_not_future(value, TODAY, "Tanggal kejadian") == expected


@pytest.mark.parametrize("value", [D(2025, 6, 11), D(2026, 1, 1), dt.datetime(2025, 6, 11, 0, 0)])
def test_check_not_future_bad(value):
    refused(
        check_not_future,
        value,
        TODAY,
        "Tanggal kejadian",
        match=r"^Tanggal kejadian tidak boleh melewati hari ini \(10 Juni 2025\)\.$",
    )


@pytest.mark.parametrize(
    ("incident", "birth"),
    [
        (D(2025, 6, 10), D(2010, 1, 1)),
        (D(2010, 1, 1), D(2010, 1, 1)),  # the day of birth itself (e.g. neglect of a newborn)
        (D(2025, 6, 10), None),
        (None, D(2010, 1, 1)),
        (dt.datetime(2025, 6, 10, 8, 0), D(2010, 1, 1)),
    ],
)
def test_check_incident_after_birth_good(incident, birth):
    expected = incident.date() if isinstance(incident, dt.datetime) else incident
    assert check_incident_after_birth(incident, birth) == expected


@pytest.mark.parametrize(("incident", "birth"), [(D(2009, 12, 31), D(2010, 1, 1)), (D(2000, 1, 1), D(2010, 1, 1))])
def test_check_incident_after_birth_bad(incident, birth):
    refused(check_incident_after_birth, incident, birth, match="^Tanggal kejadian .* sebelum tanggal lahir korban")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (D(2010, 1, 1), D(2010, 1, 1), 0),
        (D(2000, 1, 1), D(2017, 12, 31), 17),
        (D(2000, 1, 1), D(2018, 1, 1), 18),
        (D(2007, 6, 10), D(2025, 6, 9), 17),
        (D(2007, 6, 10), D(2025, 6, 10), 18),
        (D(2004, 2, 29), D(2022, 2, 28), 17),  # a 29 February birthday comes on 1 March in common years
        (D(2004, 2, 29), D(2022, 3, 1), 18),
        (D(2004, 2, 29), D(2024, 2, 29), 20),
        (D(1950, 12, 31), D(2025, 1, 1), 74),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age


def test_age_on_before_birth():
    refused(age_on, D(2010, 1, 2), D(2010, 1, 1), match="sebelum tanggal lahir")


@pytest.mark.parametrize(
    ("birth_or_age", "on_day", "child"),
    [
        (D(2007, 6, 10), D(2025, 6, 9), True),  # the day before the 18th birthday
        (D(2007, 6, 10), D(2025, 6, 10), False),  # the 18th birthday
        (D(2025, 1, 1), D(2025, 1, 1), True),
        (D(1990, 1, 1), D(2025, 6, 10), False),
        (0, None, True),
        (17, None, True),
        (18, D(2025, 6, 10), False),  # an age is the age at the incident: the day is not used
        (45, None, False),
    ],
)
def test_is_child(birth_or_age, on_day, child):
    assert is_child(birth_or_age, on_day) is child


@pytest.mark.parametrize(
    ("birth_or_age", "on_day", "match"),
    [
        (None, D(2025, 6, 10), "Tanggal lahir atau perkiraan umur"),
        (D(2010, 1, 1), None, "Tanggal kejadian harus diisi"),
        (D(2010, 1, 2), D(2010, 1, 1), "sebelum tanggal lahir"),
        (-1, None, "Umur -1 tahun tidak valid"),
        (151, None, "tidak valid"),
    ],
)
def test_is_child_bad(birth_or_age, on_day, match):
    refused(is_child, birth_or_age, on_day, match=match)


# ------------------------------------------------------------------------------------------------------- case kind


@pytest.mark.parametrize(
    ("kind", "victim_is_child", "sex", "expected"),
    [
        ("KTA", True, "P", "KTA"),
        ("KTA", True, "L", "KTA"),  # boys are children too
        ("KTA", True, None, "KTA"),
        ("kta", True, Sex.LAKI_LAKI, "KTA"),
        ("KTP", False, "P", "KTP"),
        (" ktp ", False, Sex.PEREMPUAN, "KTP"),
        ("KTP", False, "Perempuan", "KTP"),
        (None, True, "P", None),  # not chosen yet: the form decides whether it is required
        ("", False, "L", None),
    ],
)
def test_check_case_kind_good(kind, victim_is_child, sex, expected):
    assert check_case_kind(kind, victim_is_child, sex) == expected


@pytest.mark.parametrize(
    ("kind", "victim_is_child", "sex", "match"),
    [
        ("KTA", False, "P", "KTA .*hanya untuk korban anak"),  # an adult woman
        ("KTA", False, "L", "KTA"),
        ("KTP", True, "P", "gunakan KTA"),  # a girl
        ("KTP", True, "L", "gunakan KTA"),
        ("KTP", False, "L", "KTP .*hanya untuk korban perempuan dewasa"),  # an adult man
        ("KTP", False, None, "isi jenis kelamin"),
        ("KTP", None, "P", "perkiraan umur"),
        ("KTA", None, "P", "perkiraan umur"),
        ("KDRT", False, "P", "harus KTP .* atau KTA"),
        ("TPPO", True, "P", "harus KTP"),
    ],
)
def test_check_case_kind_bad(kind, victim_is_child, sex, match):
    refused(check_case_kind, kind, victim_is_child, sex, match=match)


# ------------------------------------------------------------------------------------------ properties: identifiers

provinces = st.sampled_from(sorted(PROVINCE_CODES))
birth_dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31))
sexes = st.sampled_from(["L", "P"])
separators = st.sampled_from(["", "", "", " ", ".", "-", "  ", "\u00a0"])


@st.composite
def niks(draw):
    parts = (
        draw(provinces),
        draw(st.integers(1, 99)),
        draw(st.integers(1, 99)),
        draw(birth_dates),
        draw(sexes),
        draw(st.integers(1, 9999)),
    )
    return make_nik(*parts), parts


@st.composite
def decorated(draw, digits: str):
    """The digits as a person may type them: separators between digits, spaces around."""
    out = [draw(st.sampled_from(["", " ", "  "]))]
    for ch in digits:
        out.append(ch + draw(separators))
    return "".join(out) + draw(st.sampled_from(["", " ", "\t"]))


@FAST
@given(st.data(), niks())
def test_valid_nik_round_trips(data, generated):
    nik, (province, city, district, birth, sex, serial) = generated
    typed = data.draw(decorated(nik))
    assert clean_nik(typed) == nik
    info = parse_nik(typed)
    assert (info.province, info.city, info.district) == (province, f"{city:02d}", f"{district:02d}")
    assert (info.day, info.month, info.year2, info.sex, info.serial) == (
        birth.day,
        birth.month,
        birth.year % 100,
        sex,
        f"{serial:04d}",
    )
    assert nik_warnings(typed, birth, sex) == []
    # the same day and month a century apart is indistinguishable, so still no warning
    other_century = birth.replace(year=birth.year + 100) if birth.year < 2000 else None
    if other_century and not (birth.month == 2 and birth.day == 29):
        assert nik_warnings(nik, other_century, sex) == []


@FAST
@given(niks(), birth_dates)
def test_nik_with_another_birth_date_warns(generated, other):
    nik, (_p, _c, _d, birth, sex, _s) = generated
    assume((other.day, other.month, other.year % 100) != (birth.day, birth.month, birth.year % 100))
    warnings = nik_warnings(nik, other, sex)
    assert len(warnings) == 1
    assert warnings[0].startswith("Tanggal lahir pada NIK")


@FAST
@given(niks())
def test_nik_with_the_other_sex_warns(generated):
    nik, (_p, _c, _d, birth, sex, _s) = generated
    other = {"L": "P", "P": "L"}[sex]
    warnings = nik_warnings(nik, birth, other)
    assert len(warnings) == 1
    assert "jenis kelamin" in warnings[0]
    assert len(nik_warnings(nik, None, other)) == 1


@FAST
@given(st.text(alphabet="0123456789", max_size=40).filter(lambda s: s and len(s) != 16), st.data())
def test_digit_strings_of_another_length_are_refused(digits, data):
    typed = data.draw(decorated(digits))
    refused(clean_nik, typed, match=f"^NIK harus 16 digit angka \\(terisi {len(digits)} digit\\)")
    refused(clean_family_card_number, typed, match="^Nomor KK harus 16 digit angka")


SEPARATORS = r"[\s.\-\u2010-\u2014\u2212]"


def typed_as_nothing(text: str) -> bool:
    """Only separators (after NFKC, which also folds full-width and small forms): the validators read it as empty."""
    return re.sub(SEPARATORS, "", unicodedata.normalize("NFKC", text)) == ""


@FAST
@given(niks(), st.integers(0, 15), st.characters(exclude_categories=("Nd",)))
def test_a_non_digit_inside_a_nik_is_refused(generated, position, intruder):
    nik, _ = generated
    assume(not typed_as_nothing(intruder))
    typed = nik[:position] + intruder + nik[position:]
    refused(clean_nik, typed, match="^NIK harus 16 digit angka")


@FAST
@given(st.text())
def test_arbitrary_text_nik_is_refused_or_16_digits(text):
    try:
        result = clean_nik(text)
    except FieldInvalid:
        return
    assert result is None or re.fullmatch(r"[0-9]{16}", result)
    assert (result is None) is typed_as_nothing(text)


@FAST
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_16_digits_either_clean_or_refused_with_a_reason(digits):
    try:
        assert clean_nik(digits) == digits
    except FieldInvalid as err:
        assert "16 digit" not in err.message  # the length is right: the reason is a part of the number
    try:
        assert clean_family_card_number(digits) == digits
        assert digits[:2] in PROVINCE_CODES
    except FieldInvalid:
        assert digits[:2] not in PROVINCE_CODES


@FAST
@given(
    st.dates(min_value=D(1940, 1, 1), max_value=D(2007, 12, 31)),
    st.integers(15, 60),
    st.integers(1, 12),
    st.sampled_from(["1", "2"]),
    st.integers(1, 999),
    st.data(),
)
def test_valid_nip_round_trips(birth, years_later, month, sex_digit, serial, data):
    nip = f"{birth:%Y%m%d}{birth.year + years_later:04d}{month:02d}{sex_digit}{serial:03d}"
    typed = data.draw(decorated(nip))
    assert clean_nip(typed) == nip
    shown = format_nip(typed)
    assert re.fullmatch(r"\d{8} \d{6} [12] \d{3}", shown)
    assert clean_nip(shown) == nip


@FAST
@given(st.text(alphabet="0123456789", max_size=30).filter(lambda s: s and len(s) != 18))
def test_nip_of_another_length_is_refused(digits):
    refused(clean_nip, digits, match="^NIP harus 18 digit angka")


# -------------------------------------------------------------------------------------------- properties: phones

# 08xx prefixes in use: Telkomsel, Indosat, XL, Axis, Tri, Smartfren
MOBILE_PREFIXES = [
    "811", "812", "813", "821", "822", "823", "851", "852", "853",
    "814", "815", "816", "855", "856", "857", "858",
    "817", "818", "819", "859", "877", "878",
    "831", "832", "833", "838",
    "895", "896", "897", "898", "899",
    "881", "882", "883", "884", "885", "886", "887", "888", "889",
]  # fmt: skip


@FAST
@given(
    st.sampled_from(MOBILE_PREFIXES),
    st.integers(7, 9).flatmap(lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)),
    st.data(),
)
def test_mobile_numbers_normalise_to_e164(prefix, rest, data):
    national = "0" + prefix + rest  # 08 + 9..11 digits
    expected = "+62" + prefix + rest
    assert clean_phone(national) == expected
    assert clean_phone(data.draw(decorated(national))) == expected
    assert clean_phone("+62" + prefix + rest) == expected
    assert clean_phone("62" + prefix + rest) == expected
    assert clean_phone("+62 " + prefix + "-" + rest) == expected
    assert clean_phone(national, mobile_only=True, allow_foreign=False) == expected


@FAST
@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", max_size=4))
def test_too_short_mobile_numbers_are_refused(prefix, rest):
    refused(clean_phone, "0" + prefix + rest, match="^Nomor telepon tidak valid")


# ------------------------------------------------------------------------------------ properties: never a crash

TEXT_VALIDATORS = [clean_nik, clean_family_card_number, clean_nip, clean_phone, clean_rt_rw, format_nip, nik_warnings]


@FAST
@given(st.text())
def test_arbitrary_text_only_ever_raises_field_invalid(text):
    for validator in TEXT_VALIDATORS:
        try:
            validator(text)
        except FieldInvalid as err:
            assert err.message.strip()
    try:
        check_case_kind(text, True, "P")
    except FieldInvalid:
        pass


@FAST
@given(st.text(alphabet=st.sampled_from("0123456789 +-.()/\u00a0\u2013"), max_size=25))
def test_arbitrary_phone_like_text_gives_e164_or_field_invalid(text):
    try:
        result = clean_phone(text)
    except FieldInvalid:
        return
    assert result is None or re.fullmatch(r"\+[1-9][0-9]{6,14}", result)


@FAST
@given(st.one_of(st.integers(), st.none()))
def test_integers_only_ever_raise_field_invalid(number):
    for validator in TEXT_VALIDATORS:
        try:
            validator(number)
        except FieldInvalid:
            pass


# ------------------------------------------------------------------------------------------ properties: age


@FAST
@given(st.dates(min_value=D(1920, 1, 1), max_value=D(2025, 12, 31)), st.integers(0, 30000))
def test_age_and_child_status_agree(birth, days_later):
    day = birth + dt.timedelta(days=days_later)
    age = age_on(birth, day)
    assert 0 <= age <= days_later // 365
    assert is_child(birth, day) is (age < 18)
    assert is_child(age) is is_child(birth, day)
    if (birth.month, birth.day) == (2, 29):
        eighteenth = D(birth.year + 18, 3, 1)  # 18 years after a leap day is a common year
    else:
        eighteenth = birth.replace(year=birth.year + 18)
    assert is_child(birth, eighteenth) is False
    assert is_child(birth, eighteenth - dt.timedelta(days=1)) is True
    kind = "KTA" if age < 18 else "KTP"
    assert check_case_kind(kind, is_child(birth, day), "P") == kind
