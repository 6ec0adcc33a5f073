"""Valid identifiers and plausible contact data for demo customers.

Every number passes the checks a clerk's input goes through (office_app.services.validation):
JMBG with its mod-11 check digit and a real birth date, Montenegrin PIB with its check digit
(python-stdnum), bank accounts with MOD 97-10 check digits in the printed form.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache

from stdnum.me import pib as me_pib

from office_app.demo import pools
from office_app.services.validation import fold, jmbg_check_digit

#: Folding is character by character, so the search key of "Surname Given" equals the folded
#: pieces joined; caching the pieces keeps 500,000 customers fast (tests check the equality).
folded = lru_cache(maxsize=None)(fold)


def jmbg(rng: random.Random, used: set[int], born: date, region: str) -> str:
    """A personal number not in ``used`` (13 digits DDMMYYYRRBBBK); records it there."""
    while True:
        first12 = (f"{born.day:02d}{born.month:02d}{born.year % 1000:03d}{region}"
                   f"{rng.randrange(1000):03d}")
        key = int(first12)
        if key not in used:
            used.add(key)
            return first12 + str(jmbg_check_digit(first12))


def pib(rng: random.Random, used: set[int]) -> str:
    """A Montenegrin tax number (8 digits, legal entities' 02/03 range) not in ``used``."""
    for attempt in range(1000):
        head = (rng.choice(("02", "03")) + f"{rng.randrange(100000):05d}" if attempt < 20
                else f"{rng.randrange(10**7):07d}")
        if int(head) not in used:
            used.add(int(head))
            return head + me_pib.calc_check_digit(head)
    raise RuntimeError("no free tax number left")


def bank_account(rng: random.Random) -> str:
    """BBB-NNNNNNNNNNNNN-KK with MOD 97-10 check digits, as validation.bank_account prints it."""
    bank = rng.choice(pools.BANK_CODES)
    number = f"{rng.randrange(10**7, 10**10):013d}"
    check = 98 - int(bank + number + "00") % 97
    return f"{bank}-{number}-{check:02d}"


def mobile(rng: random.Random) -> str:
    return (f"+382 {rng.choice(pools.MOBILE_PREFIXES)} {rng.randrange(100, 1000)} "
            f"{rng.randrange(1000):03d}")


def landline(rng: random.Random) -> str:
    return f"+382 30 {rng.randrange(300, 800)} {rng.randrange(1000):03d}"


def email(rng: random.Random, *parts: str) -> str:
    local = ".".join(folded(p).replace(" ", "") for p in parts if p)
    suffix = str(rng.randrange(10, 100)) if rng.random() < 0.4 else ""
    return f"{local}{suffix}@{rng.choice(pools.EMAIL_DOMAINS)}"


def birth_date(rng: random.Random, registered: date) -> date:
    """Someone of age when the contract was signed, born after 1925."""
    latest = registered - timedelta(days=18 * 366)
    earliest = max(date(1925, 1, 1), registered - timedelta(days=75 * 365))
    if latest <= earliest:
        return earliest
    return earliest + timedelta(days=rng.randrange((latest - earliest).days))


def business_name(rng: random.Random) -> tuple[str, str, str]:
    """(name, category, folded name) of a business or an institution."""
    if rng.random() < 0.05:
        name = rng.choice(pools.INSTITUTIONS)
        return name, "institutional", folded(name)
    activity, category = rng.choice(pools.BUSINESS_ACTIVITIES)
    surname = rng.choice(pools.SURNAMES)
    form = rng.choice(pools.LEGAL_FORMS)
    name = f"{activity} {surname} {form}"
    return name, category, f"{folded(activity)} {folded(surname)} {folded(form)}"
