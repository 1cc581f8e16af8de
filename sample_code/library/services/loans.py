"""Loan workflows: a helper that commits, called once per row or once in all."""

from __future__ import annotations

from library.extensions import db
from library.models import Loan


def _store(obj):
    """Saves and commits: fine once, costly in a loop."""
    db.session.add(obj)
    db.session.commit()


def return_all(member_id):
    for loan in Loan.query.filter_by(member_id=member_id).all():
        loan.returned = True
        _store(loan)  # expect: RPL309


def return_all_at_once(member_id):
    loans = Loan.query.filter_by(member_id=member_id).all()
    for loan in loans:
        loan.returned = True
    db.session.commit()  # ok: RPL309


def return_one(loan_id):
    loan = Loan.get(loan_id)
    loan.returned = True
    _store(loan)  # ok: RPL309
