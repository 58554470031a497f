"""DICOM files: the patient and study attributes of the header, read with pydicom.

Digital pathology keeps its scanned slides as DICOM (whole-slide images), and imaging passes
through the same systems: each file's header names its patient (Patient's Name as HL7 writes
it, "OKAFOR^GRACE"), their ID (a hospital number, or the NHS number), date of birth and sex, and
what was studied and why. The header is read as a one-row table under the names the table
detectors know, so its columns are typed as any export's; pixel data is never read.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator

import pydicom
import pydicom.config
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue

from breachdesk.readers.base import Item, ReaderError, Table

# Attribute -> the column it is read as.
_COLUMNS = (
    ("PatientName", "Patient Name"),
    ("PatientID", "Patient ID"),
    ("PatientBirthDate", "Date of Birth"),
    ("PatientSex", "Sex"),
    ("PatientAddress", "Address"),
    ("PatientTelephoneNumbers", "Phone"),
    ("StudyDescription", "Test Description"),
    ("SeriesDescription", "Investigation"),
    ("RequestedProcedureDescription", "Test Requested"),
    ("AccessionNumber", "Accession Number"),
    ("ReferringPhysicianName", "Referring Clinician"),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | MultiValue):  # a value repeated: each in turn
        return "; ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _nhs_number(dataset: Dataset) -> str:
    """The patient's NHS number where another of their IDs is issued by the NHS."""
    others = dataset.get("OtherPatientIDsSequence") or []
    issued = [item for item in others if "NHS" in _text(item.get("IssuerOfPatientID")).upper()]
    if issued:
        return _text(issued[0].get("PatientID"))
    return (
        _text(dataset.get("PatientID"))
        if "NHS" in _text(dataset.get("IssuerOfPatientID")).upper()
        else ""
    )


# pydicom warns, and logs, about every malformed value it reads, quoting the value: a
# hostile or damaged header's names would reach the logs. Values are read as they stand.
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
logging.getLogger("pydicom").propagate = False
logging.getLogger("pydicom").addHandler(logging.NullHandler())


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
            cells = {column: _text(dataset.get(keyword)) for keyword, column in _COLUMNS}
            nhs = _nhs_number(dataset)
    except (InvalidDicomError, ValueError, TypeError, KeyError, EOFError, OSError) as exc:
        raise ReaderError(f"damaged DICOM file: {exc}") from exc
    except Exception as exc:  # pydicom raises many types on hostile input
        raise ReaderError(f"damaged DICOM file: {type(exc).__name__}: {exc}") from exc
    if nhs:
        cells["NHS Number"] = nhs
    filled = {column: value for column, value in cells.items() if value}
    if filled:
        yield Table(
            header=list(filled),
            columns=[[value] for value in filled.values()],
            first_row=1,
            prefix="header!",
        )
