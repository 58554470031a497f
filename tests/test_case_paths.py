"""A case given as a file:// URL is the same case; other URL schemes are refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from breachdesk.case import Case, local_path
from breachdesk.errors import UserError


def test_file_urls_name_local_paths(tmp_path: Path) -> None:
    assert local_path("file:///srv/cases/inc%2042") == Path("/srv/cases/inc 42")
    assert local_path("file://localhost/srv/c") == Path("/srv/c")
    assert local_path(Path("file:///srv/c")) == Path("/srv/c")  # Path collapses the slashes
    assert local_path("relative/case") == Path("relative/case")
    case = Case.create(tmp_path / "c", tmp_path)
    assert Case.open(Path((tmp_path / "c").as_uri())).root == case.root == tmp_path / "c"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("hdfs://nn:8020/cases/x", "hdfs:// paths are not supported; mount the store"),
        ("s3a://bucket/x", "s3a:// paths are not supported; mount the store"),
        ("file://otherhost/x", "a file:// URL on host 'otherhost' is not local"),
        ("file://./x", "a file:// URL on host '.' is not local"),
        ("file://localhost", "a file:// URL needs an absolute path"),
    ],
)
def test_other_urls_are_refused(url: str, says: str) -> None:
    with pytest.raises(UserError, match=says):
        local_path(url)  # as the command line passes it: the string, slashes intact


def test_remote_case_refused_by_case_open() -> None:
    with pytest.raises(UserError, match="hdfs:// paths are not supported"):
        Case.open(Path("hdfs://nn:8020/cases/x"))
