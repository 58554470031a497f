"""Stability arithmetic on hand-made samples: exact expiry times, forbidden moves, statuses."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from breachdesk import catalogue
from breachdesk.errors import UserError
from breachdesk.samples import backlog, stability, viability
from breachdesk.samples.backlog import REQUIRED, iso
from breachdesk.synth import clinical

NOW = "2024-06-05T09:00"


def triage(
    tmp_path: Path, rows: list[dict[str, str]], stab: stability.Stability | None = None
) -> tuple[backlog.Backlog, viability.Viability, list[str]]:
    path = tmp_path / "backlog.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REQUIRED)
        writer.writeheader()
        for n, row in enumerate(rows, start=1):
            base = {
                "sample_id": f"S{n}",
                "nhs_number": "9990000018",
                "family_name": "Test",
                "given_name": "Pat",
                "date_of_birth": "1970-01-01",
                "requester_code": "G85001",
                "container": "SST",
                "priority": "routine",
                "collected_at": "2024-06-03T09:00",
                "received_at": "2024-06-03T10:00",
            }
            writer.writerow(base | row)
    stab = stab or stability.load()
    now = backlog.parse_now(NOW)
    b = backlog.read(path, now, stab)
    v = viability.assess(b, stab, now)
    return b, v, viability.reasons(b, v, stab)


def until(b: backlog.Backlog, v: viability.Viability, sample: int, code: str) -> str:
    codes = stability.load().codes
    for p in range(len(b.pair_sample)):
        if b.pair_sample[p] == sample and codes[b.pair_test[p]] == code:
            return iso(int(v.until[p]))
    raise AssertionError(code)


def test_shipped_table_covers_synthetic_backlog_and_cites_every_figure() -> None:
    stab = stability.load()
    codes = set(stab.codes)
    covered = {
        stab.codes[t]
        for t in range(len(stab.codes))
        if not np.isnan(stab.hours[t, stab.home[t]]).all()
    }
    used = {t.code for t in clinical.menu().routine}
    assert used <= covered, sorted(used - covered)
    assert len(covered) >= 40
    assert covered == codes  # every catalogue test has a row for its own container
    for row in stability.shipped_rows():
        assert row.source and "http" not in row.source
    # Conservative where it matters: no refrigerated unseparated potassium, no frozen counts.
    code_at, cont_at = stab.code_index(), stab.container_index()
    assert stab.hours[code_at["K"], cont_at["SST"], 1] == 0
    assert stab.hours[code_at["FBC"], cont_at["EDTA"], 2] == 0
    assert stab.hours[code_at["K"], cont_at["SST"], 0] == 6


def test_ambient_then_fridge_uses_up_life_in_proportion(tmp_path: Path) -> None:
    # Creatinine in SST: 24 h ambient, 168 h fridge. 12 h ambient uses half; 84 h of fridge left.
    b, v, reasons = triage(
        tmp_path,
        [{"tests": "CREA", "storage": "ambient@2024-06-03T09:00;fridge@2024-06-03T21:00"}],
    )
    assert until(b, v, 0, "CREA") == "2024-06-07T09:00:00"
    assert viability.STATUSES[v.status[0]] == "process"
    assert iso(int(v.sample_until[0])) == "2024-06-07T09:00:00"
    assert reasons[0] == "all 1 test(s) viable; run by 2024-06-07 09:00 (CREA)"


def test_back_out_of_the_fridge_resumes_ambient_rate(tmp_path: Path) -> None:
    # 6 h ambient (1/4), 42 h fridge (1/4), then ambient again: 12 h of 24 left.
    b, v, _ = triage(
        tmp_path,
        [
            {
                "tests": "Creatinine",
                "storage": "ambient@2024-06-03T09:00;fridge@2024-06-03T15:00;"
                "ambient@2024-06-05T09:00",
            }
        ],
    )
    assert until(b, v, 0, "CREA") == "2024-06-05T21:00:00"


def test_storage_log_starts_after_collection_counts_the_gap_as_ambient(tmp_path: Path) -> None:
    b, v, _ = triage(tmp_path, [{"tests": "CREA", "storage": "fridge@2024-06-03T21:00"}])
    assert until(b, v, 0, "CREA") == "2024-06-07T09:00:00"


def test_forbidden_freeze_expires_at_the_moment_of_freezing(tmp_path: Path) -> None:
    b, v, reasons = triage(
        tmp_path,
        [
            {
                "container": "EDTA",
                "tests": "FBC",
                "storage": "ambient@2024-06-03T09:00;frozen@2024-06-03T11:30",
            }
        ],
    )
    assert until(b, v, 0, "FBC") == "2024-06-03T11:30:00"
    assert viability.STATUSES[v.status[0]] == "discard"
    assert reasons[0] == "no test viable: FBC expired 2024-06-03 11:30 (frozen not allowed)"


def test_refrigerated_potassium_makes_the_sample_partial(tmp_path: Path) -> None:
    b, v, reasons = triage(
        tmp_path,
        [{"tests": "K;CREA", "storage": "ambient@2024-06-03T09:00;fridge@2024-06-03T11:00"}],
    )
    assert until(b, v, 0, "K") == "2024-06-03T11:00:00"
    # CREA: 2 h of 24 ambient used (1/12); 11/12 of 168 h = 154 h in the fridge.
    assert until(b, v, 0, "CREA") == "2024-06-09T21:00:00"
    assert viability.STATUSES[v.status[0]] == "partial"
    assert iso(int(v.sample_until[0])) == "2024-06-09T21:00:00"
    assert reasons[0] == (
        "1 of 2 tests viable, run by 2024-06-09 21:00; "
        "K expired 2024-06-03 11:00 (fridge not allowed)"
    )


def test_statuses_process_partial_discard(tmp_path: Path) -> None:
    fridge = "ambient@2024-06-03T09:00;fridge@2024-06-03T12:00"
    b, v, _ = triage(
        tmp_path,
        [
            {"tests": "TSH;FT4", "storage": fridge},
            {"tests": "TSH;LDH", "storage": fridge},  # LDH: 4 h ambient then 96 h fridge
            {"tests": "UE;K", "storage": fridge},
            {"tests": "GLU", "storage": "ambient@2024-06-03T09:00"},  # no fluoride: 1 h
        ],
    )
    assert [viability.STATUSES[s] for s in v.status] == ["process", "partial", "discard", "discard"]
    # LDH: 3 h of 4 ambient, then 1/4 of 96 h = 24 h in the fridge.
    assert until(b, v, 1, "LDH") == "2024-06-04T12:00:00"
    assert until(b, v, 3, "GLU") == "2024-06-03T10:00:00"


def test_wrong_container_cannot_be_run(tmp_path: Path) -> None:
    _, v, reasons = triage(tmp_path, [{"tests": "FBC;TSH", "storage": "fridge@2024-06-03T09:00"}])
    assert viability.STATUSES[v.status[0]] == "partial"
    assert "FBC cannot be run on a SST sample (needs EDTA)" in reasons[0]


def test_catalogue_test_without_a_row_falls_back_to_the_container_default(tmp_path: Path) -> None:
    rows = [r for r in stability.shipped_rows() if not (r.test == "TSH" and r.container == "SST")]
    stab = stability.build(rows)
    b, v, reasons = triage(
        tmp_path,
        [{"tests": "TSH", "storage": "ambient@2024-06-03T09:00"}],
        stab,
    )
    # SST default: 6 h ambient.
    assert until(b, v, 0, "TSH") == "2024-06-03T15:00:00"
    assert "TSH: no stability row for SST, SST default used" in reasons[0]


def test_local_override_replaces_a_figure(tmp_path: Path) -> None:
    local = tmp_path / "local.csv"
    local.write_text(
        "test,container,condition,max_hours,source,note\n"
        "CREA,SST,ambient,48,Our lab validation 2023 - section 4,\n",
        encoding="utf-8",
    )
    stab = stability.load(local)
    b, v, _ = triage(tmp_path, [{"tests": "CREA", "storage": ""}], stab)
    assert until(b, v, 0, "CREA") == "2024-06-05T09:00:00"
    bad = tmp_path / "bad.csv"
    bad.write_text("test,container,condition,max_hours\nCREA,SST,warm,5\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"bad\.csv: data row 1 .* condition one of"):
        stability.load(bad)


def test_zone_offsets_are_converted_to_utc(tmp_path: Path) -> None:
    b, v, _ = triage(
        tmp_path,
        [
            {
                "tests": "CREA",
                "collected_at": "2024-06-03T10:00+01:00",
                "received_at": "2024-06-03T10:00Z",
                "storage": "ambient@2024-06-03T09:00Z;fridge@2024-06-03 21:00:00",
            }
        ],
    )
    assert iso(int(b.collected[0])) == "2024-06-03T09:00:00"
    assert until(b, v, 0, "CREA") == "2024-06-07T09:00:00"


def test_every_catalogue_test_resolves_for_its_own_container() -> None:
    stab = stability.load()
    tests = np.arange(len(stab.codes))
    limits, kind = stab.resolve(tests, stab.home)
    assert (kind == stability.FROM_TABLE).all()
    assert limits.shape == (len(catalogue.load()), 3)
