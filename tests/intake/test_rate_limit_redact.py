"""Rate limits (H2) and identifier masking (M8), without a server."""
import pytest

from bot.intake.limits import Bucket
from bot.intake.rate_limit import Buckets, RateLimiter, TurnCounter
from bot.privacy.redact import nhs_number_ok, redact


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    b = Buckets(Bucket(burst=3, per_minute=60), clock=clock)
    assert [b.take("a") for _ in range(3)] == [0, 0, 0]
    assert b.take("a") == pytest.approx(1.0)        # one a second: wait a second
    assert b.take("b") == 0                          # others are not affected
    clock.t += 1.0
    assert b.take("a") == 0 and b.take("a") > 0


def test_limiter_per_address_and_per_conversation():
    clock = Clock()
    lim = RateLimiter(Bucket(5, 60), Bucket(2, 6), clock=clock)
    assert lim.check("1.2.3.4", "s1") is None and lim.check("1.2.3.4", "s1") is None
    assert lim.check("1.2.3.4", "s1")[0] == "conversation"
    assert lim.check("1.2.3.4", "s2") is None and lim.check("1.2.3.4", "s3") is None
    assert lim.check("1.2.3.4", "s4") is None           # the 5th message from this address
    assert lim.check("1.2.3.4", "s5")[0] == "address"   # a flood across many conversations
    assert lim.check("5.6.7.8", "s6") is None


def test_workers_share_the_configured_rate():
    lim = RateLimiter(Bucket(30, 60), Bucket(10, 20), workers=2, clock=Clock())
    assert lim.address.capacity == 15 and lim.address.rate == pytest.approx(0.5)


def test_memory_is_bounded():
    b = Buckets(Bucket(1, 1), max_keys=100)
    for i in range(1000):
        b.take(f"k{i}")
    assert len(b._state) == 100


def test_flood_gets_about_the_configured_rate():
    clock = Clock()
    lim = RateLimiter(Bucket(30, 60), Bucket(10, 20), clock=clock)
    accepted = 0
    for i in range(100 * 60):                        # 100 requests a second for a minute
        clock.t += 0.01
        accepted += lim.check("9.9.9.9", f"s{i}") is None
    assert 60 + 30 - 2 <= accepted <= 60 + 30 + 2


def test_turns_are_capped_per_conversation():
    t = TurnCounter(4, workers=2)
    assert [t.take("a") for _ in range(3)] == [True, True, False]
    t.forget("a")
    assert t.take("a")


@pytest.mark.parametrize("text,masked", [
    ("my nhs number is 943 476 5919 ok", "my nhs number is [NHS number] ok"),
    ("9434765919", "[NHS number]"),
    ("943-476-5919", "[NHS number]"),
    ("call me on 07700 900123", "call me on [phone]"),
    ("or 01234 567 890", "or [phone]"),
    ("+44 7700 900 123", "[phone]"),
    ("(01234) 567890", "[phone]"),
    ("jane.doe+x@example.nhs.uk wrote", "[email] wrote"),
    ("I live in LS1 4AP", "I live in [postcode]"),
    ("postcode sw1a1aa", "postcode [postcode]"),
    ("date of birth 01/02/1960", "date of birth [date]"),
    ("born on 3rd March 1955", "born on [date]"),
    ("dob: 1955", "dob: [year]"),
    ("born in 1948 in Leeds", "born in [year] in Leeds"),
    ("March 3, 1955", "[date]"),
])
def test_identifiers_are_masked(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize("text", [
    "call 999 now", "ring 111 or Samaritans on 116 123", "lanreotide 120 mg every 28 days",
    "I am 55 and was diagnosed in 2019", "my 5-HIAA was 120", "Ki67 2%, grade G2 NET",
    "9434765918 is not a valid NHS number", "I had chest pain in 1962", "what is lanreotide?",
])
def test_other_numbers_are_kept(text):
    assert redact(text) == text


def test_nhs_check_digit():
    assert nhs_number_ok("9434765919") and not nhs_number_ok("9434765918")
    assert not nhs_number_ok("123") and not nhs_number_ok("abcdefghij")
