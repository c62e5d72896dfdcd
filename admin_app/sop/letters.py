"""The letters the SOP issues: the Surat Tugas of step 2 and the referral and transfer letters of step 6 (or an
emergency referral during steps 3 to 5). Each gets its number in the issuing transaction (`sop.numbering`), the
signatory as printed, and the content the letter needs; what is missing is refused before anything is numbered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import (
    Authority,
    Case,
    ConsentDecision,
    Letter,
    LetterNature,
    LetterStatus,
    LetterType,
    OutcomeKind,
    ReferralLetter,
    TransferLetter,
    User,
)
from admin_app.settings import get_setting
from admin_app.sop.errors import MIN_REASON_LENGTH, ProcessError
from admin_app.sop.numbering import issue_number
from admin_app.sop.requirements import load_field_documents


def letter_type_code(cls: type[Letter]) -> str:
    """A letter class's type code (`letter_types.code`, the document type of its template) is its polymorphic
    identity: one string per letter type, declared once on the model."""
    return cls.__mapper__.polymorphic_identity


@dataclass
class OutcomeRequest:
    """One outcome of the head's follow-up instruction, with what its letter needs."""

    kind: OutcomeKind
    close_reason: str | None = None
    recipient: str | None = None
    recipient_address: str | None = None
    purpose: str | None = None
    current_condition: str | None = None
    services_given: str | None = None
    documents_handed_over: str | None = None
    contact_person: str | None = None
    copies_to: str | None = None
    authority: Authority | None = None
    transfer_basis: str | None = None
    consent_override_reason: str | None = None
    nature: LetterNature = LetterNature.RAHASIA
    chronology: str | None = None  # "Kronologi singkat" written for the recipient (the form prefills it, masked)


def text(value: str | None) -> str:
    return (value or "").strip()


_NUMBER_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh")


def attachment_text(documents: str | None) -> str:
    """"Lampiran" of a letter: how many documents are handed over (one per line typed), `3 (tiga) berkas`."""
    count = len([line for line in (documents or "").splitlines() if line.strip()])
    if count == 0:
        return "-"
    return f"{count} ({_NUMBER_WORDS[count]}) berkas" if count < len(_NUMBER_WORDS) else f"{count} berkas"


# What each letter needs before it can be issued (printed on it): the outcome's field, and its name in a refusal.
_REQUIRED = {
    OutcomeKind.REFERRAL: (
        ("recipient", "lembaga tujuan rujukan"), ("purpose", "tujuan rujukan"),
        # what the receiving institution must know to act
        ("services_given", "layanan yang sudah diberikan"), ("current_condition", "kondisi korban saat ini"),
    ),
    OutcomeKind.TRANSFER: (("recipient", "instansi tujuan pelimpahan"), ("transfer_basis", "dasar pelimpahan")),
}
_SHARES_DATA = (OutcomeKind.REFERRAL, OutcomeKind.TRANSFER)
TRANSFER_AUTHORITY = "kewenangan tujuan pelimpahan (Provinsi atau Pusat)"


def required_for(kind: OutcomeKind) -> list[str]:
    """What an outcome's letter needs, in words (the forms say it before anyone submits; refusals name it)."""
    labels = [label for _, label in _REQUIRED.get(kind, ())]
    return [TRANSFER_AUTHORITY, *labels] if kind == OutcomeKind.TRANSFER else labels


def in_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1]


class LetterIssuer:
    def __init__(self, session: Session, clock: Callable[[], dt.datetime]):
        self.session = session
        self.clock = clock

    def letter_type(self, cls: type[Letter]) -> LetterType:
        return self.type_of(letter_type_code(cls))

    def type_of(self, code: str) -> LetterType:
        letter_type = self.session.execute(select(LetterType).where(LetterType.code == code)).scalar_one_or_none()
        if letter_type is None or not letter_type.active:
            raise ProcessError(f"Jenis surat '{code}' belum diatur atau tidak aktif; hubungi administrator sistem.")
        return letter_type

    def memo_number(self, code: str, day: dt.date) -> str:
        """The number of a memo the SOP files (the officer's report, the head's instruction), from its own letter
        type: numbered like the letters, in the filing transaction."""
        with self.session.no_autoflush:
            number, _ = issue_number(self.session, self.type_of(code), day)
        return number

    def check_capacity(self, signer: User, capacity: str | None) -> None:
        """a.n. / Plt. / Plh. is another official signing for the head, with their own name, NIP and position: the
        head herself (anyone whose position is the head's) signs directly."""
        key = text(capacity).replace(".", "").lower()
        head = get_setting(self.session, "surat.jabatan_kepala")
        if key in ("an", "plt", "plh") and text(signer.position or head).lower() == head.strip().lower():
            raise ProcessError(
                f"Tanda tangan {text(capacity)} dipakai oleh pejabat lain yang menandatangani atas nama atau sebagai "
                f"pelaksana {head}, dengan nama dan NIP-nya sendiri. Kepala sendiri memilih \"Kepala (langsung)\"."
            )

    def fill(self, letter: Letter, signer: User, letter_date: dt.date, capacity: str | None) -> None:
        """Number, date and signatory of a new letter, in the caller's transaction."""
        self.check_capacity(signer, capacity)
        # The half-built letter must not be flushed by the lookups below.
        with self.session.no_autoflush:
            letter_type = self.letter_type(type(letter))
            number, serial = issue_number(self.session, letter_type, letter_date)
        letter.letter_type = letter_type
        letter.number = number
        letter.serial = serial
        letter.year = letter_date.year
        letter.letter_date = letter_date
        letter.status = LetterStatus.ISSUED
        letter.issued_at = self.clock()
        letter.issued_by_id = signer.id
        letter.signer_id = signer.id
        letter.signer_name = signer.full_name
        letter.signer_nip = signer.nip
        letter.signer_rank = signer.rank
        letter.signer_position = signer.position or get_setting(self.session, "surat.jabatan_kepala")
        letter.signer_capacity = text(capacity) or None

    # -- what a referral or transfer needs ----------------------------------------------------------------------
    def consent_refused(self, case: Case) -> bool:
        consents = load_field_documents(self.session, case).consent
        for victim in case.victims:
            consent = consents.get(victim.id)
            if consent is None or consent.decision != ConsentDecision.GIVEN or not consent.consents_to_data_sharing:
                return True
        return False

    def outcome_problems(self, case: Case, outcome: OutcomeRequest) -> list[str]:
        problems = [label for name, label in _REQUIRED.get(outcome.kind, ()) if not text(getattr(outcome, name))]
        if outcome.kind == OutcomeKind.CLOSE and len(text(outcome.close_reason)) < MIN_REASON_LENGTH:
            problems.append("alasan penutupan kasus")
        # Referral and transfer both send the victim's data out (the province, the ministry): one consent rule.
        if outcome.kind in _SHARES_DATA and self.consent_refused(case) \
                and len(text(outcome.consent_override_reason)) < MIN_REASON_LENGTH:
            problems.append("persetujuan berbagi data dari korban/wali, atau alasan keadaan darurat dari Kepala UPTD PPA")
        if outcome.kind == OutcomeKind.TRANSFER and outcome.authority in (None, Authority.KOTA):
            problems.append(TRANSFER_AUTHORITY)
        return problems

    def _external(self, cls: type[Letter], case: Case, outcome: OutcomeRequest, **specific) -> Letter:
        return cls(
            case_id=case.id,
            nature=outcome.nature,
            attachment=attachment_text(outcome.documents_handed_over),
            recipient=text(outcome.recipient),
            recipient_address=text(outcome.recipient_address) or None,
            current_condition=text(outcome.current_condition) or None,
            services_given=text(outcome.services_given) or None,
            documents_handed_over=text(outcome.documents_handed_over) or None,
            contact_person=text(outcome.contact_person) or None,
            copies_to=text(outcome.copies_to) or None,
            chronology=text(outcome.chronology) or None,
            **specific,
        )

    def referral(self, signer: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date,
                 capacity: str | None = None) -> ReferralLetter:
        letter = self._external(
            ReferralLetter, case, outcome, subject="Rujukan Layanan Kedaruratan", purpose=text(outcome.purpose),
            consent_override_reason=text(outcome.consent_override_reason) or None,
        )
        self.fill(letter, signer, letter_date, capacity)
        self.session.add(letter)
        return letter

    def transfer(self, signer: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date,
                 capacity: str | None = None) -> TransferLetter:
        letter = self._external(
            TransferLetter, case, outcome, subject="Pelimpahan Kasus", authority=outcome.authority,
            purpose=text(outcome.purpose) or None, transfer_basis=text(outcome.transfer_basis),
            consent_override_reason=text(outcome.consent_override_reason) or None,
        )
        self.fill(letter, signer, letter_date, capacity)
        self.session.add(letter)
        return letter

    def for_outcome(self, signer: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date,
                    capacity: str | None = None) -> Letter | None:
        """The letter an outcome of the follow-up instruction issues (referral, transfer), or None; signed as
        the instruction is (`capacity`: a.n. / Plt. / Plh.)."""
        if outcome.kind == OutcomeKind.REFERRAL:
            return self.referral(signer, case, outcome, letter_date, capacity)
        if outcome.kind == OutcomeKind.TRANSFER:
            return self.transfer(signer, case, outcome, letter_date, capacity)
        return None
