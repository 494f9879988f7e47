"""Builders for the data-subject request tests."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casestudies.models import Family
from subject_requests.models import RequestType, SubjectRequest
from subject_requests.services import request_register
from tests.conftest import PASSWORD, Personas, totp_code, verified_client
from tests.factories import make_family


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def register(
    personas: Personas,
    family: Family,
    request_type: str = RequestType.ACCESS,
    *,
    received_on: date | None = None,
    notes: str = "",
) -> SubjectRequest:
    return request_register(
        actor=personas.dpo,
        family=family,
        request_type=request_type,
        received_on=received_on or timezone.localdate(),
        handling_notes=notes,
    )


def reauthenticated_client(user: User) -> Client:
    """A verified client that also confirmed password and second factor just now."""
    client = verified_client(user)
    response = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "code": totp_code(user)}
    )
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def family(personas: Personas) -> Family:
    return make_family(personas.staff, personas.helsinki)
