"""Matching imported member records to existing members by their e-mail addresses."""

from __future__ import annotations

from library.models import Member


def match_records(records: dict[str, dict[str, list[str]]]) -> dict[str, int]:
    """Wrong: `in_()` of one record's addresses is still one query per record."""
    matched: dict[str, int] = {}
    for key, record in records.items():
        member = Member.query.filter(Member.email.in_(record["emails"])).first()  # expect: RPL303
        if member is not None:
            matched[key] = member.id
    return matched


def match_chunks(chunks: list[list[str]]) -> dict[str, int]:
    """Right: each chunk of addresses is one query for the whole chunk."""
    matched: dict[str, int] = {}
    for chunk in chunks:
        for member in Member.query.filter(Member.email.in_(chunk)).all():  # ok: RPL303
            matched[member.email] = member.id
    return matched
