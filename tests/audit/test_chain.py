"""The audit trail is hash-chained, append-only at the database, and verifiable."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import Role
from audit.guard import install_guard, remove_guard
from audit.models import AuditAction, AuditChainHead, AuditEvent
from audit.services import audit_record
from audit.verification import verify_chain
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def write_entries(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action=AuditAction.CENTRE_UPDATED, target_type="t", target_id=n)
        for n in range(count)
    ]


def as_attacker(sql: str, params: list[object]) -> None:
    """What someone with database rights does: lift the guard, edit, put the guard back."""
    remove_guard(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        install_guard(connection)


def test_entries_link_to_the_previous_hash() -> None:
    first, second, third = write_entries(3)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.entry_hash) == (3, third.entry_hash)
    assert verify_chain().ok


def test_secret_looking_details_are_masked() -> None:
    entry = audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        details={"password": "hunter2-planted", "nested": {"otp_code": "123456"}, "count": 3},
    )
    entry.refresh_from_db()
    assert entry.details == {"password": "***", "nested": {"otp_code": "***"}, "count": 3}
    assert verify_chain().ok


def test_an_update_is_refused_by_the_database() -> None:
    write_entries(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'edited'")


def test_a_delete_is_refused_by_the_database() -> None:
    write_entries(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_verification_catches_an_edited_entry() -> None:
    write_entries(5)
    as_attacker("UPDATE audit_auditevent SET reason = %s WHERE sequence = 3", ["rewritten"])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 3


def test_verification_catches_an_edited_entry_with_recomputed_own_hash() -> None:
    entries = write_entries(5)
    # Editing details and fixing only that entry's hash still breaks the next link.
    from audit.chain import canonical_payload, entry_hash

    target = entries[2]
    payload = canonical_payload(
        sequence=3,
        occurred_at=target.occurred_at,
        actor_id=None,
        actor_label="system",
        action=target.action,
        target_type="t",
        target_id="999",
        reason="",
        details={},
    )
    forged = entry_hash(target.previous_hash, payload)
    as_attacker(
        "UPDATE audit_auditevent SET target_id = '999', entry_hash = %s WHERE sequence = 3",
        [forged],
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 4


def test_verification_catches_a_removed_entry() -> None:
    write_entries(5)
    as_attacker("DELETE FROM audit_auditevent WHERE sequence = 2", [])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 2


def test_verification_catches_a_removed_last_entry() -> None:
    write_entries(4)
    as_attacker("DELETE FROM audit_auditevent WHERE sequence = 4", [])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 4


def test_verification_catches_swapped_entries() -> None:
    write_entries(5)
    # Swap the contents of entries 2 and 3 by exchanging their sequence numbers.
    as_attacker("UPDATE audit_auditevent SET sequence = -2 WHERE sequence = 2", [])
    as_attacker("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3", [])
    as_attacker("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = -2", [])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_sequence == 2


def test_the_command_exits_0_when_intact_and_1_with_the_bad_sequence(capsys) -> None:
    write_entries(3)
    call_command("verify_audit_chain")
    assert "3 entries verified" in capsys.readouterr().out
    as_attacker("UPDATE audit_auditevent SET action = 'forged' WHERE sequence = 2", [])
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit_chain")
    assert raised.value.returncode == 1
    assert "sequence 2" in str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(postgres: None) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for index in range(25):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action=AuditAction.CENTRE_UPDATED,
                        target_type="writer",
                        target_id=f"{number}-{index}",
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 100
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 101))
    result = verify_chain()
    assert result.ok, result


def test_account_events_write_their_entries() -> None:
    user = make_user("someone@north.test", Role.ADMIN)
    audit_record(actor=user, action=AuditAction.ROLE_GRANTED, target=user, details={"role": "dpo"})
    entry = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert entry.actor_id == user.pk
    assert entry.actor_label == f"user:{user.pk}"
    assert entry.target_type == "accounts.user"
    assert "someone@north.test" not in str(entry.details)
