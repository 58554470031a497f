"""Round 15: OCR's letters for digits, NHS numbers grouped 3-4-3 or slashed, ZPL label spools."""

from __future__ import annotations

import random

import pytest

from breachdesk import nhs
from breachdesk.detect import nhs_number, ocr_digits, prefilter
from breachdesk.ingest.sniff import sniff_data
from test_generalise import people_in_file

FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests")


def _numbers(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [nhs.generate(rng) for _ in range(count)]


def _ocr(digits: str, at: dict[int, str]) -> str:
    """``digits`` with the characters at the given places read as letters."""
    return "".join(at.get(i, c) for i, c in enumerate(digits))


def _mangled(rng: random.Random, letters: int = 2) -> tuple[str, str]:
    """A valid NHS number and it as OCR read it: up to ``letters`` of its 0s and 1s as O or l
    (at least one)."""
    while True:
        number = nhs.generate(rng)
        places = [i for i, c in enumerate(number) if c in "01"][:letters]
        if places:
            return number, _ocr(number, {i: "O" if number[i] == "0" else "l" for i in places})


def test_ocr_letters_in_a_worklist_table_and_a_letter_are_read_as_digits() -> None:
    rng = random.Random(15)
    (first, first_read), (third, third_read) = _mangled(rng, 1), _mangled(rng)
    second, (fourth, fourth_read) = nhs.generate(rng), _mangled(rng)
    table = (
        "Name              D0B          NHS Number     Test            Result\n"
        f"TURNER, Gary      O1/O7/1957   {first_read}     Hep B sAg       Negative\n"
        f"WALL, Janet       23/1l/1963   {second}     HIV Ag/Ab       Reactive\n"
        f"ELLIOTT, Ross     l4/O2/1990   {third_read}     PSA             Raised\n"
    )
    kind, people = people_in_file("ocr_page.txt", table.encode(), FIELDS)
    assert kind == "text"
    assert people == sorted(
        [
            ("TURNER", "Gary", "1957-07-01", first, "HBSAG"),
            ("WALL", "Janet", "1963-11-23", second, "HIVAGAB"),
            ("ELLIOTT", "Ross", "1990-02-14", third, "PSA"),
        ],
        key=str,
    )
    spaced = f"{fourth_read[:3]} {fourth_read[3:6]} {fourth_read[6:]}"
    letter = (
        "Department of Clinical Biochemistry\n"
        "Patient: Mrs Kathleen Burrows\n"
        f"D.O.B: l9/O3/1941        NHS No: {spaced}\n"
        "Hospital No: Kl2O4567\n\n"
        "Your patient's serum calcium was 3.l2 mmol/L with PTH 14.8 pmol/L.\n"
    )
    kind, people = people_in_file("scan_ocr.txt", letter.encode(), FIELDS[:4])
    assert (kind, people) == ("text", [("Burrows", "Kathleen", "1941-03-19", fourth)])


def test_ocr_repair_keeps_offsets_and_leaves_everything_else() -> None:
    number, read = _mangled(random.Random(7))
    assert ocr_digits.repair(f"NHS {read}, seen") == f"NHS {number}, seen"
    text = "l0OO 1O0O Kl2O4567 3.l2 Vol1 MP3 I/O lOlOlOlOlO O1O1O1O1O1 html5 h1 l10n i18n"
    assert ocr_digits.repair(text) == text
    assert ocr_digits.repair(f"NHS {read}9") == f"NHS {read}9"  # eleven: no NHS number


@pytest.mark.parametrize("seed", range(3))
def test_ocr_repair_invents_no_numbers_among_other_ten_digit_numbers(seed: int) -> None:
    """Text dense with ten-digit numbers that are not NHS numbers, each with a letter for a
    digit: a repair is made only where the checksum and range pass, so about one in twenty;
    none of those is made where fewer than seven real digits or a word runs on."""
    rng = random.Random(seed)
    made = tried = 0
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(10))
        place = rng.randrange(10)
        letter = {"0": "O", "1": "l"}.get(digits[place])
        if letter is None:
            continue
        token = _ocr(digits, {place: letter})
        tried += 1
        repaired = ocr_digits.repair(f"ref {token} x")
        if repaired != f"ref {token} x":
            made += 1
            assert repaired == f"ref {digits} x"
            assert nhs.is_valid(digits) and digits[0] in "467"
        assert ocr_digits.repair(f"ref {token}Z") == f"ref {token}Z"
        assert ocr_digits.repair(f"ref INV{token}") == f"ref INV{token}"
    assert tried > 300 and made < tried * 0.1


def test_ocr_dates_are_repaired_only_where_a_date_of_birth_is_named() -> None:
    assert ocr_digits.repair("Seen l9/O3/2021 in clinic") == "Seen l9/O3/2021 in clinic"
    assert ocr_digits.repair("DOB l9/O3/1941") == "DOB 19/03/1941"
    assert ocr_digits.repair("DOB 3l/O2/1941") == "DOB 3l/O2/1941"  # no 31st of February
    assert ocr_digits.repair("DOB l/O/1941") == "DOB l/O/1941"  # too few real digits


def test_nhs_numbers_grouped_3_4_3_or_slashed_after_a_label() -> None:
    slashed, grouped, plain = _numbers(3, 99)
    text = (
        "Referral notes - Haematology\n"
        f"Patient: Mr Anthony Walker   DOB: 14.01.1964   NHS: {slashed[:3]}/{slashed[3:6]}/"
        f"{slashed[6:]}\nFBC: Hb 92, MCV 71. Ferritin 6.\n\n"
        f"Patient: Mrs Deborah Price   DOB: 22.08.1958   NHS No {grouped[:3]} {grouped[3:7]} "
        f"{grouped[7:]}\nMyeloma screen: paraprotein 18 g/L.\n\n"
        f"Patient: Miss Chloe Patel   DOB: 01.12.2001   NHS:{plain[:3]}-{plain[3:6]}-{plain[6:]}\n"
    )
    kind, people = people_in_file("referral_notes.txt", text.encode(), FIELDS[:4])
    assert kind == "text"
    assert people == sorted(
        [
            ("Walker", "Anthony", "1964-01-14", slashed),
            ("Price", "Deborah", "1958-08-22", grouped),
            ("Patel", "Chloe", "2001-12-01", plain),
        ],
        key=str,
    )


def test_unlabelled_3_4_3_and_slashed_numbers_are_not_nhs_numbers() -> None:
    number = _numbers(1, 5)[0]
    for text in (
        f"Tel {number[:3]} {number[3:7]} {number[7:]}",
        f"ratio {number[:3]}/{number[3:6]}/{number[6:]}",
    ):
        assert [m.kind for m in nhs_number.detect(text)] == []
    found = list(nhs_number.detect(f"NHS No: {number[:3]} {number[3:7]} {number[7:]}"))
    assert [(m.kind, m.value, m.rule) for m in found] == [("nhs_number", number, "nhs_label+3-4-3")]
    found = list(nhs_number.detect(f"nhs {number[:3]}/{number[3:6]}/{number[6:]}"))
    assert [(m.kind, m.value, m.rule) for m in found] == [
        ("nhs_number", number, "nhs_label+slashed")
    ]


def test_rarer_forms_tried_at_prefilter_starts_match_finditer() -> None:
    if prefilter.starts("1") is None and prefilter.starts("NHS 455 766 0932") is None:
        pytest.skip("no Hyperscan")
    rng = random.Random(3)
    pieces = ["NHS ", "NHS No: ", "nhs: ", "Tel ", "a/c ", "x", "1", "/", " ", "-", "\n"]
    hits = 0
    for _ in range(1500):
        number = nhs.generate(rng)
        forms = [
            f"{number[:3]} {number[3:7]} {number[7:]}",
            f"{number[:3]}-{number[3:7]}-{number[7:]}",
            f"{number[:3]}/{number[3:6]}/{number[6:]}",
            f"{number[:3]}/{number[3:6]}/{number[6:]}/1",
            f"{number[:4]} {number[4:7]} {number[7:]}",
            number,
        ]
        text = "".join(rng.choice(pieces) + rng.choice(forms) for _ in range(rng.randint(1, 4)))
        starts = prefilter.starts(text)
        if starts is None:
            continue
        for pattern in (nhs_number.PATTERN, nhs_number.RARER):
            expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            got = [(m.span(), m.groups()) for m in prefilter.matches(pattern, text, starts["nhs"])]
            assert got == expected, text
            hits += len(expected)
        plain = list(nhs_number.detect(text))
        assert list(nhs_number.detect(text, starts["nhs"])) == plain, text
    assert hits > 1000


_ZPL = (
    "^XA^CI28^PW400^LL200\n"
    "^FO10,10^A0N,22,22^FDSTEVENSON, Claire^FS\n"
    "^FO10,36^A0N,18,18^FDDOB: 09/09/1970  F^FS\n"
    "^FO10,58^A0N,18,18^FDNHS: {0} {1} {2}^FS\n"
    "^FO10,80^A0N,18,18^FDHIV1/2 Ag/Ab  HBSAG^FS\n"
    "^FO10,104^BCN,50,N,N,N^FD26K0413510^FS\n"
    "^XZ\n"
    "^XA^CI28^PW400^LL200\n"
    "^FO10,10^A0N,22,22^FH^FDO_27BRIEN, Se_C3_A1n^FS\n"
    "^FX a comment ^FS\n"
    "^FO10,36^A0N,18,18^FDDOB: 17/03/1952  M^FS\n"
    "^FO10,58^A0N,18,18^FDNHS: {3} {4} {5}^FS\n"
    "^FO10,80^A0N,18,18^FDPSA  CEA^FS\n"
    "^XZ\n"
)


def test_zpl_spool_is_read_a_label_at_a_time() -> None:
    first, second = _numbers(2, 42)
    data = _ZPL.format(
        first[:3], first[3:6], first[6:], second[:3], second[3:6], second[6:]
    ).encode()
    kind, people = people_in_file("PRN04_spool.zpl", data)
    assert kind == "zpl"
    assert [p[:5] for p in people] == sorted(
        [
            ("STEVENSON", "Claire", "1970-09-09", first, "HIVAGAB;HBSAG"),
            ("O'BRIEN", "Seán", "1952-03-17", second, "PSA;CEA"),
        ],
        key=str,
    )


def test_zpl_is_sniffed_by_its_commands_not_its_name() -> None:
    assert sniff_data(b"\r\n^XA^FO10,10^FDX^FS^XZ", "job.prn") == "zpl"
    assert sniff_data(b"~JA\n^XA\n^LH0,0^FO5,5^FDX^FS^XZ", "spool.dat") == "zpl"
    assert sniff_data(b"WATSON, Emily   F   DOB 23-Mar-1990\nNHS 436", "LBL.prn") != "zpl"
    assert sniff_data(b"How to print: send ^XA ... ^XZ to the printer.\n", "notes.txt") == "text"
