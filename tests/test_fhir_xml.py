"""FHIR in its XML form, as NHS systems exchange it: the same people and tests as its JSON."""

from __future__ import annotations

import json

from breachdesk.readers import fhir, fhir_xml
from breachdesk.readers.base import Record
from test_generalise import people_in_file

A, B = "4557660932", "4274295745"  # valid NHS numbers, invented
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests", "sensitive")

BUNDLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://hl7.org/fhir">
  <type value="collection"/>
  <entry>
    <fullUrl value="urn:uuid:7f0c1a52-0001"/>
    <resource>
      <Patient>
        <id value="p1"/>
        <text><status value="generated"/>
          <div xmlns="http://www.w3.org/1999/xhtml">Grace Okafor</div></text>
        <identifier>
          <system value="https://fhir.nhs.uk/Id/nhs-number"/>
          <value value="{A}"/>
        </identifier>
        <name><use value="official"/><family value="Okafor"/><given value="Grace"/>
          <given value="Adaeze"/></name>
        <birthDate value="1962-01-12"><extension url="http://example.org/time">
          <valueDateTime value="1962-01-12T04:10:00Z"/></extension></birthDate>
        <address><line value="1 High Street"/><postalCode value="SE15 4AB"/></address>
      </Patient>
    </resource>
  </entry>
  <entry>
    <resource>
      <Patient>
        <id value="p2"/>
        <identifier><system value="urn:oid:2.16.840.1.113883.2.1.4.1"/>
          <value value="{B}"/></identifier>
        <name><family value="Nowak"/><given value="Tomasz"/></name>
        <birthDate value="1975-11-02"/>
      </Patient>
    </resource>
  </entry>
  <entry>
    <fullUrl value="urn:uuid:7f0c1a52-0002"/>
    <resource>
      <Observation>
        <status value="final"/>
        <code>
          <coding><system value="http://snomed.info/sct"/><code value="165816005"/>
            <display value="HIV antibody test"/></coding>
          <text value="HIV 1+2 Ab/Ag"/>
        </code>
        <subject><reference value="urn:uuid:7f0c1a52-0001"/></subject>
        <valueString value="Reactive"/>
      </Observation>
    </resource>
  </entry>
  <entry>
    <resource>
      <DiagnosticReport>
        <status value="final"/>
        <code><text value="PSA"/></code>
        <subject><reference value="Patient/p2"/></subject>
        <conclusion value="Raised"/>
      </DiagnosticReport>
    </resource>
  </entry>
</Bundle>
""".encode()


def _people(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    return people_in_file(name, data, FIELDS)


def test_a_bundle_gives_each_patient_with_the_tests_that_point_at_them() -> None:
    assert _people("bundle.xml", BUNDLE) == (
        "fhir_xml",
        [
            ("Nowak", "Tomasz", "1975-11-02", B, "PSA", "cancer"),
            ("Okafor", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
        ],
    )


def test_the_xml_form_reads_as_its_json_form() -> None:
    [grace, tomasz, links] = list(fhir_xml.read(BUNDLE, "bundle.xml"))
    assert isinstance(links, Record) and links.schema == fhir.LINKS  # the Patients' ids
    assert isinstance(grace, Record) and isinstance(tomasz, Record)
    assert grace.locator == "entry:1" and tomasz.locator == "entry:2"
    assert grace.fields == {
        "nhs_number": [A],
        "family_name": ["Okafor"],
        "given_name": ["Grace"],  # the first given name, as from JSON
        "date_of_birth": ["1962-01-12"],
        "sex": [],
        "address": ["1 High Street"],
        "postcode": ["SE15 4AB"],
        "test": ["HIV 1+2 Ab/Ag^HIV antibody test^165816005"],
        "result": ["Reactive"],
    }
    same_in_json = {
        "resourceType": "Bundle",
        "entry": [
            {
                "fullUrl": "urn:uuid:7f0c1a52-0001",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [{"system": fhir.NHS_SYSTEM, "value": A}],
                    "name": [{"family": "Okafor", "given": ["Grace", "Adaeze"]}],
                    "birthDate": "1962-01-12",
                    "address": [{"line": ["1 High Street"], "postalCode": "SE15 4AB"}],
                },
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "165816005",
                                "display": "HIV antibody test",
                            }
                        ],
                        "text": "HIV 1+2 Ab/Ag",
                    },
                    "subject": {"reference": "urn:uuid:7f0c1a52-0001"},
                    "valueString": "Reactive",
                }
            },
        ],
    }
    [from_json, _] = list(fhir.read(json.dumps(same_in_json).encode(), "bundle.json"))
    assert isinstance(from_json, Record)
    assert from_json.fields == grace.fields


def test_a_single_patient_resource() -> None:
    data = (
        '<Patient xmlns="http://hl7.org/fhir"><identifier>'
        f'<system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="{A}"/></identifier>'
        '<name><family value="Okafor"/><given value="Grace"/></name>'
        '<birthDate value="1962-01-12"/></Patient>'
    ).encode()
    assert _people("patient.xml", data) == (
        "fhir_xml",
        [("Okafor", "Grace", "1962-01-12", A, None, None)],
    )


def test_broken_fhir_xml_is_read_as_text_not_lost() -> None:
    data = (
        '<Patient xmlns="http://hl7.org/fhir"><name><family value="Okafor"/>'
        f"<!-- cut off --> Patient: OKAFOR, Grace DOB 12/01/1962 NHS {A}"
    ).encode()
    kind, people = _people("cut.xml", data)
    assert kind == "fhir_xml"
    assert people == [("OKAFOR", "Grace", "1962-01-12", A, None, None)]


def test_entity_declarations_are_never_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Patient xmlns="http://hl7.org/fhir"><name><family value="&b;"/></name></Patient>'
    )
    kind, people = _people("bomb.xml", data)
    assert kind == "fhir_xml" and people == []
