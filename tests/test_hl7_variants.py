"""HL7 v2 as other feeds write it: several patients in one message, a report's text lines as
results, hospital numbers with other type codes or none, local codes that are another test's
catalogue code, the NHS number in PID-19."""

from __future__ import annotations

from test_generalise import A, B, people_in_file

FIELDS = ("nhs_number", "family_name", "hospital_number", "tests", "sensitive")
MSH = "MSH|^~\\&|WINPATH|RBZ|EPR|RBZ|20240312101500||ORU^R01|MSG2|P|2.4"


def _people(*segments: str) -> list[tuple[str | None, ...]]:
    data = "\r".join([MSH, *segments]).encode()
    kind, found = people_in_file("feed.hl7", data, FIELDS)
    assert kind == "hl7"
    return found


def test_each_patient_of_a_message_is_a_record_with_their_own_tests() -> None:
    assert _people(
        f"PID|1||{A}^^^NHS^NH~D200001^^^RBZ^MR||JONES^MARY||19720101|F",
        "OBR|1|O1|L1|HIVAGAB^HIV 1+2 Ag/Ab^L",
        "OBX|1|ST|HIVAGAB^HIV 1+2 Ag/Ab^L||Reactive",
        f"PID|2||{B}^^^NHS^NH~D200002^^^RBZ^MR||BROWN^PETER||19800202|M",
        "OBR|2|O2|L2|PSA^Prostate specific antigen^L",
        "OBX|1|NM|PSA^PSA^L||8.1|ug/L",
    ) == [(B, "BROWN", "D200002", "PSA", "cancer"), (A, "JONES", "D200001", "HIVAGAB", "hiv")]


def test_tests_named_in_a_reports_text_lines() -> None:
    assert _people(
        f"PID|1||{A}^^^NHS^NH||KING^ROSE||19850505|F",
        "OBR|1|O|L|VIRO^Virology report^L",
        "OBX|1|TX|VIRO^Virology report^L|1|HIV 1+2 antigen/antibody: NOT detected",
        "OBX|2|TX|VIRO^Virology report^L|2|Hepatitis C antibody: REACTIVE - sample referred",
        "OBX|3|ST|VIRO^Virology report^L|3|Reactive",
    ) == [(A, "KING", None, "HIVAGAB;HCVAB", "hepatitis;hiv")]


def test_hospital_numbers_with_other_type_codes_or_none() -> None:
    found = _people(
        "PID|1||RX10001^^^RX1^MRN||ADAMS^CLAIRE||19700101|F",
        "PID|2||RX10002^^^RX1^LR||BAKER^SIMON||19700102|M",
        "PID|3||K555111||NORTH^NINA|||F",  # no type, no birth date: the number names her
        "OBR|1|O|L|HIVVL^HIV viral load^L",
        "PID|4|K123456|NOTANUMBER||SHAW^ANN||19700104|F",  # words are no hospital number
    )
    assert found == [
        (None, "ADAMS", "RX10001", None, None),
        (None, "BAKER", "RX10002", None, None),
        (None, "NORTH", "K555111", "HIVVL", "hiv"),
        (None, "SHAW", "K123456", None, None),
    ]


def test_the_text_says_which_test_a_local_code_is() -> None:
    assert _people(
        f"PID|1||{A}^^^NHS^NH||OWEN^PETRA||19720202|F",
        "OBX|1|NM|CA^CA 125^L||35|kU/L",
        "OBX|2|NM|HB^Hepatitis B surface antigen^L||Neg",
        "OBX|3|NM|CA^Calcium^L||2.4|mmol/L",
        "OBX|4|NM|2345-7^Glucose^LN||5.1|mmol/L",
    ) == [(A, "OWEN", None, "CA125;HBSAG;CA;GLU", "cancer;hepatitis")]


def test_an_nhs_number_in_pid_19() -> None:
    assert _people(
        f"PID|1||RX30001^^^RX1^MR||GRAY^NICOLA||19750505|F|||5 CLOSE^^LEEDS^^LS1 4AP||||||||{A}",
    ) == [(A, "GRAY", "RX30001", None, None)]


def test_the_legal_name_of_several_and_a_null_or_split_surname() -> None:
    found = _people(
        "PID|1||K223344^^^RBZ^MR||~WILLIAMS^GARETH^^^^^L~WILLS^GARY^^^^^A||19881111|M",
        "PID|2||K223345^^^RBZ^MR||BABY^GIRL^^^^^A~EVANS^CHLOE^^^^^L||20240301|F",
        f"PID|3||{A}^^^NHS^NH||van der Berg&van der&Berg^Ruth||19700101|F",
        'PID|4||RX91^^^RX1^MR||""^ANON||19700102|F',  # no surname: "" is HL7's null
    )
    assert found == [
        (A, "van der Berg", None, None, None),
        (None, "EVANS", "K223345", None, None),
        (None, "WILLIAMS", "K223344", None, None),
    ]


def test_escape_sequences_in_names_tests_and_text_results() -> None:
    """HL7's escapes read: a hex-escaped letter of a name (UTF-8 bytes, or Latin-1 where they
    are no UTF-8), ``\\T\\`` in a test's text, ``\\.br\\`` breaking a formatted report's lines
    (each line's test and result its own), highlighting dropped."""
    found = _people(
        f"PID|1||{A}^^^NHS^NH||N\\XC38D\\ BHRIAIN^ZO\\XC3AB\\||19850505|F",
        "OBX|1|ST|HIV12^HIV 1\\T\\2 antibody^L||\\H\\Reactive\\N\\",
        f"PID|2||{B}^^^NHS^NH||\\XD3\\ SE\\XC1\\^SIOBHAN||19800202|F",
        "OBX|1|FT|REP^Report^L||Syphilis antibody: not detected\\.br\\Hepatitis C antibody: "
        "REACTIVE\\.br\\",
    )
    assert found == [
        (B, "Ó SEÁ", None, "SYPH;HCVAB", "hepatitis;sexual_health"),
        (A, "NÍ BHRIAIN", None, "HIVAB", "hiv"),
    ]


def test_a_vendors_z_segment_names_the_patients_tests_as_a_comment_does() -> None:
    # An infection-control alert carried in a vendor's own segment; its set ID and the
    # component separators are no words of it.
    assert _people(
        f"PID|1||{A}^^^NHS^NH||OBRIEN^SIOBHAN||19830209|F",
        "ZPI|1|HEPB CARRIER^INFECTION CONTROL ALERT|Previous Hep B surface antigen positive 2019",
    ) == [(A, "OBRIEN", None, "HBSAG", "hepatitis")]
    assert _people(f"PID|1||{A}^^^NHS^NH||OBRIEN^SIOBHAN||19830209|F", "ZPI|1|WARD 7^BED 3") == [
        (A, "OBRIEN", None, None, None)
    ]
