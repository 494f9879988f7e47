"""Create, open, destroy and re-wrap per-family data keys in the key store database.

The key store is a separate database, so these functions run in its own transactions; callers
order their steps so that a crash between the two databases leaves nothing readable behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from core.crypto import (
    DecryptionFailed,
    master_key_by_id,
    new_data_key,
    newest_master_key,
    seal,
    unseal,
)
from keystore.models import DataKey, ProjectKey
from keystore.routers import KEYSTORE_ALIAS


class DataKeyDestroyed(Exception):
    """The data key is gone: whatever it encrypted can no longer be read."""


def _associated_data(key_ref: uuid.UUID, master_key_id: str) -> bytes:
    return f"datakey:{key_ref}:{master_key_id}".encode()


def data_key_create() -> tuple[uuid.UUID, bytes]:
    """A fresh data key, stored wrapped under the newest master key; returns (ref, key)."""
    master = newest_master_key()
    key_ref = uuid.uuid4()
    key = new_data_key()
    wrapped = seal(master.secret, key, _associated_data(key_ref, master.key_id))
    with transaction.atomic(using=KEYSTORE_ALIAS):
        DataKey.objects.using(KEYSTORE_ALIAS).create(
            key_ref=key_ref, master_key_id=master.key_id, wrapped_key=wrapped
        )
    return key_ref, key


def data_key_open(key_ref: uuid.UUID) -> bytes:
    row = DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=key_ref).first()
    if row is None:
        raise DataKeyDestroyed(str(key_ref))
    master = master_key_by_id(row.master_key_id)
    return unseal(master.secret, bytes(row.wrapped_key), _associated_data(key_ref, master.key_id))


def _project_associated_data(project_ref: uuid.UUID, master_key_id: str) -> bytes:
    return f"projectkey:{project_ref}:{master_key_id}".encode()


def project_key_create() -> uuid.UUID:
    """A fresh pseudonym key for a research project, wrapped under the newest master key."""
    master = newest_master_key()
    project_ref = uuid.uuid4()
    wrapped = seal(
        master.secret, new_data_key(), _project_associated_data(project_ref, master.key_id)
    )
    with transaction.atomic(using=KEYSTORE_ALIAS):
        ProjectKey.objects.using(KEYSTORE_ALIAS).create(
            project_ref=project_ref, master_key_id=master.key_id, wrapped_key=wrapped
        )
    return project_ref


def project_key_open(project_ref: uuid.UUID) -> bytes:
    row = ProjectKey.objects.using(KEYSTORE_ALIAS).filter(project_ref=project_ref).first()
    if row is None:
        raise DataKeyDestroyed(str(project_ref))
    master = master_key_by_id(row.master_key_id)
    return unseal(
        master.secret, bytes(row.wrapped_key), _project_associated_data(project_ref, master.key_id)
    )


def data_key_exists(key_ref: uuid.UUID) -> bool:
    return DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=key_ref).exists()


def data_key_destroy(key_ref: uuid.UUID) -> bool:
    """Delete the wrapped key. Returns whether a key was there (idempotent)."""
    with transaction.atomic(using=KEYSTORE_ALIAS):
        deleted, _ = DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=key_ref).delete()
    return deleted > 0


@dataclass(frozen=True)
class RewrapReport:
    rewrapped: int
    already_current: int
    failed: list[str]


def data_keys_rewrap(*, batch_size: int = 200) -> RewrapReport:
    """Re-wrap every data key not under the newest master key; the encrypted data is untouched.

    Keys are re-wrapped in batches, each batch one transaction with row locks, so an interrupted
    run leaves every key wrapped under some configured master key, and a re-run finishes the rest.
    """
    return _rewrap(DataKey, _associated_data, batch_size=batch_size)


def project_keys_rewrap(*, batch_size: int = 200) -> RewrapReport:
    """The same for research projects' pseudonym keys (pseudonyms stay the same)."""
    return _rewrap(ProjectKey, _project_associated_data, batch_size=batch_size)


def _rewrap(
    model: Any,  # DataKey or ProjectKey: the same columns
    associated_data: Callable[[uuid.UUID, str], bytes],
    *,
    batch_size: int,
) -> RewrapReport:
    newest = newest_master_key()
    rewrapped = 0
    failed: list[str] = []
    while True:
        with transaction.atomic(using=KEYSTORE_ALIAS):
            rows = list(
                model.objects.using(KEYSTORE_ALIAS)
                .select_for_update()
                .exclude(master_key_id=newest.key_id)
                .exclude(pk__in=failed)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            changed = []
            for row in rows:
                try:
                    old = master_key_by_id(row.master_key_id)
                    key = unseal(
                        old.secret, bytes(row.wrapped_key), associated_data(row.pk, old.key_id)
                    )
                except (DecryptionFailed, ImproperlyConfigured):
                    # Its master key is missing or wrong: reported, left as it is.
                    failed.append(str(row.pk))
                    continue
                row.wrapped_key = seal(newest.secret, key, associated_data(row.pk, newest.key_id))
                row.master_key_id = newest.key_id
                row.rewrapped_at = timezone.now()
                changed.append(row)
            model.objects.using(KEYSTORE_ALIAS).bulk_update(
                changed, ["wrapped_key", "master_key_id", "rewrapped_at"]
            )
            rewrapped += len(changed)
    current = model.objects.using(KEYSTORE_ALIAS).filter(master_key_id=newest.key_id).count()
    return RewrapReport(rewrapped, current - rewrapped, failed)
