"""Local screening of free-text narratives for personal data: the family's own vault values
(names with Finnish inflection, usernames, case numbers, contact details) and generic patterns.

Everything runs in-process with precompiled regular expressions: no network, no models.

Choices a reviewer should know about:
- Names match case-insensitively, except names that are also ordinary words (Aino/"ainoa",
  Anna/"anna", Koski/"koski", Hans/"hans", Will/"will", see COMMON_WORD_NAMES): for those only a
  hit with a capital initial counts, so "ainoa vaihtoehto" passes but "Ainoa" at the start of a
  sentence is flagged. A false alarm costs a reviewer one click; a miss leaks a name.
- Inflected forms come from a closed list of Finnish case endings, clitics, the Swedish genitive
  -s and the English 's, never from "any suffix": "ainoastaan" and "mikrofoni" stay unflagged.
- Oblique stems (weak grade "Miko-", "Virtase-") need an ending and at least 4 letters, so
  "anti-" is not "Antti" and "Otto"/"Oton" or "Mäki"/"Mäen" lose their weak-grade forms.
- Overlapping hits are merged into one finding spanning all of them, of the most specific kind
  among them: a vault value beats any pattern (it is known to be this family's), checksummed
  codes beat e-mail, e-mail beats phone, handle and URL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

KINDS = (
    "vault_value",
    "email",
    "phone",
    "fi_identity_code",
    "se_personal_number",
    "ie_ppsn",
    "iban",
    "url",
    "social_handle",
)

# When hits overlap, the earlier kind here wins (checksummed codes beat loose phone shapes).
_SPECIFICITY = (
    "vault_value",
    "fi_identity_code",
    "se_personal_number",
    "ie_ppsn",
    "iban",
    "email",
    "phone",
    "social_handle",
    "url",
)
_RANK = {kind: rank for rank, kind in enumerate(_SPECIFICITY)}

_MARKERS = {
    "email": "[email]",
    "phone": "[phone]",
    "fi_identity_code": "[identity code]",
    "se_personal_number": "[identity code]",
    "ie_ppsn": "[identity code]",
    "iban": "[iban]",
    "url": "[url]",
    "social_handle": "[handle]",
}


def _words(text: str) -> frozenset[str]:
    # Word lists read better as prose than as one quoted item per line.
    return frozenset(text.split())


@dataclass(frozen=True)
class Finding:
    """One hit: kind is one of KINDS, and text == screened_text[start:end]."""

    kind: str
    start: int
    end: int
    text: str


# Names (lowercase) that are also everyday words in fi/sv/en, or whose inflected forms are
# ("aino" -> "ainoa" = only, "aku" -> "akun" = battery's): only capitalised hits count for them.
COMMON_WORD_NAMES = _words(
    # Finnish given names
    "aamu aino aku anna armas aura eli helmi hilla ilona ilta into kai kari kauko kielo kukka "
    "lahja lilja lumi marja minttu oiva onni orvokki pihla pilvi rauha ruusu satu sini sisu "
    "sulo taimi toivo tuuli tyyne urho usva valo veikko veli vesa visa "
    # Finnish surnames that are nouns
    "aalto aho haapa harju hirvi honka joki kallio karhu kettu kivi koivu koski kotka kuusi "
    "laakso lahti laine lampi lehti lehto lintu metso mäki mänty niemi nurmi oksa orava paju "
    "pelto ranta repo rinne saari salmi salo sorsa suomi susi tammi tähti tuomi virta vuori "
    # Swedish
    "alva ask axel berg björk björn blom bo bror dag dahl ek falk fors gran hans holm karl "
    "klara kvist lax lena lind linnea liv lo love lund my nord per rosa rune rut saga sol "
    "sten stig strand ström sjö tilde tor vilja örn "
    # English and Irish
    "amber april art baker bell bill black brook brown carter cliff cook crystal daisy dale "
    "dawn dean drew faith fisher ford fox frank glen grace green hall heather hill holly hope "
    "hunter ivy jack joy june king lance lane lily long mark marsh mason may mike miles miller "
    "nick page pat penny price ray reed rich river rob rose ruby sandy sky smith stone storm "
    "sue summer sunny tea turner walker ward west white will wood young"
)

_VOWELS = "aeiouyäöå"
# Finnish case endings, plural forms and colloquial short forms (Mikol, Mikost) that may follow
# a name stem; a closed list so that ordinary words sharing a prefix with a name stay unflagged.
_CASE_ENDINGS = _words(
    "n a ä ta tä na nä ksi ssa ssä sta stä lla llä lta ltä lle tta ttä ine t ten hin "
    "ia iä ja jä ien jen ille illa illä ilta iltä issa issä ista istä ihin iksi ina inä "
    "l lt st ss s"
)
_CLITICS = ("kin", "kaan", "kään", "han", "hän", "pa", "pä", "ko", "kö")
_APOSTROPHES = "'\u2019\u02bc"  # straight, typographic, modifier letter
_DASHES = "-\u2010\u2013"  # hyphen-minus, hyphen, en dash
# Weak grades of consonant gradation, longest clusters first ("ntt" -> "nt" via "tt").
_GRADATION = (
    ("kk", "k"),
    ("pp", "p"),
    ("tt", "t"),
    ("nk", "ng"),
    ("mp", "mm"),
    ("lt", "ll"),
    ("nt", "nn"),
    ("rt", "rr"),
    ("ht", "hd"),
)
# Single-consonant gradation only for surnames from nouns (Lehto -> Lehdon, Mäki -> Mäen).
_SURNAME_GRADATION = (("t", "d"), ("k", ""), ("p", "v"))
_MIN_OBLIQUE_STEM = 4
_MIN_NAME_PART = 3
# Letters whose accented forms are often typed without the accent (Seán / Sean).
_ACCENT_VARIANTS = {
    "a": "aáàâ",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòô",
    "u": "uúùûü",
    "c": "cç",
    "n": "nñ",
}
_KEEP_ACCENT = set("äöåÄÖÅ")
_DASH_TO_HYPHEN = str.maketrans(dict.fromkeys(_DASHES[1:], "-"))


# ------------------------------------------------------------------------------ patterns

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
# A phone candidate must be a whole number run: not preceded or followed by more digits.
_PHONE = re.compile(
    r"""
    (?<![\w+])(?<!\d[\s-])(?<!\d\s-\s)
    (?:
        (?:\+|00)\d{1,3}[\s-]?(?:\(0\)[\s-]?)?\(?\d{1,4}\)?(?:(?:\s?-\s?|\s)?\d{1,4}){1,5}
      | \(?0[1-9]\d{0,3}\)?(?:(?:\s?-\s?|\s)?\d{1,4}){1,5}
    )
    (?![\w])(?!\s?-?\s?\d)
    """,
    re.VERBOSE,
)
_DATE_SHAPE = re.compile(r"\d{1,2}[-/ ]\d{1,2}[-/ ]\d{2,4}")
_SE_NUMBER_SHAPE = re.compile(r"\d{6}[-+]\d{4}")
# The "nothing before" check sits after the first character (\d(?<!\w\d)) rather than in front:
# then the regex engine can skip ahead to candidate characters, about twice as fast.
_FI_IDENTITY = re.compile(
    r"(\d(?<![\w+-]\d)\d)(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?!\w)", re.IGNORECASE
)
# YYMMDD-XXXX (also +), or YYYYMMDD-XXXX with or without the separator.
_SE_PERSONAL = re.compile(r"\d(?<![\w+-]\d)(?:\d{7}[-+]?|\d{5}[-+])\d{4}(?![\w-])")
_IE_PPSN = re.compile(r"(\d(?<!\w\d)\d{6})([A-W])([A-IW]?)(?!\w)", re.IGNORECASE)
_IBAN = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?!\w)")
_URL_TLDS = "fi|se|ie|ax|eu|uk|com|org|net|info|io|gov|edu|no|dk|ee|de|me|tv|gg|app|xyz|onion|chat"
_URL = re.compile(
    r"(?<![\w@.-])(?:"
    r"(?i:https?://)[^\s<>\"'{}|\\^`\[\]]+"
    r"|(?i:www)\.[\w-]+(?:\.[\w-]+)+(?:[/?#][^\s<>\"']*)?"
    # Bare domains need a lowercase known TLD, so "end.Then" and "sivu.Se" are not links.
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{_URL_TLDS})(?![\w-])"
    r"(?:[/?#][^\s<>\"']*)?"
    r")"
)
_URL_TRAILING = ".,;:!?'\"\u2019\u201d"
_HANDLE = re.compile(r"(?<![\w@./])@(\w[\w.]{0,28}\w)(?![\w@])")

_FI_CHECK_ALPHABET = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_FI_CENTURIES = {"+": 1800, "-": 1900, "A": 2000}
_FI_CENTURIES.update(dict.fromkeys("UVWXY", 1900))
_FI_CENTURIES.update(dict.fromkeys("BCDEF", 2000))
_PPSN_LETTERS = "WABCDEFGHIJKLMNOPQRSTUV"


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _fi_identity_valid(match: re.Match[str]) -> bool:
    day, month, year, sign, serial, check = match.groups()
    century = _FI_CENTURIES[sign.upper()]
    if not _valid_date(century + int(year), int(month), int(day)):
        return False
    return _FI_CHECK_ALPHABET[int(day + month + year + serial) % 31] == check.upper()


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _se_parts(number: str) -> tuple[str, str]:
    """(century or "", the 10 digits YYMMDDXXXX) of a Swedish personal number."""
    digits = re.sub(r"\D", "", number)
    return (digits[:2], digits[2:]) if len(digits) == 12 else ("", digits)


def _se_personal_valid(match: re.Match[str]) -> bool:
    century, digits = _se_parts(match.group())
    if century not in ("", "18", "19", "20"):
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    # Coordination numbers (samordningsnummer) add 60 to the day.
    day = day - 60 if day > 60 else day
    # The 10-digit form leaves the century open: any leap year lets 29 February through.
    year = int(century + digits[:2]) if century else 2000
    return _valid_date(year, month, day) and _luhn_valid(digits)


def _ppsn_valid(match: re.Match[str]) -> bool:
    digits, check, second = match.group(1), match.group(2).upper(), match.group(3).upper()
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(8, 1, -1), strict=True))
    if second:
        total += 9 * _PPSN_LETTERS.index(second)
    return _PPSN_LETTERS[total % 23] == check


def _iban_valid(compact: str) -> bool:
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# ------------------------------------------------------------------------------ detectors

_Hit = tuple[str, int, int]


def _emails(text: str) -> Iterator[_Hit]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        yield "email", match.start(), match.end()


def _phones(text: str) -> Iterator[_Hit]:
    for match in _PHONE.finditer(text):
        candidate = match.group()
        digits = sum(char.isdigit() for char in candidate)
        international = candidate[0] == "+" or candidate.startswith("00")
        if not (8 <= digits <= 15 if international else 8 <= digits <= 11):
            continue
        if _DATE_SHAPE.fullmatch(candidate) or _SE_NUMBER_SHAPE.fullmatch(candidate):
            continue
        yield "phone", match.start(), match.end()


def _checked(
    pattern: re.Pattern[str], kind: str, valid: Callable[[re.Match[str]], bool]
) -> Callable[[str], Iterator[_Hit]]:
    def detect(text: str) -> Iterator[_Hit]:
        for match in pattern.finditer(text):
            if valid(match):
                yield kind, match.start(), match.end()

    return detect


def _ibans(text: str) -> Iterator[_Hit]:
    for match in _IBAN.finditer(text):
        groups = match.group().split(" ")
        # Trailing capitals ("... 85 EUR") may join the match: try shorter runs of groups.
        for count in range(len(groups), 0, -1):
            compact = "".join(groups[:count])
            if len(compact) < 15:
                break
            if _iban_valid(compact):
                end = match.start() + len(" ".join(groups[:count]))
                yield "iban", match.start(), end
                break


def _urls(text: str) -> Iterator[_Hit]:
    for match in _URL.finditer(text):
        candidate = match.group()
        while candidate and (
            candidate[-1] in _URL_TRAILING
            or (candidate[-1] == ")" and candidate.count(")") > candidate.count("("))
        ):
            candidate = candidate[:-1]
        if "://" not in candidate and not any(
            char.isalpha() for char in candidate.split("/", 1)[0].rsplit(".", 1)[0]
        ):
            continue
        if candidate:
            yield "url", match.start(), match.start() + len(candidate)


def _handles(text: str) -> Iterator[_Hit]:
    if "@" not in text:
        return
    for match in _HANDLE.finditer(text):
        handle = match.group(1)
        if any(char.isalpha() or char == "_" for char in handle):
            yield "social_handle", match.start(), match.end()


_DETECTORS = (
    _emails,
    _phones,
    _checked(_FI_IDENTITY, "fi_identity_code", _fi_identity_valid),
    _checked(_SE_PERSONAL, "se_personal_number", _se_personal_valid),
    _checked(_IE_PPSN, "ie_ppsn", _ppsn_valid),
    _ibans,
    _urls,
    _handles,
)


# ------------------------------------------------------------------------------ vault values


def _letters_pattern(value: str) -> str:
    """Regex for a lowercase value that tolerates dropped accents and spacing around hyphens."""
    parts = []
    for char in value:
        base = unicodedata.normalize("NFD", char)[0]
        if char in _KEEP_ACCENT:
            parts.append(re.escape(char))
        elif base in _ACCENT_VARIANTS:
            parts.append(f"[{_ACCENT_VARIANTS[base]}]")
        elif char in _DASHES:
            parts.append(rf"\s*[{re.escape(_DASHES)}]\s*")
        elif char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]?")
        elif char.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(set(words), key=lambda word: (-len(word), word)))


def _same_vowel(before: str = "") -> str:
    """A vowel equal to the one just before it (after `before`): the illative Mikkoon, Pekkaan."""
    return "(?:" + "|".join(f"(?<={vowel}{before}){vowel}" for vowel in _VOWELS) + ")"


_CLITIC_PATTERN = f"(?:{_alternation(_CLITICS)})"
# One ending pattern shared by every stem keeps the compiled vault regex small and fast.
_ENDING = (
    f"(?:(?:{_alternation(_CASE_ENDINGS)}|{_same_vowel()}n?|h{_same_vowel('h')}n)"
    f"{_CLITIC_PATTERN}?|{_CLITIC_PATTERN})"
)
_POSSESSIVE = f"[{_APOSTROPHES}]s?"  # Swedish Mikkos is a case ending; this is Mikko's, Lars'
_SUFFIXES = {
    "optional": f"(?:{_ENDING}|{_POSSESSIVE})?",
    # Finnish puts -i- between a consonant and a case ending (Erikin, an oblique stem), so a
    # consonant-final name itself only takes the genitive -s, 's and clitics: not "Erikseen".
    "consonant": f"(?:s|{_CLITIC_PATTERN}|{_POSSESSIVE})?",
    "required": _ENDING,
    "none": "",
}


def _weak_grade(cluster: str, *, surname: bool) -> str | None:
    for strong, weak in _GRADATION:
        if cluster.endswith(strong):
            return cluster[: -len(strong)] + weak
    if surname and len(cluster) == 1:
        for strong, weak in _SURNAME_GRADATION:
            if cluster == strong:
                return weak
    return None


def _name_stems(part: str, *, surname: bool) -> list[tuple[str, bool]]:
    """(stem, needs an ending) pairs for one lowercase name part, nominative first."""
    stems = [(part, False)]
    if not part.isalpha():
        return stems
    if part.endswith("nen") and len(part) >= 6:
        # Virtanen -> Virtasen, Virtaselle, Virtasta, Virtaset.
        return [*stems, (part[:-3] + "se", True), (part[:-3] + "s", True)]
    if part[-1] in _VOWELS:
        vowel_start = len(part)
        while vowel_start > 0 and part[vowel_start - 1] in _VOWELS:
            vowel_start -= 1
        cluster_start = vowel_start
        while cluster_start > 0 and part[cluster_start - 1] not in _VOWELS:
            cluster_start -= 1
        head, cluster = part[:cluster_start], part[cluster_start:vowel_start]
        vowels = part[vowel_start:]
        weak = _weak_grade(cluster, surname=surname) if cluster and head else None
        if weak is not None:
            stems.append((head + weak + vowels, True))
        if surname and vowels == "i" and head:
            # Surnames from old nouns take an e-stem: Niemi -> Niemen, Lahti -> Lahden.
            stems.append((head + cluster + "e", True))
            if weak is not None:
                stems.append((head + weak + "e", True))
    elif part[-1] == "s" and len(part) >= 4 and part[-2] in _VOWELS:
        # Tuomas -> Tuomaksen; foreign names also get Tuomasin.
        stems += [(part[:-1] + "kse", True), (part + "i", True)]
    else:
        # Consonant-final names take -i- before endings: Erik -> Erikin, Oskarille.
        stems.append((part + "i", True))
    return [(stem, needs) for stem, needs in stems if not needs or len(stem) >= _MIN_OBLIQUE_STEM]


@dataclass(frozen=True)
class _Form:
    """One regex source for a vault value and the endings it may take."""

    source: str
    ending: str = "none"  # a key of _SUFFIXES
    phrase: bool = False  # several words: tried before single words at the same position
    capitalised: bool = False  # a name that is also an ordinary word: needs a capital initial


def _name_part_forms(
    part: str, *, prefix: str = "", surname: bool, phrase: bool, capitalised: bool
) -> list[_Form]:
    """Forms of one name part (possibly hyphenated); only its last piece inflects."""
    pieces = part.split("-")
    dash = rf"\s*[{re.escape(_DASHES)}]\s*"
    fixed = prefix + "".join(_letters_pattern(piece) + dash for piece in pieces[:-1])
    forms = []
    for stem, needs_ending in _name_stems(pieces[-1], surname=surname):
        vowel_final = stem[-1] in _VOWELS
        ending = "required" if needs_ending else "optional" if vowel_final else "consonant"
        forms.append(
            _Form(fixed + _letters_pattern(stem), ending, phrase=phrase, capitalised=capitalised)
        )
    return forms


def _name_forms(value: str) -> list[_Form]:
    words = value.lower().translate(_DASH_TO_HYPHEN).split()
    # A value stored all in lowercase ("rose") is most likely a username, typed as such.
    common_words = COMMON_WORD_NAMES if value != value.lower() else frozenset()
    forms: list[_Form] = []
    if len(words) > 1:
        prefix = "".join(_letters_pattern(word) + r"\s+" for word in words[:-1])
        forms += _name_part_forms(
            words[-1], prefix=prefix, surname=True, phrase=True, capitalised=False
        )
    elif len(words) == 1 and len(words[0].strip(".")) < _MIN_NAME_PART:
        common = words[0] in common_words
        forms.append(_Form(_letters_pattern(words[0]), capitalised=common))
    for position, word in enumerate(words):
        surname = len(words) > 1 and position == len(words) - 1
        pieces = [piece for piece in word.split("-") if piece]
        candidates = [word] if len(pieces) > 1 else []
        for candidate in [*candidates, *pieces]:
            if sum(char.isalpha() for char in candidate) < _MIN_NAME_PART:
                continue
            common = "-" not in candidate and candidate in common_words
            forms += _name_part_forms(candidate, surname=surname, phrase=False, capitalised=common)
    return forms


def _digits_pattern(digits: str, separators: str = r"[\s().-]*") -> str:
    return separators.join(re.escape(digit) for digit in digits)


_COUNTRY_CODES = ("358", "353", "46", "47", "45", "44", "372", "49")


def _phone_pattern(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    international = value.lstrip().startswith(("+", "00"))
    if international:
        digits = digits.removeprefix("00")
        code = next((code for code in _COUNTRY_CODES if digits.startswith(code)), None)
        if code is None:
            return r"(?:\+|00)?" + _digits_pattern(digits)
        national = digits[len(code) :].removeprefix("0")
        codes = re.escape(code)
    else:
        national = digits.removeprefix("0")
        codes = "|".join(_COUNTRY_CODES)
    prefix = rf"(?:(?:\+|00)(?:{codes})[\s-]*(?:\(0\)[\s-]*)?|\(?0)"
    return prefix + _digits_pattern(national)


def _token_pattern(value: str) -> str:
    """Usernames and case numbers: exact, but case numbers tolerate other separators."""
    digits = sum(char.isdigit() for char in value)
    letters = sum(char.isalpha() for char in value)
    separator = r"[\s/.:_-]*" if digits >= letters else None
    pieces = []
    for chunk in re.split(r"([\s/.:_-]+)", value):
        if not chunk:
            continue
        if separator and re.fullmatch(r"[\s/.:_-]+", chunk):
            pieces.append(separator)
        elif chunk.isspace():
            pieces.append(r"\s+")
        else:
            pieces.append(re.escape(chunk))
    return "".join(pieces)


def _is_address(value: str) -> bool:
    has_word = any(
        len(word) >= 4 and word.isalpha() and not word.isupper() for word in value.split()
    )
    return has_word and any(char.isdigit() for char in value) and " " in value.strip()


def _is_identity_code(value: str) -> bool:
    fi = _FI_IDENTITY.fullmatch(value)
    se = _SE_PERSONAL.fullmatch(value)
    ie = _IE_PPSN.fullmatch(value)
    return bool(
        (fi and _fi_identity_valid(fi))
        or (se and _se_personal_valid(se))
        or (ie and _ppsn_valid(ie))
    )


def _is_phone(value: str) -> bool:
    # A plain digit run without a trunk 0 or country code is more likely a case number.
    shaped = re.fullmatch(r"[+(]?0?[\d\s().-]+", value) and value.lstrip("(")[:1] in ("+", "0")
    return bool(shaped) and sum(char.isdigit() for char in value) >= 7


_NAME_SHAPE = re.compile(rf"[^\W\d_]+(?:[\s.{_APOSTROPHES}{re.escape(_DASHES)}]+[^\W\d_]+)*\.?")


def _vault_value_forms(raw: str) -> list[_Form]:
    value = unicodedata.normalize("NFC", " ".join(raw.split()))
    if sum(char.isalnum() for char in value) < 2:
        return []
    if _EMAIL.fullmatch(value):
        local = value.split("@", 1)[0]
        # A distinctive local part is often reused as a username (mikko.v77).
        if len(local) >= 5 and re.search(r"[\d._-]", local):
            return [_Form(re.escape(value)), _Form(re.escape(local))]
        return [_Form(re.escape(value))]
    if _is_identity_code(value):
        if _SE_PERSONAL.fullmatch(value):
            # Written with or without the century and the separator: 19811218-9876, 8112189876.
            century, digits = _se_parts(value)
            century_pattern = f"(?:{century})?" if century else r"(?:1[89]|20)?"
            return [_Form(f"{century_pattern}{digits[:6]}[-+]?{digits[6:]}")]
        return [_Form(re.escape(value))]
    if _is_phone(value):
        return [_Form(_phone_pattern(value))]
    if _NAME_SHAPE.fullmatch(value):
        return _name_forms(value)
    if _is_address(value):
        parts = [part.strip() for part in value.split(",")]
        return [_Form(_token_pattern(value), phrase=True)] + [
            _Form(_token_pattern(part))
            for part in parts
            if len(part) >= 5 and any(char.isalpha() for char in part)
        ]
    return [_Form(_token_pattern(value))]


def _compile_forms(forms: Sequence[_Form]) -> re.Pattern[str] | None:
    """One regex for many forms: phrases first, and at most a few copies of the ending pattern."""
    groups = []
    for phrase in (True, False):
        for ending in _SUFFIXES:
            sources = {
                form.source for form in forms if (form.phrase, form.ending) == (phrase, ending)
            }
            if sources:
                # Longest first, so that "Anna-Liisa" is tried before "Anna".
                ordered = sorted(sources, key=lambda source: (-len(source), source))
                groups.append(f"(?:{'|'.join(ordered)}){_SUFFIXES[ending]}")
    if not groups:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _VaultMatcher:
    anycase: re.Pattern[str] | None
    capitalised: re.Pattern[str] | None

    def hits(self, text: str) -> Iterator[_Hit]:
        if self.anycase is not None:
            for match in self.anycase.finditer(text):
                yield "vault_value", match.start(), match.end()
        if self.capitalised is not None:
            for match in self.capitalised.finditer(text):
                if match.group()[0].isupper():
                    yield "vault_value", match.start(), match.end()


@lru_cache(maxsize=256)
def _vault_matcher(values: tuple[str, ...]) -> _VaultMatcher:
    forms = [form for value in values for form in _vault_value_forms(value)]
    return _VaultMatcher(
        _compile_forms([form for form in forms if not form.capitalised]),
        _compile_forms([form for form in forms if form.capitalised]),
    )


# ------------------------------------------------------------------------------ public API


def _merge(hits: Iterable[_Hit], text: str) -> list[Finding]:
    merged: list[_Hit] = []
    for kind, start, end in sorted(hits, key=lambda hit: (hit[1], -hit[2])):
        if end <= start:
            continue
        if merged and start < merged[-1][2]:
            last_kind, last_start, last_end = merged[-1]
            best = kind if _RANK[kind] < _RANK[last_kind] else last_kind
            merged[-1] = (best, last_start, max(last_end, end))
        else:
            merged.append((kind, start, end))
    return [Finding(kind, start, end, text[start:end]) for kind, start, end in merged]


def screen_text(text: str, *, vault_values: Sequence[str] = ()) -> list[Finding]:
    """All hits in text, sorted by start, overlapping hits merged (keep the more specific kind)."""
    hits: list[_Hit] = []
    for detect in _DETECTORS:
        hits.extend(detect(text))
    values = tuple(sorted({value for value in vault_values if value and value.strip()}))
    if values:
        hits.extend(_vault_matcher(values).hits(text))
    return _merge(hits, text)


def _vault_marker(text: str) -> str:
    """Marker for a vault hit, from its shape: the vault does not say what kind a value is."""
    value = text.strip()
    digits = sum(char.isdigit() for char in value)
    letters = sum(char.isalpha() for char in value)
    if _EMAIL.search(value):
        return "[email]"
    if "://" in value or value.lower().startswith("www."):
        return "[url]"
    if value.startswith("@"):
        return "[handle]"
    if _is_identity_code(value):
        return "[identity code]"
    if _is_phone(value):
        return "[phone]"
    if _NAME_SHAPE.fullmatch(value.rstrip("".join(_APOSTROPHES))):
        return "[name]"
    if _is_address(value):
        return "[address]"
    return "[case number]" if digits >= letters else "[handle]"


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding with a neutral marker like [name], [email], [phone], [identity code],
    [iban], [url], [handle], [case number] or [address]; overlapping findings become one."""
    for finding in findings:
        if finding.kind not in _RANK:
            raise ValueError(f"unknown finding kind {finding.kind!r}")
        if text[finding.start : finding.end] != finding.text:
            raise ValueError("finding does not match the text; screen the current text again")
    pieces = []
    cursor = 0
    for finding in _merge(((f.kind, f.start, f.end) for f in findings), text):
        marker = (
            _vault_marker(finding.text) if finding.kind == "vault_value" else _MARKERS[finding.kind]
        )
        pieces += [text[cursor : finding.start], marker]
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def forget_compiled_vault_values() -> None:
    """Drop the cached patterns (they embed identity values); called after anonymisation."""
    _vault_matcher.cache_clear()
