"""Interface-engine logs: mostly plumbing, with patients leaking through ACK and error lines.

A record is one line (``line:N``, 1-based). Lines about 999-range test patients are not persons:
NHS numbers from 999 000 0000 upwards are never issued.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from breachdesk import nhs
from breachdesk.synth import clinical, hl7, noise, variants
from breachdesk.synth.context import App, Ctx, chunks, moment
from breachdesk.synth.truth import DOB, NAME, NHS, RESULT, Rec

_PLUMBING = (
    "INFO [MLLP] Connection accepted from 10.{a}.{b}.{c}:{port}",
    "INFO [MLLP] Connection closed by peer 10.{a}.{b}.{c}",
    "DEBUG [ENGINE] Heartbeat ok queue_depth={a}",
    "INFO [ORU] Batch ORU_{day}_{port:04d}.hl7 processed: {b} messages",
    "WARN [ORU] Slow downstream ack ({c} ms) from GPLINKS",
    "INFO [BILLING] Invoice {invoice} exported to finance (amount {b}.{c:02d})",
    "INFO [ENGINE] Order {invoice} matched to request; awaiting results",
    "ERROR [DB] Deadlock detected on results_queue; retrying (attempt {d})",
    "INFO [ENGINE] Configuration reloaded by svc_interface",
)


def _stamp(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M:%S},{when.microsecond // 1000:03d}"


def _other_stamp(when: datetime) -> str:
    return variants.log_stamp(f"{when:%d/%m/%Y %H:%M:%S}", when.microsecond // 1000)


def _plumbing(rng: random.Random, day: str, lines: Sequence[str] = _PLUMBING) -> str:
    return rng.choice(lines).format(
        a=rng.randint(1, 250),
        b=rng.randint(1, 250),
        c=rng.randint(1, 99),
        d=rng.randint(1, 5),
        port=rng.randint(1024, 9999),
        day=day,
        invoice=nhs.generate_invalid(rng),
    )


def _test_patient(rng: random.Random, standard: bool = True) -> str:
    number = nhs.generate(rng, low=999_000_000, high=999_999_999)
    if not standard:
        return (
            f"WARN  | ResultRouter | training message dropped nhs_no={number} surname=ZZTEST "
            f"forename=PATIENT dob=2000-01-01"
        )
    return (
        f"WARN [ORU] Test patient message ignored: NHS={number} "
        f"ZZTEST^PATIENT^^^MR DOB=20000101 (training environment)"
    )


def _patient_line(
    ctx: Ctx, rng: random.Random, app: App, standard: bool = True
) -> tuple[str, int, list[str], list[str]]:
    """An ACK line naming the patient, or a rejected message quoting its PID segment; the other
    lab's engine (``standard`` False) writes key=value fields and ISO birth dates."""
    person = ctx.pop.persons[app[0]]
    w = noise.written(rng, person, caps=0.95, no_nhs=0.1)
    if standard:
        control = f"MSG{rng.randint(1, 9999999):07d}"
    else:
        control = f"R{rng.randint(1, 99999999):08d}"
    if rng.random() < 0.65:
        tests = [t.code for t in clinical.order(rng, False, most=2)]
        cats = NAME | DOB | (NHS if w.nhs else 0)
        if standard:
            line = (
                f"INFO [ORU] ACK sent for {control} patient NHS={w.nhs or 'null'} "
                f"DOB={noise.fmt_date(w.dob, 'hl7')} {w.family}^{w.given} test={'~'.join(tests)}"
            )
        else:
            line = (
                f"INFO  | ResultRouter | delivered msg_id={control} nhs_no={w.nhs or 'NONE'} "
                f"surname={w.family} forename={w.given} dob={noise.fmt_date(w.dob, 'iso')} "
                f"tests={','.join(tests)}"
            )
        return line, cats, tests, w.tags
    segment, cats = hl7.pid(rng, person, w, detail=0.8)
    if standard:
        reason = rng.choice(("PID-3 assigning authority missing", "PV1 location unknown"))
        return f"ERROR [ORU] Rejected {control} ({reason}): {segment}", cats, [], w.tags
    reason = rng.choice(("no assigning authority", "unknown location"))
    line = f'ERROR | ResultRouter | rejected msg_id={control} reason="{reason}" segment={segment}'
    return line, cats, [], w.tags


def render(
    ctx: Ctx, rng: random.Random, apps: Sequence[App], day: datetime
) -> tuple[str, list[Rec]]:
    lines: list[str] = []
    recs: list[Rec] = []
    when = day.replace(hour=0, minute=0)
    step = max(2, int(86_400 * 0.6 / max(len(apps), 1)))
    todo = list(apps)
    test_lines = rng.randint(1, 3)
    standard = ctx.variant == variants.STANDARD
    stamp, sep = (_stamp, " ") if standard else (_other_stamp, " | ")
    plumbing = _PLUMBING if standard else variants.OTHER_PLUMBING
    while todo or test_lines:
        when += timedelta(seconds=rng.randint(1, step), microseconds=rng.randrange(10**6))
        roll = rng.random()
        if roll < 0.25 and todo:
            app = todo.pop()
            line, cats, tests, tags = _patient_line(ctx, rng, app, standard)
            lines.append(f"{stamp(when)}{sep}{line}")
            recs.append((f"line:{len(lines)}", app[0], cats, tuple(tests), tuple(tags), ""))
        elif roll < 0.26 and test_lines:
            test_lines -= 1
            lines.append(f"{stamp(when)}{sep}{_test_patient(rng, standard)}")
        else:
            lines.append(f"{stamp(when)}{sep}{_plumbing(rng, f'{day:%Y%m%d}', plumbing)}")
    return "\n".join(lines) + "\n", recs


def notes(
    ctx: Ctx, rng: random.Random, apps: Sequence[App], day: datetime
) -> tuple[str, list[Rec]]:
    """A duty biochemist's handover notes: free text naming patients, GPs and results."""
    author = rng.choice(ctx.pop.lab_staff)
    standard = ctx.variant == variants.STANDARD
    heading = f"Handover notes {day:%d/%m/%Y}" if standard else f"Duty log {day:%d.%m.%Y}"
    lines = [f"{heading} - {author.short}", ""]
    recs: list[Rec] = []
    clock = day.replace(hour=7, minute=30)
    for idx, _ in apps:
        person = ctx.pop.persons[idx]
        w = noise.written(rng, person, caps=0.8, no_nhs=0.3, nhs_styles=("spaced", "plain"))
        req = clinical.requester(rng, ctx.pop, person)
        gp = ctx.pop.clinician(rng, req)
        tags = w.tags
        test = clinical.pick_routine(rng, 1)[0]
        res = clinical.result(rng, test)
        label = clinical.term(rng, test, tags, code=False)
        if standard:
            who = f"{w.full_name(with_title=True)} DOB {w.dob_text(noise.date_style(rng))}"
            if w.nhs:
                who += f" NHS {w.nhs}"
        else:
            name = w.comma_name() if rng.random() < 0.5 else w.full_name(with_title=True)
            who = f"{name} (born {w.dob_text(variants.date_style(rng))})"
            if w.nhs:
                who += f", NHS no. {w.nhs}"
        clock += timedelta(minutes=rng.randint(3, 40))
        finding = " ".join(part for part in (label, res.value, res.units) if part)
        outcome = rng.choice(("", " Advised repeat.", " GP aware.", " No answer, will retry."))
        if standard:
            line = f"{clock:%H:%M} Called {gp.short} ({req}) re {who}: {finding}.{outcome}"
        else:
            line = f"{clock:%H.%M} rang {gp.short} at {req} about {who} - {finding}.{outcome}"
        lines.append(line)
        cats = NAME | DOB | RESULT | (NHS if w.nhs else 0)
        recs.append((f"line:{len(lines)}", idx, cats, (test.code,), tuple(tags), req))
    lines.append("")
    lines.append(f"Analyser 2 down 14:00-15:30, engineer called. Ext 4{rng.randint(100, 999)}.")
    return "\r\n".join(lines) + "\r\n", recs


def write(ctx: Ctx, apps: list[App]) -> None:
    rng = ctx.rng("logs")
    cut = len(apps) * 85 // 100
    for chunk in chunks(rng, apps[:cut], 100, 3000):
        day = moment(rng, days_before=14)
        count = ctx.next(f"log{day:%Y%m%d}")
        suffix = "" if count == 1 else f"_{count}"
        name = f"Interfaces/Logs/hl7_listener_{day:%Y%m%d}{suffix}.log"
        text, recs = render(ctx, rng, chunk, day)
        ctx.truth.add(ctx.dump.put(name, text.encode("utf-8"), "log"), recs)
    for chunk in chunks(rng, apps[cut:], 5, 40):
        day = moment(rng, days_before=14)
        name = f"Users/Desktop/handover_notes_{day:%Y%m%d}_{ctx.next('notes')}.txt"
        text, recs = notes(ctx, rng, chunk, day)
        people = [ctx.pop.persons[i] for i, _ in chunk]
        plain = all(p.family.isascii() and p.given.isascii() for p in people)
        encoding = rng.choice(("utf-8", "cp1252")) if plain else "utf-8"
        ctx.truth.add(ctx.dump.put(name, noise.encode(text, encoding), "txt"), recs)
