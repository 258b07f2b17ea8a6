"""implementation checks: the check decision (a document kind), its team, cases and results;
the escalation steps counted per step and day (grouped notices); the conclusion's lifecycle
dates on the inspection and its two rules the first seed lacked

Revision ID: d9e7f4998edc
Revises: 135ebc3b811a
Create Date: 2026-12-01 13:44:19.429496

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


KINDS_BEFORE = "kind IN ('report', 'urging')"
KINDS_AFTER = "kind IN ('report', 'urging', 'check_decision')"


LIFECYCLE_DATES = (
    'drafting_assigned_on', 'draft_submitted_on', 'appraised_on', 'published_on',
    'posting_until', 'recommended_on', 'instruction_date',
)
PUBLISHED_AFTER = "published_on IS NULL OR conclusion_date IS NULL OR published_on >= conclusion_date"
RULES = sa.table(
    'deadline_rule',
    sa.column('key', sa.String), sa.column('label', sa.String), sa.column('amount', sa.Integer),
    sa.column('day_kind', sa.String), sa.column('source', sa.String), sa.column('note', sa.Text),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)), sa.column('version', sa.Integer),
)
NEW_RULES = (
    ('conclusion.publish', 'Công khai kết luận thanh tra', 10, 'calendar',
     'Nghị định số 216/2025/NĐ-CP',
     'Tính từ ngày ký kết luận; đăng trên cổng thông tin ít nhất 15 ngày liên tục và một '
     'hình thức khác.'),
    ('conclusion.recommend',
     'Chánh Thanh tra tỉnh kiến nghị Chủ tịch UBND tỉnh chỉ đạo thực hiện kết luận', 15,
     'calendar', 'Luật Thanh tra số 84/2025/QH15, Điều 52',
     'Tính từ ngày ký kết luận thanh tra.'),
    ('escalation.check', 'Kiểm tra việc thực hiện kết luận thanh tra', 10, 'working',
     'Luật Thanh tra số 84/2025/QH15, Điều 55; Nghị định số 216/2025/NĐ-CP',
     'Số ngày làm việc quá hạn, sau văn bản đôn đốc và trước báo cáo Chủ tịch UBND tỉnh.'),
)


def _lifecycle_up() -> None:
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        for name in LIFECYCLE_DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('publication_channels', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('instruction_number', sa.String(length=60), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_inspection_published_after_signature'), PUBLISHED_AFTER
        )
    conn = op.get_bind()
    present = set(conn.execute(sa.select(RULES.c.key)).scalars())
    if not present:  # an empty database: the seed creates every rule
        return
    now = datetime.now(timezone.utc)
    rows = [
        dict(key=k, label=label, amount=n, day_kind=kind, source=src, note=note,
             created_at=now, updated_at=now, version=1)
        for k, label, n, kind, src, note in NEW_RULES if k not in present
    ]
    if rows:
        op.bulk_insert(RULES, rows)


def _lifecycle_down() -> None:
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inspection_published_after_signature'), type_='check')
        for name in (*LIFECYCLE_DATES, 'publication_channels', 'instruction_number'):
            batch_op.drop_column(name)


def _document_kinds(condition: str) -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_documentkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_document_documentkind'), condition)


# revision identifiers, used by Alembic.
revision = 'd9e7f4998edc'
down_revision = '135ebc3b811a'
branch_labels = None
depends_on = None


def upgrade():
    _document_kinds(KINDS_AFTER)
    _lifecycle_up()
    op.create_table('implementation_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('minutes_date', sa.Date(), nullable=True),
    sa.Column('minutes_summary', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('minutes_date IS NULL OR minutes_summary IS NOT NULL', name=op.f('ck_implementation_check_minutes_have_text')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_implementation_check_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_implementation_check_created_by_id_user')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_implementation_check_document_id_document')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_implementation_check_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['lead_id'], ['user.id'], name=op.f('fk_implementation_check_lead_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_check')),
    sa.UniqueConstraint('document_id', name=op.f('uq_implementation_check_document_id'))
    )
    with op.batch_alter_table('implementation_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_check_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('implementation_check_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Enum('done', 'partly_done', 'not_done', name='checkoutcome', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('found', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('outcome IS NULL OR (found IS NOT NULL AND recorded_at IS NOT NULL)', name=op.f('ck_implementation_check_case_result_has_findings')),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_implementation_check_case_case_id_recommendation')),
    sa.ForeignKeyConstraint(['check_id'], ['implementation_check.id'], name=op.f('fk_implementation_check_case_check_id_implementation_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_implementation_check_case_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_check_case')),
    sa.UniqueConstraint('check_id', 'case_id', name='uq_checked_case')
    )
    with op.batch_alter_table('implementation_check_case', schema=None) as batch_op:
        batch_op.create_index('ix_checked_case_case_due', ['case_id', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_implementation_check_case_check_id'), ['check_id'], unique=False)

    op.create_table('implementation_check_member',
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['implementation_check.id'], name=op.f('fk_implementation_check_member_check_id_implementation_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_implementation_check_member_user_id_user')),
    sa.PrimaryKeyConstraint('check_id', 'user_id', name=op.f('pk_implementation_check_member'))
    )
    with op.batch_alter_table('implementation_check_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_check_member_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('escalation_step', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_step_step_day', ['step', 'on_date'], unique=False)



def downgrade():
    _lifecycle_down()
    with op.batch_alter_table('escalation_step', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_step_step_day')

    with op.batch_alter_table('implementation_check_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementation_check_member_user_id'))

    op.drop_table('implementation_check_member')
    with op.batch_alter_table('implementation_check_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementation_check_case_check_id'))
        batch_op.drop_index('ix_checked_case_case_due')

    op.drop_table('implementation_check_case')
    with op.batch_alter_table('implementation_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementation_check_inspection_id'))

    op.drop_table('implementation_check')
    op.execute("DELETE FROM document_item WHERE document_id IN "
               "(SELECT id FROM document WHERE kind = 'check_decision')")
    op.execute("DELETE FROM document WHERE kind = 'check_decision'")
    _document_kinds(KINDS_BEFORE)
