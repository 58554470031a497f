"""What the PMI-term automaton adds: people named in prose without a label, found or not.

Generates a synthetic incident, then writes one more file into its dump: a phone log whose
lines name PMI patients the way staff write ("Spoke to Mrs Okafor, dob 03/04/1961, about her
results", "Grace Okafor 03/04/1961 rang", "OKAFOR, Grace seen 03/04/1961") and, as decoys,
people who are not in the PMI written the same way, plus staff lines ("Dr <a PMI family name>")
near a PMI birth date. Scans that file, and every text file of the incident, with and without
the automaton, and prints people found, how many are the patient the line is about (family
name, given name and birth date equal), precision, and the scan's CPU time
(``time.process_time`` of this process, which does the scanning).

    .venv/bin/python bench/bench_pmi_terms.py [--patients 5000] [--lines 600] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from breachdesk import pmi as pmi_mod
from breachdesk.detect import pmi_terms
from breachdesk.detect.text import people_in_text
from breachdesk.synth import generate
from breachdesk.synth import names as synth_names

FORMS = (
    "{time} Spoke to {title} {family}, dob {dob}, about {their} results.",
    "{time} {given} {family} {dob} rang re results, advised to see GP.",
    "{time} {FAMILY}, {given} seen {dob} - sample haemolysed, repeat.",
    "{time} Message left for {title} {family} (born {dob}) to call back.",
)
STAFF = "{time} Dr {family} asked for the {dob} batch to be re-run."


def _dob(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _line(rng: random.Random, family: str, given: str, dob: str, sex: str) -> str:
    form = rng.choice(FORMS)
    title = {"F": rng.choice(("Mrs", "Ms", "Miss")), "M": "Mr"}.get(sex, "Mx")
    return form.format(
        time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
        title=title,
        family=family,
        FAMILY=family.upper(),
        given=given,
        dob=_dob(dob),
        their={"F": "her", "M": "his"}.get(sex, "their"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(f"bench-pmi-terms-{args.seed}")  # apart from the generator's own
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate(out, patients=args.patients, seed=args.seed)
        pmi = pmi_mod.load(out / "pmi.csv")
        rows = pmi.to_pylist()
        patients = rng.sample(rows, min(args.lines, len(rows)))
        lines: list[str] = []
        truth: dict[int, tuple[str, str, str]] = {}  # line number -> the patient it names
        for row in patients:
            lines.append(
                _line(rng, row["family_name"], row["given_name"], row["date_of_birth"], row["sex"])
            )
            truth[len(lines)] = (row["family_name"], row["given_name"], row["date_of_birth"])
        decoys = 0
        staff_lines: set[int] = set()
        for _ in range(args.lines // 3):
            sex = rng.choice("FM")
            given, family = synth_names.given_name(rng, sex), synth_names.family_name(rng)
            dob = f"{rng.randint(1930, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            lines.append(_line(rng, family, given, dob, sex))
            staff = rng.choice(rows)
            lines.append(STAFF.format(time="12:00", family=staff["family_name"],
                                      dob=_dob(staff["date_of_birth"])))  # fmt: skip
            staff_lines.add(len(lines))
            decoys += 2
        terms_path = out / "pmi_terms.pickle"
        started = time.process_time()
        pmi_terms.save(pmi_terms.build(pmi), terms_path)
        build_seconds = time.process_time() - started
        extra = pmi_terms.matcher(str(terms_path))
        print(f"PMI {len(rows)} patients: automaton built in {build_seconds:.2f} s CPU, "
              f"{terms_path.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        print(f"phone log: {len(truth)} lines naming PMI patients, {decoys} decoy lines")
        for label, matcher in (("without", None), ("with", extra)):
            found = correct = 0
            # A wrong person on a patient's line; someone on a non-PMI person's line (a person
            # all the same, but not the PMI's); anyone on a staff line (no person at all).
            wrong = {"patient": 0, "other": 0, "staff": 0}
            started = time.process_time()
            for number, line in enumerate(lines, start=1):
                for person in people_in_text(line, f"line:{number}", extra=matcher):
                    found += 1
                    v = person.values
                    got = (
                        v.get("family_name", ""),
                        v.get("given_name", ""),
                        v.get("date_of_birth"),
                    )
                    want = truth.get(number)
                    if want and got[0].casefold() == want[0].casefold() and got[1:] == want[1:]:
                        correct += 1
                    else:
                        kind = "staff" if number in staff_lines else "other"
                        wrong["patient" if number in truth else kind] += 1
            seconds = time.process_time() - started
            precision = f"{correct / found:.4f}" if found else "n/a"
            print(f"  {label:8} found {found:4}  correct {correct:4}/{len(truth)}  "
                  f"precision {precision}  (wrong person {wrong['patient']}, "
                  f"on non-PMI people's lines {wrong['other']}, "
                  f"on staff lines {wrong['staff']})  "
                  f"{seconds:.2f} s CPU")  # fmt: skip
        _incident_text(out, extra)


def _incident_text(out: Path, extra: pmi_terms.Matcher) -> None:
    """The incident's own text files (logs, notes): people found and CPU, with and without."""
    with (out / "truth" / "files.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        paths = [r["path"] for r in rows if r["format"] in {"log", "txt"} and "!/" not in r["path"]]
    texts = []
    for path in paths:
        data = (out / "dump" / path).read_bytes()
        texts.extend(data.decode("utf-8", errors="replace").splitlines())
    for label, matcher in (("without", None), ("with", extra)):
        started = time.process_time()
        found = sum(len(people_in_text(t, f"line:{i}", extra=matcher)) for i, t in enumerate(texts))
        print(f"incident text files ({len(paths)} files, {len(texts)} lines) {label:8} "
              f"people {found}  {time.process_time() - started:.2f} s CPU")  # fmt: skip


if __name__ == "__main__":
    main()
