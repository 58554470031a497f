"""HL7 v2 ORU^R01 result batches, as a lab's outbound interface folder holds them.

A record is one message (``message:N``, the Nth MSH in the file, 1-based): PID identifies the
patient, MSH-6 / ORC-21 carry the requester's ODS code, OBR/OBX the tests and results.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from breachdesk import nhs
from breachdesk.synth import clinical, noise
from breachdesk.synth.context import App, Ctx, Target, chunks, collected, moment
from breachdesk.synth.people import ATTACK, LAB_CODE, Person, Population
from breachdesk.synth.truth import ADDRESS, DOB, MRN, NAME, NHS, PHONE, POSTCODE, RESULT, Rec

_NTE = (
    "Sample haemolysed; some results may be affected.",
    "Please repeat in 3 months.",
    "Result telephoned to surgery.",
    "Insufficient sample for all tests requested.",
    "Clinical details: tired all the time.",
    "Clinical details: annual diabetic review.",
)


def pid(
    rng: random.Random, person: Person, w: noise.Written, *, detail: float = 1.0
) -> tuple[str, int]:
    """A PID segment for one person and the categories it discloses."""
    cats = NAME | DOB
    ids = []
    if w.nhs:
        ids.append(f"{w.nhs}^^^NHS^NH")
        cats |= NHS
    if rng.random() < 0.85 * detail:
        ids.append(f"{person.mrn}^^^{person.trust}^MR")
        cats |= MRN
    address = ""
    roll = rng.random()
    if roll < 0.75 * detail:
        address = f"{person.street}^^{person.city.upper()}^^{person.postcode}"
        cats |= ADDRESS | POSTCODE
    elif roll < 0.85:
        address = f"^^^^{person.postcode}"
        cats |= POSTCODE
    phone = ""
    if person.phone and rng.random() < 0.3 * detail:
        phone = person.phone
        cats |= PHONE
    fields = [
        "PID",
        "1",
        "",
        "~".join(ids),
        "",
        f"{w.family}^{w.given}^^^{w.title.upper()}",
        "",
        noise.fmt_date(w.dob, "hl7"),
        person.sex,
        "",
        "",
        address,
        "",
        phone,
    ]
    return "|".join(fields), cats


def message(
    rng: random.Random, pop: Population, app: App, control: str, when: datetime, version: str
) -> tuple[list[str], Rec]:
    """One ORU^R01 message; the Rec's locator is filled in by the caller."""
    idx, sensitive = app
    person = pop.persons[idx]
    w = noise.written(rng, person, caps=0.92, no_nhs=0.15)
    req = clinical.requester(rng, pop, person)
    clinician = pop.clinician(rng, req)
    org = pop.org_name(req)
    stamp = noise.fmt_datetime(when, "hl7")
    segs = [
        f"MSH|^~\\&|WINPATH|{LAB_CODE}|GPLINKS|{req}|{stamp}||ORU^R01|{control}|P|{version}",
    ]
    pid_seg, cats = pid(rng, person, w)
    segs.append(pid_seg)
    segs.append(f"PV1|1|O|{req}^^^^^^^^{req}||||{clinician.xcn()}")
    tags = w.tags
    codes: list[str] = []
    taken = collected(rng, when)
    for n, test in enumerate(clinical.order(rng, sensitive, most=4, sex=person.sex), start=1):
        placer = f"ORD{rng.randint(1, 999999):06d}"
        if rng.random() < 0.3:
            # Order numbers that look like NHS numbers but fail Modulus 11.
            placer = nhs.generate_invalid(rng)
        filler = f"24H{rng.randint(100000, 999999)}"
        orc = [""] * 22
        orc[:6] = ["ORC", "RE", placer, filler, "", "CM"]
        orc[9], orc[12], orc[21] = stamp, clinician.xcn(), f"{org}^^^^^^^^^{req}"
        segs.append("|".join(orc))
        obr = [""] * 26
        obr[:5] = ["OBR", str(n), placer, filler, f"{test.code}^{clinical.term(rng, test, tags)}^L"]
        obr[7] = noise.fmt_datetime(taken, "hl7")
        obr[14] = noise.fmt_datetime(taken + timedelta(hours=rng.randint(1, 20)), "hl7")
        obr[16], obr[22], obr[25] = clinician.xcn(), stamp, "F"
        segs.append("|".join(obr))
        codes.append(test.code)
        for k, part in enumerate(clinical.components(test), start=1):
            res = clinical.result(rng, part)
            kind = "NM" if part.result_type == "numeric" else "ST"
            analyte = clinical.term(rng, part, tags)
            units = res.units.replace("^", "*")
            obx = [f"OBX|{k}|{kind}|{part.code}^{analyte}^L", "", res.value, units, res.ref]
            segs.append("|".join([*obx, res.flag, "", "", "F"]))
            codes.append(part.code)
        if rng.random() < 0.12:
            segs.append(f"NTE|1||{rng.choice(_NTE)}")
    return segs, ("", idx, cats | RESULT, tuple(codes), tuple(tags), req)


def render(
    ctx: Ctx, rng: random.Random, apps: list[App], when: datetime, name: str
) -> tuple[bytes, list[Rec]]:
    """One batch file; separators and framing vary per file as different interfaces wrote them."""
    version = rng.choice(("2.4", "2.4", "2.5"))
    style = rng.choices(("cr", "lf", "mllp"), weights=(70, 18, 12))[0]
    sep = "\n" if style == "lf" else "\r"
    recs: list[Rec] = []
    out: list[str] = []
    stamp = noise.fmt_datetime(when, "hl7")
    if style != "mllp":
        out.append(f"FHS|^~\\&|WINPATH|{LAB_CODE}|GPLINKS|HUB|{stamp}||{name}{sep}")
        out.append(f"BHS|^~\\&|WINPATH|{LAB_CODE}|GPLINKS|HUB|{stamp}{sep}")
    for n, app in enumerate(apps, start=1):
        at = when + timedelta(seconds=n * rng.randint(1, 20))
        control = f"MSG{ctx.next('hl7-control'):07d}"
        segs, rec = message(rng, ctx.pop, app, control, at, version)
        recs.append((f"message:{n}", *rec[1:]))
        body = sep.join(segs) + sep
        out.append(f"\x0b{body}\x1c\r" if style == "mllp" else body)
    if style != "mllp":
        out.append(f"BTS|{len(apps)}{sep}FTS|1{sep}")
    return "".join(out).encode("utf-8"), recs


def write(
    ctx: Ctx, target: Target, apps: list[App], folder: str, anchor: date = ATTACK, most: int = 220
) -> None:
    rng = ctx.rng(f"hl7:{folder}")
    for chunk in chunks(rng, apps, max(1, most // 7), most):
        when = moment(rng, days_before=12, anchor=anchor)
        day = f"{when:%Y%m%d}"
        name = f"{folder}/ORU_{day}_{ctx.next(folder + day):04d}.hl7"
        data, recs = render(ctx, rng, list(chunk), when, name.rsplit("/", 1)[-1])
        path = target.put(name, data, "hl7")
        ctx.truth.add(path, recs)
