"""SQL dumps: MySQL ``INSERT`` batches and PostgreSQL ``COPY ... FROM stdin`` blocks.

A ``patients`` row is a person-record (locator ``table:<name>!row:N``, N counting that table's rows
from 1 across statements). A ``results`` row points at a patient by id only (``patient_id`` ->
``patients.id``): joined through that key it is a person-record of its own at
``table:results!row:N``, the patient's identifying categories plus its test and result, as
``detect.relations`` reports it.

``other_lab`` exports its first such database as a LIMS export instead: a folder holding
``patients.csv`` and ``results.csv`` (``PatientID`` in both), joined across the two files
(``detect.folder_relations``): the results rows are records of ``results.csv`` at ``row:N``.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import timedelta

from breachdesk import nhs
from breachdesk.synth import clinical, noise, variants
from breachdesk.synth.context import App, Ctx, chunks, moment
from breachdesk.synth.people import ATTACK, Person
from breachdesk.synth.truth import (
    ADDRESS,
    DOB,
    EMAIL,
    MRN,
    NAME,
    NHS,
    PHONE,
    POSTCODE,
    RESULT,
    Rec,
)


def _mysql(value: str | None) -> str:
    if value is None or value == "":
        return "NULL"
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _copy(value: str) -> str:
    if value == "":
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _identity(rng: random.Random, person: Person) -> tuple[noise.Written, int]:
    w = noise.written(rng, person, caps=0.2, no_nhs=0.1)
    cats = NAME | DOB | POSTCODE | ADDRESS
    if w.nhs:
        cats |= NHS
    return w, cats


def mysql(ctx: Ctx, rng: random.Random, apps: Sequence[App]) -> tuple[str, list[Rec]]:
    out = [
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n",
        "-- Host: lims-db01    Database: results\n",
        "/*!40101 SET NAMES utf8mb4 */;\n\n",
        "DROP TABLE IF EXISTS `patients`;\n",
        "CREATE TABLE `patients` (\n  `id` int NOT NULL AUTO_INCREMENT,\n",
        "  `nhs_number` varchar(10) DEFAULT NULL,\n  `surname` varchar(64) NOT NULL,\n",
        "  `forename` varchar(64) NOT NULL,\n  `dob` date NOT NULL,\n  `sex` char(1),\n",
        "  `address1` varchar(128),\n  `postcode` varchar(8),\n  `phone` varchar(20),\n",
        "  `email` varchar(128),\n  `practice_code` varchar(6),\n  PRIMARY KEY (`id`)\n",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n",
    ]
    recs: list[Rec] = []
    joined: list[Rec] = []
    results: list[str] = []
    row = 0
    for batch in chunks(rng, apps, 50, 200):
        values = []
        for idx, _ in batch:
            row += 1
            person = ctx.pop.persons[idx]
            w, cats = _identity(rng, person)
            phone = person.phone if rng.random() < 0.8 else ""
            email = person.email if rng.random() < 0.8 else ""
            cats |= (PHONE if phone else 0) | (EMAIL if email else 0)
            fields = [w.nhs, w.family, w.given, w.dob.isoformat(), person.sex, person.street]
            fields += [person.postcode, phone, email, person.gp]
            values.append(f"({row}," + ",".join(_mysql(f) for f in fields) + ")")
            recs.append((f"table:patients!row:{row}", idx, cats, (), tuple(w.tags), person.gp))
            for test in clinical.pick_routine(rng, rng.randint(1, 3)):
                res = clinical.result(rng, test)
                when = moment(rng, days_before=40)
                locator = f"table:results!row:{len(results) + 1}"
                tested = cats | (RESULT if res.value else 0)
                joined.append((locator, idx, tested, (test.code,), tuple(w.tags), person.gp))
                results.append(
                    f"({len(results) + 1},{row},{_mysql(test.code)},{_mysql(res.value)},"
                    f"{_mysql(res.units)},'{when:%Y-%m-%d %H:%M:%S}')"
                )
        out.append("INSERT INTO `patients` VALUES " + ",".join(values) + ";\n")
    out.append(
        "\nDROP TABLE IF EXISTS `results`;\nCREATE TABLE `results` (\n  `id` int NOT NULL,\n"
        "  `patient_id` int NOT NULL,\n  `test_code` varchar(16),\n  `value` varchar(64),\n"
        "  `units` varchar(16),\n  `reported_at` datetime,\n  PRIMARY KEY (`id`)\n);\n"
    )
    for start in range(0, len(results), 200):
        out.append("INSERT INTO `results` VALUES " + ",".join(results[start : start + 200]) + ";\n")
    invoices = ",".join(
        f"({n},'{nhs.generate_invalid(rng)}',{rng.uniform(10, 900):.2f})" for n in range(1, 30)
    )
    out.append(
        "\nCREATE TABLE `invoices` (`id` int, `invoice_no` varchar(10), `amount` decimal(8,2));\n"
        f"INSERT INTO `invoices` VALUES {invoices};\n"
    )
    return "".join(out), recs + joined


_LIMS_PATIENTS = (
    "PatientID",
    "NHSNumber",
    "Surname",
    "Forename",
    "DateOfBirth",
    "Sex",
    "Address1",
    "Postcode",
    "Phone",
    "Email",
    "PracticeCode",
)
_LIMS_RESULTS = ("ResultID", "PatientID", "TestCode", "Value", "Units", "ReportedAt")


def lims_export(
    ctx: Ctx, rng: random.Random, apps: Sequence[App]
) -> tuple[str, list[Rec], str, list[Rec]]:
    """The patients and results tables of ``mysql`` as two CSV files: (patients.csv, its
    records, results.csv, the joined records of its rows)."""
    patients, results = io.StringIO(), io.StringIO()
    people, tested = csv.writer(patients, lineterminator="\r\n"), csv.writer(results)
    people.writerow(_LIMS_PATIENTS)
    tested.writerow(_LIMS_RESULTS)
    recs: list[Rec] = []
    joined: list[Rec] = []
    for row, (idx, _) in enumerate(apps, start=1):
        person = ctx.pop.persons[idx]
        w, cats = _identity(rng, person)
        phone = person.phone if rng.random() < 0.8 else ""
        email = person.email if rng.random() < 0.8 else ""
        cats |= (PHONE if phone else 0) | (EMAIL if email else 0)
        born = w.dob.isoformat()
        address = [person.street, person.postcode, phone, email, person.gp]
        people.writerow([1000 + row, w.nhs, w.family, w.given, born, person.sex, *address])
        recs.append((f"row:{row}", idx, cats, (), tuple(w.tags), person.gp))
        for test in clinical.pick_routine(rng, rng.randint(1, 3)):
            res = clinical.result(rng, test)
            when = moment(rng, days_before=40)
            number = len(joined) + 1
            cat = cats | (RESULT if res.value else 0)
            joined.append((f"row:{number}", idx, cat, (test.code,), tuple(w.tags), person.gp))
            stamp = f"{when:%Y-%m-%d %H:%M:%S}"
            tested.writerow([50_000 + number, 1000 + row, test.code, res.value, res.units, stamp])
    return patients.getvalue(), recs, results.getvalue(), joined


def postgres(ctx: Ctx, rng: random.Random, apps: Sequence[App]) -> tuple[str, list[Rec]]:
    out = [
        "--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n",
        "CREATE TABLE public.patient_demographics (\n    id integer NOT NULL,\n",
        "    nhs_no character varying(10),\n    family_name text,\n    given_name text,\n",
        "    birth_date date,\n    postcode text,\n    mrn text\n);\n\n",
        "COPY public.patient_demographics (id, nhs_no, family_name, given_name, birth_date, "
        "postcode, mrn) FROM stdin;\n",
    ]
    recs: list[Rec] = []
    for row, (idx, _) in enumerate(apps, start=1):
        person = ctx.pop.persons[idx]
        w, cats = _identity(rng, person)
        cats &= ~ADDRESS
        fields = [str(row), w.nhs, w.family, w.given, w.dob.isoformat(), person.postcode]
        fields.append(person.mrn)
        out.append("\t".join(_copy(f) for f in fields) + "\n")
        locator = f"table:patient_demographics!row:{row}"
        recs.append((locator, idx, cats | MRN, (), tuple(w.tags), ""))
    out.append("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n")
    return "".join(out), recs


def write(ctx: Ctx, apps: list[App]) -> None:
    rng = ctx.rng("sql")
    cut = len(apps) * 7 // 10
    for n, chunk in enumerate(chunks(rng, apps[:cut], 400, 6000)):
        day = ATTACK - timedelta(days=4 + 7 * n)
        if n == 0 and ctx.variant == variants.OTHER_LAB:
            people, recs, results, joined = lims_export(ctx, rng, chunk)
            folder = f"Exports/LIMS_{day:%Y%m%d}"
            ctx.truth.add(ctx.dump.put(f"{folder}/patients.csv", people.encode(), "csv"), recs)
            ctx.truth.add(ctx.dump.put(f"{folder}/results.csv", results.encode(), "csv"), joined)
            continue
        text, recs = mysql(ctx, rng, chunk)
        name = f"Backups/results_{day:%Y%m%d}.sql"
        ctx.truth.add(ctx.dump.put(name, text.encode("utf-8"), "sql"), recs)
    for n, chunk in enumerate(chunks(rng, apps[cut:], 400, 6000), start=1):
        text, recs = postgres(ctx, rng, chunk)
        name = f"Backups/pg/pmi_copy_{n:02d}.sql"
        ctx.truth.add(ctx.dump.put(name, text.encode("utf-8"), "sql"), recs)
