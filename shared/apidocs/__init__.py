"""A service's API documents: problem+json responses and security in its OpenAPI document,
and the interactive pages served offline (off with `<SVC>_API_DOCS=false`)."""

from fastapi import FastAPI

from shared.apidocs import allow, openapi, pages
from shared.apidocs.marks import WITHOUT_STORAGE, MiddlewareRefusal
from shared.settings import ServiceSettings

__all__ = ["WITHOUT_STORAGE", "MiddlewareRefusal", "install_api_documents"]


def install_api_documents(app: FastAPI, settings: ServiceSettings) -> None:
    openapi.install(app)
    allow.install(app)
    pages.install(app, enabled=settings.api_docs)
