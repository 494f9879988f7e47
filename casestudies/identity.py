"""The identity record kept in the vault: validated structured direct identifiers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass
class Respondent:
    name: str = ""
    relationship: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    personal_identity_code: str = ""

    def is_empty(self) -> bool:
        return not any(asdict(self).values())


@dataclass
class Offender:
    name: str = ""
    usernames: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.name and not self.usernames


@dataclass
class Identity:
    respondents: list[Respondent] = field(default_factory=list)
    child_name: str = ""
    child_date_of_birth: date | None = None
    police_case_numbers: list[str] = field(default_factory=list)
    court_case_numbers: list[str] = field(default_factory=list)
    offenders: list[Offender] = field(default_factory=list)
    notes: str = ""

    SCHEMA_VERSION = 1

    def to_json(self) -> bytes:
        data = asdict(self)
        data["child_date_of_birth"] = (
            self.child_date_of_birth.isoformat() if self.child_date_of_birth else None
        )
        data["schema_version"] = self.SCHEMA_VERSION
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Identity:
        data: dict[str, Any] = json.loads(raw.decode("utf-8"))
        birth = data.get("child_date_of_birth")
        return cls(
            respondents=[Respondent(**item) for item in data.get("respondents", [])],
            child_name=data.get("child_name", ""),
            child_date_of_birth=date.fromisoformat(birth) if birth else None,
            police_case_numbers=list(data.get("police_case_numbers", [])),
            court_case_numbers=list(data.get("court_case_numbers", [])),
            offenders=[Offender(**item) for item in data.get("offenders", [])],
            notes=data.get("notes", ""),
        )

    def values_for_screening(self) -> list[str]:
        """Every identifying string, for narrative screening and scrubbing (later issues)."""
        values: list[str] = []
        for person in self.respondents:
            values += [person.name, person.phone, person.email, person.address]
            values.append(person.personal_identity_code)
        values.append(self.child_name)
        values += self.police_case_numbers + self.court_case_numbers
        for offender in self.offenders:
            values.append(offender.name)
            values += offender.usernames
        return [value for value in values if value and value.strip()]
