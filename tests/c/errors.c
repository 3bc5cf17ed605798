/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The error contract of the C API: NULL and invalid inputs are refused
 * without crashing, outputs stay untouched on failure, and service errors
 * arrive as the right status with the HTTP status, Graph code and request
 * ids. Also paging, 204s, retries, the call deadline, token callbacks that
 * return values outside ent_status, and use from several threads. */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ZERO_ID "00000000-0000-0000-0000-000000000000"

static char *SENTINEL = (char *)"untouched";

/* Calls an operation that must fail with `want`; checks that the output was
 * not written and that the error object agrees with the status. */
static ent_error *expect_call(int line, const ent_client *c, const char *op, const char *args, const char *query,
                              const char *body, ent_status want) {
    char *out = SENTINEL;
    ent_error *err = NULL;
    ent_status st = ent_client_call(c, op, args, query, body, &out, &err);
    if (st != want) {
        g_failed++;
        fprintf(stderr, "FAIL errors.c:%d: %s: want %s, ", line, op ? op : "(null)", ent_status_name(want));
        print_error("got", st, err);
    } else {
        g_passed++;
    }
    CHECK(out == SENTINEL, "line %d: output written on failure", line);
    CHECK(err != NULL && ent_error_status(err) == st, "line %d: error object carries the status", line);
    CHECK(err != NULL && ent_error_message(err) != NULL && ent_error_kind(err) != NULL, "line %d: message", line);
    return err;
}
#define EXPECT(c, op, args, query, body, want) ent_error_free(expect_call(__LINE__, c, op, args, query, body, want))

struct worker {
    const ent_client *client;
    int ok;
    ent_error *err;
};

static void *worker_main(void *p) {
    struct worker *w = p;
    for (int i = 0; i < 5; i++) {
        char *out = NULL;
        if (ent_client_call(w->client, "list_catalogs", NULL, "{\"top\":5}", NULL, &out, NULL) == ENT_OK) w->ok++;
        ent_string_free(out);
    }
    /* An error made here is read and freed by the main thread. */
    char *out = NULL;
    ent_client_call(w->client, "get_catalog", "[\"" ZERO_ID "\"]", NULL, NULL, &out, &w->err);
    return NULL;
}

/* A token callback: hands out the token in user_data and counts calls. */
struct token_source {
    const char *token;
    long expires_in;
    int calls;
    pthread_mutex_t lock;
};

/* Token callbacks return int32_t (any value is safe to return). */
static int32_t give_token(void *user_data, const char *scope, ent_token_sink *sink) {
    struct token_source *src = user_data;
    pthread_mutex_lock(&src->lock);
    src->calls++;
    pthread_mutex_unlock(&src->lock);
    if (scope == NULL || strstr(scope, ".default") == NULL) return ENT_INVALID_ARGUMENT;
    if (src->token == NULL) return ENT_AUTHENTICATION; /* "cannot sign in" */
    return ent_token_sink_set(sink, src->token, src->expires_in, NULL);
}

static int32_t forget_token(void *user_data, const char *scope, ent_token_sink *sink) {
    (void)user_data, (void)scope, (void)sink;
    return ENT_OK; /* without ent_token_sink_set */
}

/* Returns the int32_t in user_data: a status a newer library may define, or
 * no status at all. Reading it as an enum in the library was undefined
 * behaviour (a crash); it must be an ENT_AUTHENTICATION naming the value. */
static int32_t return_value(void *user_data, const char *scope, ent_token_sink *sink) {
    (void)scope, (void)sink;
    return *(const int32_t *)user_data;
}

/* A token with the largest lifetime there is: must not overflow the clock. */
static int32_t forever_token(void *user_data, const char *scope, ent_token_sink *sink) {
    (void)scope;
    return ent_token_sink_set(sink, (const char *)user_data, INT64_MAX, NULL);
}

int main(void) {
    char buf[2048];
    char *out = NULL;
    ent_error *err = NULL;
    ent_status st;

    /* Status names and version. */
    CHECK_STR(ent_status_name(ENT_OK), "ENT_OK");
    CHECK_STR(ent_status_name(ENT_NOT_FOUND), "ENT_NOT_FOUND");
    CHECK_STR(ent_status_name(ENT_PANIC), "ENT_PANIC");
    CHECK_STR(ent_status_name(999), "ENT_UNKNOWN");
    CHECK_STR(ent_status_name(-1), "ENT_UNKNOWN");
    CHECK(ENT_OK == 0 && ENT_INVALID_ARGUMENT == 1 && ENT_PANIC == 13, "status numbers are stable");
    CHECK(ent_version() != NULL && strlen(ent_version()) > 0, "version");

    /* _free(NULL) and accessors on NULL. */
    ent_client_free(NULL);
    ent_pager_free(NULL);
    ent_emulator_stop(NULL);
    ent_emulator_free(NULL);
    ent_error_free(NULL);
    ent_string_free(NULL);
    CHECK(ent_error_kind(NULL) == NULL && ent_error_message(NULL) == NULL && ent_error_code(NULL) == NULL &&
              ent_error_request_id(NULL) == NULL && ent_error_client_request_id(NULL) == NULL &&
              ent_error_http_status(NULL) == 0 && ent_error_status(NULL) == ENT_INTERNAL &&
              ent_error_retry_after_ms(NULL) == -1 && ent_error_outcome_unknown(NULL) == 0,
          "accessors accept NULL");

    /* The emulator, with small pages so paging shows. */
    ent_emulator *emu = NULL;
    st = ent_emulator_start("{\"port\":\"x\"}", &emu, &err);
    CHECK(st == ENT_INVALID_ARGUMENT && emu == NULL, "bad emulator option: %s", ent_status_name(st));
    ent_error_free(err), err = NULL;
    CHECK(ent_emulator_start(NULL, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    MUST(ent_emulator_start("{\"pageSize\":2,\"deliveryDelayMs\":10}", &emu, MERR));
    char *base_url = NULL, *app_token = NULL;
    MUST(ent_emulator_base_url(emu, &base_url, MERR));
    MUST(ent_emulator_app_token(emu, &app_token, MERR));
    ent_emulator *emu2 = NULL;
    const char *port = strrchr(base_url, ':') + 1;
    snprintf(buf, sizeof buf, "{\"port\":%s}", port);
    st = ent_emulator_start(buf, &emu2, &err);
    CHECK(st == ENT_INVALID_ARGUMENT && emu2 == NULL, "port in use: %s", ent_status_name(st));
    CHECK(err && strstr(ent_error_message(err), "emulator") != NULL, "message");
    ent_error_free(err), err = NULL;
    st = ent_emulator_start("{\"dbPath\":\"/nonexistent/dir/state.db\"}", &emu2, NULL);
    CHECK(st == ENT_INVALID_ARGUMENT && emu2 == NULL, "bad database path: %s", ent_status_name(st));
    st = ent_emulator_start("{\"seed\":{\"users\":42}}", &emu2, NULL);
    CHECK(st == ENT_INVALID_ARGUMENT && emu2 == NULL, "bad seed: %s", ent_status_name(st));
    CHECK(ent_emulator_base_url(NULL, &out, NULL) == ENT_INVALID_ARGUMENT, "NULL emulator");
    CHECK(ent_emulator_base_url(emu, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(ent_emulator_user_token(emu, NULL, &out, NULL) == ENT_INVALID_ARGUMENT, "NULL user");
    st = ent_emulator_user_token(emu, "nobody@contoso.com", &out, &err);
    CHECK(st == ENT_NOT_FOUND, "unknown user: %s", ent_status_name(st));
    ent_error_free(err), err = NULL;
    char *user_token = NULL;
    MUST(ent_emulator_user_token(emu, "requestor1@contoso.com", &user_token, MERR));
    ent_string_free(user_token);

    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\",\"maxRetries\":0}", base_url, app_token);
    ent_client *client = NULL;
    MUST(ent_client_new(buf, &client, MERR));

    /* ent_client_new: NULL out, bad JSON, invalid UTF-8, unknown keys, conflicting credentials. */
    ent_client *c2 = NULL;
    CHECK(ent_client_new(NULL, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    st = ent_client_new("{", &c2, &err);
    CHECK(st == ENT_INVALID_ARGUMENT && c2 == NULL && err != NULL, "bad JSON options");
    CHECK(err && strstr(ent_error_message(err), "options_json") != NULL, "message names the parameter");
    CHECK(err && ent_error_http_status(err) == 0 && ent_error_request_id(err) == NULL, "nothing was sent");
    CHECK_STR(ent_error_kind(err), "InvalidArgument");
    ent_error_free(err), err = NULL;
    CHECK(ent_client_new("{\"baseUrl\":\"\xff\xfe\"}", &c2, NULL) == ENT_INVALID_ARGUMENT && c2 == NULL, "bad UTF-8");
    CHECK(ent_client_new("{\"baseUrll\":\"http://x\"}", &c2, NULL) == ENT_INVALID_ARGUMENT, "unknown key");
    CHECK(ent_client_new("[]", &c2, NULL) == ENT_INVALID_ARGUMENT, "not an object");
    CHECK(ent_client_new("{\"baseUrl\":\"ftp://x\"}", &c2, NULL) == ENT_INVALID_ARGUMENT, "bad scheme");
    CHECK(ent_client_new("{\"token\":\"a\",\"clientSecret\":\"b\"}", &c2, NULL) == ENT_INVALID_ARGUMENT, "two creds");
    CHECK(ent_client_new("{\"clientSecret\":\"b\"}", &c2, NULL) == ENT_INVALID_ARGUMENT, "secret without tenant");
    CHECK(ent_client_new("{\"cloud\":\"mars\"}", &c2, NULL) == ENT_INVALID_ARGUMENT, "unknown cloud");
    CHECK(ent_client_new("{\"timeoutMs\":-5}", &c2, NULL) == ENT_INVALID_ARGUMENT, "negative timeout");
    CHECK(c2 == NULL, "no client written");
    MUST(ent_client_new(NULL, &c2, MERR)); /* all defaults: valid, nothing sent */
    ent_client_free(c2);

    /* Tokens from a callback: called per request without a lifetime, once with one. */
    struct token_source src = {app_token, 0, 0, PTHREAD_MUTEX_INITIALIZER};
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"maxRetries\":0}", base_url);
    CHECK(ent_client_new_with_token_callback(buf, NULL, &src, &c2, NULL) == ENT_INVALID_ARGUMENT, "NULL callback");
    CHECK(ent_client_new_with_token_callback(buf, give_token, &src, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(ent_client_new_with_token_callback("{\"token\":\"x\"}", give_token, &src, &c2, NULL) ==
              ENT_INVALID_ARGUMENT,
          "callback and token");
    MUST(ent_client_new_with_token_callback(buf, give_token, &src, &c2, MERR));
    for (int i = 0; i < 2; i++) {
        MUST(ent_client_call(c2, "list_catalogs", NULL, "{\"top\":1}", NULL, &out, MERR));
        ent_string_free(out);
    }
    CHECK(src.calls == 2, "no lifetime: called per request (%d)", src.calls);
    src.expires_in = 3600;
    for (int i = 0; i < 3; i++) {
        MUST(ent_client_call(c2, "list_catalogs", NULL, "{\"top\":1}", NULL, &out, MERR));
        ent_string_free(out);
    }
    CHECK(src.calls == 3, "with a lifetime: cached (%d)", src.calls);
    ent_client_free(c2);
    src.token = NULL;
    src.calls = 0;
    MUST(ent_client_new_with_token_callback(buf, give_token, &src, &c2, MERR));
    err = expect_call(__LINE__, c2, "list_catalogs", NULL, NULL, NULL, ENT_AUTHENTICATION);
    CHECK(ent_error_message(err) && strstr(ent_error_message(err), "ENT_AUTHENTICATION") != NULL, "says why");
    ent_error_free(err);
    ent_client_free(c2);
    MUST(ent_client_new_with_token_callback(buf, forget_token, NULL, &c2, MERR));
    EXPECT(c2, "list_catalogs", NULL, NULL, NULL, ENT_AUTHENTICATION);
    ent_client_free(c2);
    CHECK(ent_token_sink_set(NULL, "t", 0, NULL) == ENT_INVALID_ARGUMENT, "NULL sink");
    const int32_t strange[] = {14, 999, -1, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof strange / sizeof strange[0]; i++) {
        char want[32];
        MUST(ent_client_new_with_token_callback(buf, return_value, (void *)&strange[i], &c2, MERR));
        err = expect_call(__LINE__, c2, "list_catalogs", NULL, NULL, NULL, ENT_AUTHENTICATION);
        snprintf(want, sizeof want, "returned %d,", (int)strange[i]);
        CHECK(err && strstr(ent_error_message(err), want) != NULL, "names %d: %s", (int)strange[i],
              err ? ent_error_message(err) : "(no error)");
        CHECK_STR(ent_error_kind(err), "Authentication");
        ent_error_free(err);
        ent_client_free(c2);
    }
    MUST(ent_client_new_with_token_callback(buf, forever_token, app_token, &c2, MERR));
    for (int i = 0; i < 2; i++) {
        MUST(ent_client_call(c2, "list_catalogs", NULL, "{\"top\":1}", NULL, &out, MERR));
        ent_string_free(out);
    }
    ent_client_free(c2);
    c2 = NULL;

    /* ent_client_call: NULL pointers everywhere. */
    EXPECT(NULL, "list_catalogs", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, NULL, NULL, NULL, NULL, ENT_INVALID_ARGUMENT);
    CHECK(ent_client_call(client, "list_catalogs", NULL, NULL, NULL, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(ent_client_call(NULL, NULL, NULL, NULL, NULL, NULL, NULL) == ENT_INVALID_ARGUMENT, "all NULL");
    EXPECT(client, "get_catalog", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);          /* missing path argument */
    EXPECT(client, "create_access_package", NULL, NULL, NULL, ENT_INVALID_ARGUMENT); /* missing body */

    /* Invalid UTF-8 in each string parameter. */
    EXPECT(client, "list_\xff", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "get_catalog", "[\"\xc3\x28\"]", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, "{\"filter\":\"\xe2\x82\"}", NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "create_catalog", NULL, NULL, "{\"displayName\":\"\xf0\x28\x8c\x28\"}", ENT_INVALID_ARGUMENT);

    /* Bad JSON and wrong shapes. */
    EXPECT(client, "get_catalog", "[\"a\"", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "get_catalog", "{\"id\":\"a\"}", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "get_catalog", "[1]", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "get_catalog", "[\"a\",\"b\"]", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "get_catalog", "[\"\"]", NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, "{\"filter\":", NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, "{\"fitler\":\"x\"}", NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, "{\"top\":-1}", NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, "{\"count\":\"yes\"}", NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "create_catalog", NULL, NULL, "{not json}", ENT_INVALID_ARGUMENT);
    EXPECT(client, "create_catalog", NULL, NULL, "[1,2]", ENT_INVALID_ARGUMENT);
    EXPECT(client, "create_catalog", NULL, NULL, "{\"displayName\":42}", ENT_INVALID_ARGUMENT);
    EXPECT(client, "list_catalogs", NULL, NULL, "{}", ENT_INVALID_ARGUMENT); /* no body allowed */

    /* Unknown operation names. */
    err = expect_call(__LINE__, client, "list_cats", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);
    CHECK(err && strstr(ent_error_message(err), "list_cats") != NULL, "message names the operation");
    ent_error_free(err);
    EXPECT(client, "beta.list_catalogs", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);
    EXPECT(client, "", NULL, NULL, NULL, ENT_INVALID_ARGUMENT);

    /* An unknown id: 404 with the service's code and request ids. */
    err = expect_call(__LINE__, client, "get_access_package", "[\"" ZERO_ID "\"]", NULL, NULL, ENT_NOT_FOUND);
    CHECK(ent_error_http_status(err) == 404, "HTTP status %u", ent_error_http_status(err));
    CHECK_STR(ent_error_kind(err), "NotFound");
    CHECK(ent_error_code(err) != NULL && strlen(ent_error_code(err)) > 0, "Graph error code");
    CHECK(ent_error_request_id(err) != NULL && strlen(ent_error_request_id(err)) > 0, "request-id");
    CHECK(ent_error_client_request_id(err) != NULL && strlen(ent_error_client_request_id(err)) == 36,
          "client-request-id");
    ent_error_free(err);
    EXPECT(client, "beta.get_access_package_assignment_request", "[\"" ZERO_ID "\"]", NULL, NULL, ENT_NOT_FOUND);
    /* The id is one path segment: it cannot escape into another path. */
    EXPECT(client, "get_catalog", "[\"../../users\"]", NULL, NULL, ENT_NOT_FOUND);

    /* A malformed $filter: 400 from the service. */
    err = expect_call(__LINE__, client, "list_access_packages", NULL, "{\"filter\":\"displayName eq\"}", NULL,
                      ENT_BAD_REQUEST);
    CHECK(ent_error_http_status(err) == 400, "HTTP status %u", ent_error_http_status(err));
    CHECK(ent_error_code(err) != NULL, "code");
    CHECK(ent_error_request_id(err) != NULL, "request-id");
    ent_error_free(err);

    /* Bad input on the rest of the surface: the service's 400/404, typed. */
    const char *org_ok = "{\"displayName\":\"Fabrikam\",\"identitySources\":[{\"@odata.type\":"
                         "\"#microsoft.graph.domainIdentitySource\",\"domainName\":\"fabrikam.com\",\"displayName\":\"f\"}]";
    snprintf(buf, sizeof buf, "%s,\"nope\":1}", org_ok); /* unknown property */
    err = expect_call(__LINE__, client, "create_connected_organization", NULL, NULL, buf, ENT_BAD_REQUEST);
    CHECK(err && strstr(ent_error_message(err), "nope") != NULL, "message names the property");
    ent_error_free(err);
    snprintf(buf, sizeof buf, "%s,\"state\":\"sideways\"}", org_ok); /* wrong enum value */
    EXPECT(client, "create_connected_organization", NULL, NULL, buf, ENT_BAD_REQUEST);
    EXPECT(client, "create_connected_organization", NULL, NULL, "{\"displayName\":\"x\"}", ENT_BAD_REQUEST); /* missing required */
    char *orgs = NULL;
    MUST(ent_client_call(client, "list_connected_organizations", NULL, NULL, NULL, &orgs, MERR));
    CHECK(orgs && strstr(orgs, "Fabrikam") == NULL, "nothing was written: %s", orgs ? orgs : "(null)");
    ent_string_free(orgs);
    /* an id of the wrong kind: a catalog id where an access package id goes */
    EXPECT(client, "get_access_package", "[\"cec5d6ab-c75d-47c0-9c1c-92e89f66e384\"]", NULL, NULL, ENT_NOT_FOUND);
    /* filterByCurrentUser needs a signed-in user: an app gets 403 */
    EXPECT(client, "filter_access_packages_by_current_user", "[\"allowedRequestor\"]", NULL, NULL, ENT_PERMISSION_DENIED);
    /* a $ref naming something that is not a directory object */
    EXPECT(client, "add_connected_organization_internal_sponsor", "[\"" ZERO_ID "\"]", NULL,
           "{\"@odata.id\":\"https://graph.microsoft.com/v1.0/users/x\"}", ENT_NOT_FOUND);
    /* getApplicablePolicyRequirements is for signed-in users only (Graph
       documents no application permission): an app gets 403 */
    char *reqs = NULL;
    CHECK(ent_client_call(client, "get_applicable_policy_requirements", "[\"" ZERO_ID "\"]", NULL,
                          "{\"subject\":{\"objectId\":\"007d1c7e-7fa8-4e33-b678-5e437acdcddc\"}}", &reqs, NULL) == ENT_PERMISSION_DENIED,
          "requirements asked by an app");
    ent_string_free(reqs);

    /* A bad token: 401. */
    ent_client *bad = NULL;
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"not-a-token\"}", base_url);
    MUST(ent_client_new(buf, &bad, MERR));
    err = expect_call(__LINE__, bad, "list_catalogs", NULL, NULL, NULL, ENT_AUTHENTICATION);
    CHECK(ent_error_http_status(err) == 401, "HTTP status %u", ent_error_http_status(err));
    ent_error_free(err);
    ent_client_free(bad);

    /* The one C test of the password grant (MFA blocks it; the other tests sign users in by the
     * authorization code flow): a wrong password, and the token endpoint refuses. */
    char *authority = NULL, *tenant = NULL, *cid = NULL, *secret = NULL;
    MUST(ent_emulator_authority(emu, &authority, MERR));
    MUST(ent_emulator_tenant_id(emu, &tenant, MERR));
    MUST(ent_emulator_app_credentials(emu, &cid, &secret, MERR));
    snprintf(buf, sizeof buf,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\","
             "\"username\":\"requestor1@contoso.com\",\"password\":\"wrong\"}",
             base_url, authority, tenant, cid);
    MUST(ent_client_new(buf, &bad, MERR));
    err = expect_call(__LINE__, bad, "list_access_packages", NULL, NULL, NULL, ENT_AUTHENTICATION);
    CHECK(ent_error_code(err) != NULL, "token endpoint error code");
    ent_error_free(err);
    ent_client_free(bad);
    ent_string_free(authority);
    ent_string_free(tenant);
    ent_string_free(cid);
    ent_string_free(secret);

    /* Nothing listening: a network error, no HTTP status. */
    MUST(ent_client_new("{\"baseUrl\":\"http://127.0.0.1:9\",\"token\":\"t\",\"maxRetries\":0}", &bad, MERR));
    err = expect_call(__LINE__, bad, "list_catalogs", NULL, NULL, NULL, ENT_NETWORK);
    CHECK(ent_error_http_status(err) == 0, "no HTTP status");
    ent_error_free(err);
    ent_client_free(bad);

    /* Throttling: 429 with Retry-After, no retries allowed. */
    CHECK(ent_emulator_inject_fault(emu, "{\"status\":200}", NULL) == ENT_INVALID_ARGUMENT, "fault must be an error");
    CHECK(ent_emulator_inject_fault(NULL, "{\"status\":429}", NULL) == ENT_INVALID_ARGUMENT, "NULL emulator");
    MUST(ent_emulator_inject_fault(emu, "{\"status\":429,\"retryAfter\":\"7\",\"count\":1}", MERR));
    err = expect_call(__LINE__, client, "list_catalogs", NULL, NULL, NULL, ENT_THROTTLED);
    CHECK(ent_error_http_status(err) == 429, "HTTP status %u", ent_error_http_status(err));
    CHECK(ent_error_retry_after_ms(err) == 7000, "retry after %lld ms", (long long)ent_error_retry_after_ms(err));
    ent_error_free(err);
    /* A Retry-After past the call's deadline fails at once, carrying it. */
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\",\"deadlineMs\":1500}", base_url, app_token);
    ent_client *hurried = NULL;
    MUST(ent_client_new(buf, &hurried, MERR));
    MUST(ent_emulator_inject_fault(emu, "{\"status\":429,\"retryAfter\":\"100000\",\"count\":1}", MERR));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = expect_call(__LINE__, hurried, "list_catalogs", NULL, NULL, NULL, ENT_THROTTLED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(took < 1.5, "failed within the deadline (%.2f s)", took);
    CHECK(ent_error_retry_after_ms(err) == 100000000LL, "retry after %lld ms", (long long)ent_error_retry_after_ms(err));
    CHECK(err && strstr(ent_error_message(err), "deadline") != NULL, "message says why");
    ent_error_free(err);
    ent_client_free(hurried);
    CHECK(ent_client_new("{\"deadlineMs\":0}", &c2, NULL) == ENT_INVALID_ARGUMENT && c2 == NULL, "zero deadline");
    /* A create answered 504 is not sent again, and says its outcome is unknown;
       a read is retried. */
    MUST(ent_emulator_inject_fault(emu, "{\"status\":504,\"count\":1,\"pathContains\":\"/catalogs\"}", MERR));
    err = expect_call(__LINE__, client, "create_catalog", NULL, NULL, "{\"displayName\":\"C 504\"}", ENT_SERVICE);
    CHECK(ent_error_http_status(err) == 504 && ent_error_outcome_unknown(err) == 1, "504 create: outcome unknown");
    ent_error_free(err);
    MUST(ent_emulator_inject_fault(emu, "{\"status\":429,\"retryAfter\":\"3\",\"count\":1}", MERR));
    err = expect_call(__LINE__, client, "list_catalogs", NULL, NULL, NULL, ENT_THROTTLED);
    CHECK(ent_error_outcome_unknown(err) == 0, "a 429 is not an unknown outcome");
    ent_error_free(err);
    /* With retries, one 503 is absorbed. */
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\",\"maxRetries\":2}", base_url, app_token);
    ent_client *patient = NULL;
    MUST(ent_client_new(buf, &patient, MERR));
    MUST(ent_emulator_inject_fault(emu, "{\"status\":503,\"retryAfter\":\"0\",\"count\":1}", MERR));
    MUST(ent_client_call(patient, "list_catalogs", NULL, NULL, NULL, &out, MERR));
    ent_string_free(out);
    ent_client_free(patient);

    /* Paging: five catalogs in pages of two. */
    char ids[5][64];
    for (int i = 0; i < 5; i++) {
        snprintf(buf, sizeof buf, "{\"displayName\":\"Paging %d\",\"description\":\"c test\"}", i);
        MUST(ent_client_call(client, "create_catalog", NULL, NULL, buf, &out, MERR));
        jcopy(out, "/id", ids[i], sizeof ids[i]);
        ent_string_free(out);
    }
    ent_pager *pager = NULL;
    CHECK(ent_client_list(client, "get_catalog", "[\"x\"]", NULL, &pager, NULL) == ENT_INVALID_ARGUMENT,
          "not a list operation");
    CHECK(ent_client_list(client, "list_catalogs", NULL, NULL, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(pager == NULL, "no pager written");
    MUST(ent_client_list(client, "list_catalogs", NULL, "{\"filter\":\"startswith(displayName,'Paging')\"}", &pager,
                         MERR));
    bool done = false;
    CHECK(ent_pager_next(NULL, &out, &done, NULL) == ENT_INVALID_ARGUMENT, "NULL pager");
    CHECK(ent_pager_next(pager, NULL, &done, NULL) == ENT_INVALID_ARGUMENT, "NULL items");
    CHECK(ent_pager_next(pager, &out, NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL done");
    int pages = 0, items = 0;
    while (!done && pages < 10) {
        MUST(ent_pager_next(pager, &out, &done, MERR));
        pages++;
        for (int i = 0; i < 3; i++) {
            char ptr[8];
            snprintf(ptr, sizeof ptr, "/%d", i);
            char *item = jget(out, ptr);
            if (item) items++;
            ent_string_free(item);
        }
        ent_string_free(out);
    }
    CHECK(pages == 3 && items == 5, "%d pages, %d items", pages, items);
    ent_pager_free(pager);
    MUST(ent_client_list_all(client, "list_catalogs", NULL, "{\"filter\":\"startswith(displayName,'Paging')\"}", &out,
                             MERR));
    CHECK(jget(out, "/5") == NULL, "list_all: 5 items");
    char *fifth = jget(out, "/4/displayName");
    CHECK(fifth != NULL, "list_all: 5 items");
    ent_string_free(fifth);
    ent_string_free(out);

    /* 204: update gives NULL; then clean up. */
    snprintf(buf, sizeof buf, "[\"%s\"]", ids[0]);
    out = SENTINEL;
    MUST(ent_client_call(client, "update_catalog", buf, NULL, "{\"description\":\"changed\"}", &out, MERR));
    CHECK(out == NULL, "204: NULL output");
    MUST(ent_client_call(client, "getCatalog", buf, "{\"select\":[\"description\"]}", NULL, &out, MERR));
    char *desc = jget(out, "/description");
    CHECK_STR(desc, "changed");
    ent_string_free(desc);
    ent_string_free(out);
    for (int i = 0; i < 5; i++) {
        snprintf(buf, sizeof buf, "[\"%s\"]", ids[i]);
        MUST(ent_client_call(client, "delete_catalog", buf, NULL, NULL, &out, MERR));
    }

    /* Many threads on one client; errors cross threads. */
    struct worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){client, 0, NULL};
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].ok == 5, "thread %d: %d of 5 calls", i, w[i].ok);
        CHECK(ent_error_status(w[i].err) == ENT_NOT_FOUND, "thread %d: error read on another thread", i);
        ent_error_free(w[i].err);
    }

    /* After fork(), the child is refused clearly instead of hanging on the
     * parent's runtime. The child reports through a pipe and ends with
     * SIGKILL: its copy of the parent's heap, without the parent's threads,
     * would otherwise look leaked to valgrind. */
    int fds[2];
    CHECK(pipe(fds) == 0, "pipe");
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        ent_error *cerr = NULL;
        char *cout = NULL;
        ent_status cst = ent_client_call(client, "list_catalogs", NULL, NULL, NULL, &cout, &cerr);
        char ok = cst == ENT_INTERNAL && cerr && strstr(ent_error_message(cerr), "fork") != NULL ? 'y' : 'n';
        ent_error_free(cerr);
        if (write(fds[1], &ok, 1) != 1) ok = 'n';
        kill(getpid(), SIGKILL);
    }
    close(fds[1]);
    char verdict = 0;
    CHECK(read(fds[0], &verdict, 1) == 1 && verdict == 'y', "call after fork() is ENT_INTERNAL");
    close(fds[0]);
    waitpid(child, NULL, 0);

    /* ent_json_get. */
    CHECK(ent_json_get(NULL, "/a", &out, NULL) == ENT_INVALID_ARGUMENT, "NULL json");
    CHECK(ent_json_get("{}", NULL, &out, NULL) == ENT_INVALID_ARGUMENT, "NULL pointer");
    CHECK(ent_json_get("{}", "/a", NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(ent_json_get("{", "/a", &out, NULL) == ENT_INVALID_ARGUMENT, "bad JSON");
    CHECK(ent_json_get("{}", "a", &out, NULL) == ENT_INVALID_ARGUMENT, "pointer without /");
    CHECK(ent_json_get("{\"a\":1}", "/b", &out, NULL) == ENT_NOT_FOUND, "missing");
    char *v = jget("{\"a\":[{\"b\":\"x\"},true]}", "/a/0/b");
    CHECK_STR(v, "x");
    ent_string_free(v);
    v = jget("{\"a\":[{\"b\":\"x\"},true]}", "/a/1");
    CHECK_STR(v, "true");
    ent_string_free(v);

    /* ent_filter_compare: literals escaped by the core builder. */
    char *f = NULL;
    CHECK(ent_filter_compare("displayName", "eq", "\"x' or displayName ne 'y\"", &f, NULL) == ENT_OK, "filter");
    CHECK_STR(f, "displayName eq 'x'' or displayName ne ''y'");
    ent_string_free(f);
    f = NULL;
    CHECK(ent_filter_compare("resource/id", "eq", "null", &f, NULL) == ENT_OK, "filter null");
    CHECK_STR(f, "resource/id eq null");
    ent_string_free(f);
    f = SENTINEL;
    CHECK(ent_filter_compare("display name", "eq", "\"x\"", &f, NULL) == ENT_INVALID_ARGUMENT && f == SENTINEL, "bad property");
    CHECK(ent_filter_compare("displayName", "like", "\"x\"", &f, NULL) == ENT_INVALID_ARGUMENT, "bad operator");
    CHECK(ent_filter_compare("displayName", "eq", "1.5", &f, NULL) == ENT_INVALID_ARGUMENT, "non-integer number");
    CHECK(ent_filter_compare("displayName", "eq", "{", &f, NULL) == ENT_INVALID_ARGUMENT, "bad JSON value");
    CHECK(ent_filter_compare(NULL, "eq", "1", &f, NULL) == ENT_INVALID_ARGUMENT, "NULL property");
    CHECK(ent_filter_compare("a", "eq", "1", NULL, NULL) == ENT_INVALID_ARGUMENT, "NULL out");
    CHECK(ent_filter_compare("a", "eq", "\"\xff\"", &f, NULL) == ENT_INVALID_ARGUMENT && f == SENTINEL, "invalid UTF-8");

    ent_client_free(client);
    ent_string_free(base_url);
    ent_string_free(app_token);
    ent_emulator_stop(emu);
    return finish("errors");
}
