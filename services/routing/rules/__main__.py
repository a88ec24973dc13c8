"""Prints the rule set JSON Schema, as committed in docs/routing-rules.schema.json."""

from services.routing.rules.schema import render

print(render(), end="")
