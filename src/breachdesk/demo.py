"""The demo: a synthetic incident, the whole pipeline, the register and the evaluation."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from rich.console import Console

from breachdesk.engine import make_engine
from breachdesk.errors import UserError
from breachdesk.outputs.evaluate import evaluate
from breachdesk.outputs.export import export_register
from breachdesk.pipeline import open_case, run_all

_MARKER = ".breachdesk-demo"


def _prepare(out: Path) -> None:
    """A folder a previous demo made is replaced; any other non-empty folder is refused."""
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).exists():
            raise UserError(
                f"{out}: is not empty and was not made by the demo; choose another --out"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("made by breachdesk demo; safe to delete\n", encoding="utf-8")


def run_demo(out: Path, patients: int, seed: int, workers: int | None, console: Console) -> None:
    from breachdesk.cli import print_eval
    from breachdesk.synth import generate

    started = time.monotonic()
    _prepare(out)
    console.print(
        f"[bold]1/4[/] making a synthetic incident ({patients} PMI patients, seed {seed})"
    )
    summary = generate(out, patients=patients, seed=seed)
    console.print(
        f"      {summary.files} files, {summary.dump_bytes / 1e6:.1f} MB in {summary.seconds:.1f}s"
    )
    console.print("[bold]2/4[/] running ingest, scan, link, assess")
    case = open_case(out / "dump", out / "case", out / "pmi.csv", None)
    counts = run_all(make_engine("local", workers), case)
    console.print("[bold]3/4[/] exporting the register")
    n = export_register(case, out / "register.csv")
    console.print("[bold]4/4[/] scoring against the ground truth")
    result = evaluate(case, out / "truth")

    ingest, scan, link, assess = (counts[k] for k in ("ingest", "scan", "link", "assess"))
    not_ok = (
        ingest["files"]
        - ingest.get("ok", 0)
        + sum(v for k, v in scan.items() if k not in {"files", "records", "mentions"})
    )
    console.print()
    console.print(f"[bold]breachdesk demo[/] finished in {time.monotonic() - started:.1f}s")
    console.print(f"  files read:        {ingest['files']} ({not_ok} not ok, each with a reason)")
    console.print(f"  person-records:    {scan['records']}")
    console.print(
        f"  people found:      {n} ({link['matched']} matched to the PMI, "
        f"{link['unmatched']} not in it)"
    )
    console.print(
        f"  by risk:           high {assess['high']}, medium {assess['medium']}, "
        f"low {assess['low']}"
    )
    console.print(
        f"  controllers:       {assess['controllers']} "
        f"({assess['unmapped']} people still to map by hand)"
    )
    print_eval(result)
    console.print("Open next:")
    console.print(f"  {out / 'register.csv'}                 the people to notify, with risk")
    console.print(
        f"  breachdesk files {out / 'case'} --status unreadable   files not read, and why"
    )
    console.print(f"  {out / 'case' / 'eval.json'}           the figures above as JSON")
    case_dir = out / "case"
    console.print(f"  breachdesk report {case_dir} --out {out / 'report'}   report for DPO and ICO")
    console.print(f"  breachdesk notify {case_dir} --out {out / 'packs'}    packs per controller")
