"""Volunteering types reachable through ``node(id:)``, for the schema's type list."""

from __future__ import annotations

from matchmaker.schema.types.activity import Activity
from matchmaker.schema.types.certificate import Certificate
from matchmaker.schema.types.hours_dispute import HoursDispute
from matchmaker.schema.types.service_record import ServiceRecord
from matchmaker.schema.types.shift import Shift
from matchmaker.schema.types.signup import Signup

VOLUNTEERING_NODE_TYPES: list[type] = [
    Activity,
    Certificate,
    HoursDispute,
    ServiceRecord,
    Shift,
    Signup,
]
