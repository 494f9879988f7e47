"""Field classes of the accounts app (staff accounts: identifiers of staff, not of families)."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

IDENT, QUASI, SENS, OTHER = (
    FieldClass.IDENTIFIER,
    FieldClass.QUASI_IDENTIFIER,
    FieldClass.SENSITIVE,
    FieldClass.OTHER,
)

classify(
    "accounts.User",
    {
        "id": FieldSpec(OTHER, "account id"),
        "password": FieldSpec(SENS, "Argon2id hash of the password"),
        "last_login": FieldSpec(OTHER, "time of the last login"),
        "email": FieldSpec(IDENT, "staff member's work e-mail, the login name"),
        "display_name": FieldSpec(IDENT, "staff member's name as shown in the application"),
        "preferred_language": FieldSpec(OTHER, "language of the user interface"),
        "is_active": FieldSpec(OTHER, "whether the account may log in"),
        "date_joined": FieldSpec(OTHER, "time the account was created"),
        "deactivated_at": FieldSpec(OTHER, "time the account was deactivated"),
    },
)
classify(
    "accounts.Centre",
    {
        "id": FieldSpec(OTHER, "centre id"),
        "name": FieldSpec(QUASI, "name of the Barnahus centre", generalisation="country"),
        "country": FieldSpec(OTHER, "ISO country code"),
        "short_code": FieldSpec(
            QUASI, "centre code, prefix of family codes", generalisation="country"
        ),
        "time_zone": FieldSpec(OTHER, "local time zone of the centre"),
        "is_active": FieldSpec(OTHER, "whether the centre is in use"),
        "created_at": FieldSpec(OTHER, "time the centre was added"),
    },
)
classify(
    "accounts.Membership",
    {
        "id": FieldSpec(OTHER, "membership id"),
        "user": FieldSpec(OTHER, "account holding the role"),
        "role": FieldSpec(OTHER, "role held"),
        "centre": FieldSpec(OTHER, "centre the role applies to"),
        "granted_by": FieldSpec(OTHER, "administrator who granted the role"),
        "granted_at": FieldSpec(OTHER, "time the role was granted"),
    },
)
classify(
    "accounts.Invitation",
    {
        "id": FieldSpec(OTHER, "invitation id"),
        "email": FieldSpec(IDENT, "invitee's work e-mail"),
        "display_name": FieldSpec(IDENT, "invitee's name"),
        "role": FieldSpec(OTHER, "role offered"),
        "centre": FieldSpec(OTHER, "centre of the role offered"),
        "preferred_language": FieldSpec(OTHER, "language of the invitation"),
        "token_hash": FieldSpec(SENS, "SHA-256 of the single-use link token"),
        "created_by": FieldSpec(OTHER, "administrator who invited"),
        "created_at": FieldSpec(OTHER, "time of the invitation"),
        "expires_at": FieldSpec(OTHER, "time the link stops working"),
        "accepted_at": FieldSpec(OTHER, "time the invitation was accepted"),
        "accepted_user": FieldSpec(OTHER, "account created from the invitation"),
        "revoked_at": FieldSpec(OTHER, "time the invitation was revoked"),
    },
)
_device_fields = {
    "id": FieldSpec(OTHER, "device id"),
    "user": FieldSpec(OTHER, "account owning the device"),
    "name": FieldSpec(OTHER, "device label"),
    "confirmed": FieldSpec(OTHER, "whether the device is confirmed"),
    "throttling_failure_timestamp": FieldSpec(OTHER, "time of the last failed code"),
    "throttling_failure_count": FieldSpec(OTHER, "failed codes in a row"),
    "created_at": FieldSpec(OTHER, "time the device was added"),
    "last_used_at": FieldSpec(OTHER, "time the device was last used"),
}
classify("accounts.BackupCodeDevice", _device_fields)
classify(
    "accounts.BackupCode",
    {
        "id": FieldSpec(OTHER, "code id"),
        "device": FieldSpec(OTHER, "device holding the code"),
        "salt": FieldSpec(SENS, "random salt of the code hash"),
        "code_hash": FieldSpec(SENS, "salted SHA-256 of the backup code"),
        "used_at": FieldSpec(OTHER, "time the code was used"),
    },
)
