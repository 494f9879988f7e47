"""Audit tasks: hourly signed checkpoints, and chain verification with progress."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from audit.checkpoints import checkpoint_create
from audit.models import AuditAction, VerificationRun
from audit.services import audit_record
from audit.verification import verify_chain


@shared_task(acks_late=True)
def checkpoint_task() -> int:
    return checkpoint_create().sequence


@shared_task(acks_late=True)
def verify_chain_task(run_id: int) -> bool:
    """Verify the whole chain, writing progress to the run row so the DPO page can show it."""

    def progress(checked: int) -> None:
        VerificationRun.objects.filter(pk=run_id).update(checked=checked)

    result = verify_chain(progress=progress)
    with transaction.atomic():
        VerificationRun.objects.filter(pk=run_id).update(
            finished_at=timezone.now(),
            checked=result.checked,
            checkpoints_checked=result.checkpoints_checked,
            ok=result.ok,
            first_bad_sequence=result.first_bad_sequence,
            problem=result.problem,
        )
        run = VerificationRun.objects.get(pk=run_id)
        audit_record(
            actor=None,
            action=AuditAction.CHAIN_VERIFIED,
            target=run,
            details={
                "ok": result.ok,
                "checked": result.checked,
                "checkpoints": result.checkpoints_checked,
                "first_bad_sequence": result.first_bad_sequence,
                "requested_by": run.requested_by_id,
            },
        )
    return result.ok
