"""Reading YAML for rules and registries: safe, bounded, and every value's line remembered."""

import pytest

from services.routing.errors import DocumentInvalid
from services.routing.yamldoc import read_yaml


def refusal(text: str) -> str:
    with pytest.raises(DocumentInvalid) as err:
        read_yaml(text)
    return str(err.value)


def test_every_value_and_item_knows_its_line_and_column() -> None:
    source = read_yaml("a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n")
    assert source.locate(("a", "c", 1, "d")) == (5, 8)
    assert source.locate(("a", "c", 0)) == (4, 7)
    assert source.locate(("a", "missing", 3)) == (1, 1)


def test_a_recursive_alias_is_refused() -> None:
    assert "recursive alias" in refusal("a: &x [*x]\n")


def test_aliases_cannot_expand_a_small_file_into_a_huge_one() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    assert "document too large" in refusal("\n".join(lines) + "\n")


def test_language_tags_build_nothing_but_plain_data() -> None:
    assert read_yaml("!!python/object/apply:os.system {args: [x]}\n").data == {"args": ["x"]}


def test_an_empty_document_is_refused() -> None:
    assert "empty" in refusal("# nothing\n")
