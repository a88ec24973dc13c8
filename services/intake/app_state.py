"""Typed reads of what create_app keeps on app.state, for the routes."""

from fastapi import Request

from services.intake.settings import Settings
from shared.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
