"""Routing's domain errors as problem+json, installed once by app.py."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.routing.errors import (
    BadCursor,
    BadDocument,
    DecisionConflict,
    DocumentInvalid,
    DocumentTooLarge,
    PlacementRefused,
    RoutingError,
    RuleSetConflict,
    UnknownBody,
    UnknownClue,
    UnknownReconciliation,
    UnknownRuleSet,
)
from shared.problems import (
    Conflict,
    NotFound,
    Problem,
    Unprocessable,
    install_domain_errors,
    problem_response,
)


class TooLarge(Problem):
    status, slug, title = 413, "body-too-large", "Request body too large"


PROBLEMS: dict[type[RoutingError], type[Problem]] = {
    UnknownBody: NotFound,
    UnknownClue: NotFound,
    UnknownReconciliation: NotFound,
    UnknownRuleSet: NotFound,
    RuleSetConflict: Conflict,
    DecisionConflict: Conflict,
    PlacementRefused: Unprocessable,
    BadCursor: Unprocessable,
    BadDocument: Unprocessable,
    DocumentTooLarge: TooLarge,
}


def install(app: FastAPI) -> None:
    install_domain_errors(app, RoutingError, PROBLEMS, with_detail=True)

    @app.exception_handler(DocumentInvalid)
    async def _document(request: Request, exc: DocumentInvalid) -> JSONResponse:
        # The line and column of each problem, so an editor can jump to it.
        errors = [
            {"line": p.line, "column": p.column, "path": p.path, "message": p.message}
            for p in exc.problems[:100]
        ]
        return problem_response(
            422,
            "Document refused",
            slug="document-invalid",
            detail=str(exc)[:2000],
            instance=request.url.path,
            errors=errors,
        )
