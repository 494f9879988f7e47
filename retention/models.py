"""Runs of the retention sweep, and when the last one succeeded (read by /health/)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class SweepRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    succeeded = models.BooleanField(default=False)
    due = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Family codes only: which were held back or failed, for the DPO.
    held = models.JSONField(default=list, blank=True)
    failed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at"]

    def __str__(self) -> str:
        return f"sweep at {self.started_at:%Y-%m-%d %H:%M}"
