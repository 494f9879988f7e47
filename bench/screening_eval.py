"""Evaluation: screen 15 synthetic narratives (fi, sv, en) with planted personal data and print
what was found, missed and falsely flagged, then the time per 1,000 words; never asserts.

Run: .venv/bin/python bench/screening_eval.py

Every name, number and address below is invented. The expected lists are what a careful human
reviewer would mark, written before looking at the screener's output: some planted values are
known to be hard (nicknames, spelled-out e-mail addresses, weak-grade forms of short names).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from casestudies.screening import screen_text


@dataclass(frozen=True)
class Sample:
    language: str
    narrative: str
    vault_values: tuple[str, ...]
    expected: tuple[str, ...]


SAMPLES = (
    Sample(
        "fi",
        "Mikko oli 12-vuotias, kun hän sai viestejä pelin chatissa. Mikon äiti huomasi ne "
        "vasta, kun Mikolle tuli uhkauksia. Ainoa keino oli ilmoittaa poliisille vuonna 2023.",
        ("Mikko Virtanen", "Liisa Virtanen"),
        ("Mikko", "Mikon", "Mikolle"),
    ),
    Sample(
        "fi",
        "Äiti (Liisa) kertoi, että rikosilmoitus 5710/R/12345/24 tehtiin 3.2.2024. Tutkinta kesti "
        "6-12 kuukautta. Liisan mukaan Barnahus-haastattelu oli klo 9.30 ja kesti tunnin.",
        ("Liisa Virtanen", "5710/R/12345/24"),
        ("Liisa", "5710/R/12345/24", "Liisan"),
    ),
    Sample(
        "fi",
        "Tekijä käytti nimeä dark_wolf_88 ja myöhemmin @dark_wolf_88. Virtasen perhe sai "
        "viestejä myös numerosta 040 123 4567. Ainoastaan koulu reagoi nopeasti.",
        ("dark_wolf_88", "Mikko Virtanen"),
        ("dark_wolf_88", "@dark_wolf_88", "Virtasen", "040 123 4567"),
    ),
    Sample(
        "fi",
        "Pekka ja Antti ovat sisaruksia. Pekan puhelimesta löytyi kuvia, Antin ei. Isä soitti "
        "Pekalle luokan 7B retkellä. Sivu 12 lomakkeesta jäi tyhjäksi.",
        ("Pekka Laine", "Antti Laine"),
        ("Pekka", "Antti", "Pekan", "Antin", "Pekalle"),
    ),
    Sample(
        "fi",
        "Oton isä (Otto Heikkilä) sanoi, että Mikki-lempinimellä kutsuttu poika oli lukittautunut "
        "huoneeseensa. Yhteys: otto.h (at) example.fi, tunnus 150805A912U.",
        ("Otto Heikkilä", "Mikko Heikkilä", "150805A912U"),
        ("Oton", "Otto Heikkilä", "Mikki", "otto.h (at) example.fi", "150805A912U"),
    ),
    Sample(
        "fi",
        "Kaisun äiti Aino maksoi terapian itse, tililtä FI21 1234 5600 0007 85. Ainon mukaan "
        "ainoa apu oli vertaistukiryhmä, johon osallistui 1.-3.5.2024 kymmenen vanhempaa.",
        ("Kaisu Mäkinen", "Aino Mäkinen"),
        ("Kaisun", "Aino", "FI21 1234 5600 0007 85", "Ainon"),
    ),
    Sample(
        "sv",
        "Mamma berättade att Ella var 14 år. Ellas telefon hade meddelanden från snapkungen_07. "
        "Hans pappa ringde 070-123 45 67 och hans syster hjälpte till.",
        ("Ella Lindqvist", "snapkungen_07", "Hans Lindqvist"),
        ("Ella", "Ellas", "snapkungen_07", "Hans", "070-123 45 67"),
    ),
    Sample(
        "sv",
        "Målet B 1234-24 avgjordes efter två år. Pappans personnummer 19811218-9876 stod i domen "
        "och hans mejl var pappa.l@example.se. Skolan (årskurs 7) agerade först efter "
        "1\u20136 månader.",
        ("B 1234-24", "Erik Lindqvist"),
        ("B 1234-24", "19811218-9876", "pappa.l@example.se"),
    ),
    Sample(
        "sv",
        "Erik hittade bilderna. Eriks fru kontaktade polisen (ärende 5000-K123456-24) kl. 14:30. "
        "Se även example.se/stod för stöd. Det tog 3 veckor innan någon hörde av sig.",
        ("Erik Lindqvist", "5000-K123456-24"),
        ("Erik", "Eriks", "5000-K123456-24", "example.se/stod"),
    ),
    Sample(
        "sv",
        "Förövaren använde kontot @lilla.stjarnan och sa sig vara 15. Ronja blockerade hen, men "
        "Ronjas bror såg meddelandena. Ring 0046 70 123 45 67 vid frågor.",
        ("Ronja Berg", "lilla.stjarnan"),
        ("@lilla.stjarnan", "Ronja", "Ronjas", "0046 70 123 45 67"),
    ),
    Sample(
        "en",
        "Siobhan's mother said the Garda took 18 months. Seán, her brother, found the messages "
        "from xXgamerXx on the console. We will never forget the 6-12 months of waiting.",
        ("Siobhán Murphy", "Seán Murphy", "xXgamerXx"),
        ("Siobhan's", "Seán", "xXgamerXx"),
    ),
    Sample(
        "en",
        "Her PPSN 1234567T was on the Tusla letter dated 12/03/2024. Call +353 87 123 4567 or "
        "087 765 4321. The hearing is at 10.30 in court 4, page 12 of the file.",
        ("Niamh Kelly", "1234567T", "+353 87 123 4567"),
        ("1234567T", "+353 87 123 4567", "087 765 4321"),
    ),
    Sample(
        "en",
        "Niamh Kelly's daughter used tiktok.com/@niamhsgirl to post. The offender wrote from "
        "www.example.com/u/kelly and niamh.k@example.ie. Will Byrne, her uncle, reported it.",
        ("Niamh Kelly", "Will Byrne"),
        (
            "Niamh Kelly's",
            "tiktok.com/@niamhsgirl",
            "www.example.com/u/kelly",
            "niamh.k@example.ie",
            "Will Byrne",
        ),
    ),
    Sample(
        "en",
        "They live at 14 Oak Park, Dublin 15. The school noticed first. Between 2019 and 2024 "
        "the family met 7 professionals, rated 2 of 5 on average, 50 % felt unheard.",
        ("14 Oak Park, Dublin 15", "Ciara Doyle"),
        ("14 Oak Park, Dublin 15",),
    ),
    Sample(
        "fi",
        "Lapsen isä Matti soitti numeroon 040 - 123 45 67 ja kertoi, että Matin ja Heikin "
        "tietokoneelta löytyi kuvia. Heikki oli tuolloin 9-vuotias.",
        ("Matti Korhonen", "Heikki Korhonen"),
        ("Matti", "040 - 123 45 67", "Matin", "Heikin", "Heikki"),
    ),
)


def evaluate() -> None:
    total = Counter[str]()
    print(f"{'#':>2} lang found missed partial false-alarms")
    for number, sample in enumerate(SAMPLES, start=1):
        findings = screen_text(sample.narrative, vault_values=sample.vault_values)
        found = Counter(finding.text for finding in findings)
        expected = Counter(sample.expected)
        hits, missed, extra = found & expected, expected - found, found - expected
        # A hit inside a missed planted value ("otto" of a spelled-out e-mail) is partial.
        partial = Counter(text for text in extra.elements() if any(text in miss for miss in missed))
        false_alarms = extra - partial
        total.update(
            hits=hits.total(),
            missed=missed.total(),
            partial=partial.total(),
            false_alarms=false_alarms.total(),
            planted=expected.total(),
        )
        print(
            f"{number:>2} {sample.language:>4} {hits.total():>5} {missed.total():>6} "
            f"{partial.total():>7} {false_alarms.total():>12}"
        )
        kinds = {finding.text: finding.kind for finding in findings}
        for text in missed.elements():
            print(f"        missed: {text!r}")
        for text in partial.elements():
            print(f"        partial: {text!r} ({kinds[text]})")
        for text in false_alarms.elements():
            print(f"        false alarm: {text!r} ({kinds[text]})")
    recall = total["hits"] / total["planted"]
    flagged = total["hits"] + total["false_alarms"]
    precision = total["hits"] / flagged if flagged else 1.0
    print(
        f"\nplanted {total['planted']}, found {total['hits']}, missed {total['missed']} "
        f"(with {total['partial']} partial hits inside them), false alarms "
        f"{total['false_alarms']}; recall {recall:.1%}, precision {precision:.1%}"
    )


def time_per_thousand_words() -> None:
    narrative = " ".join(sample.narrative for sample in SAMPLES)
    words = len(narrative.split())
    long_text = " ".join([narrative] * (5000 // words + 1))
    word_count = len(long_text.split())
    vault = (
        "Mikko Virtanen",
        "Liisa Virtanen",
        "Aino Mäkinen",
        "Erik Lindqvist",
        "Siobhán Murphy",
        "dark_wolf_88",
        "5710/R/12345/24",
        "B 1234-24",
        "+358 40 123 4567",
        "liisa.v@example.fi",
    )
    started = time.perf_counter()
    screen_text(long_text, vault_values=vault)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        screen_text(long_text, vault_values=vault)
        runs.append(time.perf_counter() - started)
    warm = statistics.median(runs)
    print(f"\n{word_count} words, {len(vault)} vault values:")
    print(f"  first call (compiles the vault patterns): {cold * 1000:.1f} ms")
    print(f"  later calls, median of 20: {warm * 1000:.1f} ms")
    print(f"  per 1,000 words: {warm / word_count * 1000 * 1000:.2f} ms")
    started = time.perf_counter()
    screen_text(long_text)
    print(f"  patterns only, no vault: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    evaluate()
    time_per_thousand_words()
