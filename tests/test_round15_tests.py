"""Round 15: analysers' own assay names (Siemens Atellica / ADVIA Centaur, Abbott Architect /
Alinity, Roche Elecsys), nucleic-acid assays kept apart from serology, a "/" list inside a
description, drugs-of-abuse column headings, and the words of a histology cut-up or a genetics
referral that tell of a cancer investigation. Synthetic data only."""

from __future__ import annotations

import random

import pytest

from breachdesk import catalogue
from breachdesk.detect import diagnosis_words, lab_tests
from breachdesk.nhs import generate
from test_generalise import people_in_file

_RNG = random.Random(1515)
N1, N2, N3, N4 = (generate(_RNG) for _ in range(4))
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")


# --- Catalogue spellings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # Siemens Atellica IM / ADVIA Centaur assay abbreviations
        ("HBsAgII", "HBSAG"),
        ("HBsAg II", "HBSAG"),
        ("aHCV", "HCVAB"),
        ("Anti-HCV", "HCVAB"),
        ("ThCG", "HCG"),
        ("Total hCG", "HCG"),
        ("aHBs2", "HBSAB"),
        ("HBcT", "HBCAB"),
        ("CHIV", "HIVAGAB"),
        # Abbott Architect / Alinity assay names
        ("AntiHBc_II", "HBCAB"),
        ("HIV Ag/Ab Combo", "HIVAGAB"),
        ("Syphilis TP", "SYPH"),
        ("TPAB", "SYPH"),
        # Roche Elecsys
        ("hCG+b", "HCG"),
        ("HIV combi PT", "HIVAGAB"),
        # Lab shorthand
        ("aHBc", "HBCAB"),
        ("HBcAb", "HBCAB"),
        ("HEPB", "HBSAG"),
        ("HepC", "HCVAB"),
        ("Group & Screen", "GS"),
        ("Zinc", "ZINC"),
        ("Zinc (serum)", "ZINC"),
        ("Amphet", "AMPH"),
        ("Benzo", "BENZ"),
        ("Mycobacterium tuberculosis", "AFB"),
    ],
)
def test_analyser_assay_names_are_their_tests(written: str, code: str) -> None:
    assert lab_tests.lookup(written) == [code]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Hep B DNA", "HBVDNA"),
        ("HBV genotype", "HBVGEN"),
        ("HBV genotype & resistance", "HBVGEN"),
        ("HIV-1 genotypic resistance", "HIVRES"),
        ("HIV-1 genotype", "HIVRES"),
        ("HIV-1 VL", "HIVVL"),
        ("Hep C viral load", "HCVRNA"),
        ("Measles PCR", "MEASPCR"),
        ("Measles IgG", "MEASG"),
    ],
)
def test_nucleic_acid_assays_are_not_serology(written: str, code: str) -> None:
    assert lab_tests.lookup(written)[0] == code


def test_each_new_spelling_names_one_test_and_the_file_keeps_crlf() -> None:
    index = catalogue.by_term()
    codes = {test.code for test in catalogue.load()}
    assert {"HBVGEN", "MEASPCR", "ZINC"} <= codes
    for test in catalogue.load():
        for term in test.spellings:
            # a spelling another test wrote first would be read as that test
            assert index[catalogue.term_key(term)].code == test.code or test.code not in {
                "HBVGEN",
                "MEASPCR",
                "ZINC",
            }
    path = catalogue.resources.files("breachdesk") / "data" / "test_catalogue.csv"
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 280


def test_zinc_in_prose_is_no_test() -> None:
    found = [m.value for m in lab_tests.detect("apply zinc oxide cream bd", coded=False)]
    assert "ZINC" not in found
    assert {m.value for m in lab_tests.detect("ZINC 14 umol/L", coded=False)} == {"ZINC"}


def test_a_slash_list_inside_a_description_keeps_every_test() -> None:
    assert lab_tests.lookup("Antenatal booking (HIV/HBsAg/Syph)") == ["HIVAGAB", "HBSAG", "SYPH"]
    assert lab_tests.lookup("HIV/HBsAg/Syph") == ["HIVAGAB", "HBSAG", "SYPH"]
    assert lab_tests.lookup("FBC/UE") == ["FBC", "UE"]
    assert lab_tests.lookup("HIV 1 and 2 antigen/antibody") == ["HIVAGAB"]


# --- Diagnosis words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("L breast WLE + SLNB", ["term sentinel node biopsy"]),
        ("?invasive ductal ca", ["term site ca"]),
        ("invasive lobular ca.", ["term site ca"]),
        ("ductal ca 2.4", []),
        ("R axillary SLN x1", ["term sentinel node biopsy"]),
        ("sentinel lymph node biopsy", ["term sentinel node biopsy"]),
        ("Prostate biopsies (TRUS) x12 cores", ["term prostate biopsy"]),
        ("transperineal template biopsies", ["term prostate biopsy"]),
        ("CRC age 52", ["term colorectal cancer"]),
        ("no evidence of CRC on colonoscopy", ["term colorectal cancer (negated)"]),
        ("CRC error on page 5", []),
        ("CRC: 0x3F2A", []),
        ("Research CRC Jane Bloggs", []),
        ("mother CRC age 60", []),
        ("MMR IHC (MLH1/PMS2/MSH2/MSH6)", ["term tumour mismatch repair testing"]),
        ("MMR vaccine given", []),
        ("Colon sigmoid resection", []),
        ("Ca 2.45 mmol/L", []),
    ],
)
def test_cancer_investigation_words(text: str, rules: list[str]) -> None:
    found = list(diagnosis_words.detect(text))
    assert [m.rule for m in found] == rules
    assert all(m.extra == "cancer" for m in found)


# --- Whole files -------------------------------------------------------------------------------


def test_atellica_astm_codes_give_hepatitis_and_pregnancy() -> None:
    data = (
        "H|\\^&|||Atellica IM^1.25^SN0001|||||||P|1|20260102091500\r"
        f"P|1||RX0000001|{N1}|QUARRIE^Isobel^M||19800102|F\r"
        "O|1|26K0000001||^^^HBsAgII\\^^^aHCV|R||20260102083000\r"
        "R|1|^^^HBsAgII^1|0.42|Index||N||F||||20260102091200\r"
        "R|2|^^^aHCV^1|0.11|Index||N||F||||20260102091230\r"
        f"P|2||RX0000002|{N2}|TREVELYAN^Maud||19950304|F\r"
        "O|1|26K0000002||^^^ThCG|R||20260102084000\r"
        "R|1|^^^ThCG^1|<2|mIU/mL||N||F||||20260102091500\r"
        "L|1|N\r"
    ).encode()
    assert people_in_file("atellica.txt", data, FIELDS)[1] == [
        ("QUARRIE", "Isobel", "1980-01-02", N1, "HBSAG;HCVAB", "hepatitis"),
        ("TREVELYAN", "Maud", "1995-03-04", N2, "HCG", "pregnancy"),
    ]


def test_drugs_of_abuse_headings_and_a_slash_screen_in_a_table() -> None:
    tox = (
        "Sample\tName\tDOB\tNHS\tAmphet\tBenzo\tCocaine\n"
        f"26T0001\tDUNWOODY Karl\t1984-02-14\t{N3}\tNEG\tPOS\tNEG\n"
    ).encode()
    assert people_in_file("tox.txt", tox, FIELDS)[1] == [
        ("DUNWOODY", "Karl", "1984-02-14", N3, "AMPH;BENZ;COCM", "substance_misuse"),
    ]
    store = (
        "Sample ID;NHS Number;Surname;Forename;DOB;Assay\n"
        f"26V0001;{N4};FAIRWEATHER;Nell;1990-09-12;Antenatal booking (HIV/HBsAg/Syph)\n"
    ).encode()
    assert people_in_file("store.csv", store, FIELDS)[1] == [
        (
            "FAIRWEATHER",
            "Nell",
            "1990-09-12",
            N4,
            "HIVAGAB;HBSAG;SYPH",
            "hepatitis;hiv;pregnancy;sexual_health",
        ),
    ]


def test_a_cut_up_list_flags_the_cancer_investigations() -> None:
    data = (
        "HISTOPATHOLOGY CUT-UP LIST    Bench B    02/01/2026\n"
        "Specimen   Patient              DOB         NHS No      Specimen description\n"
        f"H26-00001  KINGSLEY, Rosa       15/09/1952  {N1}  L breast WLE+SLNB ?invasive ductal ca\n"
        f"H26-00002  ALDOUS, Bartholomew  21/03/1960  {N2}  Prostate biopsies (TRUS) x12 cores\n"
        f"H26-00003  PENROSE, Ivy         02/01/1988  {N3}  Skin ellipse L forearm\n"
    ).encode()
    got = people_in_file("cutup.txt", data, ("family_name", "nhs_number", "sensitive"))[1]
    assert got == [
        ("ALDOUS", N2, "cancer"),
        ("KINGSLEY", N1, "cancer"),
        ("PENROSE", N3, None),
    ]
