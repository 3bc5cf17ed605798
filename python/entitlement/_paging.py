# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Collections arrive in pages linked by ``@odata.nextLink``. A pager
fetches lazily: iterating it yields items across pages; ``pages()`` yields
:class:`Page` objects (``value``, ``next_link``, ``count``)."""

from __future__ import annotations


class Page:
    """One page of a collection."""

    __slots__ = ("value", "next_link", "count")

    def __init__(self, value, next_link=None, count=None):
        self.value = value
        self.next_link = next_link
        self.count = count

    def __iter__(self):
        return iter(self.value)

    def __len__(self):
        return len(self.value)

    def __getitem__(self, i):
        return self.value[i]

    def __repr__(self):
        return f"Page({len(self.value)} items, next_link={self.next_link!r}, count={self.count!r})"

    __class_getitem__ = classmethod(lambda cls, item: cls)


class Pager:
    """The pages of a list operation (blocking). Nothing is sent until iterated."""

    __slots__ = ("_native", "_op", "_prepared")

    def __init__(self, native, op, args, query):
        self._prepared = native.prepare_list(op, args, query)  # checked once, here
        self._native = native
        self._op = op

    def page(self, next_link=None):
        """The first page, or the page at ``next_link``."""
        return Page(*self._native.page(self._prepared, next_link))

    def first_page(self):
        return self.page()

    def pages(self):
        """Every page; the next one is fetched while the caller works through the current one."""
        pages = self._native.pages(self._prepared)
        while (page := pages.next_page()) is not None:
            yield Page(*page)

    def __iter__(self):
        for page in self.pages():
            yield from page.value

    def to_list(self):
        """Every item of every page."""
        return list(self)

    def __repr__(self):
        return f"Pager({self._op!r})"

    __class_getitem__ = classmethod(lambda cls, item: cls)


class AsyncPager:
    """The pages of a list operation (asyncio): ``async for item in pager``,
    ``async for page in pager.pages()``, ``await pager.first_page()``, or
    ``await pager`` for every item as a list."""

    __slots__ = ("_native", "_op", "_prepared")

    def __init__(self, native, op, args, query):
        self._prepared = native.prepare_list(op, args, query)  # checked once, here
        self._native = native
        self._op = op

    async def page(self, next_link=None):
        return Page(*await self._native.page(self._prepared, next_link, True))

    async def first_page(self):
        return await self.page()

    async def pages(self):
        pages = self._native.pages(self._prepared)
        while (page := await pages.next_page(True)) is not None:
            yield Page(*page)

    async def __aiter__(self):
        async for page in self.pages():
            for item in page.value:
                yield item

    async def to_list(self):
        return [x async for x in self]

    def __await__(self):
        return self.to_list().__await__()

    def __repr__(self):
        return f"AsyncPager({self._op!r})"

    __class_getitem__ = classmethod(lambda cls, item: cls)
