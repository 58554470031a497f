"""Tables written sideways (``detect.label_columns``): a request form or details sheet with its
labels down the first column, a comparison with a column per patient."""

from __future__ import annotations

from breachdesk.detect import label_columns
from breachdesk.readers.base import Table
from test_folder_relations import workbook
from test_generalise import A, B, people_in_file

FIELDS = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "tests")


def test_a_request_form_with_its_labels_down_the_first_column() -> None:
    data = workbook(
        [
            ["Pathology request form"],
            [],
            ["Surname", "OKAFOR"],
            ["Forename", "Grace"],
            ["Date of birth", "12/01/1962"],
            ["NHS Number", A],
            ["Test requested", "HIV antibody"],
            ["Clinical details", "Needle-stick injury"],
        ],
        "Request",
    )
    assert people_in_file("form.xlsx", data, FIELDS)[1] == [
        ("sheet:Request!columns!row:1", A, "OKAFOR", "Grace", "1962-01-12", "HIVAB"),
    ]


def test_a_details_sheet_as_csv() -> None:
    data = f"Surname,OKAFOR\nForename,Grace\nDOB,12/01/1962\nNHS No,{A}\n".encode()
    assert people_in_file("details.csv", data, FIELDS)[1] == [
        ("columns!row:1", A, "OKAFOR", "Grace", "1962-01-12", None),
    ]


def test_a_column_per_patient() -> None:
    data = workbook(
        [
            ["Field", "Patient 1", "Patient 2"],
            ["Surname", "OKAFOR", "NOWAK"],
            ["Forename", "Grace", "Tomasz"],
            ["DOB", "12/01/1962", "02/11/1975"],
            ["NHS No", A, B],
            ["Test", "HIV antibody", "HbA1c"],
        ],
    )
    assert sorted(people_in_file("compare.xlsx", data, FIELDS)[1]) == [
        ("sheet:Sheet1!columns!row:1", A, "OKAFOR", "Grace", "1962-01-12", "HIVAB"),
        ("sheet:Sheet1!columns!row:2", B, "NOWAK", "Tomasz", "1975-11-02", "HBA1C"),
    ]


def test_a_table_whose_first_column_is_data_is_not_turned() -> None:
    table = Table(
        header=["Surname", "Forename", "DOB"],
        columns=[["OKAFOR", "NOWAK"], ["Grace", "Tomasz"], ["12/01/1962", "02/11/1975"]],
    )
    assert label_columns.turned(table) is None


def test_a_data_dictionary_stays_as_it_is() -> None:
    # Field names down the first column, their descriptions beside them: no one either way.
    data = (
        b"Field,Description,Type\n"
        b"NHS Number,The patient's NHS number,text\n"
        b"Surname,Family name,text\n"
        b"Date of birth,Date the patient was born,date\n"
    )
    assert people_in_file("dictionary.csv", data, FIELDS)[1] == []
