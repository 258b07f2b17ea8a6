"""mail outbox and job status

E-mails leave through an outbox (`outgoing_mail`) delivered by the scheduler, instead of the
notification's own delivery columns; the notifications still waiting for an immediate e-mail
are moved into the outbox. `job_status`: each scheduled job's last run, result, next run, and
the scheduler's heartbeat.

Revision ID: 15fc7bb81bd2
Revises: 96f880f37a0e
Create Date: 2026-12-01 13:40:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15fc7bb81bd2'
down_revision = "96f880f37a0e"
branch_labels = None
depends_on = None

MAX_ATTEMPTS = 10  # the notification's own limit before this revision


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_outgoing_mail_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_due', ['sent_at', 'failed_at', 'next_attempt_at'], unique=False)

    op.create_table('job_status',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('schedule', sa.String(length=200), nullable=True),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=True),
    sa.Column('last_result', sa.String(length=500), nullable=True),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_status'))
    )

    _move_pending_mail_to_the_outbox()

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_unsent')
        batch_op.create_index('ix_notification_user_unmailed', ['user_id', 'emailed_at'], unique=False)
        batch_op.drop_column('email_error')
        batch_op.drop_column('email_attempts')


def _move_pending_mail_to_the_outbox():
    """Notifications whose immediate e-mail was not sent yet get it queued (title, body, link as
    the old delivery wrote it); those of users who want none are settled. Digests are untouched."""
    now = datetime.now(timezone.utc)
    note = sa.table('notification', sa.column('id'), sa.column('user_id'), sa.column('title'),
                    sa.column('body'), sa.column('link'), sa.column('emailed_at'),
                    sa.column('email_attempts'))
    user = sa.table('user', sa.column('id'), sa.column('email'), sa.column('active', sa.Boolean))
    pref = sa.table('notification_preference', sa.column('user_id'), sa.column('email_mode'))
    mail = sa.table('outgoing_mail', sa.column('user_id'), sa.column('to_address'),
                    sa.column('subject'), sa.column('body'), sa.column('created_at'),
                    sa.column('next_attempt_at'), sa.column('attempts'))
    sep = sa.cast(sa.literal('\n\n'), sa.Text)
    mode = sa.func.coalesce(pref.c.email_mode, 'immediate')
    pending = (
        sa.select(note.c.id)
        .select_from(note.join(user, user.c.id == note.c.user_id)
                     .outerjoin(pref, pref.c.user_id == note.c.user_id))
        .where(note.c.emailed_at.is_(None), note.c.email_attempts < MAX_ATTEMPTS)
    )
    to_send = pending.where(mode == 'immediate', user.c.email.is_not(None), user.c.active.is_(True))
    text = (sa.cast(note.c.title, sa.Text)
            + sa.func.coalesce(sep + note.c.body, '')
            + sa.func.coalesce(sep + note.c.link, ''))
    op.execute(mail.insert().from_select(
        ['user_id', 'to_address', 'subject', 'body', 'created_at', 'next_attempt_at', 'attempts'],
        to_send.with_only_columns(
            note.c.user_id, user.c.email, note.c.title, text,
            sa.literal(now, sa.DateTime(timezone=True)),
            sa.literal(now, sa.DateTime(timezone=True)), sa.literal(0),
        ),
    ))
    op.execute(note.update()
               .where(note.c.id.in_(pending.where(mode != 'digest')))
               .values(emailed_at=now))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('email_error', sa.String(length=500), nullable=True))
        batch_op.drop_index('ix_notification_user_unmailed')
        batch_op.create_index('ix_notification_unsent', ['emailed_at', 'email_attempts'], unique=False)

    op.drop_table('job_status')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_due')

    op.drop_table('outgoing_mail')
