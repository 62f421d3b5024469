"""Sova's SQL storage: schema (Alembic-owned), the database handle and the repositories.

Typical start-up::

    db = Database(settings.database_url)      # sqlite:///var/sova.db or postgresql://...
    await db.upgrade()                        # Alembic to head
    log = InteractionLog(db)
"""

from bot.storage.audit import AuditLog
from bot.storage.base import Base
from bot.storage.coltypes import UTCDateTime
from bot.storage.database import Database
from bot.storage.dialogue_state import DialogueStateStore
from bot.storage.feedback import FeedbackLog
from bot.storage.interactions import InteractionLog
from bot.storage.records import AuditRecord, InteractionRecord, ReplyRecord, UserRecord
from bot.storage.replies import ReplyLog, to_reply
from bot.storage.tables import (
    AuditRow,
    ChatRow,
    DialogueStateRow,
    FeedbackRow,
    MessageRow,
    ReplyRow,
    SchedulerJobRow,
    UserRow,
)
from bot.storage.users import UserDirectory
from bot.storage.vocab import Outcome, ReplyStatus, Role, UserSetting

__all__ = [
    "AuditLog",
    "AuditRecord",
    "AuditRow",
    "Base",
    "ChatRow",
    "Database",
    "DialogueStateRow",
    "DialogueStateStore",
    "FeedbackLog",
    "FeedbackRow",
    "InteractionLog",
    "InteractionRecord",
    "MessageRow",
    "Outcome",
    "ReplyLog",
    "ReplyRecord",
    "ReplyRow",
    "ReplyStatus",
    "Role",
    "SchedulerJobRow",
    "UTCDateTime",
    "UserDirectory",
    "UserRecord",
    "UserRow",
    "UserSetting",
    "to_reply",
]
