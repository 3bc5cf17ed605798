/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * $batch from C through the job functions (kind "batch"): one item event per
 * request in order, a typed per-item error, a 424 for a failed dependency, an
 * item answered 429 retried after its Retry-After, and the summary. */
#include "common.h"

#define GENERAL_CATALOG_ID "cec5d6ab-c75d-47c0-9c1c-92e89f66e384"

struct tally {
    int items;
    int failed;
};

static int on_item(void *user_data, const char *event_json) {
    struct tally *t = user_data;
    char *type = jget(event_json, "/type");
    if (type && strcmp(type, "item") == 0) {
        t->items++;
        char *kind = jget(event_json, "/error/kind");
        if (kind) t->failed++;
        ent_string_free(kind);
    }
    ent_string_free(type);
    return 0;
}

int main(void) {
    char buf[2048];
    ent_emulator *emu = NULL;
    MUST(ent_emulator_start("{\"deliveryDelayMs\":10}", &emu, MERR));
    char *token = NULL, *base_url = NULL;
    MUST(ent_emulator_app_token(emu, &token, MERR));
    MUST(ent_emulator_base_url(emu, &base_url, MERR));
    ent_client *admin = NULL;
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\"}", base_url, token);
    MUST(ent_client_new(buf, &admin, MERR));
    ent_string_free(token);
    ent_string_free(base_url);

    /* The first read of the catalog is answered 429 with Retry-After: 1. */
    MUST(ent_emulator_inject_fault(emu, "{\"status\":429,\"retryAfter\":\"1\",\"count\":1,\"pathContains\":\"catalogs/" GENERAL_CATALOG_ID "\"}", MERR));
    const char *options =
        "{\"requests\":["
        "{\"operation\":\"get_catalog\",\"args\":[\"" GENERAL_CATALOG_ID "\"]},"
        "{\"operation\":\"get_catalog\",\"args\":[\"no-such-catalog\"],\"id\":\"missing\"},"
        "{\"operation\":\"create_catalog\",\"body\":{\"displayName\":\"Never\"},\"dependsOn\":[\"missing\"]},"
        "{\"operation\":\"list_catalogs\",\"query\":{\"top\":1}}]}";
    ent_job *job = NULL;
    MUST(ent_client_job_start(admin, "batch", options, &job, MERR));
    char *events[8] = {0};
    int n = 0;
    for (;;) {
        char *ev = NULL;
        MUST(ent_job_next(job, &ev, MERR));
        if (ev == NULL) break;
        if (n < 8) events[n++] = ev;
        else ent_string_free(ev);
    }
    ent_job_free(job);
    CHECK(n == 5, "%d events", n);
    if (n == 5) {
        char *v = jget(events[0], "/body/id");
        CHECK_STR(v, GENERAL_CATALOG_ID);
        ent_string_free(v);
        v = jget(events[0], "/attempts");
        CHECK_STR(v, "2");
        ent_string_free(v);
        v = jget(events[1], "/error/kind");
        CHECK_STR(v, "NotFound");
        ent_string_free(v);
        v = jget(events[2], "/status");
        CHECK_STR(v, "424");
        ent_string_free(v);
        v = jget(events[3], "/status");
        CHECK_STR(v, "200");
        ent_string_free(v);
        v = jget(events[4], "/type");
        CHECK_STR(v, "done");
        ent_string_free(v);
        v = jget(events[4], "/succeeded");
        CHECK_STR(v, "2");
        ent_string_free(v);
        v = jget(events[4], "/retried");
        CHECK_STR(v, "1");
        ent_string_free(v);
    }
    for (int i = 0; i < n; i++) ent_string_free(events[i]);

    /* The same through a callback. */
    struct tally t = {0, 0};
    char *summary = NULL;
    MUST(ent_client_job_run(admin, "batch",
                            "{\"requests\":[{\"operation\":\"list_catalogs\"},{\"operation\":\"get_catalog\",\"args\":[\"x\"]}]}",
                            on_item, &t, &summary, MERR));
    CHECK(t.items == 2 && t.failed == 1, "%d items, %d failed", t.items, t.failed);
    char *failed = jget(summary, "/failed");
    CHECK_STR(failed, "1");
    ent_string_free(failed);
    ent_string_free(summary);

    /* A bad request fails the job, typed. */
    ent_error *err = NULL;
    ent_status st = ent_client_job_run(admin, "batch", "{\"requests\":[{\"operation\":\"nope\"}]}", NULL, NULL, NULL, &err);
    CHECK(st == ENT_INVALID_ARGUMENT, "status %s", ent_status_name(st));
    ent_error_free(err);

    ent_client_free(admin);
    ent_emulator_stop(emu);
    return finish("batch");
}
