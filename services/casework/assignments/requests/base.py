"""What every action body shares: bounded text types, no unknown fields, one example each."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, JsonValue, StringConstraints

from shared.text import LongText, Text

Reason = Annotated[Text, StringConstraints(max_length=1000)]
Name = Annotated[Text, StringConstraints(max_length=200)]
Prose = Annotated[LongText, StringConstraints(max_length=4000)]
Part = Annotated[LongText, StringConstraints(max_length=2000)]
Release = Annotated[LongText, StringConstraints(max_length=2000)]
ClockKey = Annotated[Text, StringConstraints(max_length=80)]


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


def example(**values: JsonValue) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [values]})
