"""Check characters of Chinese identifiers, and other input rules shared by services and tests."""

from __future__ import annotations

import datetime as dt
import re

from matchmaker.services.errors import DomainError, ErrorCode

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def credit_code_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2) check digit for the first 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def parse_id_number(value: str) -> tuple[str, dt.date, str] | None:
    """Return (normalised number, birth date, gender ``M``/``F``) or None when invalid."""
    number = value.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return None
    if id_check_digit(number[:17]) != number[17]:
        return None
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < 1900:
        return None
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return number, birth, gender


def mask_id_number(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone))


#: Longest free-text filter or search argument (docs/security.md): longer is TEXT_TOO_LONG,
#: refused before any SQL (SQLite refuses LIKE patterns over 50,000 bytes; PostgreSQL would
#: scan with it).
MAX_TEXT_FILTER = 100


def check_text_filter(text: str | None, field: str = "text") -> None:
    if text is not None and len(text) > MAX_TEXT_FILTER:
        raise DomainError(
            ErrorCode.TEXT_TOO_LONG, f"Search with at most {MAX_TEXT_FILTER} characters", field
        )
