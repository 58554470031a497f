"""A scan worker takes what it has built out of the cyclic collector once, after its first file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import gc
    import random
    from breachdesk import nhs
    from breachdesk.ingest.limits import Limits
    from breachdesk.ingest.walk import Entry
    from breachdesk.scan import stage

    assert gc.get_freeze_count() == 0
    number = nhs.generate(random.Random(1))  # an invented number, as the generator makes them
    data = f"NHS Number,Surname,Forename,DOB\\n{number},SMITH,John,01/02/1970\\n".encode()
    entry = Entry(path="a.csv", parent=None, depth=0, size=len(data), type="csv", data=data)
    records = sum(r.num_rows for r, _ in stage._scan_file(entry, 1, Limits()))
    stage.settle_collector()
    frozen = gc.get_freeze_count()
    junk = [[i] for i in range(1000)]  # new tracked objects, not frozen by a second call
    stage.settle_collector()
    print(records, frozen > 1000, gc.get_freeze_count() == frozen, gc.get_threshold()[0])
    """
)


def test_settles_once_per_process() -> None:
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "True", "50000"]
