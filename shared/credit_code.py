"""GB 32100 unified social credit codes: 18 characters, the last a mod-31 check character."""

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _check_character(first17: str) -> str:
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def credit_code_valid(value: str) -> bool:
    if len(value) != 18 or any(c not in _ALPHABET for c in value):
        return False
    return _check_character(value[:17]) == value[17]


def credit_code_with_check(first17: str) -> str:
    """Completes 17 characters into a valid code; for fixtures and demo data."""
    if len(first17) != 17 or any(c not in _ALPHABET for c in first17):
        raise ValueError("a credit code's first 17 characters come from the GB 32100 alphabet")
    return first17 + _check_character(first17)
