# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The cross-language contract table (tests/contract/cases.json) through the
public Python surface: ``Client`` and ``AsyncClient`` methods, the
``entitlement.testing.Emulator``. The same cases run in Rust, Node and C; a
failing case reads ``python case <name>: expected ..., got ...``."""

import asyncio
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from entitlement import AsyncClient, Client, EntitlementError
from entitlement.testing import Emulator

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "tests" / "contract" / "cases.json").read_text())
LANG = "python"
DRIFT = {d["case"]: d["reason"] for d in TABLE["known_drift"] if d["language"] == LANG}
MISSING = object()


def subst(value, env):
    """``${name}`` in any string of a JSON value → the saved value."""
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], value)
    if isinstance(value, list):
        return [subst(v, env) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, env) for k, v in value.items()}
    return value


def pointer(doc, ptr):
    """RFC 6901; MISSING when nothing is there."""
    if ptr == "":
        return doc
    for raw in ptr.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and key in doc:
            doc = doc[key]
        elif isinstance(doc, list) and key.isdigit() and int(key) < len(doc):
            doc = doc[int(key)]
        else:
            return MISSING
    return doc


def plain(value):
    """A result as Graph JSON: models → dicts, pagers → lists."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "__iter__"):
        return [plain(v) for v in value]
    raise TypeError(f"unexpected result type {type(value).__name__}")


async def plain_async(value):
    if hasattr(value, "__aiter__"):
        return [plain(v) async for v in value]
    return plain(value)


def describe_error(e):
    if isinstance(e, EntitlementError):
        ra = "" if e.retry_after is None else f", retryAfter {e.retry_after:g}"
        return f"error {e.kind} (status {e.status}, code {e.code}{ra}): {e.message}"
    return f"Python {type(e).__name__}: {e}"


def check(expect, got_error, result, env):
    """'' when the outcome matches, else what was wrong."""
    if "error" in expect:
        want = expect["error"]
        if got_error is None:
            return f"success with {json.dumps(result)[:200]}"
        e = got_error
        if not isinstance(e, EntitlementError):
            return describe_error(e)
        wrong = []
        if e.kind != want["kind"]:
            wrong.append("kind")
        if "status" in want and e.status != want["status"]:
            wrong.append("status")
        if "code" in want and e.code != want["code"]:
            wrong.append("code")
        if "retryAfter" in want and (e.retry_after is None or abs(float(e.retry_after) - want["retryAfter"]) > 0.001):
            wrong.append("retryAfter")
        return f"{describe_error(e)} [wrong {', '.join(wrong)}]" if wrong else ""
    if got_error is not None:
        return describe_error(got_error)
    body = expect.get("body")
    kind = "none" if result is None else "array" if isinstance(result, list) else "object" if isinstance(result, dict) else type(result).__name__
    if body and kind != body:
        return f"a {kind} body: {json.dumps(result)[:200]}"
    if "items" in expect and (not isinstance(result, list) or len(result) != expect["items"]):
        return f"{len(result) if isinstance(result, list) else 'no'} items: {json.dumps(result)[:200]}"
    for ptr, want in subst(expect.get("json", {}), env).items():
        got = pointer(result, ptr)
        if got is MISSING or got != want:
            return f"{ptr} = {'(missing)' if got is MISSING else json.dumps(got)}"
    for ptr in expect.get("present", []):
        if pointer(result, ptr) is MISSING:
            return f"{ptr} missing"
    for ptr in expect.get("absent", []):
        if pointer(result, ptr) is not MISSING:
            return f"{ptr} present"
    return ""


def expected_text(expect):
    if "error" in expect:
        return "error " + json.dumps(expect["error"])
    return "success " + json.dumps({k: v for k, v in expect.items() if k != "ok"})


# ---- building the pieces of a case through the public surface ----

def emulator_kwargs(opts, busy_port):
    kw = {}
    for k, v in opts.items():
        if k == "seed":
            kw["seed"] = v
        elif k == "dbPath":
            kw["db_path"] = v
        elif k == "pageSize":
            kw["page_size"] = v
        elif k == "port":
            kw["port"] = busy_port if v == "in_use" else v
        else:
            raise AssertionError(f"unknown emulator option {k} in cases.json")
    return kw


def make_client(cls, emu, spec):
    spec = spec or {}
    extra = {}
    if "maxRetries" in spec:
        extra["max_retries"] = spec["maxRetries"]
    if "timeoutMs" in spec:
        extra["timeout"] = spec["timeoutMs"] / 1000
    base = spec.get("baseUrl", emu.base_url)
    cred = spec.get("credential", "app")
    client_id, secret = emu.app_credentials
    app = dict(tenant_id=emu.tenant_id, client_id=client_id, authority=emu.authority)
    if cred == "app":
        return cls(base, client_secret=secret, **app, **extra)
    if cred == "bad_secret":
        return cls(base, client_secret=secret + "-wrong", **app, **extra)
    if cred == "user_signin":
        return cls(base, credential=emu.user_credential(spec["user"]), authority=emu.authority, **extra)
    if cred == "user_token":
        return cls(base, token=emu.user_token(spec["user"]), **extra)
    if cred == "token":
        return cls(base, token=spec["token"], **extra)
    if cred == "none":
        return cls(base, **extra)
    raise AssertionError(f"unknown credential {cred} in cases.json")


def bound_call(client, call, env):
    """The method and its arguments for a case's call (``${var}`` substituted)."""
    target = client
    name = call["op"]
    if name.startswith("beta."):
        target, name = client.beta, name[len("beta."):]
    method = getattr(target, name)
    args = list(subst(call.get("args", []), env))
    if "body" in call:
        args.append(subst(call["body"], env))
    elif "bodyText" in call:
        args.append(call["bodyText"])
    kwargs = subst(call.get("query", {}), env)
    return method, args, kwargs


def run_setup(emu, steps, env):
    admin = emu.client()
    for step in steps:
        method, args, kwargs = bound_call(admin, step, env)
        result = plain(method(*args, **kwargs))
        for var, ptr in step.get("save", {}).items():
            env[var] = pointer(result, ptr)


def run_case(case, mode, busy_port):
    """(error or None, result JSON, env)."""
    env = {}
    if "start" in case:
        try:
            emu = Emulator(**emulator_kwargs(case["start"], busy_port))
        except Exception as e:  # noqa: BLE001 - the outcome under test
            return e, None, env
        emu.stop()
        return None, None, env
    with Emulator(**emulator_kwargs(case.get("emulator", {}), busy_port)) as emu:
        run_setup(emu, case.get("setup", []), env)
        try:
            client = make_client(Client if mode == "sync" else AsyncClient, emu, case.get("client"))
            if "fault" in case:
                f = case["fault"]
                emu.inject_fault(f["status"], retry_after=f.get("retryAfter"), count=f.get("count", 1),
                                 path_contains=f.get("pathContains"))
            method, args, kwargs = bound_call(client, case["call"], env)
            if mode == "sync":
                result = plain(method(*args, **kwargs))
            else:
                async def go():
                    value = method(*args, **kwargs)
                    if asyncio.iscoroutine(value):
                        value = await value
                    return await plain_async(value)
                result = asyncio.run(go())
        except Exception as e:  # noqa: BLE001 - the outcome under test
            return e, None, env
        return None, result, env


@pytest.fixture(scope="module")
def busy_port():
    with Emulator() as emu:
        yield urlparse(emu.base_url).port


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["name"] for c in TABLE["cases"]])
def test_contract(case, mode, busy_port):
    skip = case.get("skip", {}).get(LANG)
    if skip:
        pytest.skip(skip)
    if mode == "async" and "start" in case:
        pytest.skip("emulator start is the same call for both clients")
    error, result, env = run_case(case, mode, busy_port)
    wrong = check(case["expect"], error, result, env)
    lang = LANG if mode == "sync" else "python-async"
    if wrong and case["name"] in DRIFT:
        pytest.xfail(f"known drift: {DRIFT[case['name']]}")
    if not wrong and case["name"] in DRIFT:
        print(f"{lang} case {case['name']}: passes; remove its known_drift mark")
    line = f"{lang} case {case['name']}: expected {expected_text(case['expect'])}, got {wrong}"
    if wrong:
        print(line, file=sys.__stderr__)  # one whole line per failing case, past pytest's capture and truncation
    assert not wrong, line
