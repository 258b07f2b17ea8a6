"""Imports every model so that the metadata (and Alembic) sees the whole schema."""

from inspect_app.answers.models import CaseAnswer  # noqa: F401
from inspect_app.auth.calendar import CalendarFeed  # noqa: F401
from inspect_app.auth.models import LoginAttempt, User  # noqa: F401
from inspect_app.auth.sessions import UserSession  # noqa: F401
from inspect_app.auth.tokens import ApiToken  # noqa: F401
from inspect_app.cases import totals  # noqa: F401 - the running totals' tables and triggers
from inspect_app.cases.models import (
    Case,  # noqa: F401
    EscalationStep,  # noqa: F401
)
from inspect_app.core.audit import AuditEvent  # noqa: F401
from inspect_app.core.files import EvidenceFile  # noqa: F401
from inspect_app.core.jobs import JobRun, JobStatus  # noqa: F401
from inspect_app.decisions.models import DecidingDocument  # noqa: F401
from inspect_app.deputies.models import Delegation  # noqa: F401
from inspect_app.extension_requests.models import ExtensionRequest  # noqa: F401
from inspect_app.findings.models import Finding  # noqa: F401
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck  # noqa: F401
from inspect_app.inspections.models import Inspection  # noqa: F401
from inspect_app.notifications.models import (  # noqa: F401
    Notification,
    NotificationPreference,
    OutgoingMail,
)
from inspect_app.plans.models import Plan, PlanItem  # noqa: F401
from inspect_app.recovery.models import RecoveryPayment  # noqa: F401
from inspect_app.reference.models import (  # noqa: F401
    DeadlineRule,
    FieldOfWork,
    Holiday,
    LegalReference,
    Setting,
)
from inspect_app.reports.models import Document, DocumentItem  # noqa: F401
from inspect_app.statistics.models import PeriodicReport  # noqa: F401
from inspect_app.units.models import Unit  # noqa: F401
