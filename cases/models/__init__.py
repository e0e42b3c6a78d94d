"""Every model of the `cases` app, one module per concern, re-exported here so that
`cases.models.Case` and the migrations' references keep working."""

from cases.models.calculations import Calculation, RegionalFigure
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
from cases.models.deadlines import Deadline, HolidayOverride, HolidayYear, Milestone, Reminder
from cases.models.documents import Document, DocumentBatch, document_path
from cases.models.notices import Notification, SmsMessage
from cases.models.particulars import ArbitrationCommission, LocalField, Particulars
from cases.models.selfhelp import PosterBatch, SelfHelpRequest
from cases.models.statistics import ExportJob, ExportLog, Respondent, StatCell, StatChange
from cases.models.status import StatusAddress, StatusChallenge, StatusLookup, StatusPhone
from cases.models.workers import ConsentText, Worker

__all__ = [
    "Calculation",
    "RegionalFigure",
    "ArbitrationCommission",
    "LocalField",
    "Particulars",
    "Assignment",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseQuerySet",
    "CaseSequence",
    "ConsentText",
    "Deadline",
    "Document",
    "ExportJob",
    "ExportLog",
    "DocumentBatch",
    "HolidayOverride",
    "HolidayYear",
    "Milestone",
    "Notification",
    "Party",
    "PosterBatch",
    "Reminder",
    "SelfHelpRequest",
    "Respondent",
    "SmsMessage",
    "StatCell",
    "StatChange",
    "StatusAddress",
    "StatusChallenge",
    "StatusLookup",
    "StatusPhone",
    "Worker",
    "attachment_path",
    "document_path",
]
