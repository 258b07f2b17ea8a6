"""initial schema

Revision ID: a024a8f31d94
Revises: 
Create Date: 2026-11-25 14:53:57.585028

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a024a8f31d94'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deadline_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('day_kind', sa.Enum('calendar', 'working', name='daykind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('extension_max', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_deadline_rule_amount_not_negative')),
    sa.CheckConstraint('extension_max IS NULL OR extension_max >= 0', name=op.f('ck_deadline_rule_ext_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rule')),
    sa.UniqueConstraint('key', name=op.f('uq_deadline_rule_key'))
    )
    op.create_table('field_of_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_of_work')),
    sa.UniqueConstraint('code', name=op.f('uq_field_of_work_code'))
    )
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_working_day', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_day'))
    )
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'period', name='uq_job_run_once')
    )
    op.create_table('legal_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=200), nullable=False),
    sa.Column('article', sa.String(length=30), nullable=False),
    sa.Column('clause', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_reference')),
    sa.UniqueConstraint('instrument', 'article', 'clause', name='uq_legal_ref')
    )
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_attempt_username_at', ['username', 'at'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('province', 'department', 'agency', 'commune', 'service_unit', name='unitkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('successor_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_unit_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.ForeignKeyConstraint(['successor_id'], ['unit.id'], name=op.f('fk_unit_successor_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'inspector', 'lead_inspector', 'unit_leader', 'leadership', name='role', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("role <> 'unit_leader' OR unit_id IS NOT NULL", name=op.f('ck_user_unit_leader_has_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user.id'], name=op.f('fk_audit_event_on_behalf_of_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_unsent', ['emailed_at', 'email_attempts'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email_mode', sa.Enum('immediate', 'digest', 'none', name='emailmode', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('last_digest_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference'))
    )
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'approved', name='planstate', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state <> 'approved' OR (approved_by_id IS NOT NULL AND approved_at IS NOT NULL)", name=op.f('ck_plan_approved_has_approver')),
    sa.CheckConstraint("state = 'draft' OR (submitted_by_id IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_plan_submitted_has_submitter')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_plan_year_range')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_plan_approved_by_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_plan_created_by_id_user')),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['unit.id'], name=op.f('fk_plan_issuing_unit_id_unit')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_plan_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_year'), ['year'], unique=False)

    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('target_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('thanh_tra', 'kiem_tra', name='activitykind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('period_kind', sa.Enum('month', 'quarter', name='periodkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('overlap_justification', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(period_kind = 'month' AND period BETWEEN 1 AND 12) OR (period_kind = 'quarter' AND period BETWEEN 1 AND 4)", name=op.f('ck_plan_item_period_range')),
    sa.ForeignKeyConstraint(['lead_id'], ['user.id'], name=op.f('fk_plan_item_lead_id_user')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_item_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_unit_id'], ['unit.id'], name=op.f('fk_plan_item_target_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_item'))
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index('ix_plan_item_target', ['target_unit_id', 'plan_id'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('thanh_tra', 'kiem_tra', name='activitykind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('plan_item_id', sa.Integer(), nullable=True),
    sa.Column('ad_hoc_reason', sa.Text(), nullable=True),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('target_unit_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('period_under_review', sa.String(length=200), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('planned_end_date', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('planned', 'in_progress', 'onsite_ended', 'reported', 'concluded', 'monitoring', 'closed', name='inspectionstate', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('onsite_started_on', sa.Date(), nullable=True),
    sa.Column('onsite_ended_on', sa.Date(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('extension_reference', sa.String(length=120), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=True),
    sa.Column('conclusion_number', sa.String(length=60), nullable=True),
    sa.Column('conclusion_date', sa.Date(), nullable=True),
    sa.Column('conclusion_summary', sa.Text(), nullable=True),
    sa.Column('conclusion_file_id', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state NOT IN ('concluded', 'monitoring', 'closed') OR (conclusion_number IS NOT NULL AND conclusion_date IS NOT NULL)", name=op.f('ck_inspection_concluded_has_conclusion')),
    sa.CheckConstraint('plan_item_id IS NOT NULL OR ad_hoc_reason IS NOT NULL', name=op.f('ck_inspection_planned_or_ad_hoc')),
    sa.CheckConstraint('planned_end_date >= start_date', name=op.f('ck_inspection_end_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_inspection_created_by_id_user')),
    sa.ForeignKeyConstraint(['lead_id'], ['user.id'], name=op.f('fk_inspection_lead_id_user')),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_item.id'], name=op.f('fk_inspection_plan_item_id_plan_item')),
    sa.ForeignKeyConstraint(['target_unit_id'], ['unit.id'], name=op.f('fk_inspection_target_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_item_id'), ['plan_item_id'], unique=False)
        batch_op.create_index('ix_inspection_state_target', ['state', 'target_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_target_unit_id'), ['target_unit_id'], unique=False)

    op.create_table('plan_item_field',
    sa.Column('plan_item_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['field_of_work.id'], name=op.f('fk_plan_item_field_field_id_field_of_work')),
    sa.ForeignKeyConstraint(['plan_item_id'], ['plan_item.id'], name=op.f('fk_plan_item_field_plan_item_id_plan_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_item_id', 'field_id', name=op.f('pk_plan_item_field'))
    )
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', 'serious', name='severity', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_finding_author_id_user')),
    sa.ForeignKeyConstraint(['field_id'], ['field_of_work.id'], name=op.f('fk_finding_field_id_field_of_work')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_finding_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_finding_idempotency_key'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('inspection_field',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['field_of_work.id'], name=op.f('fk_inspection_field_field_id_field_of_work')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_field_inspection_id_inspection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('inspection_id', 'field_id', name=op.f('pk_inspection_field'))
    )
    op.create_table('inspection_member',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_member_inspection_id_inspection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_inspection_member_user_id_user')),
    sa.PrimaryKeyConstraint('inspection_id', 'user_id', name=op.f('pk_inspection_member'))
    )
    with op.batch_alter_table('inspection_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_member_user_id'), ['user_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('admin_handling', 'recovery', 'discipline', 'amend_documents', 'fix_practices', name='casetype', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('legal_reference_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.Enum('low', 'medium', 'high', 'serious', name='severity', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('responsible_unit_id', sa.Integer(), nullable=False),
    sa.Column('required_action', sa.Text(), nullable=False),
    sa.Column('amount_vnd', sa.Numeric(precision=18, scale=0), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=False),
    sa.Column('due_change_reason', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('open', 'answered', 'accepted', 'withdrawn', name='casestate', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state <> 'withdrawn' OR withdrawn_reason IS NOT NULL", name=op.f('ck_recommendation_withdrawn_has_reason')),
    sa.CheckConstraint("type <> 'recovery' OR (amount_vnd IS NOT NULL AND amount_vnd > 0)", name=op.f('ck_recommendation_recovery_has_amount')),
    sa.CheckConstraint('escalation_level BETWEEN 0 AND 3', name=op.f('ck_recommendation_escalation_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_recommendation_created_by_id_user')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_recommendation_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['legal_reference_id'], ['legal_reference.id'], name=op.f('fk_recommendation_legal_reference_id_legal_reference')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['unit.id'], name=op.f('fk_recommendation_responsible_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index('ix_case_state_due', ['state', 'due_date'], unique=False)
        batch_op.create_index('ix_case_unit_state', ['responsible_unit_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('escalation_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_escalation_step_case_id_recommendation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_step')),
    sa.UniqueConstraint('case_id', 'step', 'due_date', name='uq_escalation_once')
    )
    with op.batch_alter_table('escalation_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_step_case_id'), ['case_id'], unique=False)

    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_evidence_file_finding_id_finding')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_evidence_file_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_evidence_file_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_file_stored_name'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_file_inspection_id'), ['inspection_id'], unique=False)

    # inspection <-> evidence_file is a cycle: the signed conclusion's key is added last.
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_inspection_conclusion_file', 'evidence_file', ['conclusion_file_id'], ['id'])

    op.create_table('recommendation_finding',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_recommendation_finding_case_id_recommendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_recommendation_finding_finding_id_finding')),
    sa.PrimaryKeyConstraint('case_id', 'finding_id', name=op.f('pk_recommendation_finding'))
    )


def downgrade():
    op.drop_table('recommendation_finding')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_file_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_file_finding_id'))

    op.drop_table('evidence_file')
    with op.batch_alter_table('escalation_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_step_case_id'))

    op.drop_table('escalation_step')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_inspection_id'))
        batch_op.drop_index('ix_case_unit_state')
        batch_op.drop_index('ix_case_state_due')

    op.drop_table('recommendation')
    with op.batch_alter_table('inspection_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_member_user_id'))

    op.drop_table('inspection_member')
    op.drop_table('inspection_field')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_inspection_id'))

    op.drop_table('finding')
    op.drop_table('plan_item_field')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_target_unit_id'))
        batch_op.drop_index('ix_inspection_state_target')
        batch_op.drop_index(batch_op.f('ix_inspection_plan_item_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_lead_id'))

    op.drop_table('inspection')
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_item_target')

    op.drop_table('plan_item')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_year'))

    op.drop_table('plan')
    op.drop_table('notification_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index('ix_notification_unsent')

    op.drop_table('notification')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_unit_id'))

    op.drop_table('user')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_username_at')
        batch_op.drop_index('ix_login_attempt_ip_at')

    op.drop_table('login_attempt')
    op.drop_table('legal_reference')
    op.drop_table('job_run')
    op.drop_table('holiday')
    op.drop_table('field_of_work')
    op.drop_table('deadline_rule')
