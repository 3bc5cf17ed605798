/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * Assign a list of users to an access package with the bulk API (job kind
 * "bulkAssign"; a journal makes a rerun resume where the last one stopped),
 * then export the package's assignments to JSONL (job kind "export").
 *
 *   ./bulk [OUT_DIR]      # against an in-process emulator seeded with 50 users
 *   AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… ENTITLEMENT_ACCESS_PACKAGE_ID=… \
 *   ENTITLEMENT_POLICY_ID=… ENTITLEMENT_TARGETS=users.txt ./bulk [OUT_DIR]   # a real tenant
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "entitlement.h"

#define USERS 50
#define TENANT "b0b0b0b0-0000-4000-8000-000000000000"
#define APP_ID "b0b0b0b0-0000-4000-8000-0000000000a1"
#define APP_SECRET "bulk-example-secret"
#define CATALOG "b0b0b0b0-0000-4000-8000-0000000000c1"
#define PACKAGE "b0b0b0b0-0000-4000-8000-0000000000d1"
#define POLICY "b0b0b0b0-0000-4000-8000-0000000000e1"

static ent_error *err;

static void check(ent_status st, const char *what) {
    if (st == ENT_OK) return;
    fprintf(stderr, "error: %s: %s", what, ent_status_name(st));
    if (err) {
        const char *rid = ent_error_request_id(err);
        fprintf(stderr, " (HTTP %u, request-id %s): %s", ent_error_http_status(err), rid ? rid : "-",
                ent_error_message(err));
    }
    fprintf(stderr, "\n");
    ent_error_free(err);
    exit(1);
}

/* The value at a JSON Pointer as a number (0 when missing). */
static long number(const char *json, const char *pointer) {
    char *v = NULL;
    if (ent_json_get(json, pointer, &v, NULL) != ENT_OK) return 0;
    long n = strtol(v, NULL, 10);
    ent_string_free(v);
    return n;
}

/* Whether the value at a JSON Pointer is the string `want`. */
static int is(const char *json, const char *pointer, const char *want) {
    char *v = NULL;
    if (ent_json_get(json, pointer, &v, NULL) != ENT_OK) return 0;
    int same = strcmp(v, want) == 0;
    ent_string_free(v);
    return same;
}

/* A growing string, for the JSON documents built here. */
struct text {
    char *s;
    size_t len, cap;
};

static void append(struct text *t, const char *s) {
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        if (t->s == NULL) abort();
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

static void user_id(int i, char *buf, size_t n) { snprintf(buf, n, "b1000000-0000-4000-8000-%012x", i); }

/* Emulator options: a tenant with USERS users, one access package with an
 * admin-assigned policy, and user 0 already assigned (the run skips them). */
static void seeded_emulator_options(struct text *o) {
    char id[64], user[256];
    append(o, "{\"deliveryDelayMs\":50,\"seed\":{\"tenantId\":\"" TENANT "\",\"users\":[");
    for (int i = 0; i < USERS; i++) {
        user_id(i, id, sizeof id);
        snprintf(user, sizeof user,
                 "%s{\"id\":\"%s\",\"displayName\":\"Bulk User %d\",\"userPrincipalName\":\"bulk.user%d@contoso.com\"}",
                 i ? "," : "", id, i, i);
        append(o, user);
    }
    user_id(0, id, sizeof id);
    append(o, "],\"applications\":[{\"clientId\":\"" APP_ID "\",\"clientSecret\":\"" APP_SECRET "\","
              "\"displayName\":\"Bulk example\",\"permissions\":[\"EntitlementManagement.ReadWrite.All\"]}],"
              "\"catalogs\":[{\"id\":\"" CATALOG "\",\"displayName\":\"Bulk\",\"description\":\"Bulk example\","
              "\"catalogType\":\"userManaged\",\"state\":\"published\",\"isExternallyVisible\":true}],"
              "\"objects\":{\"accessPackages\":[{\"id\":\"" PACKAGE "\",\"catalogId\":\"" CATALOG "\","
              "\"displayName\":\"Onboarding\",\"description\":\"Everyone's first day\",\"isHidden\":false}],"
              "\"assignmentPolicies\":[{\"id\":\"" POLICY "\",\"accessPackageId\":\"" PACKAGE "\","
              "\"displayName\":\"Admin assigned\",\"description\":\"direct\",\"allowedTargetScope\":\"notSpecified\","
              "\"specificAllowedTargets\":[],\"requestorSettings\":{\"enableTargetsToSelfAddAccess\":false},"
              "\"requestApprovalSettings\":{\"isApprovalRequiredForAdd\":false,\"isApprovalRequiredForUpdate\":false,"
              "\"stages\":[]},\"expiration\":{\"type\":\"noExpiration\"}}],"
              "\"assignments\":[{\"id\":\"b2000000-0000-4000-8000-000000000000\",\"state\":\"delivered\","
              "\"status\":\"Delivered\",\"accessPackageId\":\"" PACKAGE "\",\"assignmentPolicyId\":\"" POLICY "\","
              "\"targetId\":\"");
    append(o, id);
    append(o, "\",\"schedule\":{\"startDateTime\":\"2026-01-05T09:00:00Z\",\"expiration\":{\"type\":\"noExpiration\"}}}]}}}");
}

static const char *need_env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        fprintf(stderr, "error: %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* Reads ENTITLEMENT_TARGETS (one object id per line, # comments) as a JSON array. */
static void targets_from_file(struct text *targets) {
    const char *path = need_env("ENTITLEMENT_TARGETS");
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    char line[512];
    int n = 0;
    append(targets, "[");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        append(targets, n++ ? ",\"" : "\"");
        append(targets, line);
        append(targets, "\"");
    }
    append(targets, "]");
    fclose(f);
}

struct job {
    ent_client *client;
    char package_id[64], policy_id[64];
    struct text targets; /* a JSON array of object ids */
};

/* Connects to the tenant named by the environment, or starts a seeded
 * emulator (returned, to stop at the end) when AZURE_CLIENT_ID is not set. */
static ent_emulator *connect_tenant(struct job *job) {
    char options[2048];
    if (getenv("AZURE_CLIENT_ID") && *getenv("AZURE_CLIENT_ID")) {
        const char *endpoint = getenv("ENTITLEMENT_ENDPOINT") ? getenv("ENTITLEMENT_ENDPOINT") : "https://graph.microsoft.com";
        const char *authority =
            getenv("ENTITLEMENT_AUTHORITY") ? getenv("ENTITLEMENT_AUTHORITY") : "https://login.microsoftonline.com";
        snprintf(options, sizeof options,
                 "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":\"%s\"}",
                 endpoint, authority,
                 need_env("AZURE_TENANT_ID"), need_env("AZURE_CLIENT_ID"), need_env("AZURE_CLIENT_SECRET"));
        check(ent_client_new(options, &job->client, &err), "client");
        snprintf(job->package_id, sizeof job->package_id, "%s", need_env("ENTITLEMENT_ACCESS_PACKAGE_ID"));
        snprintf(job->policy_id, sizeof job->policy_id, "%s", need_env("ENTITLEMENT_POLICY_ID"));
        targets_from_file(&job->targets);
        return NULL;
    }
    struct text emu_options = {0};
    seeded_emulator_options(&emu_options);
    ent_emulator *emu = NULL;
    check(ent_emulator_start(emu_options.s, &emu, &err), "start the emulator");
    free(emu_options.s);
    char *base_url = NULL, *authority = NULL;
    check(ent_emulator_base_url(emu, &base_url, &err), "emulator URL");
    check(ent_emulator_authority(emu, &authority, &err), "emulator authority");
    printf("emulator at %s\n", base_url);
    snprintf(options, sizeof options,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"" TENANT "\",\"clientId\":\"" APP_ID "\","
             "\"clientSecret\":\"" APP_SECRET "\"}",
             base_url, authority);
    check(ent_client_new(options, &job->client, &err), "client");
    ent_string_free(base_url);
    ent_string_free(authority);
    snprintf(job->package_id, sizeof job->package_id, PACKAGE);
    snprintf(job->policy_id, sizeof job->policy_id, POLICY);
    char id[64];
    append(&job->targets, "[");
    for (int i = 0; i < USERS; i++) {
        user_id(i, id, sizeof id);
        append(&job->targets, i ? ",\"" : "\"");
        append(&job->targets, id);
        append(&job->targets, "\"");
    }
    append(&job->targets, "]");
    return emu;
}

/* Called with every event of the bulk job but the last: progress lines and failed items. */
static int on_event(void *user_data, const char *event) {
    (void)user_data;
    if (is(event, "/type", "progress")) {
        printf("  [%ld/%ld] created %ld, skipped %ld, failed %ld, concurrency %ld\n", number(event, "/done"),
               number(event, "/total"), number(event, "/created"), number(event, "/skipped"), number(event, "/failed"),
               number(event, "/concurrency"));
    } else if (is(event, "/type", "item") && is(event, "/outcome", "failed")) {
        printf("  failed: %s\n", event);
    }
    return 0; /* non-zero would cancel the job */
}

/* Assignments appear as their requests are delivered: wait for that before exporting. */
static void wait_until_settled(const struct job *job) {
    char query[256];
    snprintf(query, sizeof query, "{\"filter\":\"accessPackage/id eq '%s'\"}", job->package_id);
    for (int tries = 0; tries < 240; tries++) {
        char *out = NULL, pointer[32];
        check(ent_client_list_all(job->client, "list_assignment_requests", NULL, query, &out, &err), "list requests");
        int pending = 0;
        for (int i = 0;; i++) {
            snprintf(pointer, sizeof pointer, "/%d/state", i);
            char *state = NULL;
            if (ent_json_get(out, pointer, &state, NULL) != ENT_OK) break;
            pending += strcmp(state, "submitted") == 0 || strcmp(state, "delivering") == 0;
            ent_string_free(state);
        }
        ent_string_free(out);
        if (pending == 0) return;
        printf("  %d requests still being delivered\n", pending);
        struct timespec pause = {0, 500 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "error: requests still pending after the wait\n");
    exit(1);
}

int main(int argc, char **argv) {
    const char *out_dir = argc > 1 ? argv[1] : ".";
    mkdir(out_dir, 0777); /* may exist already */
    char journal[1024], export_path[1024];
    snprintf(journal, sizeof journal, "%s/assign-journal.jsonl", out_dir);
    snprintf(export_path, sizeof export_path, "%s/assignments.jsonl", out_dir);

    struct job job = {0};
    ent_emulator *emu = connect_tenant(&job);
    /* A new emulator knows nothing of an earlier run: start without its journal. */
    if (emu) remove(journal);

    /* Read first: a wrong id or credential fails here, before any bulk work. */
    char args[128], *package = NULL, *name = NULL;
    snprintf(args, sizeof args, "[\"%s\"]", job.package_id);
    check(ent_client_call(job.client, "get_access_package", args, NULL, NULL, &package, &err), "get the access package");
    check(ent_json_get(package, "/displayName", &name, &err), "the package's name");
    printf("assigning to '%s' (%s), journal %s\n", name, job.package_id, journal);
    ent_string_free(name);
    ent_string_free(package);
    struct text options = {0};
    char head[1536];
    snprintf(head, sizeof head,
             "{\"accessPackageId\":\"%s\",\"policyId\":\"%s\",\"journal\":\"%s\",\"maxConcurrency\":8,\"targets\":",
             job.package_id, job.policy_id, journal);
    append(&options, head);
    append(&options, job.targets.s);
    append(&options, "}");
    char *summary = NULL;
    check(ent_client_job_run(job.client, "bulkAssign", options.s, on_event, NULL, &summary, &err), "bulk assign");
    free(options.s);
    free(job.targets.s);
    long failed = number(summary, "/failed");
    printf("bulk assign: %ld created, %ld skipped, %ld reconciled, %ld failed in %.1f s (%ld requests, %ld throttled)\n",
           number(summary, "/created"), number(summary, "/skipped"), number(summary, "/reconciled"), failed,
           number(summary, "/elapsedMs") / 1000.0, number(summary, "/requests"), number(summary, "/throttled"));
    ent_string_free(summary);

    wait_until_settled(&job);
    char export_options[2048];
    snprintf(export_options, sizeof export_options,
             "{\"resource\":\"assignments\",\"format\":\"jsonl\",\"path\":\"%s\",\"expand\":\"target\","
             "\"filter\":\"accessPackage/id eq '%s'\"}",
             export_path, job.package_id);
    check(ent_client_job_run(job.client, "export", export_options, NULL, NULL, &summary, &err), "export");
    long count = number(summary, "/count"), bytes = number(summary, "/bytes");
    ent_string_free(summary);

    /* Read the export back: one assignment per line, as the service sent it. */
    FILE *f = fopen(export_path, "r");
    if (f == NULL) {
        perror(export_path);
        return 1;
    }
    long delivered = 0, other = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        if (is(line, "/state", "delivered")) delivered++;
        else other++;
    }
    free(line);
    fclose(f);
    printf("exported %ld assignments (%ld bytes) to %s: %ld delivered, %ld in other states\n", count, bytes,
           export_path, delivered, other);

    ent_client_free(job.client);
    ent_emulator_stop(emu);
    return failed > 0 ? 1 : 0;
}
