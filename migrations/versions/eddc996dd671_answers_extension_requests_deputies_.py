"""answers, extension requests, deputies, settings, documents, unit history, API tokens

Revision ID: eddc996dd671
Revises: a024a8f31d94
Create Date: 2026-11-25 16:35:19.308319

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eddc996dd671'
down_revision = 'a024a8f31d94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('app_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_setting')),
    sa.UniqueConstraint('key', name=op.f('uq_app_setting_key'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('deputy_id <> principal_id', name=op.f('ck_delegation_not_self')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_delegation_period_in_order')),
    sa.ForeignKeyConstraint(['deputy_id'], ['user.id'], name=op.f('fk_delegation_deputy_id_user')),
    sa.ForeignKeyConstraint(['principal_id'], ['user.id'], name=op.f('fk_delegation_principal_id_user')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_delegation_revoked_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_delegation_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index('ix_delegation_deputy_period', ['deputy_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('unit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('merge', 'rename', 'split', 'move', name='uniteventkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('decision_reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_unit_event_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_event'))
    )
    with op.batch_alter_table('unit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_event_effective_date'), ['effective_date'], unique=False)

    op.create_table('unit_event_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('source', 'target', name='uniteventrole', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['unit_event.id'], name=op.f('fk_unit_event_unit_event_id_unit_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_event_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_event_unit')),
    sa.UniqueConstraint('event_id', 'unit_id', 'role', name='uq_unit_event_unit')
    )
    with op.batch_alter_table('unit_event_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_event_unit_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_event_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to', name=op.f('ck_unit_period_period_order')),
    sa.ForeignKeyConstraint(['event_id'], ['unit_event.id'], name=op.f('fk_unit_period_event_id_unit_event')),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_period_parent_id_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_period_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_period'))
    )
    with op.batch_alter_table('unit_period', schema=None) as batch_op:
        batch_op.create_index('ix_unit_period_unit', ['unit_id', 'valid_from'], unique=False)

    op.create_table('case_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('progress', 'final', name='answerkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('completion_date', sa.Date(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verdict', sa.Enum('accepted', 'rejected', 'partly_done', name='verdict', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.CheckConstraint("kind <> 'final' OR completion_date IS NOT NULL", name=op.f('ck_case_answer_final_has_completion_date')),
    sa.CheckConstraint("kind = 'final' OR verdict IS NULL", name=op.f('ck_case_answer_verdict_only_on_final')),
    sa.CheckConstraint('verdict IS NULL OR (verified_by_id IS NOT NULL AND verified_at IS NOT NULL)', name=op.f('ck_case_answer_verdict_has_verifier')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_case_answer_author_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_case_answer_case_id_recommendation')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user.id'], name=op.f('fk_case_answer_on_behalf_of_id_user')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_case_answer_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_answer')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_case_answer_idempotency_key'))
    )
    with op.batch_alter_table('case_answer', schema=None) as batch_op:
        batch_op.create_index('ix_case_answer_case', ['case_id', 'id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('report', 'urging', name='documentkind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'issued', name='documentstate', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('parent_body', sa.String(length=200), nullable=False),
    sa.Column('issuing_body', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('recipient', sa.String(length=500), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('distribution', sa.Text(), nullable=False),
    sa.Column('signer_authority', sa.String(length=10), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf_stored_name', sa.String(length=80), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_size', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'report' OR (period_start IS NOT NULL AND period_end IS NOT NULL AND period_end >= period_start)", name=op.f('ck_document_report_has_period')),
    sa.CheckConstraint("kind <> 'urging' OR (case_id IS NOT NULL AND due_date IS NOT NULL)", name=op.f('ck_document_urging_has_case')),
    sa.CheckConstraint("state <> 'issued' OR (number IS NOT NULL AND issued_at IS NOT NULL AND pdf_sha256 IS NOT NULL AND pdf_stored_name IS NOT NULL)", name=op.f('ck_document_issued_is_numbered_and_frozen')),
    sa.CheckConstraint("state = 'issued' OR number IS NULL", name=op.f('ck_document_draft_has_no_number')),
    sa.CheckConstraint('number IS NULL OR number > 0', name=op.f('ck_document_number_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_document_case_id_recommendation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_document_created_by_id_user')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_document_issued_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_document_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('kind', 'case_id', 'due_date', name='uq_document_case_deadline'),
    sa.UniqueConstraint('kind', 'year', 'number', name='uq_document_number')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_document_kind_state', ['kind', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_unit_id'), ['unit_id'], unique=False)

    op.create_table('extension_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_date', sa.Date(), nullable=False),
    sa.Column('previous_due_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', 'cancelled', name='extensionstate', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state <> 'cancelled' OR decided_at IS NOT NULL", name=op.f('ck_extension_request_cancel_recorded')),
    sa.CheckConstraint("state NOT IN ('approved', 'refused') OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL AND decision_reason IS NOT NULL)", name=op.f('ck_extension_request_decision_recorded')),
    sa.CheckConstraint('requested_date > previous_due_date', name=op.f('ck_extension_request_later_than_previous')),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_extension_request_case_id_recommendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_extension_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['user.id'], name=op.f('fk_extension_request_on_behalf_of_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_extension_request_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_extension_request_one_pending', ['case_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table('document_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('case_reference', sa.String(length=40), nullable=False),
    sa.Column('case_title', sa.String(length=300), nullable=False),
    sa.Column('required_action', sa.Text(), nullable=True),
    sa.Column('conclusion', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('working_days_overdue', sa.Integer(), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('proposal', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['recommendation.id'], name=op.f('fk_document_item_case_id_recommendation')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_item_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_item')),
    sa.UniqueConstraint('document_id', 'case_id', name='uq_document_item_case')
    )
    with op.batch_alter_table('document_item', schema=None) as batch_op:
        batch_op.create_index('ix_document_item_case_due', ['case_id', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_item_document_id'), ['document_id'], unique=False)

    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_file_answer_id'), ['answer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_file_answer_id_case_answer'), 'case_answer', ['answer_id'], ['id'])



def downgrade():
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_file_answer_id_case_answer'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_file_answer_id'))
        batch_op.drop_column('answer_id')

    with op.batch_alter_table('document_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_item_document_id'))
        batch_op.drop_index('ix_document_item_case_due')

    op.drop_table('document_item')
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index('uq_extension_request_one_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_extension_request_case_id'))

    op.drop_table('extension_request')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_unit_id'))
        batch_op.drop_index('ix_document_kind_state')
        batch_op.drop_index(batch_op.f('ix_document_case_id'))

    op.drop_table('document')
    with op.batch_alter_table('case_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_case_answer_case')

    op.drop_table('case_answer')
    with op.batch_alter_table('unit_period', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_period_unit')

    op.drop_table('unit_period')
    with op.batch_alter_table('unit_event_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_event_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_event_unit_event_id'))

    op.drop_table('unit_event_unit')
    with op.batch_alter_table('unit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_event_effective_date'))

    op.drop_table('unit_event')
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index('ix_delegation_deputy_period')

    op.drop_table('delegation')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('app_setting')
