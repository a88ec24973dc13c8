"""Identifiers in a referral: resident ID numbers, names, file names, receipt numbers, request
fingerprints. (Credit codes: shared/credit_code.py.)"""

import hashlib
import hmac
import secrets
import unicodedata
from datetime import date, datetime, timedelta, timezone

from shared.text import without_controls

# China Standard Time: UTC+8 all year (no daylight saving since 1991), so no tz database needed.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643: 17 digits, then a mod-11 check character (0-9 or X)."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return True


def mask_id_number(value: str) -> str:
    return f"{value[:6]}********{value[14:]}"


def hash_id_number(value: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), value.upper().encode(), hashlib.sha256).hexdigest()


def request_fingerprint(key: str, canonical_body: str) -> str:
    """Idempotency's "same request?" test: keyed, so a stolen database cannot confirm guesses
    of what a referral (its sealed reporter included) said."""
    return hmac.new(key.encode(), canonical_body.encode(), hashlib.sha256).hexdigest()


def safe_file_name(value: str) -> str:
    """The last path component, visible characters only: never `../`, never a name whose bidi
    override makes `exe` read as `doc`."""
    name = without_controls(value).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "" if name in (".", "..") else name


def normalize_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).split())


# Crockford base32: no I, L, O, U, so a receipt read aloud over the phone survives.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _luhn_mod_n_check(payload: str) -> str:
    n = len(_RECEIPT_ALPHABET)
    total, factor = 0, 2
    for char in reversed(payload):
        addend = factor * _RECEIPT_ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return _RECEIPT_ALPHABET[(n - total % n) % n]


def china_date(instant: datetime) -> date:
    """The calendar day in China at `instant`: the date a receipt (回执) carries."""
    return instant.astimezone(CHINA_STANDARD_TIME).date()


def new_receipt_number(today: date) -> str:
    """GT-YYYYMMDD-XXXXXXXXC: date, 40 random bits, a Luhn mod 32 check character."""
    body = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    stamp = today.strftime("%Y%m%d")
    return f"GT-{stamp}-{body}{_luhn_mod_n_check(stamp + body)}"


def receipt_number_valid(value: str) -> bool:
    parts = value.upper().split("-")
    if len(parts) != 3 or parts[0] != "GT" or len(parts[1]) != 8 or len(parts[2]) != 9:
        return False
    if any(c not in _RECEIPT_ALPHABET for c in parts[1] + parts[2]):
        return False
    return _luhn_mod_n_check(parts[1] + parts[2][:8]) == parts[2][8]
