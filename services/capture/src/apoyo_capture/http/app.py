"""The capture HTTP application: routes, error format, body limit."""

from fastapi import FastAPI

from apoyo_capture.http import errors
from apoyo_capture.http.api import router
from apoyo_capture.http.uploads import BodyLimit, body_limit
from apoyo_capture.service import CaptureService


def create_app(service: CaptureService, token_secret: str, max_image_bytes: int) -> FastAPI:
    app = FastAPI(
        title="apoyo",
        summary="Registro y verificación de apoyo ciudadano",
        version="1.0.0",
        docs_url="/docs",
        redoc_url=None,
    )
    errors.install(app)
    app.include_router(router(service, token_secret, max_image_bytes))
    app.add_middleware(BodyLimit, limit=body_limit(max_image_bytes))
    return app
