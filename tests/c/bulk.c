/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * Bulk assignment from C through ent_client_job_run (kind "bulkAssign")
 * against a throttled emulator: a run cancelled from its callback, a rerun
 * with the same journal that skips what the first settled, per-item
 * outcomes, 429s met on the way, and every target assigned exactly once
 * (read back from the emulator). */
#include <time.h>
#include <unistd.h>

#include "common.h"

#define N 30
#define TENANT "c0c0c0c0-0000-4000-8000-000000000000"
#define APP_ID "c0c0c0c0-0000-4000-8000-0000000000a1"
#define CATALOG "c0c0c0c0-0000-4000-8000-0000000000c1"
#define PACKAGE "c0c0c0c0-0000-4000-8000-0000000000d1"
#define POLICY "c0c0c0c0-0000-4000-8000-0000000000e1"
/* 2 writes of burst, 5/s after: 30 creates and their reads meet 429s, even
 * at valgrind's pace. */
#define PROFILE "graph,app=2/5,tenant=100000/100000,read=1,write=1,retry-after=fractional"

struct tally {
    int items, created, skipped, reconciled, failed, journal, progress;
    int stop_after; /* cancel after this many items (0: never) */
};

static int on_event(void *user_data, const char *event_json) {
    struct tally *t = user_data;
    char *type = jget(event_json, "/type");
    if (type && strcmp(type, "progress") == 0) t->progress++;
    if (type && strcmp(type, "item") == 0) {
        t->items++;
        char *outcome = jget(event_json, "/outcome"), *reason = jget(event_json, "/reason");
        if (outcome && strcmp(outcome, "created") == 0) t->created++;
        if (outcome && strcmp(outcome, "skipped") == 0) t->skipped++;
        if (outcome && strcmp(outcome, "reconciled") == 0) t->reconciled++;
        if (outcome && strcmp(outcome, "failed") == 0) {
            t->failed++;
            fprintf(stderr, "failed item: %s\n", event_json);
        }
        if (reason && strcmp(reason, "journal") == 0) t->journal++;
        ent_string_free(outcome);
        ent_string_free(reason);
    }
    ent_string_free(type);
    return t->stop_after > 0 && t->items >= t->stop_after;
}

static void user_id(int i, char *buf, size_t n) { snprintf(buf, n, "c1000000-0000-4000-8000-%012x", i); }

/* The number of elements of a JSON array (by probing /i). */
static int array_len(const char *json) {
    char ptr[32];
    int n = 0;
    for (;;) {
        snprintf(ptr, sizeof ptr, "/%d", n);
        char *v = jget(json, ptr);
        if (v == NULL) return n;
        ent_string_free(v);
        n++;
    }
}

int main(void) {
    static char seed[32768], options[8192], targets[4096];
    char id[64], buf[8192];
    size_t at = 0;
    at += snprintf(seed + at, sizeof seed - at,
                   "{\"throttle\":\"" PROFILE "\",\"deliveryDelayMs\":10,\"seed\":{\"tenantId\":\"" TENANT "\",\"users\":[");
    size_t tat = 0;
    tat += snprintf(targets + tat, sizeof targets - tat, "[");
    for (int i = 0; i < N; i++) {
        user_id(i, id, sizeof id);
        at += snprintf(seed + at, sizeof seed - at,
                       "%s{\"id\":\"%s\",\"displayName\":\"Bulk User %d\",\"userPrincipalName\":\"bulk.user%d@contoso.com\"}",
                       i ? "," : "", id, i, i);
        tat += snprintf(targets + tat, sizeof targets - tat, "%s\"%s\"", i ? "," : "", id);
    }
    snprintf(targets + tat, sizeof targets - tat, "]");
    snprintf(seed + at, sizeof seed - at,
             "],\"applications\":[{\"clientId\":\"" APP_ID "\",\"clientSecret\":\"s\",\"displayName\":\"Bulk test\","
             "\"permissions\":[\"EntitlementManagement.ReadWrite.All\"]}],"
             "\"catalogs\":[{\"id\":\"" CATALOG "\",\"displayName\":\"Bulk\",\"description\":\"bulk\","
             "\"catalogType\":\"userManaged\",\"state\":\"published\",\"isExternallyVisible\":true}],"
             "\"objects\":{\"accessPackages\":[{\"id\":\"" PACKAGE "\",\"catalogId\":\"" CATALOG "\","
             "\"displayName\":\"Bulk\",\"description\":\"bulk\",\"isHidden\":false}],"
             "\"assignmentPolicies\":[{\"id\":\"" POLICY "\",\"accessPackageId\":\"" PACKAGE "\","
             "\"displayName\":\"Admin assigned\",\"description\":\"direct\",\"allowedTargetScope\":\"notSpecified\","
             "\"specificAllowedTargets\":[],\"requestorSettings\":{\"enableTargetsToSelfAddAccess\":false},"
             "\"requestApprovalSettings\":{\"isApprovalRequiredForAdd\":false,\"isApprovalRequiredForUpdate\":false,"
             "\"stages\":[]},\"expiration\":{\"type\":\"noExpiration\"}}]}}}");

    ent_emulator *emu = NULL;
    MUST(ent_emulator_start(seed, &emu, MERR));
    char *token = NULL, *base_url = NULL;
    MUST(ent_emulator_app_token(emu, &token, MERR));
    MUST(ent_emulator_base_url(emu, &base_url, MERR));
    ent_client *admin = NULL;
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\"}", base_url, token);
    MUST(ent_client_new(buf, &admin, MERR));
    ent_string_free(token);
    ent_string_free(base_url);

    char dir[] = "/tmp/ent-bulk-c-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char journal[128];
    snprintf(journal, sizeof journal, "%s/journal.jsonl", dir);

    /* 1. A run cancelled from its callback after 8 settled items. */
    snprintf(options, sizeof options,
             "{\"accessPackageId\":\"" PACKAGE "\",\"policyId\":\"" POLICY "\",\"targets\":%s,"
             "\"journal\":\"%s\",\"maxConcurrency\":8}",
             targets, journal);
    struct tally first = {0};
    first.stop_after = 8;
    char *summary = NULL;
    MUST(ent_client_job_run(admin, "bulkAssign", options, on_event, &first, &summary, MERR));
    CHECK(first.items >= 8 && first.items < N, "%d items before the cancel", first.items);
    CHECK(first.failed == 0, "%d failed", first.failed);
    char *v = jget(summary, "/throttled");
    int throttled = v ? atoi(v) : 0;
    ent_string_free(v);
    ent_string_free(summary);

    /* 2. The rerun with the same journal finishes the job. */
    struct tally second = {0};
    summary = NULL;
    MUST(ent_client_job_run(admin, "bulkAssign", options, on_event, &second, &summary, MERR));
    CHECK(second.items == N, "%d items", second.items);
    CHECK(second.failed == 0, "%d failed", second.failed);
    CHECK(second.journal >= first.created, "%d skipped from the journal, %d created before", second.journal,
          first.created);
    CHECK(second.created > 0, "%d created", second.created);
    CHECK(second.created + second.skipped + second.reconciled == N, "%d + %d + %d", second.created, second.skipped,
          second.reconciled);
    CHECK(second.progress > 0, "progress events");
    v = jget(summary, "/total");
    snprintf(buf, sizeof buf, "%d", N);
    CHECK_STR(v, buf);
    ent_string_free(v);
    v = jget(summary, "/failed");
    CHECK_STR(v, "0");
    ent_string_free(v);
    v = jget(summary, "/throttled");
    throttled += v ? atoi(v) : 0;
    CHECK(throttled > 0, "429s met by the two runs: %s", summary);
    ent_string_free(v);
    ent_string_free(summary);

    /* Read back: one add request and one assignment per target. */
    const char *query = "{\"filter\":\"accessPackage/id eq '" PACKAGE "'\",\"expand\":[\"target\"]}";
    char *out = NULL;
    int assignments = 0;
    for (int tries = 0; tries < 200; tries++) {
        MUST(ent_client_list_all(admin, "list_assignments", NULL, query, &out, MERR));
        assignments = array_len(out);
        if (assignments >= N) break;
        ent_string_free(out);
        out = NULL;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    CHECK(assignments == N, "%d assignments for %d targets", assignments, N);
    for (int i = 0; out && i < N; i++) {
        user_id(i, id, sizeof id);
        int seen = 0;
        for (int j = 0; j < assignments; j++) {
            char ptr[48];
            snprintf(ptr, sizeof ptr, "/%d/target/objectId", j);
            char *t = jget(out, ptr);
            if (t && strcmp(t, id) == 0) seen++;
            ent_string_free(t);
        }
        CHECK(seen == 1, "target %s assigned %d times", id, seen);
    }
    ent_string_free(out);
    MUST(ent_client_list_all(admin, "list_assignment_requests", NULL,
                             "{\"filter\":\"accessPackage/id eq '" PACKAGE "'\"}", &out, MERR));
    CHECK(array_len(out) == N, "%d requests for %d targets", array_len(out), N);
    ent_string_free(out);

    unlink(journal);
    rmdir(dir);
    ent_client_free(admin);
    ent_emulator_stop(emu);
    return finish("bulk");
}
