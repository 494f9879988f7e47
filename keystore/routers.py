"""Keep the key store's tables in the `keystore` database and nothing else there."""

from __future__ import annotations

from typing import Any

KEYSTORE_ALIAS = "keystore"
KEYSTORE_APP = "keystore"


class KeystoreRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return KEYSTORE_ALIAS if model._meta.app_label == KEYSTORE_APP else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return KEYSTORE_ALIAS if model._meta.app_label == KEYSTORE_APP else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # No foreign keys may cross between the key store and the main database.
        labels = {obj1._meta.app_label, obj2._meta.app_label}
        if KEYSTORE_APP in labels and len(labels) > 1:
            return False
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if app_label == KEYSTORE_APP:
            return db == KEYSTORE_ALIAS
        if db == KEYSTORE_ALIAS:
            return False
        return None
