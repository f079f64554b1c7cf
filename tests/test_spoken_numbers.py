"""Phone numbers spelled out in French words in call and voicemail transcripts (``extract.spoken_numbers``).

Positives: pair reading ("zéro six douze..."), every tens form from 20 to 99 (France, Belgium, Switzerland),
"zéro huit cents", "double zéro", "plus trente-trois", digits mixed with words, numbers broken by commas,
"euh" or "virgule". Near-misses: amounts, dates, years, counts. Then the way through ``find_phones`` and
``analyze``, and hostile inputs that must stay linear.
"""

from __future__ import annotations

import time

import pytest

import sentinelle
from sentinelle.extract.phones import find_phones
from sentinelle.extract.spoken_numbers import find_spoken_numbers, is_phone_digits
from sentinelle.model import PhoneRole

_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
_TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_CUES = ("rappelez", "appelez", "composez", "contactez")
_KNOWN_SHORT = frozenset({"3646", "3230"})


def spell(n: int, *, variant: str = "france") -> str:
    """French words for 0-99 (the oracle: written from the grammar books, the other way round)."""
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, unit = divmod(n, 10)
    if variant != "france" and tens >= 7:
        base = {7: "septante", 8: "huitante" if variant == "suisse" else "quatre-vingt", 9: "nonante"}[tens]
        if variant == "belgique" and tens == 8:
            return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
        return base if unit == 0 else f"{base} et un" if unit == 1 else f"{base}-{_UNITS[unit]}"
    if tens == 7:
        return "soixante et onze" if unit == 1 else f"soixante-{_TEENS[unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if tens == 9:
        return f"quatre-vingt-{_TEENS[unit]}"
    return _TENS[tens] if unit == 0 else f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"


def digits_of(text: str) -> list[str]:
    return [digits for _start, _end, digits in find_spoken_numbers(text, limit=10)]


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("zéro huit quatre-vingt-dix-neuf vingt-trois quarante-cinq soixante-sept", "0899234567"),
        ("rappelez le zéro huit quatre-vingt-dix-neuf vingt-trois quarante-cinq soixante-sept", "0899234567"),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678"),
        ("Zéro Six Douze Trente-Quatre Cinquante-Six Soixante-Dix-Huit", "0612345678"),
        ("zero six douze trente quatre cinquante six soixante dix huit", "0612345678"),  # no hyphens, no accents
        ("trente-six quarante-six", "3646"),
        ("trente-deux trente", "3230"),
        ("trente-deux dix-sept", "3217"),
        ("le 36 quarante-six", "3646"),
        ("08 quatre-vingt-dix-neuf 23 45 67", "0899234567"),
        ("zéro 6 douze 34 cinquante-six 78", "0612345678"),
        ("zéro huit cents vingt-trois quarante-cinq soixante-sept", "0800234567"),
        ("zéro huit cent cent vingt-trois quatre cent cinquante-six", "0800123456"),
        ("zéro huit cent quatre-vingt-dix-neuf, dix, onze", "0800991011"),
        ("zéro un quarante-cinq soixante-sept quatre-vingt-neuf dix", "0145678910"),
        ("zéro six septante-deux nonante-neuf huitante et un octante", "0672998180"),
        ("zéro quatre septante et un nonante-trois quatre-vingt-quinze vingt et un", "0471939521"),
        ("zéro quatre vingt-trois quarante-cinq soixante-sept quatre-vingts", "0423456780"),  # "zéro quatre" = 04
        ("zéro cinq soixante et onze soixante-dix soixante-dix-sept soixante-seize", "0571707776"),
        ("double zéro trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", "0033612345678"),
        ("plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", "+33612345678"),
        ("+33 six douze trente-quatre cinquante-six soixante-dix-huit", "+33612345678"),
        ("plus trente-trois zéro six douze trente-quatre cinquante-six soixante-dix-huit", "+330612345678"),
        ("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "0612345678"),
        ("zéro six euh douze virgule trente-quatre, euh, cinquante-six soixante-dix-huit", "0612345678"),
        ("zéro six double sept trente-quatre cinquante-six soixante-dix-huit", "0677345678"),
        ("appelez le trente-six quarante-six, un conseiller vous répondra", "3646"),
        ("zéro trois vingt-deux, zéro zéro, zéro un, vingt-cinq", "0322000125"),
        # Digits heard one at a time, as Whisper writes them (measured on real recordings).
        ("Pour rappeler ce numéro, 0, 8, 9, 9, 2, 3, 4, 5, 6, 7", "0899234567"),
        ("rappelez le 0 8 9 9 2 3 4 5 6 7", "0899234567"),
        ("le 3, 6, 4, 6", "3646"),
        ("0, 6, 12, 34, 56, 78", "0612345678"),
    ],
)
def test_spoken_number_is_read(spoken: str, digits: str) -> None:
    assert digits_of(spoken) == [digits]


@pytest.mark.parametrize("variant", ["france", "belgique", "suisse"])
def test_every_pair_from_ten_to_ninety_nine(variant: str) -> None:
    for n in range(10, 100):
        words = spell(n, variant=variant)
        text = f"rappelez le zéro six {words} {words}, {words} {words}"
        assert digits_of(text) == [f"06{n}{n}{n}{n}"], text


def test_span_is_the_number_as_written() -> None:
    text = "Merci de rappeler au Zéro Huit quatre-vingt-dix-neuf vingt-trois 45 soixante-sept avant lundi."
    [(start, end, digits)] = find_spoken_numbers(text, limit=5)
    assert text[start:end] == "Zéro Huit quatre-vingt-dix-neuf vingt-trois 45 soixante-sept"
    assert digits == "0899234567"


@pytest.mark.parametrize("between", [" ou le ", ", ", " "])
def test_two_numbers_in_one_sentence(between: str) -> None:
    text = f"rappelez le trente-six quarante-six{between}zéro six douze trente-quatre cinquante-six soixante-dix-huit"
    assert digits_of(text) == ["3646", "0612345678"]


def test_a_run_that_does_not_split_into_numbers_gives_nothing() -> None:
    # Ten digits followed by a short number is fine; ten digits followed by two stray digits is not.
    assert digits_of("zéro six douze trente-quatre cinquante-six soixante-dix-huit trente-six quarante-six") == [
        "0612345678",
        "3646",
    ]
    assert digits_of("zéro six douze trente-quatre cinquante-six soixante-dix-huit quarante-six") == []


@pytest.mark.parametrize(
    "text",
    [
        "vingt-trois euros",
        "le vingt-trois mai",
        "trois cents personnes",
        "deux mille vingt-six",
        "en deux mille vingt-six, trente-six quarante-six",  # a year runs into it: the whole run is an amount
        "vous devez quatre-vingt-dix-neuf euros et cinquante centimes",
        "rendez-vous le douze à quinze heures trente",
        "entre trente et quarante ans",
        "un conseiller vous rappellera",
        "zéro zéro zéro zéro zéro zéro zéro zéro zéro zéro",
        "zéro six douze trente-quatre cinquante-six",  # 8 digits
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit quatre-vingt-dix",  # 12 digits
        "le 36 46",  # digits only: left to the digit patterns
        "appuyez sur 1, 2 ou 3",
        "le 1, 2, 3, soleil",
        "à 5 4 3 2 1 partez",
        "il a plus de trente ans",
        "double zéro quarante-quatre vingt douze trente-quatre cinquante-six soixante-dix-huit",  # not +33
    ],
)
def test_near_misses_give_nothing(text: str) -> None:
    assert find_spoken_numbers(text, limit=10) == []


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("3646", True),
        ("2026", False),
        ("0899234567", True),
        ("0012345678", False),
        ("+33612345678", True),
        ("+330612345678", True),
        ("+3361234567", False),
        ("0033612345678", True),
        ("0044612345678", False),
        ("06123456789", False),
    ],
)
def test_accepted_shapes(digits: str, ok: bool) -> None:
    assert is_phone_digits(digits) is ok


def test_limit_is_respected() -> None:
    text = "rappelez le zéro six douze trente-quatre cinquante-six soixante-dix-huit. " * 20
    assert len(find_spoken_numbers(text, limit=3)) == 3
    assert find_spoken_numbers(text, limit=0) == []


# --- find_phones -----------------------------------------------------------------------------------------


def phones(text: str, *, spoken: bool, limit: int = 10) -> tuple[list[tuple[str, str, PhoneRole]], int]:
    found, seen = find_phones(text, cues=_CUES, known_short=_KNOWN_SHORT, limit=limit, spoken=spoken)
    return [(p.raw, p.normalized, p.role) for p in found], seen


def test_find_phones_adds_spoken_numbers_only_when_asked() -> None:
    text = "Bonjour, rappelez le zéro huit quatre-vingt-dix-neuf vingt-trois quarante-cinq soixante-sept."
    assert phones(text, spoken=False) == ([], 0)
    assert phones(text, spoken=True) == (
        [
            (
                "zéro huit quatre-vingt-dix-neuf vingt-trois quarante-cinq soixante-sept",
                "+33899234567",
                PhoneRole.CALLBACK,
            )
        ],
        1,
    )


def test_find_phones_role_of_a_mentioned_spoken_number() -> None:
    text = "Notre ancien numéro était le zéro un quarante-cinq soixante-sept quatre-vingt-neuf dix."
    assert phones(text, spoken=True)[0] == [
        ("zéro un quarante-cinq soixante-sept quatre-vingt-neuf dix", "+33145678910", PhoneRole.MENTIONED)
    ]


def test_find_phones_digit_match_wins_over_overlapping_words() -> None:
    text = "appelez le 36 46 ou le 06 12 34 56 78"
    assert phones(text, spoken=True) == phones(text, spoken=False)
    assert [n for _raw, n, _role in phones(text, spoken=True)[0]] == ["3646", "+33612345678"]


def test_find_phones_mixes_digit_and_spoken_numbers_in_order() -> None:
    text = "appelez le zéro six douze trente-quatre cinquante-six soixante-dix-huit ou le 01 45 67 89 10"
    assert [n for _raw, n, _role in phones(text, spoken=True)[0]] == ["+33612345678", "+33145678910"]


def test_find_phones_short_spoken_number_needs_a_calling_context() -> None:
    assert phones("appelez le trente-deux trente", spoken=True)[0] == [
        ("trente-deux trente", "3230", PhoneRole.CALLBACK)
    ]
    assert phones("il reste trente-deux trente euros", spoken=True) == ([], 0)
    assert phones("appelez le trente-six quarante-six euros", spoken=True) == ([], 0)


def test_find_phones_limit_counts_spoken_numbers() -> None:
    text = "rappelez le zéro six douze trente-quatre cinquante-six soixante-dix-huit. " * 8
    found, seen = phones(text, spoken=True, limit=3)
    assert len(found) == 3
    assert seen > 3


# --- analyze, end to end ----------------------------------------------------------------------------------


def signals(text: str, kind: str) -> tuple[sentinelle.Level, set[str]]:
    verdict = sentinelle.analyze(text, kind=kind)
    return verdict.level, {e.signal for e in verdict.evidence}


def test_voicemail_spelled_surcharged_callback_is_fraud() -> None:
    text = (
        "Bonjour, ici votre CPAM, merci de nous rappeler au zéro huit quatre-vingt-dix-neuf vingt-trois "
        "quarante-cinq soixante-sept"
    )
    level, found = signals(text, "voicemail")
    assert level is sentinelle.Level.FRAUD
    assert {"CALLBACK_NOT_OFFICIAL", "NUMBER_SURCHARGED"} <= found


def test_sms_does_not_read_spelled_numbers() -> None:
    text = (
        "Bonjour, ici votre CPAM, merci de nous rappeler au zéro huit quatre-vingt-dix-neuf vingt-trois "
        "quarante-cinq soixante-sept"
    )
    _level, found = signals(text, "sms")
    assert not {"CALLBACK_NOT_OFFICIAL", "NUMBER_SURCHARGED"} & found


def test_spelled_short_number_not_owned_by_the_cpam() -> None:
    # CALLBACK_NOT_OFFICIAL needs a message in an organisation's name; without one the number is still read.
    _level, found = signals("Bonjour, ici votre CPAM, rappelez le trente-deux dix-sept", "voicemail")
    assert "CALLBACK_NOT_OFFICIAL" in found
    _level, found = signals("rappelez le trente-deux dix-sept", "call")
    assert "SHORT_NUMBER_UNKNOWN_COST" in found


def test_spelled_official_3646_is_not_a_foreign_callback() -> None:
    _level, found = signals("Pour toute question, appelez le trente-six quarante-six", "voicemail")
    assert "CALLBACK_NOT_OFFICIAL" not in found
    assert "NUMBERS_ALL_OFFICIAL" in found
    _level, found = signals("Ici votre CPAM. Pour toute question, appelez le trente-six quarante-six", "voicemail")
    assert "CALLBACK_NOT_OFFICIAL" not in found


# --- hostile input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "trente-six " * 200_000,
        "quarante-six 12 " * 100_000,
        "zéro 6 " * 100_000,
        "zéro " * 100_000,
        "soixante et onze, euh, " * 50_000,
        "deux mille cent " * 100_000,
        "1" * 500_000 + " trente-six",
    ],
    ids=["words", "words-digits", "zero-digit", "zeros", "fillers", "amounts", "long-digits"],
)
def test_hostile_runs_are_linear(text: str) -> None:
    started = time.perf_counter()
    found = find_spoken_numbers(text, limit=200)
    elapsed = time.perf_counter() - started
    assert elapsed < 5.0
    assert len(found) <= 200
    assert all(is_phone_digits(digits) for _start, _end, digits in found)


def test_hostile_voicemail_does_not_crash() -> None:
    verdict = sentinelle.analyze("zéro " * 100_000 + "trente-six quarante-six 12 " * 20_000, kind="voicemail")
    assert verdict.level in set(sentinelle.Level)
