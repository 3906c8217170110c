"""The directory tables: committees, their officers, link-code attempts and pending group links."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

# What cases.routing knows of a committee (storage.directory.directory_snapshot reads just these).
ROUTE_FIELDS = ("id", "level", "province_code", "district_code", "parent_id", "active")


class Committee(Base):
    """A committee that receives reports: district, province or the national focal point."""

    __tablename__ = "committees"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)         # e.g. "CRI-5709"
    level: Mapped[str] = mapped_column(String(16))                          # district|province|national
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str | None] = mapped_column(String(2), nullable=True)   # DOPA, 2 digits
    district_code: Mapped[str | None] = mapped_column(String(4), nullable=True)   # DOPA, 4 digits
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("committees.id"), nullable=True)
    line_group_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    group_code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    group_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_committees_area", "level", "province_code", "district_code"),)

    def __repr__(self) -> str:
        return f"<Committee {self.id} {self.level}{'' if self.active else ' inactive'}>"

    def name_in(self, language: str) -> str:
        """Its name for a reader of `language`: English for English, Thai otherwise."""
        return self.name_en if language == "en" else self.name_th

    def as_route_entry(self) -> dict:
        """The plain snapshot cases.routing works on."""
        return {name: getattr(self, name) for name in ROUTE_FIELDS}


class Officer(Base):
    """A person on a committee who gets alerts while on duty."""

    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    committee_id: Mapped[str] = mapped_column(ForeignKey("committees.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200), nullable=True)
    line_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    link_code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link_code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    roster: Mapped[Any] = mapped_column(JSON)       # "always" or [{"days", "from", "to"}], Bangkok time
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Manages the directory on the dashboard and reads its access log (issue 14); from the YAML's `admin: true`.
    admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Officer {self.id} of {self.committee_id}{'' if self.active else ' inactive'}>"


class LinkCodeAttempt(Base):
    """Failed code redemptions of one LINE user ("user:U…") or one chat ("chat:C…")."""

    __tablename__ = "link_code_attempts"

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PendingGroupLink(Base):
    """A right group code sent in a group, waiting for an officer of the committee to confirm
    there. One per group; the code stays valid (and single-use) until confirmed."""

    __tablename__ = "pending_group_links"

    group_id: Mapped[str] = mapped_column(String(64), primary_key=True)        # LINE groupId or roomId
    committee_id: Mapped[str] = mapped_column(ForeignKey("committees.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # LINE userId, if LINE gave it
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
