"""Every model of the `cases` app, one module per concern, re-exported here so that
`cases.models.Case` and the migrations' references keep working."""

from cases.models.case import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseQuerySet,
    CaseSequence,
    Party,
    attachment_path,
)
from cases.models.deadlines import Deadline, HolidayOverride, Milestone, Reminder
from cases.models.documents import Document, DocumentBatch, document_path
from cases.models.notices import Notification, SmsMessage
from cases.models.status import StatusAddress, StatusChallenge, StatusLookup, StatusPhone
from cases.models.workers import ConsentText, Worker

__all__ = [
    "Assignment",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseQuerySet",
    "CaseSequence",
    "ConsentText",
    "Deadline",
    "Document",
    "DocumentBatch",
    "HolidayOverride",
    "Milestone",
    "Notification",
    "Party",
    "Reminder",
    "SmsMessage",
    "StatusAddress",
    "StatusChallenge",
    "StatusLookup",
    "StatusPhone",
    "Worker",
    "attachment_path",
    "document_path",
]
