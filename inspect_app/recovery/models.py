"""The recovery ledger (sổ theo dõi thu hồi): each payment or hand-over recorded against a
recovery recommendation, with its receipt, evidence, who recorded it and who verified it.

Amounts are exact: whole đồng (money, and other assets at their value) or m² with two decimals
(land), as Decimal, never float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Date, Numeric

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core.files import EvidenceFile
from inspect_app.core.models import EditableMixin, UTCDateTime
from inspect_app.core.roles import signed_in
from inspect_app.extensions import db

# While the recommendation runs, payments may be recorded (open, or answered and waiting).
RECORDING_STATES = (CaseState.OPEN, CaseState.ANSWERED)


def _on_team_or_admin(case: Case, user) -> bool:
    return signed_in(user) and (user.is_admin or case.inspection.is_on_team(user))


def can_record_payment(case: Case, user, check_state: bool = True) -> bool:
    """The inspection's team or an administrator, or whoever acts for the responsible unit (a
    leader or their deputy), on a recovery recommendation that is still running."""
    if not case.is_recovery or not signed_in(user):
        return False
    allowed = _on_team_or_admin(case, user) or case.unit_authority(user).allowed
    return allowed and not (check_state and case.state not in RECORDING_STATES)


class RecoveryPayment(EditableMixin, db.Model):
    """One payment (nộp tiền) or hand-over (bàn giao đất, tài sản) against a recovery."""

    __tablename__ = "recovery_payment"
    __table_args__ = (
        CheckConstraint(
            "(amount_vnd IS NOT NULL AND amount_vnd > 0 AND area_m2 IS NULL) OR "
            "(area_m2 IS NOT NULL AND area_m2 > 0 AND amount_vnd IS NULL)",
            name="one_positive_amount",
        ),
        CheckConstraint(
            "verified_by_id IS NULL OR verified_at IS NOT NULL", name="verified_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id"), nullable=False, index=True
    )
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_vnd: Mapped[Decimal | None] = mapped_column(Numeric(18, 0))
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    document_number: Mapped[str] = mapped_column(String(100), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    files: Mapped[list[EvidenceFile]] = relationship(
        foreign_keys=[EvidenceFile.payment_id], order_by=EvidenceFile.id
    )

    @property
    def quantity(self) -> Decimal:
        """The amount in the recovery's unit (đồng or m²)."""
        return self.area_m2 if self.area_m2 is not None else self.amount_vnd

    @property
    def is_verified(self) -> bool:
        return self.verified_by_id is not None

    def can_view(self, user) -> bool:
        return self.case.can_view(user)

    def can_verify(self, user, check_state: bool = True) -> bool:
        """A member of the team (or an administrator) other than whoever recorded it, once."""
        if not _on_team_or_admin(self.case, user) or user.id == self.recorded_by_id:
            return False
        return not (check_state and self.is_verified)
