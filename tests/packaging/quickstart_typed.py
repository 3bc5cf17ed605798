# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""A typed quickstart: `mypy --strict` must accept it as a user would write it
(tests/packaging/python_types.sh), and it runs against the in-process emulator."""

from __future__ import annotations

import logging

from entitlement import Client, Filter, NotFoundError
from entitlement.models import AccessPackage, AccessPackageCatalog
from entitlement.testing import Emulator, ids


def first_package_names(client: Client, catalog_id: str) -> list[str]:
    names: list[str] = []
    for pkg in client.list_access_packages(filter=Filter.eq("catalog/id", catalog_id), expand="catalog"):
        names.append(pkg.display_name or "(unnamed)")
    return names


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    with Emulator() as emu:
        client: Client = emu.client()
        catalog: AccessPackageCatalog = client.get_catalog(ids.GENERAL_CATALOG_ID)
        created: AccessPackage = client.create_access_package(
            AccessPackage(display_name="Typed quickstart", catalog=AccessPackageCatalog(id=catalog.id))
        )
        assert created.id is not None
        try:
            client.get_access_package("00000000-0000-0000-0000-000000000000")
        except NotFoundError as err:
            print("not found:", err.status, err.request_id)
        print(catalog.display_name, first_package_names(client, ids.GENERAL_CATALOG_ID))
        admin: Client = emu.user_client(ids.ADMIN_UPN)  # delegated sign-in (authorization code + PKCE)
        print(sum(1 for _ in admin.list_catalogs()), "catalogs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
