"""ISBN-13 handling for VR-001."""

from __future__ import annotations


def normalize_isbn(raw: str) -> str:
    """Drop the hyphens and spaces people type: `978-4-10-101013-7` -> `9784101010137`."""
    return raw.replace("-", "").replace(" ", "").strip()


def looks_like_isbn(raw: str) -> bool:
    """True for 13 ASCII digits after normalizing, whatever the check digit says."""
    digits = normalize_isbn(raw)
    # isdigit() alone accepts full-width digits such as "９", which no ISBN contains.
    return len(digits) == 13 and digits.isascii() and digits.isdigit()


def is_valid_isbn13(raw: str) -> bool:
    """VR-001: 13 digits, prefix 978 or 979, and a correct check digit."""
    if not looks_like_isbn(raw):
        return False
    digits = normalize_isbn(raw)
    if not digits.startswith(("978", "979")):
        return False
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - weighted % 10) % 10 == int(digits[12])
