"""A case's photo, served only to officers who may read the case, never cached, each view
access-logged. The bytes are stored encrypted (storage/case_photos.py) and leave only here."""
from __future__ import annotations

from flask import Response, abort, g

from storage import access_log, case_photos, case_scope
from storage import cases as case_store

from .blueprint import bp
from .viewer import parts, signed_in


@bp.get("/cases/<reference>/photos/<int:photo_id>")
@signed_in
def case_photo(reference: str, photo_id: int):
    with parts().db.transaction() as session:
        case = case_store.by_reference(session, reference)
        if case is None or not case_scope.may_read(session, g.viewer.scope, case):
            abort(404)
        photo = case_photos.get(session, case.id, photo_id)
        if photo is None:
            abort(404)
        data, content_type = photo.data, photo.content_type
        access_log.record(session, g.viewer.officer_id, "photo_viewed", parts().clock(), case_id=case.id,
                          photo_id=photo_id)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
