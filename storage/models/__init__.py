"""Every table, split by subject; importing this package registers them all on Base.metadata."""
from .base import Base, utcnow
from .cases import Case, CaseAccess, CaseEvent, CaseReferral
from .consent import Consent
from .conversations import Conversation
from .directory import Committee, LinkCodeAttempt, Officer, PendingGroupLink
from .messages import InboxEvent, OutboxMessage

__all__ = ["Base", "utcnow", "InboxEvent", "OutboxMessage", "Conversation", "Case", "CaseEvent",
           "CaseReferral", "CaseAccess", "Consent", "Committee", "Officer", "LinkCodeAttempt", "PendingGroupLink"]
