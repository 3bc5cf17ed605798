/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The cross-language contract table (tests/contract/cases.json) through the
 * C ABI: ent_client_call / ent_client_list_all, ent_emulator_*. The table is
 * read with ent_json_get (JSON Pointer); object keys are walked with a small
 * scanner. The same cases run in Rust, Python and Node; each failing case
 * prints `c case <name>: expected ..., got ...`.
 *
 *   contract [path/to/cases.json]   (default: tests/contract/cases.json)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

#define LANG "c"

static char *table;  /* cases.json */

/* ---- small string helpers (malloc'd results, released with free) ---- */

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) abort();
    memcpy(p, s, n);
    return p;
}

static char *xprintf(const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = malloc((size_t)n + 1);
    if (!p) abort();
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* Replaces every occurrence of `from` in `s` by `to`; frees `s`. */
static char *replace_all(char *s, const char *from, const char *to) {
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = s; (p = strstr(p, from)) != NULL; p += nf) count++;
    if (count == 0) return s;
    char *out = malloc(strlen(s) + count * nt + 1), *w = out;
    if (!out) abort();
    const char *r = s, *p;
    while ((p = strstr(r, from)) != NULL) {
        memcpy(w, r, (size_t)(p - r));
        w += p - r;
        memcpy(w, to, nt);
        w += nt;
        r = p + nf;
    }
    strcpy(w, r);
    free(s);
    return out;
}

/* ---- reading JSON through ent_json_get ---- */

/* The value at `pointer` as a malloc'd string (strings unquoted, others as JSON text), or NULL. */
static char *get(const char *json, const char *pointer) {
    char *v = NULL;
    if (json == NULL || ent_json_get(json, pointer, &v, NULL) != ENT_OK) return NULL;
    char *copy = xstrdup(v);
    ent_string_free(v);
    return copy;
}

static char *getf(const char *json, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char ptr[512];
    vsnprintf(ptr, sizeof ptr, fmt, ap);
    va_end(ap);
    return get(json, ptr);
}

static bool has(const char *json, const char *pointer) {
    char *v = get(json, pointer);
    free(v);
    return v != NULL;
}

/* Walks the keys of a JSON object's text, one per call: returns a malloc'd
 * key (escapes kept as written, which the table does not use) or NULL at the end. */
static char *next_key(const char *obj, size_t *pos) {
    size_t i = *pos;
    int depth = 0;
    bool want_key = (i == 0) ? false : true;
    if (i == 0) {
        while (obj[i] && obj[i] != '{') i++;
        if (!obj[i]) return NULL;
        i++;
        want_key = true;
    }
    for (; obj[i]; i++) {
        char c = obj[i];
        if (c == '"') {
            size_t start = ++i;
            while (obj[i] && obj[i] != '"') i += (obj[i] == '\\' && obj[i + 1]) ? 2 : 1;
            if (depth == 0 && want_key) {
                size_t n = i - start;
                char *key = malloc(n + 1);
                if (!key) abort();
                memcpy(key, obj + start, n);
                key[n] = 0;
                *pos = i + 1;
                return key;
            }
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) return NULL;
            depth--;
        } else if (c == ',' && depth == 0) {
            want_key = true;
        } else if (c == ':' && depth == 0) {
            want_key = false;
        }
    }
    return NULL;
}

/* A key as one JSON Pointer token ("/" → "~1"). */
static char *token(const char *key) {
    char *t = xstrdup(key);
    t = replace_all(t, "~", "~0");
    return replace_all(t, "/", "~1");
}

/* ---- the saved values of a case (`"save"`, `${name}`) ---- */

#define MAX_VARS 8
static char *var_names[MAX_VARS];
static char *var_values[MAX_VARS];
static int nvars;

static void vars_clear(void) {
    for (int i = 0; i < nvars; i++) {
        free(var_names[i]);
        free(var_values[i]);
    }
    nvars = 0;
}

static char *subst(char *s) {
    for (int i = 0; s && i < nvars; i++) {
        char *pat = xprintf("${%s}", var_names[i]);
        s = replace_all(s, pat, var_values[i]);
        free(pat);
    }
    return s;
}

/* ---- outcome of a case ---- */

typedef struct {
    ent_status status;
    ent_error *err; /* on failure (may be NULL) */
    char *json;     /* on success (NULL: no body) */
} outcome;

static void outcome_free(outcome *o) {
    ent_error_free(o->err);
    ent_string_free(o->json);
    o->err = NULL;
    o->json = NULL;
}

/* One call of the table (`step` is the pointer of a call object). */
static outcome call(const ent_client *client, const char *step) {
    outcome o = {ENT_OK, NULL, NULL};
    char *op = getf(table, "%s/op", step);
    char *args = subst(getf(table, "%s/args", step));
    char *query = subst(getf(table, "%s/query", step));
    char *body = subst(getf(table, "%s/body", step));
    if (body == NULL) body = getf(table, "%s/bodyText", step);
    const char *bare = strncmp(op, "beta.", 5) == 0 ? op + 5 : op;
    if (strncmp(bare, "list_", 5) == 0 && body == NULL) {
        o.status = ent_client_list_all(client, op, args, query, &o.json, &o.err);
    } else {
        o.status = ent_client_call(client, op, args, query, body, &o.json, &o.err);
    }
    free(op);
    free(args);
    free(query);
    free(body);
    return o;
}

static char *describe(const outcome *o) {
    if (o->status == ENT_OK) return xprintf("success with %.200s", o->json ? o->json : "nothing");
    if (o->err == NULL) return xprintf("%s without an error object", ent_status_name(o->status));
    int64_t ra = ent_error_retry_after_ms(o->err);
    const char *code = ent_error_code(o->err);
    char rabuf[48] = "";
    if (ra >= 0) snprintf(rabuf, sizeof rabuf, ", retryAfter %g", (double)ra / 1000.0);
    return xprintf("error %s (%s, status %u, code %s%s): %s", ent_error_kind(o->err), ent_status_name(o->status),
                   ent_error_http_status(o->err), code ? code : "null", rabuf, ent_error_message(o->err));
}

/* NULL when the outcome matches `expect` (the pointer of the expect object), else what was wrong. */
static char *check(const char *expect, const outcome *o) {
    char *want_kind = getf(table, "%s/error/kind", expect);
    if (want_kind) {
        char *wrong = NULL;
        if (o->status == ENT_OK) {
            wrong = describe(o);
        } else {
            char what[64] = "";
            const char *kind = o->err ? ent_error_kind(o->err) : "(none)";
            if (strcmp(kind, want_kind) != 0) strcat(what, " kind");
            char *s = getf(table, "%s/error/status", expect);
            if (s && (!o->err || atoi(s) != (int)ent_error_http_status(o->err))) strcat(what, " status");
            char *c = getf(table, "%s/error/code", expect);
            const char *code = o->err ? ent_error_code(o->err) : NULL;
            if (c && (!code || strcmp(c, code) != 0)) strcat(what, " code");
            char *r = getf(table, "%s/error/retryAfter", expect);
            if (r && (!o->err || ent_error_retry_after_ms(o->err) != (int64_t)(atof(r) * 1000.0))) strcat(what, " retryAfter");
            if (what[0]) {
                char *d = describe(o);
                wrong = xprintf("%s [wrong%s]", d, what);
                free(d);
            }
            free(s);
            free(c);
            free(r);
        }
        free(want_kind);
        return wrong;
    }
    if (o->status != ENT_OK) return describe(o);
    const char *kind = o->json == NULL ? "none" : o->json[0] == '[' ? "array" : o->json[0] == '{' ? "object" : "scalar";
    char *body = getf(table, "%s/body", expect);
    char *wrong = NULL;
    if (body && strcmp(body, kind) != 0) wrong = xprintf("a %s body: %.200s", kind, o->json ? o->json : "");
    free(body);
    if (wrong) return wrong;
    char *items = getf(table, "%s/items", expect);
    if (items) {
        int n = atoi(items);
        char last[32], past[32];
        snprintf(last, sizeof last, "/%d", n - 1);
        snprintf(past, sizeof past, "/%d", n);
        bool ok = kind[0] == 'a' && (n == 0 || has(o->json, last)) && !has(o->json, past);
        if (!ok) wrong = xprintf("not %d items: %.200s", n, o->json ? o->json : "");
        free(items);
        if (wrong) return wrong;
    }
    char *json = getf(table, "%s/json", expect);
    size_t pos = 0;
    char *key;
    while (json && !wrong && (key = next_key(json, &pos)) != NULL) {
        char *t = token(key);
        char *want = subst(getf(json, "/%s", t));
        char *got = get(o->json, key);
        if (got == NULL || want == NULL || strcmp(got, want) != 0) wrong = xprintf("%s = %s", key, got ? got : "(missing)");
        free(t);
        free(want);
        free(got);
        free(key);
    }
    free(json);
    for (int i = 0; !wrong; i++) {
        char *p = getf(table, "%s/present/%d", expect, i);
        if (!p) break;
        if (!has(o->json, p)) wrong = xprintf("%s missing", p);
        free(p);
    }
    for (int i = 0; !wrong; i++) {
        char *p = getf(table, "%s/absent/%d", expect, i);
        if (!p) break;
        if (has(o->json, p)) wrong = xprintf("%s present", p);
        free(p);
    }
    return wrong;
}

/* Client options for a case's "client" object. On a failure to get a user
 * token, returns NULL and fills `o`. */
static char *client_options(const ent_emulator *emu, int c, outcome *o) {
    char *base = NULL, *auth = NULL, *tenant = NULL, *id = NULL, *secret = NULL;
    ent_emulator_base_url(emu, &base, NULL);
    ent_emulator_authority(emu, &auth, NULL);
    ent_emulator_tenant_id(emu, &tenant, NULL);
    ent_emulator_app_credentials(emu, &id, &secret, NULL);
    char *cred = getf(table, "/cases/%d/client/credential", c);
    char *user = getf(table, "/cases/%d/client/user", c);
    char *tok = getf(table, "/cases/%d/client/token", c);
    char *base_override = getf(table, "/cases/%d/client/baseUrl", c);
    char *retries = getf(table, "/cases/%d/client/maxRetries", c);
    char *timeout = getf(table, "/cases/%d/client/timeoutMs", c);
    char *extra = xprintf("%s%s%s%s", retries ? ",\"maxRetries\":" : "", retries ? retries : "",
                          timeout ? ",\"timeoutMs\":" : "", timeout ? timeout : "");
    const char *b = base_override ? base_override : base;
    char *opts = NULL;
    const char *kind = cred ? cred : "app";
    if (strcmp(kind, "app") == 0 || strcmp(kind, "bad_secret") == 0) {
        opts = xprintf("{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\","
                       "\"clientSecret\":\"%s%s\"%s}",
                       b, auth, tenant, id, secret, strcmp(kind, "app") == 0 ? "" : "-wrong", extra);
    } else if (strcmp(kind, "user_signin") == 0) {
        /* The authorization code flow with PKCE; the emulator signs loginHint in without a page. */
        opts = xprintf("{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"credential\":{\"kind\":\"interactiveBrowser\","
                       "\"tenantId\":\"%s\",\"clientId\":\"%s\",\"loginHint\":\"%s\",\"browser\":\"http\"}%s}",
                       b, auth, tenant, id, user, extra);
    } else if (strcmp(kind, "user_token") == 0) {
        char *t = NULL;
        o->status = ent_emulator_user_token(emu, user, &t, &o->err);
        if (o->status == ENT_OK) opts = xprintf("{\"baseUrl\":\"%s\",\"token\":\"%s\"%s}", b, t, extra);
        ent_string_free(t);
    } else if (strcmp(kind, "token") == 0) {
        opts = xprintf("{\"baseUrl\":\"%s\",\"token\":\"%s\"%s}", b, tok, extra);
    } else if (strcmp(kind, "none") == 0) {
        opts = xprintf("{\"baseUrl\":\"%s\"%s}", b, extra);
    } else {
        fprintf(stderr, "unknown credential %s in cases.json\n", kind);
        exit(2);
    }
    ent_string_free(base);
    ent_string_free(auth);
    ent_string_free(tenant);
    ent_string_free(id);
    ent_string_free(secret);
    free(cred);
    free(user);
    free(tok);
    free(base_override);
    free(retries);
    free(timeout);
    free(extra);
    return opts;
}

static void print_setup_failure(const char *name, outcome *o) {
    char *d = describe(o);
    fprintf(stderr, "%s case %s: setup failed: %s\n", LANG, name, d);
    free(d);
}

/* Runs case `c`; returns its outcome (caller frees). `busy_port` answers "port": "in_use". */
static outcome run_case(int c, const char *name, int busy_port, bool *harness_ok) {
    outcome o = {ENT_OK, NULL, NULL};
    *harness_ok = true;
    char *start = getf(table, "/cases/%d/start", c);
    if (start) {
        char port[16];
        snprintf(port, sizeof port, "%d", busy_port);
        start = replace_all(start, "\"in_use\"", port);
        ent_emulator *emu = NULL;
        o.status = ent_emulator_start(start, &emu, &o.err);
        ent_emulator_stop(emu);
        free(start);
        return o;
    }
    char *emu_opts = getf(table, "/cases/%d/emulator", c);
    if (emu_opts == NULL) emu_opts = xstrdup("{}");
    emu_opts = replace_all(emu_opts, "{", "{\"deliveryDelayMs\":20,");
    emu_opts = replace_all(emu_opts, ",}", "}");
    ent_emulator *emu = NULL;
    o.status = ent_emulator_start(emu_opts, &emu, &o.err);
    free(emu_opts);
    if (o.status != ENT_OK) {
        print_setup_failure(name, &o);
        *harness_ok = false;
        return o;
    }
    /* setup, as the seeded app */
    outcome dummy = {ENT_OK, NULL, NULL};
    char *admin_opts = client_options(emu, -1, &dummy);
    ent_client *admin = NULL;
    ent_client_new(admin_opts, &admin, NULL);
    free(admin_opts);
    for (int j = 0; *harness_ok; j++) {
        char step[64];
        snprintf(step, sizeof step, "/cases/%d/setup/%d", c, j);
        if (!has(table, step)) break;
        outcome s = call(admin, step);
        if (s.status != ENT_OK) {
            print_setup_failure(name, &s);
            *harness_ok = false;
        } else {
            char *save = getf(table, "%s/save", step);
            size_t pos = 0;
            char *key;
            while (save && (key = next_key(save, &pos)) != NULL) {
                char *ptr = getf(save, "/%s", key);
                char *v = get(s.json, ptr);
                if (v == NULL || nvars == MAX_VARS) {
                    fprintf(stderr, "%s case %s: setup result has no %s\n", LANG, name, ptr);
                    *harness_ok = false;
                    free(v);
                    free(key);
                } else {
                    var_names[nvars] = key;
                    var_values[nvars++] = v;
                }
                free(ptr);
            }
            free(save);
        }
        outcome_free(&s);
    }
    ent_client_free(admin);
    if (*harness_ok) {
        char *opts = client_options(emu, c, &o);
        if (opts) {
            ent_client *client = NULL;
            o.status = ent_client_new(opts, &client, &o.err);
            free(opts);
            if (o.status == ENT_OK) {
                char *fault = getf(table, "/cases/%d/fault", c);
                if (fault) {
                    ent_error *ferr = NULL;
                    if (ent_emulator_inject_fault(emu, fault, &ferr) != ENT_OK) {
                        fprintf(stderr, "%s case %s: inject_fault failed: %s\n", LANG, name, ent_error_message(ferr));
                        *harness_ok = false;
                    }
                    ent_error_free(ferr);
                    free(fault);
                }
                char callp[64];
                snprintf(callp, sizeof callp, "/cases/%d/call", c);
                o = call(client, callp);
                ent_client_free(client);
            }
        }
    }
    ent_emulator_stop(emu);
    return o;
}

static bool drift_marked(const char *name) {
    for (int k = 0;; k++) {
        char *lang = getf(table, "/known_drift/%d/language", k);
        if (!lang) return false;
        char *cs = getf(table, "/known_drift/%d/case", k);
        bool hit = strcmp(lang, LANG) == 0 && cs && strcmp(cs, name) == 0;
        free(lang);
        free(cs);
        if (hit) return true;
    }
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf) abort();
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tests/contract/cases.json";
    table = read_file(path);
    if (!table) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    /* an emulator whose port the "in_use" cases ask for again */
    ent_emulator *busy = NULL;
    char *busy_url = NULL;
    if (ent_emulator_start(NULL, &busy, NULL) != ENT_OK || ent_emulator_base_url(busy, &busy_url, NULL) != ENT_OK) {
        fprintf(stderr, "emulator does not start\n");
        return 2;
    }
    int busy_port = atoi(strrchr(busy_url, ':') + 1);
    ent_string_free(busy_url);

    int passed = 0, failed = 0, drifted = 0, skipped = 0;
    for (int c = 0;; c++) {
        char *name = getf(table, "/cases/%d/name", c);
        if (!name) break;
        char *skip = getf(table, "/cases/%d/skip/" LANG, c);
        if (skip) {
            printf("contract %s %s: skipped (%s)\n", LANG, name, skip);
            skipped++;
            free(skip);
            free(name);
            continue;
        }
        bool harness_ok;
        outcome o = run_case(c, name, busy_port, &harness_ok);
        char expect[64];
        snprintf(expect, sizeof expect, "/cases/%d/expect", c);
        char *wrong = harness_ok ? check(expect, &o) : xstrdup("(setup failed)");
        bool drift = drift_marked(name);
        if (!wrong) {
            passed++;
            if (drift) printf("%s case %s: passes; remove its known_drift mark\n", LANG, name);
        } else if (drift) {
            drifted++;
            printf("contract %s %s: known drift: %s\n", LANG, name, wrong);
        } else {
            failed++;
            char *exp = getf(table, "/cases/%d/expect", c);
            fprintf(stderr, "%s case %s: expected %s, got %s\n", LANG, name, exp, wrong);
            free(exp);
        }
        free(wrong);
        outcome_free(&o);
        vars_clear();
        free(name);
    }
    ent_emulator_stop(busy);
    free(table);
    printf("contract %s: %d passed, %d failed, %d known drift, %d skipped\n", LANG, passed, failed, drifted, skipped);
    return failed == 0 ? 0 : 1;
}
