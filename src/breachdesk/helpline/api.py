"""The HTTP API for a telephony system: a token for a user, then audited lookups.

``POST /api/session`` {username, password} -> {token}; ``POST /api/lookup`` with
``Authorization: Bearer <token>`` and either {nhs_number, date_of_birth} or {family_name,
given_name, date_of_birth, postcode} -> {found, categories, sensitive, controllers}. The same
rules as the web pages: lock-out, per-user rate limit (429 + Retry-After), audit.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator

from breachdesk.helpline import accounts, audit, query, sessions
from breachdesk.helpline.db import utcnow
from breachdesk.helpline.lookup import lookup
from breachdesk.helpline.pages.common import client_address, helpline
from breachdesk.helpline.sessions import Session
from breachdesk.vocabulary import CATEGORIES

router = APIRouter(prefix="/api", tags=["helpline"])
bearer = HTTPBearer(auto_error=False, description="The token from POST /api/session.")


class Problem(BaseModel):
    detail: str


_RETRY = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
_401 = {"model": Problem, "description": "No token, or a wrong, expired or revoked one"}
_429 = {"model": Problem, "description": "Too many requests", "headers": _RETRY}
_400 = {"model": Problem, "description": "The body is not JSON"}


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=accounts.MAX_PASSWORD)


class TokenOut(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds of idleness after which the token expires")


_ISO_DATE = Field(
    pattern=r"^\d{4}-\d{2}-\d{2}$",
    json_schema_extra={"format": "date"},
    description="YYYY-MM-DD",
)


class NhsLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nhs_number: str = Field(
        pattern=r"^\d{3}[ -]?\d{3}[ -]?\d{4}$", description="Ten digits, spaces allowed"
    )
    date_of_birth: str = _ISO_DATE

    @field_validator("nhs_number")
    @classmethod
    def _nhs(cls, value: str) -> str:
        return query.parse_nhs_number(value)

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, value: str) -> str:
        return query.parse_dob(value)

    def query(self) -> query.Query:
        return query.NhsQuery(self.nhs_number, self.date_of_birth)


class NameLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    family_name: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=100)
    date_of_birth: str = _ISO_DATE
    postcode: str = Field(min_length=5, max_length=10, description="A full UK postcode")

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, value: str) -> str:
        return query.parse_dob(value)

    def query(self) -> query.Query:
        # Parts are checked (and folded) here rather than in validators, so the error names
        # the field without leaking the folded form into the message.
        return query.name_query(
            self.family_name, self.given_name, self.date_of_birth, self.postcode
        )


class LookupOut(BaseModel):
    found: bool
    categories: list[str] = Field(
        description="What of this person the dump discloses: " + ", ".join(CATEGORIES)
    )
    sensitive: bool = Field(
        description="Whether a test the NHS treats as especially private "
        "is involved (never which): follow the sensitive-case script"
    )
    controllers: list[str] = Field(
        description="ODS codes of the organisations who decide on notifying this person"
    )


def _too_many(wait: float) -> HTTPException:
    return HTTPException(
        429, "Too many requests; wait and retry", {"Retry-After": str(max(1, math.ceil(wait)))}
    )


def api_session(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Session:
    unauthorised = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "Missing bearer token", unauthorised)
    hl = helpline(request)
    with hl.engine.begin() as conn:
        session = sessions.resolve(conn, credentials.credentials, "api", hl.config)
    if session is None:
        raise HTTPException(401, "Invalid or expired token", unauthorised)
    return session


ApiSession = Annotated[Session, Depends(api_session)]


@router.post(
    "/session",
    response_model=TokenOut,
    responses={
        400: _400,
        401: {"model": Problem, "description": "Wrong username or password"},
        429: _429,
    },
    summary="Sign in: exchange a username and password for a bearer token",
)
def create_session(body: SessionIn, request: Request) -> TokenOut:
    hl = helpline(request)
    wait = hl.login_limiter.take(f"ip:{client_address(request)}")
    if wait:
        raise _too_many(wait)
    name = accounts.actor_name(body.username)
    with hl.engine.begin() as conn:
        try:
            user = accounts.authenticate(
                conn, hl.hasher, hl.config, hl.dummy_hash, body.username, body.password
            )
        except accounts.LockedOut as locked:
            audit.append(conn, actor=name, action="login_refused", result="locked")
            wait_s = (locked.until - utcnow()).total_seconds()
            raise _too_many(wait_s) from None
        if user is None:
            audit.append(conn, actor=name, action="login_failed", result="refused", detail="api")
    if user is None:
        raise HTTPException(401, "Wrong username or password")
    with hl.engine.begin() as conn:
        sessions.purge_expired(conn, hl.config)
        token, _ = sessions.create(conn, user, "api")
        audit.append(conn, actor=user.username, action="login", result="ok", detail="api")
    return TokenOut(token=token, expires_in=hl.config.idle_minutes * 60)


@router.delete(
    "/session",
    status_code=204,
    responses={401: _401},
    summary="Sign out: revoke this bearer token",
)
def delete_session(request: Request, session: ApiSession) -> Response:
    with helpline(request).engine.begin() as conn:
        sessions.revoke(conn, session.token_hash)
    return Response(status_code=204)


@router.post(
    "/lookup",
    response_model=LookupOut,
    responses={400: _400, 401: _401, 429: _429},
    summary="Is this caller's data in the dump? Audited; partial matches find nothing",
)
def lookup_caller(
    body: NhsLookup | NameLookup,
    request: Request,
    session: ApiSession,
) -> LookupOut:
    hl = helpline(request)
    wait = hl.lookup_limiter.take(f"user:{session.user.id}")
    if wait:
        raise _too_many(wait)
    try:
        q = body.query()
    except query.QueryError as exc:
        raise HTTPException(
            422, [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]
        ) from None
    finding = lookup(hl.engine, hl.secret, session.user.username, "api", q)
    return LookupOut(
        found=finding.found,
        categories=list(finding.categories),
        sensitive=finding.sensitive,
        controllers=[c.code for c in finding.controllers],
    )
