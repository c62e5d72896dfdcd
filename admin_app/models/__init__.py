"""Tables only: one module per area. Importing this package registers every table on `Base.metadata`."""

from admin_app.models.audit import AuditEvent
from admin_app.models.base import Base, utcnow
from admin_app.models.cases import (
    OUTCOME_LABELS,
    Case,
    CaseStatus,
    CaseStep,
    CaseTransition,
    FollowUpInstruction,
    FollowUpRequest,
    InstructionOutcome,
    Nationality,
    OutcomeKind,
    Perpetrator,
    Reporter,
    Sex,
    SimfoniRecord,
    TransitionAction,
    Urgency,
    Victim,
    case_services_needed,
    case_violence_types,
)
from admin_app.models.documents import DocumentTemplateVersion, GeneratedDocument, SignedScan
from admin_app.models.forms import (
    BiopsychosocialAssessment,
    CaseIdentification,
    CaseKind,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    DocumentStatus,
    InformedConsent,
    InterventionPlan,
    InterventionPlanItem,
    OutreachLog,
    PlanItemStatus,
    RiskAnswer,
    RiskAssessment,
    RiskLevel,
)
from admin_app.models.letters import (
    AUTHORITY_LABELS,
    AssignmentLetter,
    AssignmentMember,
    Authority,
    CaseOfficer,
    Letter,
    LetterNature,
    LetterStatus,
    ReferralLetter,
    TransferLetter,
)
from admin_app.models.notifications import Channel, Notification, OutboxMessage, OutboxStatus
from admin_app.models.reference import (
    REFERENCE_LISTS,
    AmpkCategory,
    DisabilityKind,
    Education,
    HolidayOverride,
    IncidentPlace,
    IntakeChannel,
    LetterCounter,
    LetterType,
    MaritalStatus,
    Occupation,
    PerpetratorRelation,
    ReferenceValue,
    Region,
    RegionLevel,
    Religion,
    RiskIndicator,
    ServiceType,
    Setting,
    VerificationSource,
    ViolenceType,
)
from admin_app.models.users import (
    CASE_DATA_ROLES,
    GRANT_STATUS_LABELS,
    ROLE_LABELS,
    GrantStatus,
    Role,
    RoleCode,
    RoleGrant,
    User,
    user_roles,
)

__all__ = [name for name in dir() if not name.startswith("_")]
