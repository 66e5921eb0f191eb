"""Factories for users and teams. Areas add theirs here."""
from __future__ import annotations

import itertools

from bro.extensions import db
from bro.models.people import Role, Team, User
from bro.people import create_user
from tests.conftest import PASSWORD

_sequence = itertools.count(1)
SCOPES_ALL = ("read", "write", "admin")


class Factory:
    def team(self, name: str | None = None) -> Team:
        team = Team(name=name or f"Team {next(_sequence)}")
        db.session.add(team)
        db.session.flush()
        return team

    def user(self, *roles: Role | str, team: Team | None = None, supervises: list[Team] | None = None,
             name: str | None = None, language: str = "en", active: bool = True) -> User:
        number = next(_sequence)
        roles = roles or (Role.staff,)
        if Role.staff in {Role(r) for r in roles} and team is None:
            team = self.team()
        user = create_user(name or f"User {number}", f"user{number}@example.com", PASSWORD,
                           [Role(r).value for r in roles], language=language, team=team,
                           supervises=supervises or [])
        user.active = active
        db.session.flush()
        return user

    def staff(self, team: Team | None = None, **kw) -> User:
        return self.user(Role.staff, team=team, **kw)

    def supervisor(self, *teams: Team, **kw) -> User:
        return self.user(Role.supervisor, supervises=list(teams) or [self.team()], **kw)

    def trainer(self, **kw) -> User:
        return self.user(Role.trainer, **kw)

    def admin(self, **kw) -> User:
        return self.user(Role.admin, **kw)

    # --- API ---------------------------------------------------------------------------------
    def api_token(self, user: User, *scopes: str, days: int = 30) -> str:
        """A personal access token of `user` (default scopes: read, write and admin); returns its secret."""
        from bro.api.tokens import issue_token

        _token, secret = issue_token(user, name=f"token {next(_sequence)}", scopes=scopes or SCOPES_ALL, days=days)
        return secret

    # --- curricula (authoring) ---------------------------------------------------------------
    def curricula(self, text: str | None = None, imported_by: User | None = None, filename: str = "factory.yaml"):
        """Check and import curriculum YAML (default: SAMPLE_CURRICULUM); returns the ImportReport."""
        from bro.authoring.operations import import_documents, known_standards
        from bro.curricula import check_text

        result = check_text(text or SAMPLE_CURRICULUM, filename, known_standards=known_standards())
        result.raise_for_errors()
        return import_documents(result, imported_by=imported_by, sources=filename)

    def standard_version(self, text: str | None = None):
        """The StandardVersion in force of `sample-service` (imports SAMPLE_CURRICULUM when needed)."""
        return self.curricula(text).version_of("standard", "sample-service")

    def course_version(self, text: str | None = None):
        """The CourseVersion in force of `sample-course` (imports SAMPLE_CURRICULUM when needed)."""
        return self.curricula(text).version_of("course", "sample-course")


    # --- audits ------------------------------------------------------------------------------
    def audit_standard(self, steps=(("greet", 1, False), ("needs", 2, True), ("close", 1, False)),
                       pass_score=80, relationship="b2c", key: str | None = None, imported_by: User | None = None):
        """Import a standard with `steps` as (key, weight, critical); returns its StandardVersion in force."""
        key = key or f"audit-standard-{next(_sequence)}"
        lines = [f"kind: standard", f"id: {key}", "language: en", f"title: {{en: Standard {key}}}",
                 f"relationship: {relationship}", f"pass_score: {pass_score}", "steps:"]
        for step_key, weight, critical in steps:
            lines += [f"  - id: {step_key}", f"    title: {{en: Step {step_key}}}", f"    weight: {weight}",
                      f"    guidance: {{en: 'How to do {step_key} well.'}}"]
            if critical:
                lines.append("    critical: true")
        return self.curricula("\n".join(lines) + "\n", imported_by=imported_by).version_of("standard", key)

    def audit(self, staff: User, auditor: User, version=None, ratings: dict | None = None, **kw):
        """Record an audit through bro.audits.operations.record_audit (every step met unless `ratings`)."""
        from datetime import date

        from bro.audits.operations import record_audit

        version = version or self.audit_standard()
        ratings = ratings or {step.key: "met" for step in version.steps}
        values = {"relationship": version.relationship_kind if version.relationship_kind != "any" else "b2c",
                  "channel": "phone", "interacted_on": date.today(), "customer_ref": f"C-{next(_sequence)}"}
        values.update(kw)
        return record_audit(auditor=auditor, staff=staff, version=version, ratings=ratings, **values)

# A small standard (3 steps, one critical) and a course teaching it: two modules, every question type.
SAMPLE_CURRICULUM = """\
kind: standard
id: sample-service
language: en
title: {en: Sample service standard, pl: Przykładowy standard obsługi}
relationship: b2c
pass_score: 80
steps:
  - id: greet
    title: {en: Greet the customer, pl: Przywitaj klienta}
    guidance: {en: "Say **hello** within 30 seconds."}
    weight: 1
  - id: needs
    title: {en: Ask about needs}
    weight: 2
  - id: confirm
    title: {en: Confirm the order, pl: Potwierdź zamówienie}
    weight: 2
    critical: true
---
kind: course
id: sample-course
language: en
title: {en: Sample course, pl: Przykładowy kurs}
summary: A short course for tests.
standard: sample-service
modules:
  - id: basics
    title: {en: Basics, pl: Podstawy}
    teaches: [greet, needs]
    lessons:
      - id: hello
        title: Saying hello
        body: {en: "Greet **every** customer.", pl: "Witaj **każdego** klienta."}
    quiz:
      pass_mark: 75
      max_attempts: 3
      questions:
        - id: q1
          type: single
          prompt: When do you greet?
          options:
            - {id: a, text: At once, correct: true, feedback: Yes - right away.}
            - {id: b, text: After a while, feedback: Too late.}
        - id: q2
          type: multiple
          prompt: Which are needs questions?
          options:
            - {id: a, text: "What do you need?", correct: true}
            - {id: b, text: "What is it for?", correct: true}
            - {id: c, text: "Cash or card?"}
        - id: q3
          type: true_false
          prompt: Word of mouth beats advertising.
          answer: true
          explanation: Customers trust other customers.
        - id: q4
          type: short_text
          prompt: What do satisfied customers bring?
          accept: [referrals, repeat business]
        - id: q5
          type: numeric
          prompt: Within how many seconds do you greet?
          value: 30
          tolerance: 5
  - id: closing
    title: Closing
    teaches: [confirm]
    required: false
    lessons:
      - id: confirm
        title: Confirming
        body: Read the order back.
certification:
  title: Sample certificate
  valid_days: 365
"""
