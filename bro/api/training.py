"""/api/v1/assignments and /api/v1/certificates: read, for the people you may see (yourself; supervisors
their teams' members; admins everyone) — the rule of the learning pages (bro.access)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bro.api.blueprint import ApiBlueprint
from bro.api.cursor import by_id, paginate_keyset
from bro.api.people import only_visible_people, visible_user
from bro.api.schemas import AssignmentPage, CertificatePage, PeopleListArgs
from bro.extensions import db
from bro.models.curricula import CourseVersion
from bro.models.people import Role, User
from bro.models.training import Assignment, Certificate

bp = ApiBlueprint("api_training", __name__, "Assignments and certificates")
ALL = (Role.staff, Role.supervisor, Role.trainer)


def _people_query(model, args):
    query = only_visible_people(select(model).join(User, User.id == model.user_id).order_by(model.id))
    if args.get("user"):
        query = query.where(model.user_id == visible_user(args["user"], field="user").id)
    return query


@bp.endpoint("/assignments", *ALL, query=PeopleListArgs, answers=AssignmentPage)
def list_assignments(args):
    """Courses and modules people must complete (retraining, recertification or by hand), by id."""
    return paginate_keyset(db.session, _people_query(Assignment, args),
                           by_id(Assignment), args)


@bp.endpoint("/certificates", *ALL, query=PeopleListArgs, answers=CertificatePage)
def list_certificates(args):
    """Certificates earned, with the first day each is no longer valid, by id."""
    query = _people_query(Certificate, args).options(
        joinedload(Certificate.course_version).load_only(CourseVersion.id, CourseVersion.number))
    return paginate_keyset(db.session, query, by_id(Certificate), args)
