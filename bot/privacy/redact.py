"""Mask identifiers a patient may type, before the message is stored (data minimisation).

NHS numbers (10 digits whose check digit is right), UK phone numbers, email addresses, UK
postcodes and dates (a full date, or a year after "born") become a bracketed label such as
"[NHS number]". The bot needs none of these to answer; the conversation store, the action
server and Rasa's model then never see them. The channel runs the safety triage on the raw
text first, in memory (bot/rasa_ext/channels/rest.py), so masking cannot hide a red flag.
Short numbers stay as they are: 999, 111, 116 123, doses ("120 mg"), years, ages.
"""
from __future__ import annotations

import re

_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# 10 digits as 3-3-4 or together, not inside a longer run of digits
_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
# +44 or 0, then 9-10 more digits with spaces, dashes or brackets between groups
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s().-]{0,2}\d){8,9}(?!\d)")
_INTL_PHONE = re.compile(r"(?<![\w+])\+\s?[1-9]\d{0,2}(?:[\s().-]?\d){6,12}(?!\d)")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b", re.I)
_BIRTH_YEAR = re.compile(r"\b((?:born|birth|dob|d\.o\.b\.?)\W+(?:(?:in|on|is|was|:)\W+)?)(\d{4})\b", re.I)


def nhs_number_ok(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _nhs(m: re.Match) -> str:
    return "[NHS number]" if nhs_number_ok("".join(m.groups())) else m.group(0)


def redact(text: str) -> str:
    """`text` with identifiers replaced by labels; unchanged if it has none."""
    if not any(c.isdigit() or c == "@" for c in text):
        return text  # every pattern needs a digit or an @: most messages stop here
    text = _EMAIL.sub("[email]", text)
    text = _NHS.sub(_nhs, text)
    text = _DATE.sub("[date]", text)
    text = _BIRTH_YEAR.sub(lambda m: m.group(1) + "[year]", text)
    text = _PHONE.sub("[phone]", text)
    text = _INTL_PHONE.sub("[phone]", text)
    return _POSTCODE.sub("[postcode]", text)
