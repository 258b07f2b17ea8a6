"""Reference data administrators maintain: fields of work, legal references, deadline rules,
public holidays. Shared enums (activity kind, severity) live here too."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.core.models import EditableMixin, LabelledEnum, TimestampMixin, enum_column
from inspect_app.core.search import Searchable
from inspect_app.extensions import db
from inspect_app.units.models import Unit


class ActivityKind(LabelledEnum):
    """Thanh tra (formal inspection, statutory procedure) or kiểm tra (check, lighter)."""

    THANH_TRA = "thanh_tra", _l("Inspection (thanh tra)")
    KIEM_TRA = "kiem_tra", _l("Check (kiểm tra)")

    @property
    def is_check(self) -> bool:
        return self == ActivityKind.KIEM_TRA

    def term(self, name: str) -> str:
        """What pages call the activity ("activity"), its team ("team"), its lead ("lead")
        and its conclusion ("conclusion"): a check is a check throughout ("Cuộc kiểm tra",
        "Đoàn kiểm tra", "Trưởng đoàn kiểm tra", "Kết luận kiểm tra")."""
        check, inspection = _TERMS[name]
        return str(check if self.is_check else inspection)

    @property
    def official_terms(self) -> dict[str, str]:
        """The activity's words in official documents (Vietnamese whatever the reader's
        language): "thanh tra" or "kiểm tra"."""
        word = "kiểm tra" if self.is_check else "thanh tra"
        return {
            "word": word,
            "activity": f"Cuộc {word}",
            "team": f"Đoàn {word}",
            "lead": f"Trưởng đoàn {word}",
            "conclusion": f"kết luận {word}",
            "Conclusion": f"Kết luận {word}",
        }


class IssuingBody(EditableMixin, db.Model):
    """A body issuing activities and their documents under its own letterhead and symbols:
    the Provincial Inspectorate (inspections, Law 84/2025/QH15) or the Department of Home
    Affairs (checks, Decree 217/2025/NĐ-CP). Each inspection or check names its own."""

    __tablename__ = "issuing_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)  # "TTr", "SNV"
    name: Mapped[str] = mapped_column(String(200), nullable=False)  # "THANH TRA TỈNH"
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)  # "Thanh tra tỉnh"
    signer_title: Mapped[str] = mapped_column(String(200), nullable=False)  # "CHÁNH THANH TRA"
    # The instruments its documents cite first (number, date, issuer, summary), one a line.
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    activity_kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind), nullable=False)
    # The body's own unit in the unit tree when its head is a unit leader there (the Director
    # of the Department of Home Affairs signs its check decisions, Decree 217/2025): its
    # documents are then signed by that unit's leaders. None: the inspectorate's leadership
    # (the Chief Inspector or a deputy) signs.
    signer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    signer_unit: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return self.display_name

    def signs(self, user) -> bool:
        """Whether `user` signs this body's documents as its head or a deputy head: a leader
        of the body's own unit where it has one, else the inspectorate's leadership. An
        administrator may sign for any body (as everywhere in the registers)."""
        if user.is_admin:
            return True
        if self.signer_unit_id is None:
            return user.is_leadership
        return user.is_unit_leader and user.unit_id == self.signer_unit_id

    @classmethod
    def signed_by(cls, user):
        """`signs(user)` as a SQL condition on the bodies (the same rule, for lists)."""
        if user.is_admin:
            return true()
        if user.is_leadership:
            return cls.signer_unit_id.is_(None)
        if user.is_unit_leader and user.unit_id:
            return cls.signer_unit_id == user.unit_id
        return false()

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.legal_basis.splitlines() if line.strip())


# The pages' words for a check and for an inspection (ActivityKind.term).
_TERMS = {
    "activity": (_l("Check"), _l("Inspection")),
    "team": (_l("Check team"), _l("Inspection team")),
    "team_in_text": (_l("the check team"), _l("the inspection team")),
    "lead": (_l("Check team leader"), _l("Inspection team leader")),
    "conclusion": (_l("Check conclusion"), _l("Inspection conclusion")),
    "target": (_l("Checked unit"), _l("Target unit")),
    "period": (_l("Period checked"), _l("Period under review")),
}


class Severity(LabelledEnum):
    LOW = "low", _l("Minor")
    MEDIUM = "medium", _l("Moderate")
    HIGH = "high", _l("Serious")
    SERIOUS = "serious", _l("Very serious")


class FieldOfWork(TimestampMixin, db.Model):
    """A field (lĩnh vực) of state management inspected, e.g. officials and public service."""

    __tablename__ = "field_of_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def __str__(self) -> str:
        return self.name


class LegalReference(Searchable, EditableMixin, db.Model):
    """A legal basis (căn cứ pháp lý): instrument, article, clause, and what it says."""

    __tablename__ = "legal_reference"
    __table_args__ = (
        UniqueConstraint("instrument", "article", "clause", name="uq_legal_ref"),
        Searchable.search_index("ix_legal_reference_search"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument: Mapped[str] = mapped_column(String(200), nullable=False)
    article: Mapped[str] = mapped_column(String(30), nullable=False)
    clause: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @property
    def citation(self) -> str:
        return LegalReference.citation_of(self.instrument, self.article, self.clause)

    @staticmethod
    def citation_of(instrument: str, article, clause) -> str:
        """ "Khoản 2, Điều 55, Luật Thanh tra số 84/2025/QH15" from plain values (lists read
        rows)."""
        parts = [f"Khoản {clause}"] if clause else []
        parts.append(f"Điều {article}")
        parts.append(instrument)
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.citation

    SEARCH_FIELDS = ("instrument", "article", "clause")

    def search_source(self) -> list[str | None]:
        """Its citation ("Khoản 2, Điều 12, Luật ...")."""
        return [self.citation]


class DayKind(LabelledEnum):
    CALENDAR = "calendar", _l("calendar days")
    WORKING = "working", _l("working days")


class DeadlineRule(EditableMixin, db.Model):
    """A deadline as data with its legal source; `key` names where the product uses it.

    Case deadlines use keys `case.<type>.<severity>` then `case.<type>` then `case.default`.
    """

    __tablename__ = "deadline_rule"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("extension_max IS NULL OR extension_max >= 0", name="ext_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    day_kind: Mapped[DayKind] = mapped_column(enum_column(DayKind), nullable=False)
    extension_max: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class Holiday(db.Model):
    """A row of the holiday table, of one of two kinds: a day off (ngày nghỉ: public holiday or
    swapped day) or a make-up working day (ngày làm bù: a Saturday worked in exchange);
    weekends are implicit. Each row names the document that announced it; a provisional row
    (not announced yet) counts as announced until an administrator confirms or corrects it."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    is_working_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    document: Mapped[str | None] = mapped_column(String(200))
    provisional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def can_confirm(self, user, check_state: bool = True) -> bool:
        """An administrator confirms a provisional row once it is announced."""
        return bool(user.is_admin) and not (check_state and not self.provisional)

    @property
    def kind(self) -> str:
        """ "working" (a make-up working day) or "off" (a day off): the API's name of the kind."""
        return "working" if self.is_working_day else "off"


class Setting(EditableMixin, db.Model):
    """An application setting an administrator may change (key/value; typed getters and the
    defaults live in `reference.rules`)."""

    __tablename__ = "app_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
