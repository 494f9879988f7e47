"""Families and the identity vault: codes, encryption at rest, audited reads, crypto-shredding,
the separate key store, and master-key rotation (including an interrupted one)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

import keystore.services
from accounts.models import User
from accounts.services import ServiceError
from audit.models import AuditAction, AuditEvent
from casestudies.identity import Identity
from casestudies.models import CODE_ALPHABET, Family, IdentityVault
from casestudies.services import (
    IdentityReason,
    IdentityUnavailable,
    family_create,
    family_data_key,
    identity_open,
    identity_openings,
    identity_read_for_screening,
    identity_update,
)
from consent.services import consent_record
from core.crypto import DecryptionFailed, parse_master_keys, unseal
from keystore.models import DataKey
from keystore.routers import KEYSTORE_ALIAS
from keystore.services import data_key_destroy
from tests.conftest import Personas
from tests.factories import (
    PLANTED,
    consent_input,
    make_family,
    planted_identity,
    published_form,
    simple_identity,
)

pytestmark = pytest.mark.django_db

OLD = settings.TEST_MASTER_KEY_OLD  # "test1:..."
NEW = settings.TEST_MASTER_KEY_NEW  # "test2:..."
# A third master key that is never configured alongside the others (for the "missing" case).
LOST = "test3:" + base64.b64encode(b"3" * 32).decode("ascii")

FAMILY_CODE = re.compile(rf"^TCN-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")

# Distinctive fragments of the planted values, searched for as well as the whole values (a
# value could be stored reformatted); none is short enough to occur by chance in a hash.
PLANTED_FRAGMENTS = [
    "zyxwa",
    "plantedname",
    "plantedchild",
    "plantedoffender",
    "plantedhandle",
    "plantedkatu",
    "qwixel",
    "vortigan",
    "150612a987",
    "7654321",
    "plant-2026",
    "plantcourt",
]


# ---------------------------------------------------------------------------- helpers


def audit_entries(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def entry_text(entry: AuditEvent) -> str:
    """Everything an audit entry holds, as one string to search."""
    return json.dumps(
        {
            "actor_label": entry.actor_label,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "reason": entry.reason,
            "details": entry.details,
        },
        ensure_ascii=False,
    )


def main_database_values() -> Iterator[tuple[str, str, str]]:
    """(table, column, text) for every text, char, JSON and binary value in `default`.

    Columns come from introspection, so tables added later are searched too. Binary values are
    decoded as latin-1 (every byte maps to one character), JSON values are serialised.
    """
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [column.name for column in introspection.get_table_description(cursor, table)]
            select = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {select} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = as_text(value)
                    if text is not None:
                        yield table, column, text


def as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return None


def hits_in_main_database(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every value that contains a needle (case-insensitive)."""
    folded = [(needle, needle.casefold()) for needle in needles]
    hits = []
    for table, column, text in main_database_values():
        haystack = text.casefold()
        hits += [(table, column, needle) for needle, key in folded if key in haystack]
    return hits


def every_master_key_secret() -> list[bytes]:
    return [key.secret for key in parse_master_keys(f"{NEW},{OLD},{LOST}")]


def opens(family: Family, actor: User) -> Identity:
    return identity_open(
        actor=actor,
        family=family,
        reason=IdentityReason.CONTACT,
        reason_text="check after rotation",
    )


# ---------------------------------------------------------------------------- family codes


def test_family_codes_are_random_and_prefixed_with_the_centre(personas: Personas) -> None:
    families = [make_family(personas.staff, personas.helsinki) for _ in range(20)]
    codes = [family.code for family in families]
    for code in codes:
        assert FAMILY_CODE.match(code), code
        # No I, L, O, U in Crockford's alphabet: nothing to misread.
        assert not set(code[4:].replace("-", "")) & set("ILOU")
    assert len(set(codes)) == len(codes)
    assert len(set(Family.objects.values_list("pk", flat=True))) == 20


def test_family_create_writes_one_audit_entry_without_identity_values(
    personas: Personas,
) -> None:
    before = AuditEvent.objects.count()
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    assert AuditEvent.objects.count() == before + 1
    (entry,) = audit_entries(AuditAction.FAMILY_CREATED)
    assert entry.target_type == "casestudies.family"
    assert entry.target_id == family.code
    assert entry.actor_id == personas.staff.pk
    assert entry.details == {"centre_id": personas.helsinki.pk}
    text = entry_text(entry).casefold()
    for value in [*PLANTED.values(), *PLANTED_FRAGMENTS]:
        assert value.casefold() not in text


def test_a_code_collision_draws_a_new_code(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = make_family(personas.staff, personas.helsinki)
    codes = iter([existing.code, "TCN-AAAA-BBBB"])
    monkeypatch.setattr("casestudies.services.new_family_code", lambda centre: next(codes))
    family = make_family(personas.staff, personas.helsinki, simple_identity("second"))
    assert family.code == "TCN-AAAA-BBBB"
    assert len(audit_entries(AuditAction.FAMILY_CREATED)) == 2
    opened = opens(family, personas.staff)
    assert opened.child_name == "Child second"


def test_endless_code_collisions_give_a_service_error(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = make_family(personas.staff, personas.helsinki)
    monkeypatch.setattr("casestudies.services.new_family_code", lambda centre: existing.code)
    with pytest.raises(ServiceError):
        make_family(personas.staff, personas.helsinki)
    assert Family.objects.count() == 1
    assert IdentityVault.objects.count() == 1


# ---------------------------------------------------------------------------- nothing in plaintext


def test_planted_identity_values_never_appear_in_the_main_database(personas: Personas) -> None:
    identity = planted_identity()
    family = family_create(actor=personas.staff, centre=personas.helsinki, identity=identity)
    # Make history rows, an audited read, a machine read and an encrypted attachment too.
    identity.notes = "second version (synthetic)"
    identity_update(
        actor=personas.staff, family=family, identity=identity, reason_text="new phone number"
    )
    identity_open(
        actor=personas.colleague,
        family=family,
        reason=IdentityReason.CONTACT,
        reason_text="scannerprobe-31415 calling the mother",
    )
    assert identity_read_for_screening(family) == identity
    form = published_form(personas.lead)
    evidence = b"%PDF-1.4\n% signed by " + PLANTED["respondent_name"].encode() + b"\n%%EOF\n"
    consent_record(actor=personas.staff, family=family, data=consent_input(form, evidence=evidence))

    needles = [*PLANTED.values(), *PLANTED_FRAGMENTS]
    assert hits_in_main_database(needles) == []

    # The search is not vacuous: it finds a free-text marker, and it reads binary columns.
    vault = IdentityVault.objects.get(family=family)
    ciphertext_sample = bytes(vault.ciphertext)[20:40].decode("latin-1")
    found = {
        (table, column)
        for table, column, _needle in hits_in_main_database(["scannerprobe-31415", family.code])
    }
    assert ("audit_auditevent", "reason") in found
    assert ("audit_auditevent", "details") in found  # JSON columns are read too
    assert ("casestudies_family", "code") in found
    binary_hits = {
        (table, column)
        for table, column, text in main_database_values()
        if ciphertext_sample in text
    }
    assert ("casestudies_identityvault", "ciphertext") in binary_hits
    assert ("casestudies_historicalidentityvault", "ciphertext") in binary_hits


def test_vault_and_history_rows_hold_only_ciphertext(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    changed = planted_identity()
    changed.notes = "changed (synthetic)"
    identity_update(actor=personas.staff, family=family, identity=changed, reason_text="fix")

    vault_fields = {field.name for field in IdentityVault._meta.concrete_fields}
    assert vault_fields == {"id", "family", "key_ref", "ciphertext", "updated_at"}
    history_model = IdentityVault.history.model
    history_fields = {field.name for field in history_model._meta.concrete_fields}
    assert history_fields - vault_fields == {
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user",
    }

    key = family_data_key(family)
    vault = IdentityVault.objects.get(family=family)
    rows = list(IdentityVault.history.filter(family_id=family.pk).order_by("history_date"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert not any(row.history_change_reason for row in rows)
    plaintexts = [planted_identity().to_json(), changed.to_json()]
    for row, plaintext in zip(rows, plaintexts, strict=True):
        stored = bytes(row.ciphertext)
        assert plaintext not in stored
        assert unseal(key, stored, vault.associated_data()) == plaintext


# ---------------------------------------------------------------------------- the key store


def test_the_key_store_is_a_separate_database(personas: Personas) -> None:
    families = [make_family(personas.staff, personas.helsinki) for _ in range(3)]
    main, keys = connections["default"], connections[KEYSTORE_ALIAS]
    assert main.settings_dict["NAME"] != keys.settings_dict["NAME"]
    assert DataKey._meta.db_table in keys.introspection.table_names()
    assert DataKey._meta.db_table not in main.introspection.table_names()
    # The key store holds nothing but the keys.
    assert not [table for table in keys.introspection.table_names() if table.startswith("casest")]

    wrapped_keys = list(DataKey.objects.using(KEYSTORE_ALIAS).values_list("wrapped_key", flat=True))
    assert len(wrapped_keys) == 3
    needles = []
    for wrapped in wrapped_keys:
        raw = bytes(wrapped)
        needles += [raw.decode("latin-1"), raw.hex(), base64.b64encode(raw).decode("ascii")]
    for family in families:
        data_key = family_data_key(family)
        needles += [data_key.decode("latin-1"), data_key.hex()]
    assert hits_in_main_database(needles) == []


# ---------------------------------------------------------------------------- audited reads


def test_identity_open_decrypts_and_writes_one_audit_entry(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    before = AuditEvent.objects.count()
    identity = identity_open(
        actor=personas.colleague,
        family=family,
        reason=IdentityReason.SAFEGUARDING,
        reason_text="  Social services asked for the case number.  ",
    )
    assert identity == planted_identity()
    assert identity.respondents[0].email == PLANTED["respondent_email"]
    assert identity.offenders[0].usernames == [PLANTED["offender_username"]]

    assert AuditEvent.objects.count() == before + 1
    (entry,) = audit_entries(AuditAction.IDENTITY_VIEWED)
    assert entry.actor_id == personas.colleague.pk
    assert (entry.target_type, entry.target_id) == ("casestudies.family", family.code)
    assert entry.details == {"reason": "safeguarding"}
    assert entry.reason == "Social services asked for the case number."
    text = entry_text(entry).casefold()
    for value in PLANTED.values():
        assert value.casefold() not in text


def test_identity_openings_list_who_when_and_why(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki)
    other = make_family(personas.staff, personas.helsinki)
    identity_open(
        actor=personas.staff, family=family, reason=IdentityReason.CONTACT, reason_text="call"
    )
    identity_open(
        actor=personas.lead,
        family=family,
        reason=IdentityReason.DATA_SUBJECT_REQUEST,
        reason_text="access request",
    )
    identity_open(
        actor=personas.staff, family=other, reason=IdentityReason.CONTACT, reason_text="x"
    )

    openings = identity_openings(family)
    entries = [e for e in audit_entries(AuditAction.IDENTITY_VIEWED) if e.target_id == family.code]
    assert len(openings) == 2
    newest, oldest = openings
    assert newest.actor_name == personas.lead.display_name
    assert newest.actor_label == f"user:{personas.lead.pk}"
    assert (newest.reason, newest.reason_text) == ("data_subject_request", "access request")
    assert newest.occurred_at == entries[1].occurred_at
    assert oldest.actor_name == personas.staff.display_name
    assert (oldest.reason, oldest.reason_text) == ("contact", "call")
    assert oldest.occurred_at == entries[0].occurred_at
    assert len(identity_openings(other)) == 1


def test_identity_read_for_screening_is_not_audited(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    before = AuditEvent.objects.count()
    identity = identity_read_for_screening(family)
    assert identity is not None
    assert PLANTED["child_name"] in identity.values_for_screening()
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------------------- updates


def test_identity_update_reencrypts_and_keeps_a_ciphertext_history(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, simple_identity("before"))
    vault = IdentityVault.objects.get(family=family)
    old_ciphertext = bytes(vault.ciphertext)

    identity_update(
        actor=personas.colleague,
        family=family,
        identity=planted_identity(),
        reason_text=" The mother gave a new address. ",
    )
    vault.refresh_from_db()
    assert bytes(vault.ciphertext) != old_ciphertext
    assert opens(family, personas.staff) == planted_identity()

    (entry,) = audit_entries(AuditAction.IDENTITY_UPDATED)
    assert entry.actor_id == personas.colleague.pk
    assert entry.target_id == family.code
    assert entry.reason == "The mother gave a new address."
    text = entry_text(entry).casefold()
    for value in PLANTED.values():
        assert value.casefold() not in text

    history = list(IdentityVault.history.filter(family_id=family.pk).order_by("history_date"))
    assert len(history) == 2
    assert bytes(history[0].ciphertext) == old_ciphertext
    assert bytes(history[1].ciphertext) == bytes(vault.ciphertext)
    for row in history:
        assert b"Respondent before" not in bytes(row.ciphertext)
        assert PLANTED["respondent_name"].encode() not in bytes(row.ciphertext)


# ---------------------------------------------------------------------------- crypto-shredding


def test_destroying_the_data_key_makes_every_copy_unreadable(personas: Personas) -> None:
    family = make_family(personas.staff, personas.helsinki, planted_identity())
    identity_update(
        actor=personas.staff, family=family, identity=simple_identity("v2"), reason_text="edit"
    )
    vault = IdentityVault.objects.get(family=family)
    # "An old backup": every ciphertext of this identity, copied before the key is destroyed.
    backup = [bytes(vault.ciphertext)] + [
        bytes(row.ciphertext) for row in IdentityVault.history.filter(family_id=family.pk)
    ]
    assert len(backup) == 3
    data_key = family_data_key(family)
    for ciphertext in backup:  # readable before
        unseal(data_key, ciphertext, vault.associated_data())
    del data_key

    assert data_key_destroy(vault.key_ref) is True
    assert data_key_destroy(vault.key_ref) is False  # idempotent

    assert not DataKey.objects.using(KEYSTORE_ALIAS).filter(key_ref=vault.key_ref).exists()
    with pytest.raises(IdentityUnavailable):
        identity_open(
            actor=personas.staff, family=family, reason=IdentityReason.CONTACT, reason_text="x"
        )
    with pytest.raises(IdentityUnavailable):
        family_data_key(family)
    assert identity_read_for_screening(family) is None
    assert audit_entries(AuditAction.IDENTITY_VIEWED) == []

    # Nothing we hold opens the old copies: not a master key, nor anything derived from one.
    candidates = []
    for secret in every_master_key_secret():
        candidates += [
            secret,
            hashlib.sha256(secret).digest(),
            hashlib.sha256(secret + vault.key_ref.bytes).digest(),
            hashlib.sha256(vault.key_ref.bytes + secret).digest(),
        ]
    candidates += [vault.key_ref.bytes * 2, hashlib.sha256(vault.key_ref.bytes).digest()]
    for ciphertext in backup:
        for candidate in candidates:
            with pytest.raises(DecryptionFailed):
                unseal(candidate, ciphertext, vault.associated_data())


def test_a_ciphertext_moved_to_another_family_does_not_open(personas: Personas) -> None:
    source = make_family(personas.staff, personas.helsinki, planted_identity())
    target = make_family(personas.staff, personas.helsinki, simple_identity("target"))
    source_vault = IdentityVault.objects.get(family=source)

    # Only the ciphertext moved: the target's key does not open it.
    IdentityVault.objects.filter(family=target).update(ciphertext=source_vault.ciphertext)
    with pytest.raises(IdentityUnavailable):
        opens(target, personas.staff)

    # Ciphertext and key reference moved: the right key, but bound to the source family.
    IdentityVault.objects.filter(family=target).update(key_ref=source_vault.key_ref)
    with pytest.raises(IdentityUnavailable):
        opens(target, personas.staff)
    assert [e.target_id for e in audit_entries(AuditAction.IDENTITY_VIEWED)] == []
    assert opens(source, personas.staff) == planted_identity()


# ---------------------------------------------------------------------------- rotation


def make_families(personas: Personas, count: int) -> list[Family]:
    return [
        make_family(personas.staff, personas.helsinki, simple_identity(f"rot{index}"))
        for index in range(count)
    ]


def master_key_ids() -> list[str]:
    return sorted(DataKey.objects.using(KEYSTORE_ALIAS).values_list("master_key_id", flat=True))


def assert_all_open(families: list[Family], personas: Personas) -> None:
    for index, family in enumerate(families):
        assert opens(family, personas.staff).child_name == f"Child rot{index}"


def test_rotation_rewraps_every_key_under_the_newest_master_key(
    personas: Personas, settings: Any
) -> None:
    settings.VAULT_MASTER_KEYS = OLD
    families = make_families(personas, 4)
    assert master_key_ids() == ["test1"] * 4
    wrapped_before = dict(
        DataKey.objects.using(KEYSTORE_ALIAS).values_list("key_ref", "wrapped_key")
    )
    vaults_before = {v.pk: bytes(v.ciphertext) for v in IdentityVault.objects.all()}

    settings.VAULT_MASTER_KEYS = f"{NEW},{OLD}"
    call_command("rotate_vault_master_key", stdout=(out := io.StringIO()))
    assert "re-wrapped 4 data keys under master key test2; 0 were already current" in out.getvalue()
    assert master_key_ids() == ["test2"] * 4
    for row in DataKey.objects.using(KEYSTORE_ALIAS).all():
        assert bytes(row.wrapped_key) != bytes(wrapped_before[row.key_ref])
        assert row.rewrapped_at is not None
    # The encrypted identities themselves were not touched.
    assert {v.pk: bytes(v.ciphertext) for v in IdentityVault.objects.all()} == vaults_before
    assert_all_open(families, personas)

    (entry,) = audit_entries(AuditAction.VAULT_KEYS_REWRAPPED)
    assert entry.actor_label == "system"
    assert entry.details == {"master_key_id": "test2", "rewrapped": 4, "failed": 0}

    settings.VAULT_MASTER_KEYS = NEW  # the old master key can now be retired
    assert_all_open(families, personas)
    new_family = make_family(personas.staff, personas.helsinki)
    assert (
        DataKey.objects.using(KEYSTORE_ALIAS)
        .get(key_ref=IdentityVault.objects.get(family=new_family).key_ref)
        .master_key_id
        == "test2"
    )


def test_rotation_is_safe_to_interrupt_and_rerun(
    personas: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VAULT_MASTER_KEYS = OLD
    families = make_families(personas, 5)
    settings.VAULT_MASTER_KEYS = f"{NEW},{OLD}"

    real_seal = keystore.services.seal
    calls = {"count": 0}

    def seal_then_interrupt(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
        calls["count"] += 1
        if calls["count"] > 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C during the third re-wrap
        return real_seal(key, plaintext, associated_data)

    monkeypatch.setattr(keystore.services, "seal", seal_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        call_command("rotate_vault_master_key", batch_size=2)
    monkeypatch.setattr(keystore.services, "seal", real_seal)

    assert master_key_ids() == ["test1"] * 3 + ["test2"] * 2
    assert_all_open(families, personas)
    assert audit_entries(AuditAction.VAULT_KEYS_REWRAPPED) == []

    call_command("rotate_vault_master_key", batch_size=2, stdout=(out := io.StringIO()))
    assert "re-wrapped 3 data keys under master key test2; 2 were already current" in out.getvalue()
    assert master_key_ids() == ["test2"] * 5
    (entry,) = audit_entries(AuditAction.VAULT_KEYS_REWRAPPED)
    assert entry.details == {"master_key_id": "test2", "rewrapped": 3, "failed": 0}

    settings.VAULT_MASTER_KEYS = NEW
    assert_all_open(families, personas)


def test_rotation_leaves_a_key_whose_master_key_is_missing_untouched(
    personas: Personas, settings: Any
) -> None:
    settings.VAULT_MASTER_KEYS = OLD
    families = make_families(personas, 2)
    settings.VAULT_MASTER_KEYS = LOST
    stranded = make_family(personas.staff, personas.helsinki, simple_identity("stranded"))
    stranded_ref = IdentityVault.objects.get(family=stranded).key_ref
    stranded_before = DataKey.objects.using(KEYSTORE_ALIAS).get(key_ref=stranded_ref)

    settings.VAULT_MASTER_KEYS = f"{NEW},{OLD}"  # test3 is not configured
    with pytest.raises(CommandError) as raised:
        call_command("rotate_vault_master_key")
    assert raised.value.returncode == 1
    assert str(stranded_ref) in str(raised.value)

    stranded_after = DataKey.objects.using(KEYSTORE_ALIAS).get(key_ref=stranded_ref)
    assert stranded_after.master_key_id == "test3"
    assert bytes(stranded_after.wrapped_key) == bytes(stranded_before.wrapped_key)
    assert stranded_after.rewrapped_at is None
    assert master_key_ids() == ["test2", "test2", "test3"]
    assert_all_open(families, personas)
    (entry,) = audit_entries(AuditAction.VAULT_KEYS_REWRAPPED)
    assert entry.details == {"master_key_id": "test2", "rewrapped": 2, "failed": 1}

    # Without its master key the identity cannot be read; with it back, it opens again.
    with pytest.raises(ImproperlyConfigured):
        opens(stranded, personas.staff)
    settings.VAULT_MASTER_KEYS = f"{NEW},{OLD},{LOST}"
    assert opens(stranded, personas.staff).child_name == "Child stranded"


def test_identity_update_after_the_key_is_destroyed_is_a_service_error(
    personas: Personas,
) -> None:
    family = make_family(personas.staff, personas.helsinki)
    data_key_destroy(IdentityVault.objects.get(family=family).key_ref)
    with pytest.raises(IdentityUnavailable):
        identity_update(
            actor=personas.staff, family=family, identity=simple_identity("y"), reason_text="r"
        )
