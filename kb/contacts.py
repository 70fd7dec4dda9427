"""Contact details: UK phone-number format, and how old a contact's check is.

    phone_problem("0116 454 1004")  -> None (fine)
    phone_problem("0116 454 100")   -> "... is 10 digits; a number starting 011... has 11"
    months_after(date(2026, 12, 1), 18) -> 2028-06-01
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Optional

# Short numbers that are allowed as they are. Anything else must be a full UK number.
SHORT_NUMBERS = ("999", "112", "101", "111", "116 000", "116 111", "116 123", "0800 1111")
_SHORT_DIGITS = {n.replace(" ", ""): n for n in SHORT_NUMBERS}

# Full UK numbers in national form: the first two digits, and how many digits in all.
_LENGTHS = {"01": (10, 11), "02": (11,), "03": (11,), "07": (11,), "08": (10, 11)}

PHONE_EXAMPLES = "0116 454 1004, 01572 758 407 or 0808 800 5000"
PHONE_HELP = (f"Write it as published, in digits with single spaces, e.g. {PHONE_EXAMPLES}. "
              f"Short numbers allowed: {', '.join(SHORT_NUMBERS)}.")


def phone_problem(number: str) -> Optional[str]:
    """What is wrong with a phone number, in words for a knowledge editor, or None if it is fine."""
    text = str(number)
    if text != text.strip() or "  " in text or not re.fullmatch(r"[0-9 ]+", text):
        if text.strip().startswith("+"):
            return f"'{text}' is in international form. Write it the UK way, starting with 0. {PHONE_HELP}"
        return f"'{text}' should hold only digits and single spaces. {PHONE_HELP}"
    digits = text.replace(" ", "")
    if digits in _SHORT_DIGITS:
        return None
    if not digits.startswith("0"):
        return (f"'{text}' does not start with 0 and is not one of the short numbers. If the file says "
                f"it without quotes, a leading 0 may have been lost: put the number in quotes. {PHONE_HELP}")
    lengths = _LENGTHS.get(digits[:2])
    if re.match(r"01(1\d|\d1)", digits):
        lengths = (11,)  # 0116 ..., 0121 ...: a four-digit area code always has seven digits after it
    if lengths is None:
        return f"'{text}' does not start like a UK phone number (01, 02, 03, 07 or 08). {PHONE_HELP}"
    if len(digits) not in lengths:
        wanted = " or ".join(str(n) for n in lengths)
        return (f"'{text}' has {len(digits)} digits; a UK number starting {digits[:2]} has {wanted}. "
                f"A digit may be missing or extra. {PHONE_HELP}")
    return None


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month if that month is shorter)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def older_than_months(checked: Optional[dt.date], months: int, today: Optional[dt.date] = None) -> bool:
    """True if `checked` is more than `months` months before today."""
    if checked is None:
        return False
    return months_after(checked, months) < (today or dt.date.today())
