/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * Shared helpers of the C test programs: checks that count, and small
 * wrappers that turn a failed call into a readable message. */
#ifndef ENT_TEST_COMMON_H
#define ENT_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            g_passed++;                                                     \
        } else {                                                            \
            g_failed++;                                                     \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fprintf(stderr, "\n");                                          \
        }                                                                   \
    } while (0)

static void check_str(const char *file, int line, const char *got, const char *want) {
    if (got != NULL && strcmp(got, want) == 0) {
        g_passed++;
    } else {
        g_failed++;
        fprintf(stderr, "FAIL %s:%d: got \"%s\", want \"%s\"\n", file, line, got ? got : "(null)", want);
    }
}
#define CHECK_STR(got, want) check_str(__FILE__, __LINE__, (got), (want))

static void print_error(const char *what, ent_status st, const ent_error *err) {
    fprintf(stderr, "%s: %s", what, ent_status_name(st));
    if (err) {
        const char *code = ent_error_code(err), *rid = ent_error_request_id(err);
        fprintf(stderr, " [%s, HTTP %u, code %s, request-id %s]: %s", ent_error_kind(err), ent_error_http_status(err),
                code ? code : "-", rid ? rid : "-", ent_error_message(err));
    }
    fprintf(stderr, "\n");
}

/* A step that must work: on failure the program stops. */
#define MUST(call)                                     \
    do {                                               \
        ent_error *must_err_ = NULL;                   \
        ent_status must_st_ = (call);                  \
        if (must_st_ != ENT_OK) {                      \
            print_error(#call, must_st_, must_err_);   \
            ent_error_free(must_err_);                 \
            fprintf(stderr, "FAIL %s:%d\n", __FILE__, __LINE__); \
            exit(1);                                   \
        }                                              \
        g_passed++;                                    \
    } while (0)
/* MUST's error out-parameter. */
#define MERR (&must_err_)

/* The value at a JSON Pointer (a library string), or NULL. */
static inline char *jget(const char *json, const char *pointer) {
    char *out = NULL;
    if (json == NULL || ent_json_get(json, pointer, &out, NULL) != ENT_OK) return NULL;
    return out;
}

/* Copies the value at a JSON Pointer into buf; exits when it is missing. */
static inline void jcopy(const char *json, const char *pointer, char *buf, size_t n) {
    char *v = jget(json, pointer);
    if (v == NULL) {
        fprintf(stderr, "FAIL: no %s in %s\n", pointer, json ? json : "(null)");
        exit(1);
    }
    snprintf(buf, n, "%s", v);
    ent_string_free(v);
}

static int finish(const char *program) {
    printf("%s: %d checks passed, %d failed\n", program, g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

#endif
