"""Demo data: the shipped curricula, so later demo steps (training, audits) find standards and courses."""
from __future__ import annotations

import os

from flask import current_app

from bro.authoring.operations import document_sources, import_documents, known_standards
from bro.curricula import check_paths
from bro.demo import DemoContext


def import_shipped_curricula(ctx: DemoContext) -> None:
    folder = current_app.config.get("BRO_CURRICULA_DIR")
    if not folder or not os.path.isdir(folder):
        return
    result = check_paths([folder], known_standards=known_standards())
    if not result.ok:
        current_app.logger.warning("Demo: curricula in %s not imported, %d errors; run `flask bro curricula check`",
                                   folder, len(result.errors))
        return
    import_documents(result, imported_by=ctx.users.get("trainer"), sources=document_sources(result, relative_to=os.path.dirname(os.path.abspath(folder))))

