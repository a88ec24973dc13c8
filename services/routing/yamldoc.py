"""YAML documents read with the line and column of every value, so a refusal points at the line.

Rule sets and registry files are both read here: safe loading only, duplicate keys refused, and
alias expansion bounded so a small file cannot expand into a huge one.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from services.routing.errors import DocumentInvalid, Problem

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

MAX_CHARACTERS = 1_000_000
MAX_NODES = 200_000


@dataclass(frozen=True)
class SourceDocument:
    """The plain data of a YAML document and where each path of it was written."""

    data: Any
    marks: Mapping[Path, tuple[int, int]]

    def problem(self, path: Path, message: str) -> Problem:
        line, column = self.locate(path)
        return Problem(line, column, dotted(path), message)

    def locate(self, path: Path) -> tuple[int, int]:
        for end in range(len(path), -1, -1):
            found = self.marks.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def read_yaml(text: str) -> SourceDocument:
    """Parses YAML into plain data; every syntax error, duplicate key or oversize is a Problem."""
    if len(text) > MAX_CHARACTERS:
        raise DocumentInvalid([Problem(1, 1, "", f"document longer than {MAX_CHARACTERS} chars")])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DocumentInvalid([Problem(1, 1, "", "the document is empty")])
        marks: dict[Path, tuple[int, int]] = {(): _mark(node)}
        walker = _Walker(loader, marks)
        data = walker.value(node, ())
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise DocumentInvalid(
            [Problem(line, column, "", f"not valid YAML: {err.problem}")]
        ) from err
    except yaml.YAMLError as err:
        raise DocumentInvalid([Problem(1, 1, "", f"not valid YAML: {err}")]) from err
    finally:
        loader.dispose()
    return SourceDocument(data, marks)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Walker:
    def __init__(self, loader: yaml.SafeLoader, marks: dict[Path, tuple[int, int]]) -> None:
        self._loader = loader
        self._marks = marks
        self._count = 0
        self._open: set[int] = set()

    def value(self, node: yaml.Node, path: Path) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise DocumentInvalid([Problem(*_mark(node), dotted(path), "document too large")])
        if id(node) in self._open:
            raise DocumentInvalid([Problem(*_mark(node), dotted(path), "recursive alias")])
        if isinstance(node, yaml.ScalarNode):
            return self._loader.construct_object(node, deep=True)
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._item(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
        finally:
            self._open.discard(id(node))
        raise DocumentInvalid([Problem(*_mark(node), dotted(path), "unsupported YAML node")])

    def _item(self, node: yaml.Node, path: Path) -> Any:
        self._marks[path] = _mark(node)
        return self.value(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, path)
            if not isinstance(key, str | int | bool) or key_node.tag == "tag:yaml.org,2002:merge":
                where = Problem(*_mark(key_node), dotted(path), "keys must be plain scalars")
                raise DocumentInvalid([where])
            if key in result:
                message = f"duplicate key {key!r}"
                raise DocumentInvalid([Problem(*_mark(key_node), dotted((*path, key)), message)])
            self._marks[(*path, key)] = _mark(key_node)
            result[key] = self.value(value_node, (*path, key))
        return result


def validate_model(model: type[M], source: SourceDocument) -> M:
    """The document as `model`, or every structural problem with its line."""
    try:
        return model.model_validate(source.data)
    except ValidationError as err:
        raise DocumentInvalid([_problem(source, e) for e in err.errors()]) from err


def _problem(source: SourceDocument, error: Any) -> Problem:
    path: Path = tuple(p for p in error["loc"] if isinstance(p, str | int))
    kind = error["type"]
    if kind == "extra_forbidden":
        return source.problem(path, f"unknown field {path[-1]!r}")
    if kind == "missing":
        return source.problem(path, f"missing field {path[-1]!r}")
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    return source.problem(path, f"{error['msg']}{shown}")
