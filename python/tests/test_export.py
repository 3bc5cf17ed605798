# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""client.export: every assignment of a seeded emulator to JSONL and CSV,
read back and compared with a list call."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from entitlement import AsyncClient, Client
from entitlement.testing import Emulator

N = 250
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    if not (ROOT / "bench" / "make_seed.py").exists():
        pytest.skip("bench/make_seed.py not found")
    seed_file = tmp_path_factory.mktemp("seed") / "seed.json"
    subprocess.check_call([sys.executable, str(ROOT / "bench" / "make_seed.py"), str(N), str(seed_file)])
    seed = json.loads(seed_file.read_text())
    app = seed["applications"][0]
    with Emulator(seed=seed, page_size=40) as e:
        yield e, dict(base_url=e.base_url, tenant_id=e.tenant_id, client_id=app["clientId"],
                      client_secret=app["clientSecret"], authority=e.authority)


def test_jsonl_is_the_listed_objects(seeded, tmp_path):
    _, kw = seeded
    c = Client(**kw)
    events = []
    out = tmp_path / "a.jsonl"
    summary = c.export("assignments", path=out, format="jsonl", expand="target,accessPackage", progress=events.append)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    listed = [a.to_dict() for a in c.list_assignments(expand=["target", "accessPackage"])]
    assert summary["count"] == N == len(lines)
    assert summary["bytes"] == out.stat().st_size
    assert [x["id"] for x in lines] == [x["id"] for x in listed]
    assert lines == listed
    counts = [e["count"] for e in events]
    assert counts and counts == sorted(counts) and counts[-1] == N
    assert all(e["type"] == "progress" and e["objectsPerSecond"] >= 0 for e in events)


def test_csv_columns_match_the_list(seeded, tmp_path):
    _, kw = seeded
    c = Client(**kw)
    out = tmp_path / "a.csv"
    summary = c.export("assignments", path=str(out), format="csv", expand="target,accessPackage")
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    listed = list(c.list_assignments(expand=["target", "accessPackage"]))
    assert summary["count"] == len(rows) == N
    assert out.read_bytes().split(b"\n")[0].endswith(b"\r")  # RFC 4180 line ends
    for row, a in zip(rows, listed):
        assert row["id"] == a.id
        assert row["state"] == a.to_dict()["state"]
        assert row["target.displayName"] == a.target.display_name
        assert row["accessPackage.displayName"] == a.access_package.display_name
        assert row["schedule.expiration.duration"] == a.to_dict()["schedule"]["expiration"]["duration"]


def test_segmented_by_access_package(seeded, tmp_path):
    _, kw = seeded
    c = Client(**kw)
    out = tmp_path / "seg.jsonl"
    summary = c.export("assignments", path=out, by_access_package=True, concurrency=2)
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert summary["packages"] == 4
    assert len(ids) == N and set(ids) == {a.id for a in c.list_assignments()}
    folder = tmp_path / "per-package"
    summary = c.export("assignments", path=folder, format="csv", by_access_package=True, per_package_files=True)
    assert summary["count"] == N
    assert sorted(p.suffix for p in folder.iterdir()) == [".csv"] * 4


def test_errors_and_async(seeded, tmp_path):
    import asyncio

    from entitlement import BadRequestError, InvalidArgumentError

    _, kw = seeded
    c = Client(**kw)
    with pytest.raises(BadRequestError):
        c.export("assignments", path=tmp_path / "x.jsonl", filter="state eq")
    with pytest.raises(InvalidArgumentError):
        c.export("groups", path=tmp_path / "x.jsonl")

    async def run():
        return await AsyncClient(**kw).export("requests", path=tmp_path / "r.jsonl")

    assert asyncio.run(run())["count"] == 0
