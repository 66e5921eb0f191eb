"""The API's request and response shapes (marshmallow; flask-smorest writes them into the OpenAPI document)."""
from __future__ import annotations

from datetime import timezone

import marshmallow as ma
from marshmallow import validate

from bro.api.cursor import PageArgs, page_schema
from bro.config import LANGUAGES
from bro.models.audits import CHANNELS, RATINGS, RELATIONSHIPS, STATUSES
from bro.models.people import Role
from bro.scoring import display_score

MAX_ID = 2**31 - 1
Id = lambda **kw: ma.fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kw)  # noqa: E731
Text = lambda n, **kw: ma.fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731
Localized = lambda **kw: ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), **kw)  # noqa: E731


class UtcDateTime(ma.fields.DateTime):
    """bro keeps times as naive UTC: sent as RFC 3339 with its Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _visible(text: str) -> None:
    from flask_babel import gettext as _

    from bro.text import invisible_characters

    found = invisible_characters(text) if isinstance(text, str) else []
    if found:
        raise ma.ValidationError(_("Remove the invisible characters (%(codes)s): they can make text read backwards "
                                   "or look like something else.", codes=", ".join(found)))


def Name(n: int, **kw):  # noqa: N802  (a field factory)
    """A name or identifier: 1 to n characters, none of them invisible (as the pages' forms check)."""
    return ma.fields.String(validate=[validate.Length(min=1, max=n), _visible], **kw)


def DecimalText(**kw):  # noqa: N802  (a field factory)
    """An exact decimal sent as a string ("87.50"), never a binary float."""
    return ma.fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"}, **kw)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# -- people --------------------------------------------------------------------------------------------

class UserSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    language = ma.fields.String(required=True)
    roles = ma.fields.Method("_roles", required=True, metadata={"type": "array", "items": {"type": "string"}})
    team_id = ma.fields.Integer(allow_none=True, required=True)
    supervised_team_ids = ma.fields.Method("_supervised", required=True,
                                           metadata={"type": "array", "items": {"type": "integer"}})
    active = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)

    def _roles(self, user) -> list[str]:
        return sorted(role.value for role in user.roles)

    def _supervised(self, user) -> list[int]:
        return [team.id for team in user.supervised_teams]


class UserCreateSchema(Strict):
    name = Name(120, required=True)
    email = ma.fields.Email(required=True, validate=[validate.Length(max=254), _visible])
    language = ma.fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))
    roles = ma.fields.List(ma.fields.String(validate=validate.OneOf([r.value for r in Role])), required=True,
                           validate=validate.Length(min=1, max=4))
    team_id = Id(load_default=None, allow_none=True)
    supervised_team_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=200))
    password = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(min=12, max=200),
                                metadata={"description": "Leave out to create the account without a usable "
                                                         "password (an admin then sends a reset link)."})


class UserChangeSchema(Strict):
    active = ma.fields.Boolean(metadata={"description": "false deactivates the user (and ends their sessions)."})
    team_id = Id(allow_none=True, metadata={"description": "The user's team as staff (null: none)."})


class TeamSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    created_at = UtcDateTime(required=True)


class TeamCreateSchema(Strict):
    name = Name(120, required=True)


class UserListArgs(PageArgs):
    team = Id(load_default=None, metadata={"description": "Only members of this team."})
    active = ma.fields.Boolean(load_default=None)


# -- curricula -----------------------------------------------------------------------------------------

class StepSchema(ma.Schema):
    key = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    title = Localized(required=True)
    weight = DecimalText(required=True)
    critical = ma.fields.Boolean(required=True)


class _VersionSchema(ma.Schema):
    """What every curriculum version shows first."""
    id = ma.fields.Integer(required=True)
    number = ma.fields.Integer(required=True)
    language = ma.fields.String(required=True)
    title = Localized(required=True)


class StandardVersionSchema(_VersionSchema):
    relationship = ma.fields.String(attribute="relationship_kind", required=True)
    pass_score = DecimalText(required=True)
    imported_at = UtcDateTime(required=True)
    steps = ma.fields.List(ma.fields.Nested(StepSchema), required=True)


class StandardSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    relationship = ma.fields.String(attribute="relationship_kind", required=True)
    retired = ma.fields.Function(lambda s: s.retired_at is not None, required=True,
                                 metadata={"type": "boolean"})
    current_version = ma.fields.Nested(StandardVersionSchema, allow_none=True, required=True)


class ModuleSchema(ma.Schema):
    key = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    title = Localized(required=True)
    required = ma.fields.Boolean(required=True)


class CourseVersionSchema(_VersionSchema):
    standard_id = ma.fields.Integer(allow_none=True, required=True)
    certification_valid_days = ma.fields.Integer(allow_none=True, required=True)
    modules = ma.fields.List(ma.fields.Nested(ModuleSchema), required=True)


class CourseSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    key = ma.fields.String(required=True)
    retired = ma.fields.Function(lambda c: c.retired_at is not None, required=True, metadata={"type": "boolean"})
    current_version = ma.fields.Nested(CourseVersionSchema, allow_none=True, required=True)


# -- audits --------------------------------------------------------------------------------------------

class AuditSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    interacted_on = ma.fields.Date(required=True)
    staff_id = ma.fields.Integer(required=True)
    team_id = ma.fields.Integer(required=True)
    auditor_id = ma.fields.Integer(required=True)
    standard_id = ma.fields.Integer(required=True)
    standard_version = ma.fields.Function(lambda a: a.standard_version.number, required=True,
                                          metadata={"type": "integer"})
    relationship = ma.fields.String(attribute="relationship_kind", required=True)
    channel = ma.fields.String(required=True)
    customer_ref = ma.fields.String(required=True)
    score = ma.fields.Function(lambda a: display_score(a.exact_score), required=True,
                               metadata={"type": "string", "description": "0–100, one decimal, rounded half-up "
                                                                          "from the exact score."})
    passed = ma.fields.Boolean(required=True)
    status = ma.fields.String(required=True)
    revision = ma.fields.Integer(attribute="revision_number", required=True)
    csat = ma.fields.Integer(allow_none=True, required=True)
    repeat_purchase = ma.fields.Boolean(allow_none=True, required=True)
    referral_made = ma.fields.Boolean(allow_none=True, required=True)
    retained_90d = ma.fields.Boolean(allow_none=True, required=True)
    order_value = DecimalText(allow_none=True, required=True)


class RatingSchema(ma.Schema):
    step_key = ma.fields.String(required=True)
    rating = ma.fields.String(required=True)
    note = ma.fields.String(allow_none=True, required=True)


class AuditDetailSchema(AuditSchema):
    note = ma.fields.String(allow_none=True, required=True)
    ratings = ma.fields.Function(lambda a: RatingSchema(many=True).dump(
        sorted(a.current_revision.ratings, key=lambda r: r.step_key)), required=True,
        metadata={"type": "array", "items": {"type": "object"}})


class AuditListArgs(PageArgs):
    team = Id(load_default=None)
    staff = Id(load_default=None)
    standard = Id(load_default=None)
    date_from = ma.fields.Date(load_default=None, data_key="from")
    date_to = ma.fields.Date(load_default=None, data_key="to")
    result = ma.fields.String(load_default=None, validate=validate.OneOf(["passed", "failed"]))
    status = ma.fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class AuditCreateSchema(Strict):
    staff_id = Id(required=True)
    standard_id = Id(required=True, metadata={"description": "The standard; its version in force is used."})
    relationship = ma.fields.String(load_default="b2c", validate=validate.OneOf(RELATIONSHIPS))
    channel = ma.fields.String(required=True, validate=validate.OneOf(CHANNELS))
    interacted_on = ma.fields.Date(required=True)
    customer_ref = Name(120, required=True)
    ratings = ma.fields.Dict(keys=ma.fields.String(validate=validate.Length(max=80)),
                             values=ma.fields.String(validate=validate.OneOf(RATINGS)), required=True,
                             metadata={"description": "Every step of the version in force: met, partial, "
                                                      "not_met or na."})
    step_notes = ma.fields.Dict(keys=ma.fields.String(validate=validate.Length(max=80)),
                                values=Text(2000, allow_none=True), load_default=dict)
    note = Text(5000, load_default=None, allow_none=True)


OUTCOME_METADATA = {"csat": "Satisfaction 1–5", "order_value": "A decimal string, at most two decimals"}


class OutcomesSchema(Strict):
    csat = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=5))
    repeat_purchase = ma.fields.Boolean(allow_none=True)
    referral_made = ma.fields.Boolean(allow_none=True)
    retained_90d = ma.fields.Boolean(allow_none=True)
    order_value = ma.fields.Decimal(allow_none=True, places=None, allow_nan=False,
                                    metadata={"description": "0 to 9,999,999,999.99, at most two decimals."})


class OutcomeByReferenceSchema(OutcomesSchema):
    customer_ref = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    interacted_on = ma.fields.Date(required=True)


class OutcomeBatchSchema(Strict):
    outcomes = ma.fields.List(ma.fields.Nested(OutcomeByReferenceSchema), required=True,
                              validate=validate.Length(min=1, max=5000))


class OutcomeBatchResultSchema(ma.Schema):
    changed = ma.fields.Integer(required=True, metadata={"description": "Audits whose outcomes changed."})
    unchanged = ma.fields.Integer(required=True, metadata={"description": "Audits that had these values."})


# -- interactions --------------------------------------------------------------------------------------

class MessageSchema(Strict):
    speaker = ma.fields.String(required=True, validate=validate.Length(max=20))
    at = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    text = ma.fields.String(required=True, validate=validate.Length(max=20000))


class InteractionCreateSchema(Strict):
    external_id = Text(120, load_default=None, allow_none=True)
    staff_email = ma.fields.String(required=True, validate=validate.Length(min=1, max=254))
    channel = ma.fields.String(required=True, validate=validate.Length(min=1, max=40),
                               metadata={"description": "phone, email, chat, in_person, meeting (or a help "
                                                        "desk's word for one)."})
    started_at = ma.fields.String(required=True, validate=validate.Length(min=1, max=40),
                                  metadata={"description": "ISO 8601 date and time; without an offset: UTC."})
    customer_ref = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    relationship = ma.fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RELATIONSHIPS))
    source_url = Text(500, load_default=None, allow_none=True)
    transcript = Text(1_000_000, load_default=None, allow_none=True)
    messages = ma.fields.List(ma.fields.Nested(MessageSchema), load_default=None, allow_none=True,
                              validate=validate.Length(max=2000))


class ImportSummarySchema(ma.Schema):
    created = ma.fields.Integer(required=True)
    already_imported = ma.fields.Integer(required=True, metadata={"description": "Rows whose external_id was "
                                                                                 "imported before: skipped."})
    messages = ma.fields.Integer(required=True)


# -- training ------------------------------------------------------------------------------------------

class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    course_id = ma.fields.Integer(required=True)
    module_key = ma.fields.String(allow_none=True, required=True)
    reason = ma.fields.String(required=True)
    audit_id = ma.fields.Integer(allow_none=True, required=True)
    step_key = ma.fields.String(allow_none=True, required=True)
    due_date = ma.fields.Date(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    completed_at = UtcDateTime(allow_none=True, required=True)


class CertificateSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    course_id = ma.fields.Integer(required=True)
    course_version = ma.fields.Function(lambda c: c.course_version.number, required=True,
                                        metadata={"type": "integer"})
    issued_at = UtcDateTime(required=True)
    expires_on = ma.fields.Date(allow_none=True, required=True,
                                metadata={"description": "The first day it is no longer valid."})
    superseded_at = UtcDateTime(allow_none=True, required=True)


class PeopleListArgs(PageArgs):
    user = Id(load_default=None, metadata={"description": "Only this person's (one you may see)."})


# -- charts --------------------------------------------------------------------------------------------

class ChartArgs(Strict):
    standard = Id(load_default=None)
    team = Id(load_default=None)
    staff = Id(load_default=None)
    step = Text(80, load_default=None)
    key = Text(80, load_default=None, metadata={"description": "The step key, for chart=step."})
    date_from = ma.fields.Date(load_default=None, data_key="from")
    date_to = ma.fields.Date(load_default=None, data_key="to")
    period = ma.fields.String(load_default=None, validate=validate.OneOf(["day", "week", "month"]))


class ChartNumbersSchema(ma.Schema):
    chart = ma.fields.String(required=True)
    columns = ma.fields.List(ma.fields.String(), required=True)
    rows = ma.fields.List(ma.fields.List(ma.fields.Raw(allow_none=True)), required=True)


UserPage = page_schema(UserSchema, "UserPage")
TeamPage = page_schema(TeamSchema, "TeamPage")
StandardPage = page_schema(StandardSchema, "StandardPage")
CoursePage = page_schema(CourseSchema, "CoursePage")
AuditPage = page_schema(AuditSchema, "AuditPage")
AssignmentPage = page_schema(AssignmentSchema, "AssignmentPage")
CertificatePage = page_schema(CertificateSchema, "CertificatePage")
