#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Fails when include/entitlement.h differs from what cbindgen generates from
# bindings/c (build.rs writes it into OUT_DIR; scripts/gen-header.sh copies it).
exec bash "$(dirname "$0")/../../scripts/gen-header.sh" --check "$@"
