"""Mailboxes: GP queries, critical-result phone-throughs, lists sent as attachments, and noise.

Locators: ``part:N`` is the Nth leaf MIME part in ``Message.walk()`` order (1-based; the body is
part 1); attachment records add the inner locator, ``part:2!row:3`` or ``part:2!page:1``.
The requester's ODS code is in the signature or the attachment's folder-like subject.
"""

from __future__ import annotations

import random
from datetime import UTC
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from breachdesk.synth import clinical, names, noise, pdf, rows, tables, variants
from breachdesk.synth.context import App, Ctx, moment
from breachdesk.synth.people import LAB_NAME, Staff
from breachdesk.synth.truth import DOB, NAME, NHS, RESULT, Rec

_LAB_DOMAIN = "southbank-pathology.example"
_NOTICES = (
    (
        "IT notice: suspicious calls",
        "Colleagues,\n\nWe have reports of callers claiming to be from the lab and asking patients"
        " for bank details. We never ask for payment. Please remind reception staff.\n\n"
        "IT Service Desk, ext 4{n}\n",
    ),
    (
        "Analyser maintenance this weekend",
        "Hi all,\n\nThe chemistry analysers will be down for maintenance on Saturday from 06:00."
        " Urgent work to the hot lab please.\n\nThanks,\n{who}\n",
    ),
    (
        "Rota swap request",
        "Hi,\n\nCould anyone swap a late on the 14th? My mobile is {phone}.\n\n{who}\n",
    ),
)


def _address(staff: Staff, domain: str) -> str:
    local = names.ascii_fold(f"{staff.given[:1]}.{staff.family}").lower().replace(" ", "")
    return f"{staff.title} {staff.given} {staff.family} <{local.replace(chr(39), '')}@{domain}>"


def _domain(code: str) -> str:
    return f"{code.lower()}.nhs.example"


def _message(
    rng: random.Random, number: int, sender: str, to: str, subject: str, body: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    when = moment(rng, days_before=20).replace(tzinfo=UTC)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{number:06d}.{rng.getrandbits(48):012x}@{_LAB_DOMAIN}>"
    msg.set_content(body)
    return msg


def _query(ctx: Ctx, rng: random.Random, app: App, number: int) -> tuple[EmailMessage, Rec]:
    """A GP (or the lab) writing about one patient in the body."""
    idx, sensitive = app
    person = ctx.pop.persons[idx]
    w = noise.written(rng, person, caps=0.7, no_nhs=0.2, nhs_styles=("spaced", "plain", "dashed"))
    req = clinical.requester(rng, ctx.pop, person)
    gp = ctx.pop.clinician(rng, req)
    lab = rng.choice(ctx.pop.lab_staff)
    tags = w.tags
    tests = clinical.order(rng, sensitive, most=2, sex=person.sex)
    labels = " and ".join(clinical.term(rng, t, tags, code=False) for t in tests)
    if ctx.variant != variants.STANDARD:
        return _other_query(ctx, rng, (app, number), w, (gp, lab, req), tests, labels)
    who = f"{w.full_name(with_title=True)}, DOB {w.dob_text(noise.date_style(rng))}"
    if w.nhs:
        who += f", NHS {w.nhs}"
    cats = NAME | DOB | (NHS if w.nhs else 0)
    org = ctx.pop.org_name(req)
    if rng.random() < 0.5:
        body = (
            f"Dear {LAB_NAME} team,\n\nRe: {who}\n\nCould you confirm whether the {labels} "
            f"taken last week was processed? The patient is anxious about the result.\n\n"
            f"Kind regards,\n{gp.short}\n{org} ({req})\n"
        )
        msg = _message(
            rng,
            number,
            _address(gp, _domain(req)),
            _address(lab, _LAB_DOMAIN),
            "Query re outstanding result",
            body,
        )
    else:
        res = clinical.result(rng, tests[0])
        body = (
            f"Dear {gp.short},\n\nre your patient {who} - the {labels} result is {res.value} "
            f"{res.units}.\nThis was telephoned to {org} ({req}).\n\nRegards,\n{lab.short}\n"
            f"Duty Biochemist, {LAB_NAME}\n"
        )
        cats |= RESULT
        msg = _message(
            rng,
            number,
            _address(lab, _LAB_DOMAIN),
            _address(gp, _domain(req)),
            "CRITICAL RESULT - phoned",
            body,
        )
    return msg, ("part:1", idx, cats, tuple(t.code for t in tests), tuple(tags), req)


def _other_query(
    ctx: Ctx,
    rng: random.Random,
    where: tuple[App, int],
    w: noise.Written,
    people: tuple[Staff, Staff, str],
    tests: list[clinical.Test],
    labels: str,
) -> tuple[EmailMessage, Rec]:
    """``_query`` in the other lab's wording: a labelled block from the GP, a one-line reply."""
    (idx, _), number = where
    gp, lab, req = people
    org = ctx.pop.org_name(req)
    dob = w.dob_text(variants.date_style(rng))
    cats = NAME | DOB | (NHS if w.nhs else 0)
    if rng.random() < 0.5:
        nhs_line = f"NHS No: {w.nhs}\n" if w.nhs else ""
        body = (
            f"Hi all,\n\nPatient: {w.full_name(with_title=False)}\nD.O.B.: {dob}\n{nhs_line}\n"
            f"Please can you chase the {labels} for this patient - still not back on our "
            f"system.\n\nThanks,\n{gp.short}\n{org} ({req})\n"
        )
        sender, to, subject = _address(gp, _domain(req)), _address(lab, _LAB_DOMAIN), "Chasing"
    else:
        res = clinical.result(rng, tests[0])
        nhs_part = f", NHS no {w.nhs}" if w.nhs else ""
        body = (
            f"Hello {gp.short},\n\nUrgent result for {w.full_name(with_title=True)} "
            f"(d.o.b. {dob}{nhs_part}): {labels} = {res.value} {res.units}.\nPhoned through to "
            f"{org} ({req}) today.\n\n{lab.short}\nBlood Sciences, {LAB_NAME}\n"
        )
        cats |= RESULT
        sender, to, subject = _address(lab, _LAB_DOMAIN), _address(gp, _domain(req)), "Urgent"
    msg = _message(rng, number, sender, to, subject, body)
    return msg, ("part:1", idx, cats, tuple(t.code for t in tests), tuple(w.tags), req)


def _list_mail(
    ctx: Ctx, rng: random.Random, apps: list[App], number: int
) -> tuple[EmailMessage, list[Rec]]:
    """A list of patients sent to a practice as a CSV attachment."""
    practice = rng.choice(ctx.pop.practices)
    gp = rng.choice(practice.gps)
    lab = rng.choice(ctx.pop.lab_staff)
    day = moment(rng).date()
    data, inner = tables.render(
        ctx, rng, rows.LAYOUTS["gp"], apps, "csv", day=day, fixed_requester=practice.code
    )
    body = (
        f"Dear {gp.short},\n\nPlease find attached the list of samples for {practice.name} "
        f"({practice.code}) that could not be processed after the incident. Please arrange "
        f"repeat bloods.\n\n{lab.short}\n{LAB_NAME}\n"
    )
    msg = _message(
        rng,
        number,
        _address(lab, _LAB_DOMAIN),
        _address(gp, _domain(practice.code)),
        f"Samples to repeat - {practice.code}",
        body,
    )
    msg.add_attachment(data, maintype="text", subtype="csv", filename=f"repeats_{day:%Y%m%d}.csv")
    recs = [(f"part:2!{r[0]}", *r[1:]) for r in inner]
    return msg, recs


def _report_mail(ctx: Ctx, rng: random.Random, app: App, number: int) -> tuple[EmailMessage, Rec]:
    data, rec = pdf.report(ctx, rng, app)
    gp = ctx.pop.clinician(rng, rec[5])
    lab = rng.choice(ctx.pop.lab_staff)
    body = f"Dear {gp.short},\n\nCumulative report attached as requested.\n\n{lab.short}\n"
    msg = _message(
        rng,
        number,
        _address(lab, _LAB_DOMAIN),
        _address(gp, _domain(rec[5])),
        "Cumulative report",
        body,
    )
    msg.add_attachment(data, maintype="application", subtype="pdf", filename="report.pdf")
    return msg, (f"part:2!{rec[0]}", *rec[1:])


def _notice(ctx: Ctx, rng: random.Random, number: int) -> EmailMessage:
    subject, template = rng.choice(_NOTICES)
    staff = rng.choice(ctx.pop.lab_staff)
    body = template.format(n=rng.randint(100, 999), who=staff.short, phone=names.phone(rng))
    to = _address(rng.choice(ctx.pop.lab_staff), _LAB_DOMAIN)
    return _message(rng, number, _address(staff, _LAB_DOMAIN), to, subject, body)


def write(ctx: Ctx, apps: list[App], mails: int) -> None:
    rng = ctx.rng("mail")
    boxes = ctx.pop.lab_staff[:6]
    todo = list(apps)
    reports = min(5, max(1, len(todo) // 50))
    number = 0
    while todo or number < mails:
        number += 1
        recs: list[Rec] = []
        roll = rng.random()
        if not todo or roll < 0.15:
            msg = _notice(ctx, rng, number)
        elif roll < 0.3 and len(todo) > 3:
            take = [todo.pop() for _ in range(min(len(todo), rng.randint(3, 15)))]
            msg, recs = _list_mail(ctx, rng, take, number)
        elif roll < 0.35 and reports:
            reports -= 1
            msg, rec = _report_mail(ctx, rng, todo.pop(), number)
            recs = [rec]
        else:
            msg, rec = _query(ctx, rng, todo.pop(), number)
            recs = [rec]
        if msg.is_multipart():
            msg.set_boundary(f"=_part_{number:06d}_{rng.getrandbits(32):08x}")
        box = rng.choice(boxes)
        folder = rng.choice(("Inbox", "Inbox", "Sent", "Deleted Items"))
        local = names.ascii_fold(f"{box.given[:1]}.{box.family}").lower().replace("'", "")
        name = f"Mailboxes/{local.replace(' ', '')}/{folder}/{number:04d}.eml"
        data = msg.as_bytes(policy=policy.SMTP if rng.random() < 0.5 else policy.default)
        ctx.truth.add(ctx.dump.put(name, data, "eml"), recs)
