"""Demo data of the recovery ledger (idempotent): partly recovered money on two of the demo's
open recovery cases, recorded by a team member with the receipt number, the earliest payments
verified by the team lead. A case that has payments already is left alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.core import clock
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.recovery import operations
from inspect_app.recovery.models import RecoveryPayment

# By responsible unit: shares of the recommended amount paid (days before today, share,
# receipt, verified). Sở Y tế's recovery stays unpaid: the demo's answer-and-accept journey.
PAYMENTS = {
    "XBQ": [(40, Decimal("0.4"), "Giấy nộp tiền vào NSNN số 0001254", True),
            (12, Decimal("0.2"), "Giấy nộp tiền vào NSNN số 0001391", False)],
    "TTLT": [(25, Decimal("0.3"), "Biên lai thu số 0000812", True),
             (8, Decimal("0.1"), "Ủy nhiệm chi số 145/UNC", False)],
}  # fmt: skip


def seed(units: dict, users: dict) -> None:
    """Record partial payments on the open money recoveries of the units in PAYMENTS."""
    by_unit = {units[code].id: rows for code, rows in PAYMENTS.items() if code in units}
    cases = list(
        db.session.execute(
            select(Case)
            .where(
                Case.type == CaseType.RECOVERY,
                Case.state == CaseState.OPEN,
                Case.responsible_unit_id.in_(list(by_unit)),
            )
            .options(selectinload(Case.inspection).selectinload(Inspection.members))
            .order_by(Case.id)
        ).scalars()
    )
    paid = set(db.session.execute(select(RecoveryPayment.case_id)).scalars())
    today = clock.today()
    for case in cases:
        payments = by_unit[case.responsible_unit_id]
        if case.id in paid:
            continue
        inspection = case.inspection
        recorder = inspection.members[0] if inspection.members else inspection.lead
        for days, share, receipt, verified in payments:
            amount = (case.amount_vnd * share).quantize(Decimal(1))
            payment = operations.record_payment(
                recorder,
                case,
                {
                    "paid_on": today - timedelta(days=days),
                    "amount": str(amount),
                    "document_number": receipt,
                },
            )
            if verified and recorder.id != inspection.lead_id:
                operations.verify_payments(inspection.lead, [payment])
    db.session.flush()
