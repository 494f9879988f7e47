"""Signed checkpoints prove the chain was not rewritten, truncated or re-signed."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from audit.chain import canonical_payload, entry_hash
from audit.checkpoints import checkpoint_create, checkpoint_message, checkpoint_text
from audit.guard import install_guard, remove_guard
from audit.models import AuditAction, AuditCheckpoint, AuditEvent, VerificationRun
from audit.services import audit_record
from audit.verification import verify_chain
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def write(count: int) -> None:
    for index in range(count):
        audit_record(
            actor=None, action=AuditAction.CENTRE_UPDATED, target_type="t", target_id=index
        )


def as_attacker(sql: str, params: list[object] | None = None) -> None:
    remove_guard(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    finally:
        install_guard(connection)


def test_a_checkpoint_signs_the_head_and_verifies() -> None:
    write(5)
    checkpoint = checkpoint_create()
    assert checkpoint.sequence == 5
    assert checkpoint.entry_hash == AuditEvent.objects.get(sequence=5).entry_hash
    result = verify_chain()
    assert result.ok, result
    assert result.checkpoints_checked == 1
    assert AuditEvent.objects.filter(action=AuditAction.CHECKPOINT_SIGNED).count() == 1
    text = checkpoint_text(checkpoint)
    assert "sequence=5" in text
    assert f"signature={checkpoint.signature}" in text


def test_a_checkpoint_signed_with_another_key_is_detected() -> None:
    write(3)
    checkpoint = checkpoint_create()
    forger = Ed25519PrivateKey.generate()
    forged = base64.b64encode(forger.sign(checkpoint_message(checkpoint))).decode()
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(signature=forged)
    result = verify_chain()
    assert not result.ok
    assert "signature" in result.problem


def test_a_truncated_chain_is_detected() -> None:
    write(6)
    checkpoint_create()  # covers entries 1-6 (its own entry is #7)
    as_attacker("DELETE FROM audit_auditevent WHERE sequence >= 5")
    # The attacker also rewinds the head so the plain chain looks complete.
    last = AuditEvent.objects.get(sequence=4)
    from audit.models import AuditChainHead

    AuditChainHead.objects.filter(pk=1).update(sequence=4, entry_hash=last.entry_hash)
    result = verify_chain()
    assert not result.ok
    assert "removed" in result.problem


def test_a_rewritten_chain_with_recomputed_hashes_is_detected() -> None:
    write(4)
    checkpoint_create()
    # Rewrite entry 2 and recompute every hash after it, as an attacker with DB rights could.
    entries = list(AuditEvent.objects.order_by("sequence"))
    previous = entries[0].entry_hash
    for entry in entries[1:]:
        reason = "rewritten" if entry.sequence == 2 else entry.reason
        payload = canonical_payload(
            sequence=entry.sequence,
            occurred_at=entry.occurred_at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            reason=reason,
            details=entry.details,
            family_code=entry.family_code,
        )
        digest = entry_hash(previous, payload)
        as_attacker(
            "UPDATE audit_auditevent SET reason = %s, previous_hash = %s, entry_hash = %s "
            "WHERE sequence = %s",
            [reason, previous, digest, entry.sequence],
        )
        previous = digest
    from audit.models import AuditChainHead

    AuditChainHead.objects.filter(pk=1).update(entry_hash=previous)
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 4
    assert "rewritten" in result.problem
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")


def test_the_dpo_runs_verification_in_the_background_and_sees_the_result(
    personas: Personas,
) -> None:
    write(3)
    client = personas.client_for("dpo")
    response = client.post(reverse("dpo_verification"))
    assert response.status_code == 302
    run = VerificationRun.objects.get()
    assert run.ok is True
    assert run.checked >= 3
    page = client.get(reverse("dpo_verification")).content.decode()
    assert "intact" in page
    assert AuditEvent.objects.filter(action=AuditAction.CHAIN_VERIFIED).count() == 1


def test_checkpoints_page_signs_on_demand_and_offers_the_file(personas: Personas) -> None:
    client = personas.client_for("dpo")
    client.post(reverse("dpo_checkpoints"))
    checkpoint = AuditCheckpoint.objects.get()
    download = client.get(reverse("dpo_checkpoint_download", args=[checkpoint.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert f"sequence={checkpoint.sequence}" in download.content.decode()
    assert "public_key_ed25519=" in download.content.decode()
