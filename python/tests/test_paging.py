# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Paging across several pages, blocking and asyncio, with a small page size."""

import asyncio

import pytest

from entitlement import Page
from entitlement.testing import Emulator, ids

N = 11


@pytest.fixture(scope="module")
def small():
    with Emulator(page_size=3, delivery_delay=0.02) as e:
        c = e.client()
        for i in range(N):
            c.create_catalog({"displayName": f"Paging {i:02}", "description": "paging test"})
        yield e


def test_iterating_follows_next_links(small):
    c = small.client()
    pager = c.list_catalogs(filter="description eq 'paging test'")
    names = [x.display_name for x in pager]
    assert sorted(names) == [f"Paging {i:02}" for i in range(N)]
    pages = list(pager.pages())
    assert [len(p) for p in pages] == [3, 3, 3, 2]
    assert all(p.next_link for p in pages[:-1]) and pages[-1].next_link is None
    assert all(isinstance(p, Page) for p in pages)


def test_one_page_at_a_time_with_count(small):
    c = small.client()
    first = c.list_catalogs(filter="description eq 'paging test'", count=True).first_page()
    assert len(first.value) == 3
    assert first.count == N
    assert first.next_link.startswith(small.base_url + "/v1.0/")
    second = c.list_catalogs().page(first.next_link)
    assert len(second) == 3
    assert {x.id for x in first}.isdisjoint({x.id for x in second})


def test_top_and_select(small):
    c = small.client()
    page = c.list_catalogs(top=2, select=["id", "displayName"], orderby="displayName").first_page()
    assert len(page) == 2
    d = page[0].to_dict()
    assert set(d) - {"@odata.type"} <= {"id", "displayName"}


def test_async_paging(small):
    async def run():
        c = small.async_client()
        names = [x.display_name async for x in c.list_catalogs(filter="description eq 'paging test'")]
        assert len(names) == N
        sizes = [len(p) async for p in c.list_catalogs(filter="description eq 'paging test'").pages()]
        assert sizes == [3, 3, 3, 2]
        everything = await c.list_catalogs(filter="description eq 'paging test'")
        assert len(everything) == N
        first = await c.list_catalogs(count=True, filter="description eq 'paging test'").first_page()
        assert first.count == N and first.next_link

    asyncio.run(run())


def test_assignments_expand_across_pages(small):
    # Beta assignments of the seed (if any) page the same way; the call must work with $expand.
    c = small.client()
    got = list(c.beta.list_access_package_assignments(expand=["target", "accessPackage", "accessPackageAssignmentPolicy"]))
    assert isinstance(got, list)
    assert c.get_catalog(ids.GENERAL_CATALOG_ID).display_name == "General"


def test_seeded_assignments_page_with_expand(tmp_path):
    # The benchmark's seed: many delivered assignments, paged with $expand.
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / "make_seed.py").exists():
        pytest.skip("bench/make_seed.py not found")
    seed_file = tmp_path / "seed.json"
    subprocess.check_call([sys.executable, str(root / "bench" / "make_seed.py"), "25", str(seed_file)])
    seed = json.loads(seed_file.read_text())
    with Emulator(seed=seed, page_size=10) as e:
        client_id = seed["applications"][0]["clientId"]
        c = _bench_client(e, client_id, seed["applications"][0]["clientSecret"])
        got = list(c.list_assignments(expand=["target", "accessPackage", "assignmentPolicy"]))
        assert len(got) == 25
        assert all(a.access_package.display_name.startswith("Sales and marketing tools") for a in got)
        assert all(a.assignment_policy.request_approval_settings is not None for a in got)
        assert got[0].target.display_name.startswith("Bench User")
        assert len(list(c.list_assignments().pages())) == 3


def _bench_client(emu, client_id, secret):
    from entitlement import Client

    return Client(emu.base_url, tenant_id=emu.tenant_id, client_id=client_id, client_secret=secret,
                  authority=emu.authority)
