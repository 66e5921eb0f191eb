"""Access-matrix world: an imported standard (two versions) and a course teaching it."""
from tests.factories import SAMPLE_CURRICULUM
from tests.web.conftest import WORLD_EXTENSIONS


def add_curricula(w, factory) -> None:
    factory.curricula(imported_by=w.trainer)
    factory.curricula(SAMPLE_CURRICULUM.replace("pass_score: 80", "pass_score: 85"), imported_by=w.trainer)
    w.standard_key, w.course_key = "sample-service", "sample-course"


WORLD_EXTENSIONS.append(add_curricula)
