"""The capture HTTP application: routes, error format, body limit."""

from fastapi import FastAPI

from apoyo_capture.http import api, auxiliaries, cedulas, channels, errors, pages, supports
from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.http.uploads import BodyLimit, body_limit


def create_app(deps: CaptureApi) -> FastAPI:
    app = FastAPI(
        title="apoyo",
        summary="Registro y verificación de apoyo ciudadano",
        version="1.0.0",
        docs_url="/docs",
        redoc_url=None,
    )
    errors.install(app)
    for module in (api, supports, channels, auxiliaries, cedulas, pages):
        app.include_router(module.router(deps))
    app.add_middleware(BodyLimit, limit=body_limit(deps.max_image_bytes))
    return app
