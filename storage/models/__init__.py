"""Every table, split by subject; importing this package registers them all on Base.metadata."""
from .base import Base, utcnow
from .cases import Case, CaseAccess, CaseEvent, CasePhoto, CaseReferral
from .consent import Consent
from .conversations import Conversation
from .dashboard import AccessLogEntry, DashboardSession, DashboardSignIn
from .directory import Committee, LinkCodeAttempt, Officer, PendingGroupLink
from .messages import InboxEvent, OutboxMessage
from .news import Broadcast, BroadcastBatch, NewsReminder, NewsSubscription

__all__ = ["Base", "utcnow", "InboxEvent", "OutboxMessage", "Conversation", "Case", "CaseEvent",
           "CaseReferral", "CaseAccess", "CasePhoto", "Consent", "Committee", "Officer", "LinkCodeAttempt",
           "PendingGroupLink", "DashboardSignIn", "DashboardSession", "AccessLogEntry", "NewsSubscription",
           "NewsReminder", "Broadcast", "BroadcastBatch"]
