"""Who may enter every route. A route missing here fails test_every_route_is_listed.

`url` builds the path from the World (objects a supervisor of `world.team` may see);
`allowed` names the roles admitted (admin is admitted wherever any role is).

tests/web/test_access_matrix.py walks every entry, with no extra lines needed for a new route:
- as anonymous, each single-role persona and the multi-role PERSONAS ("staff+supervisor" is the staff persona
  who also supervises their own team; "supervisor+trainer" the supervisor persona who also trains), with every
  HTTP method the route accepts (a method other than `method` is sent with an empty form);
- with `url` built from a second world of other owners (another team's staff, audits, attempts, certificate,
  calibration session and action: the fixtures of test_access_matrix.py) and from a teammate's objects: every persona but admin
  must get 403 or 404 and no word of the other person's records. Set `others=SHARED` for a route whose object
  every admitted persona may use (a curriculum, a course), `others=roles(...)` for roles that may use anyone's. The other worlds are built by running every
  WORLD_EXTENSIONS function again on other people (w.team, w.staff, w.supervisor are the other owners'), so an
  extension must build from the namespace it is given and may not rely on a unique value of its own
  (re-importing the same curriculum is fine: it is unchanged).
A persona that holds a role but may still not use the world's object (a team lead may not resolve a dispute
about their own audit) is listed in OWNER_RULES with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

PUBLIC = "public"
STAFF, SUPERVISOR, TRAINER, ADMIN = "staff", "supervisor", "trainer", "admin"
ALL_ROLES = frozenset({STAFF, SUPERVISOR, TRAINER, ADMIN})
STAFF_SUPERVISOR, SUPERVISOR_TRAINER = "staff+supervisor", "supervisor+trainer"
PERSONAS = ("anonymous", STAFF, SUPERVISOR, TRAINER, ADMIN, STAFF_SUPERVISOR, SUPERVISOR_TRAINER)
OWNED, SHARED = "owned", "shared"


@dataclass(frozen=True)
class Access:
    allowed: frozenset[str] | str
    url: Callable | str | None = None
    method: str = "GET"
    data: dict = field(default_factory=dict)
    # OWNED: another owner's object in `url` is refused; SHARED: it is not; roles(...): it is, to those roles
    # (an organisation-wide role such as trainers granting quiz attempts to anyone)
    others: str | frozenset[str] = OWNED

    def serves_others_to(self, persona: str) -> bool:
        """Whether `persona` may use other owners' objects through this route."""
        if self.others == SHARED:
            return True
        return isinstance(self.others, frozenset) and bool(set(persona.split("+")) & self.others)

    def admits(self, persona: str) -> bool:
        if self.allowed == PUBLIC:
            return True
        if persona == "anonymous":
            return False
        held = set(persona.split("+"))
        return ADMIN in held or bool(held & self.allowed)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


ACCESS: dict[str, Access] = {
    "auth.login": Access(PUBLIC, "/login"),
    "auth.choose_language": Access(PUBLIC, "/language", method="POST", data={"switch-language": "pl"}),
    "auth.logout": Access(ALL_ROLES, "/logout", method="POST"),
    "auth.account": Access(ALL_ROLES, "/account"),
    "auth.logout_everywhere": Access(ALL_ROLES, "/account/logout-everywhere", method="POST",
                                     data={"everywhere-submit": "1"}),
    "auth.reset_password": Access(PUBLIC, "/reset/no-such-link-0123456789"),
    "home.index": Access(ALL_ROLES, "/"),
    "admin.users": Access(roles(ADMIN), "/admin/users"),
    "admin.new_user": Access(roles(ADMIN), "/admin/users/new"),
    "admin.edit_user": Access(roles(ADMIN), lambda w: f"/admin/users/{w.staff.id}"),
    "admin.unlock_user": Access(roles(ADMIN), lambda w: f"/admin/users/{w.staff.id}/unlock", method="POST",
                                data={"confirm-submit": "1"}),
    "admin.reset_link": Access(roles(ADMIN), lambda w: f"/admin/users/{w.staff.id}/reset-link", method="POST",
                               data={"confirm-submit": "1"}),
    "admin.teams": Access(roles(ADMIN), "/admin/teams"),
    "admin.new_team": Access(roles(ADMIN), "/admin/teams/new"),
    "admin.edit_team": Access(roles(ADMIN), lambda w: f"/admin/teams/{w.team.id}"),
    "authoring.index": Access(roles(TRAINER), "/curricula/"),
    "authoring.standard_version": Access(roles(TRAINER), lambda w: f"/curricula/standards/{w.standard_key}/versions/1"),
    "authoring.course_version": Access(roles(TRAINER), lambda w: f"/curricula/courses/{w.course_key}/versions/1"),
    "authoring.compare_standard": Access(roles(TRAINER),
                                         lambda w: f"/curricula/standards/{w.standard_key}/compare?old=1&new=2"),
    "authoring.compare_course": Access(roles(TRAINER), lambda w: f"/curricula/courses/{w.course_key}/compare"),
    "authoring.upload": Access(roles(TRAINER), "/curricula/upload"),
    "authoring.schema": Access(roles(TRAINER), "/curricula/schema.json"),
    "authoring.download_version": Access(roles(TRAINER), lambda w: f"/curricula/standards/{w.standard_key}/versions/1.yaml"),
    "authoring.make_version_current": Access(roles(TRAINER), lambda w: f"/curricula/courses/{w.course_key}/versions/1/make-current",
                                             method="POST"),
    "authoring.retire": Access(roles(TRAINER), lambda w: f"/curricula/courses/{w.course_key}/retire", method="POST"),
    "training.my_learning": Access(roles(STAFF), "/learning/"),
    "training.course": Access(roles(STAFF), lambda w: f"/learning/courses/{w.course.id}"),
    "training.lesson": Access(roles(STAFF), lambda w: f"/learning/courses/{w.course.id}/modules/basics/lessons/hello"),
    "training.start_quiz": Access(roles(STAFF), lambda w: f"/learning/courses/{w.course.id}/modules/basics/quiz", method="POST"),
    "training.attempt": Access(roles(STAFF), lambda w: f"/learning/attempts/{w.open_attempt.id}"),
    "training.submit": Access(roles(STAFF), lambda w: f"/learning/attempts/{w.open_attempt.id}/submit", method="POST"),
    "training.review": Access(roles(STAFF, SUPERVISOR), lambda w: f"/learning/attempts/{w.submitted_attempt.id}/review"),
    "training.certificate": Access(roles(STAFF, SUPERVISOR), lambda w: f"/learning/certificates/{w.certificate.id}"),
    "training.teams": Access(roles(SUPERVISOR), "/learning/teams"),
    "training.team_matrix": Access(roles(SUPERVISOR), lambda w: f"/learning/teams/{w.team.id}"),
    "training.assign": Access(roles(SUPERVISOR), "/learning/assign"),
    "training.practice": Access(roles(STAFF), lambda w: f"/learning/attempts/{w.submitted_attempt.id}/practice"),
    "training.out_of_attempts": Access(roles(SUPERVISOR, TRAINER), "/learning/attempts-used-up"),
    "training.allowance": Access(roles(SUPERVISOR, TRAINER),
                                 lambda w: f"/learning/people/{w.staff.id}/courses/{w.course.id}/modules/basics/attempts",
                                 others=roles(TRAINER)),
    "training.items": Access(roles(TRAINER), "/learning/items"),
    "training.item_analysis": Access(roles(TRAINER), lambda w: f"/learning/items/{w.module.id}"),
    "audits.index": Access(roles(STAFF, SUPERVISOR), "/audits/"),
    "audits.export": Access(roles(STAFF, SUPERVISOR), "/audits/export.csv"),
    "audits.new": Access(roles(SUPERVISOR), "/audits/new"),
    "audits.show": Access(roles(STAFF, SUPERVISOR), lambda w: f"/audits/{w.audit.id}"),
    "audits.acknowledge": Access(roles(STAFF), lambda w: f"/audits/{w.audit.id}/acknowledge", method="POST"),
    "audits.dispute": Access(roles(STAFF), lambda w: f"/audits/{w.audit.id}/dispute"),
    "audits.correct": Access(roles(SUPERVISOR), lambda w: f"/audits/{w.audit.id}/correct"),
    "audits.resolve": Access(roles(SUPERVISOR), lambda w: f"/audits/{w.disputed_audit.id}/resolve"),
    "audits.outcomes": Access(roles(SUPERVISOR), lambda w: f"/audits/{w.audit.id}/outcomes", method="POST",
                              data={"csat": "4", "repeat_purchase": "yes"}),
    "audits.reopen": Access(roles(ADMIN), lambda w: f"/audits/{w.acknowledged_audit.id}/reopen"),
    "audits.disputes": Access(roles(SUPERVISOR), "/audits/disputes"),
    "audits.import_outcomes": Access(roles(SUPERVISOR), "/audits/outcomes/import"),
    "audits.apply_outcomes": Access(roles(SUPERVISOR), "/audits/outcomes/import/apply", method="POST",
                                    data={"token": "not-a-signed-upload"}),
    "calibration.index": Access(roles(SUPERVISOR), "/calibration/"),
    "calibration.new": Access(roles(SUPERVISOR), "/calibration/new"),
    "calibration.show": Access(roles(SUPERVISOR), lambda w: f"/calibration/{w.calibration_session.id}"),
    "calibration.rate": Access(roles(SUPERVISOR), lambda w: f"/calibration/{w.calibration_session.id}/rate",
                               method="POST", data={"rating-greet": "met", "rating-needs": "met",
                                                    "rating-close": "na"}),
    "calibration.close": Access(roles(SUPERVISOR), lambda w: f"/calibration/{w.calibration_session.id}/close",
                                method="POST"),
    "calibration.history": Access(roles(SUPERVISOR), "/calibration/history"),
    "improve.dashboard": Access(roles(SUPERVISOR), "/quality/"),
    "improve.dashboard_csv": Access(roles(SUPERVISOR), "/quality/data.csv?chart=pareto"),
    "improve.chart_table": Access(roles(SUPERVISOR), "/quality/table?chart=pareto"),
    "improve.actions": Access(roles(SUPERVISOR), "/quality/actions"),
    "improve.new_action": Access(roles(SUPERVISOR), "/quality/actions/new"),
    "improve.action": Access(roles(SUPERVISOR), lambda w: f"/quality/actions/{w.corrective_action.id}"),
    "improve.advance_action": Access(roles(SUPERVISOR), lambda w: f"/quality/actions/{w.corrective_action.id}/advance",
                                     method="POST", data={"expected_status": "plan"}),
    "improve.evidence": Access(roles(TRAINER, SUPERVISOR), "/quality/evidence"),
    "improve.baseline": Access(roles(SUPERVISOR), "/quality/baseline"),
    "improve.action_baseline": Access(roles(SUPERVISOR), lambda w: f"/quality/actions/{w.corrective_action.id}/baseline",
                                      method="POST"),
    "improve.mine": Access(roles(STAFF), "/quality/me"),
    "coaching.index": Access(roles(STAFF, SUPERVISOR), "/coaching/"),
    "coaching.new": Access(roles(SUPERVISOR), "/coaching/new"),
    "coaching.show": Access(roles(STAFF, SUPERVISOR), lambda w: f"/coaching/{w.coaching_session.id}"),
    "coaching.record": Access(roles(SUPERVISOR), lambda w: f"/coaching/{w.coaching_session.id}/record",
                              method="POST", data={"notes": "Talked."}),
    "coaching.acknowledge": Access(roles(STAFF), lambda w: f"/coaching/{w.coaching_session.id}/acknowledge",
                                   method="POST"),
    # Knowledge vs behaviour: supervisors their teams person by person, trainers any team's aggregates only.
    "knowledge.team": Access(roles(SUPERVISOR, TRAINER), lambda w: f"/knowledge/?team={w.team.id}",
                             others=roles(TRAINER)),
    "knowledge.team_csv": Access(roles(SUPERVISOR, TRAINER), lambda w: f"/knowledge/data.csv?team={w.team.id}",
                                 others=roles(TRAINER)),
    "knowledge.people": Access(roles(SUPERVISOR), lambda w: f"/knowledge/people?team={w.team.id}"
                               f"&standard={w.course.current_version.standard_id}&step=greet"),
    "knowledge.person": Access(roles(STAFF, SUPERVISOR), lambda w: f"/knowledge/staff/{w.staff.id}"),
    "notifications.index": Access(ALL_ROLES, "/notifications/"),
    "notifications.open_notification": Access(ALL_ROLES, "/notifications/999999/open", method="POST"),
    "notifications.mark_all_read": Access(ALL_ROLES, "/notifications/read", method="POST"),
    "notifications.email_choice": Access(ALL_ROLES, "/notifications/email", method="POST", data={"email": "digest"}),
    "interactions.index": Access(roles(STAFF, SUPERVISOR), "/interactions/"),
    "interactions.show": Access(roles(STAFF, SUPERVISOR), lambda w: f"/interactions/{w.interaction.id}"),
    "interactions.import_file": Access(roles(SUPERVISOR), "/interactions/import"),
    "interactions.plans": Access(roles(SUPERVISOR), "/interactions/plans"),
    "interactions.plan": Access(roles(SUPERVISOR), lambda w: f"/interactions/plans/{w.sampling_plan.id}"),
    "interactions.draw": Access(roles(SUPERVISOR), lambda w: f"/interactions/plans/{w.sampling_plan.id}/draw",
                                method="POST"),
    "interactions.queue": Access(roles(SUPERVISOR), "/interactions/queue"),
    "interactions.reassign": Access(roles(SUPERVISOR), lambda w: f"/interactions/queue/{w.review_item.id}/reassign",
                                    method="POST"),
}

# (endpoint, persona) -> why the persona, though holding an admitted role, may not use the world's object.
# The JSON API (bro/api/): a bearer token of the persona's user (every scope) instead of the session cookie,
# JSON bodies, and 401 (never a redirect) for anonymous callers. test_access_matrix.py tells API routes by
# their /api/v1/ path.
ACCESS.update({
    "api-docs.openapi_json": Access(PUBLIC, "/api/v1/openapi.json"),
    "api_pages.reference": Access(PUBLIC, "/api/v1/docs"),
    "api_pages.tokens": Access(ALL_ROLES, "/account/tokens"),
    "api_pages.revoke": Access(ALL_ROLES, "/account/tokens/999999/revoke", method="POST"),
    "api_people.me": Access(ALL_ROLES, "/api/v1/me"),
    "api_people.list_users": Access(ALL_ROLES, "/api/v1/users"),
    "api_people.get_user": Access(ALL_ROLES, lambda w: f"/api/v1/users/{w.staff.id}"),
    "api_people.create": Access(roles(ADMIN), "/api/v1/users", method="POST",
                                data={"name": "Matrix Person", "email": "matrix@example.com", "roles": ["trainer"]}),
    "api_people.change": Access(roles(ADMIN), lambda w: f"/api/v1/users/{w.staff.id}", method="PATCH",
                                data={"active": True}),
    "api_people.list_teams": Access(ALL_ROLES, "/api/v1/teams"),
    "api_people.create_team": Access(roles(ADMIN), "/api/v1/teams", method="POST", data={"name": "Matrix team"}),
    "api_curricula.list_standards": Access(ALL_ROLES, "/api/v1/standards"),
    "api_curricula.get_standard": Access(ALL_ROLES, lambda w: f"/api/v1/standards/{w.audit_version.standard_id}",
                                         others=SHARED),
    "api_curricula.standard_versions": Access(
        ALL_ROLES, lambda w: f"/api/v1/standards/{w.audit_version.standard_id}/versions", others=SHARED),
    "api_curricula.list_courses": Access(ALL_ROLES, "/api/v1/courses"),
    "api_curricula.get_course": Access(ALL_ROLES, lambda w: f"/api/v1/courses/{w.course.id}", others=SHARED),
    "api_audits.list_audits": Access(roles(STAFF, SUPERVISOR), "/api/v1/audits"),
    "api_audits.get_audit": Access(roles(STAFF, SUPERVISOR), lambda w: f"/api/v1/audits/{w.audit.id}"),
    "api_audits.create_audit": Access(roles(SUPERVISOR), "/api/v1/audits", method="POST"),
    "api_audits.put_outcomes": Access(roles(SUPERVISOR), lambda w: f"/api/v1/audits/{w.audit.id}/outcomes",
                                      method="PUT", data={"csat": 4}),
    "api_audits.push_outcomes": Access(roles(SUPERVISOR), "/api/v1/outcomes", method="POST",
                                       data={"outcomes": []}),
    "api_interactions.create_interaction": Access(roles(SUPERVISOR), "/api/v1/interactions", method="POST"),
    "api_interactions.bulk_interactions": Access(roles(SUPERVISOR), "/api/v1/interactions/bulk", method="POST"),
    "api_training.list_assignments": Access(ALL_ROLES, "/api/v1/assignments"),
    "api_training.list_certificates": Access(ALL_ROLES, "/api/v1/certificates"),
    "api_charts.chart": Access(roles(SUPERVISOR), "/api/v1/charts/pareto"),
})


OWNER_RULES: dict[tuple[str, str], str] = {
    ("api_audits.put_outcomes", STAFF_SUPERVISOR): "nobody records the outcomes of their own audit",
    ("audits.correct", STAFF_SUPERVISOR): "only the auditor corrects an audit, and nobody their own",
    ("audits.outcomes", STAFF_SUPERVISOR): "nobody records the outcomes of their own audit",
    ("audits.resolve", STAFF_SUPERVISOR): "nobody resolves a dispute about their own audit",
}
