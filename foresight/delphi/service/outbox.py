"""Reminders for experts who have not completed the open round, queued in the outbox; SMTP delivery.

Messages are only *queued* here. :func:`deliver_outbox` sends them with :mod:`smtplib` and is called only when
an SMTP host is configured (``FORESIGHT_SMTP_HOST``); otherwise they stay queued for inspection. Reminders
carry no link: invitation tokens are stored only as hashes, so the expert uses the link from the invitation
(or asks for a new one).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import Expert, OutboxMessage, Response
from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import as_utc, get_survey, now_utc, open_round
from foresight.delphi.service.errors import ConflictError
from foresight.delphi.service.invitations import active_invitations

REMINDER_SUBJECT = "提醒：德尔菲调查第{n}轮 / Reminder: Delphi survey, round {n}"
REMINDER_BODY = """{name}，您好：

“{title_zh}”第{n}轮调查仍在进行中，您已提交 {done}/{total} 项。
请使用邀请邮件中的个人链接继续填写；如链接失效，请联系调查组。

Dear {name},

Round {n} of "{title_en}" is still open and you have submitted {done} of {total} items. Please continue with
the personal link from your invitation; if it no longer works, ask the survey team for a new one.
"""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "foresight@localhost"
    starttls: bool = True


def queue_reminders(session: Session, survey_id: int, actor: str, *, now: datetime | None = None) -> int:
    """Queue one reminder per invited expert (active invitation, e-mail known) who has not submitted every
    item of the open round and has no reminder still queued. Returns the number queued."""
    survey = get_survey(session, survey_id)
    rnd = open_round(session, survey.id)
    if rnd is None:
        raise ConflictError(f"survey {survey.id} has no open round")
    submitted = dict(
        session.execute(
            select(Response.expert_id, func.count(func.distinct(Response.item_id)))
            .where(Response.round_id == rnd.id, Response.status == "submitted")
            .group_by(Response.expert_id)
        ).all()
    )
    pending = set(
        session.scalars(
            select(OutboxMessage.expert_id).where(
                OutboxMessage.survey_id == survey.id,
                OutboxMessage.kind == "reminder",
                OutboxMessage.status == "queued",
            )
        )
    )
    total = len(rnd.items_asked)
    queued = []
    for invitation in active_invitations(session, survey.id, now):
        expert = session.get(Expert, invitation.expert_id)
        done = submitted.get(invitation.expert_id, 0)
        if expert is None or not expert.email or done >= total or expert.id in pending:
            continue
        values: dict[str, Any] = {
            "name": expert.name,
            "n": rnd.number,
            "done": done,
            "total": total,
            "title_zh": survey.title_zh or survey.title_en,
            "title_en": survey.title_en or survey.title_zh,
        }
        session.add(
            OutboxMessage(
                recipient=expert.email,
                subject=REMINDER_SUBJECT.format(**values),
                body=REMINDER_BODY.format(**values),
                kind="reminder",
                survey_id=survey.id,
                expert_id=expert.id,
                status="queued",
                created_at=now_utc(now),
            )
        )
        pending.add(expert.id)
        queued.append(expert.id)
    session.flush()
    record_event(
        session, actor, "reminder.queue", f"survey:{survey.id}", {"round": rnd.number, "experts": queued}
    )
    return len(queued)


def list_outbox(session: Session, status: str | None = None, limit: int = 200) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return list(session.scalars(stmt))


def outbox_out(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "recipient": message.recipient,
        "subject": message.subject,
        "kind": message.kind,
        "survey_id": message.survey_id,
        "status": message.status,
        "error": message.error,
        "created_at": as_utc(message.created_at).isoformat(),
        "sent_at": as_utc(message.sent_at).isoformat() if message.sent_at else None,
    }


def deliver_outbox(session: Session, config: SmtpConfig, *, limit: int = 100) -> dict[str, int]:
    """Send queued messages over SMTP (STARTTLS unless disabled); each is marked ``sent`` or ``failed``."""
    messages = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "queued")
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    sent = failed = 0
    if not messages:
        return {"sent": 0, "failed": 0}
    with smtplib.SMTP(config.host, config.port, timeout=30) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.user:
            smtp.login(config.user, config.password or "")
        for message in messages:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = config.sender, message.recipient, message.subject
            email.set_content(message.body)
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                message.status, message.error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
                failed += 1
            else:
                message.status, message.sent_at = "sent", now_utc()
                sent += 1
    session.flush()
    return {"sent": sent, "failed": failed}
