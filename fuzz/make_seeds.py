#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Writes the seed corpus fuzz/corpus/<target>/ from the documented examples
in conformance/examples.json plus a few hand-written inputs. The input
formats are described at the top of each fuzz/src/<target>.rs file.
Run from anywhere: python3 fuzz/make_seeds.py. Files are named by content
hash, so it only adds what is missing: the inputs `scripts/fuzz.sh --merge`
added next to the seeds stay."""

import hashlib
import json
import pathlib
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"
METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "get"]


def write(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()


def main():
    examples = json.loads((ROOT / "conformance" / "examples.json").read_text())
    for e in examples:
        beta = e["version"] == "beta"
        ty = e.get("response_odata_type")
        body = e.get("response_body")
        if ty and body is not None:
            page = ty.startswith("Collection(")
            name = ty.removeprefix("Collection(").removesuffix(")").removeprefix("microsoft.graph.")
            write("models", bytes([int(beta) | (2 if page else 0) | 4]) + name.encode() + b"\n" + compact(body))
            if not page and e.get("request_body") is not None and isinstance(e["request_body"], dict):
                write("models", bytes([int(beta)]) + name.encode() + b"\n" + compact(e["request_body"]))
        method = e.get("method") or "GET"
        target = e["path"] + (("?" + e["query"]) if e.get("query") else "")
        req = compact(e["request_body"]) if e.get("request_body") is not None else b""
        sel = int(beta) | (METHODS.index(method) << 1 if method in METHODS else 0)
        data = bytes([sel]) + target.encode() + b"\n" + req
        write("router", data)
        write("server", data)
        if e.get("query"):
            q = e["query"]
            write("query", b"\x01" + q.encode())
            for k, v in urllib.parse.parse_qsl(q, keep_blank_values=True):
                if k.lower() in ("$filter", "filter"):
                    write("query", b"\x00" + v.encode())
                if k.lower() in ("$expand", "expand"):
                    write("query", b"\x02" + v.encode())
    for f in [
        "displayName eq 'General' and not (isHidden eq true)",
        "startswith(tolower(displayName), 'mark') or contains(description, 'ß')",
        "catalog/id eq cec5d6ab-c75d-47c0-9c1c-92e89f66e384 and count ge 2.5",
        "requestor/email ne null or big gt -1e3",
        "a/b/c eq 'x''y'",
    ]:
        write("query", b"\x00" + f.encode())
    write("query", b"\x01$top=5&$skip=2&$count=true&$orderby=displayName desc&$select=id,displayName&$skiptoken=X1f")
    write("query", b"\x02resourceRoleScopes($expand=role,scope;$select=id),catalog")
    # The token endpoint and other raw targets (bit 4), with each token.
    tenant = "a1b2c3d4-0000-4000-8000-00000000e1a1"
    form = b"grant_type=client_credentials&client_id=3f6d2b8e-9a41-4c07-b1e5-7d8c9e0f1a2b&client_secret=x&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
    for t in ("router", "server"):
        write(t, bytes([0x12]) + f"/{tenant}/oauth2/v2.0/token\n".encode() + form)
        write(t, bytes([0x10]) + f"/{tenant}/v2.0/.well-known/openid-configuration\n".encode())
        for who in range(4):
            write(t, bytes([who << 5]) + b"/identityGovernance/entitlementManagement/accessPackages?$top=2&$expand=catalog\n")
    # $batch envelopes (POST, as the admin): dependsOn, relative URL forms, hostile shapes.
    em = "/identityGovernance/entitlementManagement"
    for reqs in [
        [{"id": "1", "method": "GET", "url": f"{em}/catalogs?$top=1"},
         {"id": "2", "method": "POST", "url": f"v1.0{em}/catalogs", "headers": {"Content-Type": "application/json"},
          "body": {"displayName": "b"}},
         {"id": "3", "method": "GET", "url": f"{em}/catalogs/x", "dependsOn": ["2"]},
         {"id": "4", "method": "DELETE", "url": f"{em}/catalogs/x", "dependsOn": ["3"]}],
        [{"id": "a", "method": "GET", "url": "/$batch"}],
        [{"id": "a", "method": "GET", "url": "x", "dependsOn": ["a"]}],
        [{"id": "a", "method": "GET", "url": "https://evil.example/v1.0/me"}],
    ]:
        write("server", bytes([METHODS.index("POST") << 1]) + b"/$batch\n" + compact({"requests": reqs}))
    # C ABI: selector, NULL/out/err bits, fields separated by 0x1f.
    S = b"\x1f"
    for sel, fields in [
        (0, [b'{"baseUrl":"http://127.0.0.1:1","token":"t","maxRetries":2,"timeoutMs":1000}']),
        (0, [b'{"tenantId":"t","clientId":"c","clientSecret":"s","cloud":"usGov","apiVersion":"beta"}']),
        (1, [b'{"baseUrl":"http://127.0.0.1:1"}']),
        (2, [b"get_catalog", b'["a","b"]', b"null", b"{}"]),
        (2, [b"beta.create_access_package_assignment_request", b"[]", b"", b'{"requestType":"bogus"}']),
        (3, [b"list_access_packages", b"[]", b'{"filter":"displayName eq \'x\'","top":5,"select":["id"]}']),
        (4, [b"get_catalog", b'["x"]', b"{}"]),
        (5, [b"", b'{"timeoutMs":-1}']),
        (6, [b"displayName", b"eq", b'"O\'Brien"']),
        (7, [b"resource/originSystem", b"startswith", b"42"]),
        (8, [b'{"value":[{"id":"x","n":[1,{"a":null}]}]}', b"/value/0/n/1/a"]),
        (9, [b"\x07"]),
        (10, [b"admin@contoso.com", b'{"status":429}', b"tok"]),
        (11, [b"[1,2]"]),
    ]:
        write("c_abi", bytes([sel, 0]) + S.join(fields))
        write("c_abi", bytes([sel, 0x03]) + S.join(fields))
    write("c_abi", bytes([6, 0]) + b"na\xffme" + S + b"eq" + S + b'"x\x00y"')
    for t in ("models", "query", "router", "server", "c_abi"):
        print(t, len(list((OUT / t).iterdir())))


main()
