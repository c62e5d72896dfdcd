"""The policies of the request under way, read once per request: the deadline policy (and with it the office time
zone, whose only source is the setting `waktu.zona`)."""

from __future__ import annotations

from flask import g

from admin_app.extensions import db
from admin_app.sop.policy import load_deadline_policy


def deadline_policy():
    """The deadline policy the administrator set (time policies, office zone, holidays), read once per request."""
    if "deadline_policy" not in g:
        g.deadline_policy = load_deadline_policy(db.session)
    return g.deadline_policy


def unit_zone():
    """The office time zone (setting `waktu.zona`, the only source of it)."""
    return deadline_policy().zone
