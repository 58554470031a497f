"""Property-based tests of the helpline API against its own OpenAPI spec (schemathesis, in
process over ASGI): whatever is sent, no server error, and every response is as documented."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from breachdesk.helpline import accounts, sample, sessions
from breachdesk.helpline.app import create_app
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.runtime import Helpline, open_helpline

# Limits high enough that the fuzzer meets the lookup code rather than 429 (rate limiting is
# tested in test_helpline_api.py).
CONFIG = HelplineConfig(
    argon2_time_cost=1,
    argon2_memory_kib=1024,
    argon2_parallelism=1,
    api_rate=10_000,
    api_burst=10_000,
    login_rate=10_000,
    login_burst=10_000,
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Helpline:
    case = tmp_path_factory.mktemp("schema") / "case"
    sample.write_case(case, extra=50)
    hl = open_helpline(case, None, CONFIG)
    with hl.engine.begin() as conn:
        accounts.add_user(conn, hl.hasher, "tel", "operator", "correct horse battery staple")
    return hl


@pytest.fixture(scope="module")
def api_schema(helpline: Helpline) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", create_app(helpline))


def test_spec_documents_the_api(api_schema: schemathesis.BaseSchema) -> None:
    spec = api_schema.raw_schema
    assert set(spec["paths"]) == {"/api/session", "/api/lookup"}  # pages are not API
    lookup = spec["paths"]["/api/lookup"]["post"]
    assert {"200", "401", "422", "429"} <= set(lookup["responses"])
    assert "Retry-After" in lookup["responses"]["429"]["headers"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_spec(
    api_schema: schemathesis.BaseSchema, helpline: Helpline, mode: GenerationMode
) -> None:
    """Every operation, with data that fits the spec and data that does not."""

    # Schemathesis's own pytest plugin reaches into pytest internals that pytest 9 removed,
    # so its Hypothesis strategy is driven directly.
    @given(case=api_schema.as_strategy(mode))
    @settings(
        max_examples=75,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same examples every run: a CI failure reproduces locally
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        with helpline.engine.begin() as conn:
            user = accounts.get_user(conn, 1)
            assert user is not None
            # A fresh token per example: a DELETE /api/session must not sign out the rest.
            token, _ = sessions.create(conn, user, "api")
        headers = dict(case.headers or {})
        headers.setdefault("Authorization", f"Bearer {token}")
        case.call_and_validate(headers=headers, checks=CHECKS)
        seen[(case.method, case.path)] += 1

    seen: Counter[tuple[str, str]] = Counter()
    check()
    assert set(seen) == {
        ("POST", "/api/session"),
        ("DELETE", "/api/session"),
        ("POST", "/api/lookup"),
    }
