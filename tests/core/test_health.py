from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client


@pytest.mark.django_db
def test_it_answers_ok_without_login_when_the_database_answers() -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_answers_503_and_reveals_nothing_when_the_database_is_down() -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("secret detail")
    ):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"secret detail" not in response.content
