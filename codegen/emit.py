# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""What the generators share besides the API model: templates (the static,
hand-written parts of generated files, kept as real files under
codegen/templates/), rustfmt for generated Rust, and splicing a generated
block into a hand-written file."""
from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def template(name: str, **subs: str) -> str:
    """codegen/templates/<name> with each `{{NAME}}` replaced by `subs["NAME"]`.
    Every placeholder must be filled and every substitution used."""
    text = (TEMPLATES / name).read_text()
    found = set(_PLACEHOLDER.findall(text))
    if found != set(subs):
        raise SystemExit(f"template {name}: placeholders {sorted(found)}, given {sorted(subs)}")
    return _PLACEHOLDER.sub(lambda m: subs[m.group(1)], text)


def rustfmt(text: str, name: str) -> str:
    """Formats generated Rust the way `cargo fmt` would (edition 2021, default style)."""
    proc = subprocess.run(["rustfmt", "--edition", "2021", "--emit", "stdout", "--quiet"],
                          input=text, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"rustfmt failed on generated {name}:\n{proc.stderr}")
    return proc.stdout


def splice(rel: str, begin: str, end: str, block: str) -> str:
    """The hand-written file `rel` with the lines between the marker lines
    containing `begin` and `end` replaced by `block` (markers kept)."""
    text = (ROOT / rel).read_text()
    lines = text.splitlines(keepends=True)
    try:
        b = next(i for i, line in enumerate(lines) if begin in line)
        e = next(i for i, line in enumerate(lines) if end in line and i > b)
    except StopIteration:
        raise SystemExit(f"{rel}: generated-block markers {begin!r} / {end!r} not found") from None
    return "".join(lines[: b + 1]) + block + "".join(lines[e:])


def doc_comment(text: str, prefix: str, width: int = 100) -> list[str]:
    """`text` as comment lines starting with `prefix` (e.g. `    /// `), wrapped at `width`."""
    text = " ".join((text or "").split())
    if not text:
        return []
    return [(prefix + line).rstrip() for line in textwrap.wrap(text, max(width - len(prefix), 40),
                                                                 break_long_words=False, break_on_hyphens=False)]
