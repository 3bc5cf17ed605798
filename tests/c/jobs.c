/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The job channel every long-running function is built on (core's
 * bridge::Job), through its test kind "echo": events pulled one by one,
 * events pushed to a callback, cancellation, a failed job, bad arguments. */
#include "common.h"

struct seen {
    int items;
    int stop_after;
};

static int on_event(void *user_data, const char *event_json) {
    struct seen *s = user_data;
    char *type = jget(event_json, "/type");
    CHECK(type && strcmp(type, "item") == 0, "callback got %s", event_json);
    ent_string_free(type);
    s->items++;
    return s->stop_after > 0 && s->items >= s->stop_after;
}

int main(void) {
    ent_client *client = NULL;
    MUST(ent_client_new("{\"baseUrl\":\"http://127.0.0.1:9\",\"token\":\"t\"}", &client, MERR));

    /* Pulled one by one: 3 items, then the summary, then NULL. */
    ent_job *job = NULL;
    MUST(ent_client_job_start(client, "echo", "{\"count\":3}", &job, MERR));
    int items = 0;
    char *last = NULL;
    for (;;) {
        char *ev = NULL;
        MUST(ent_job_next(job, &ev, MERR));
        if (ev == NULL) break;
        ent_string_free(last);
        last = ev;
        char *type = jget(ev, "/type");
        if (type && strcmp(type, "item") == 0) items++;
        ent_string_free(type);
    }
    CHECK(items == 3, "%d items", items);
    char *count = jget(last, "/count");
    CHECK_STR(count, "3");
    ent_string_free(count);
    ent_string_free(last);
    ent_job_free(job);

    /* Pushed to a callback; the summary comes back. */
    struct seen s = {0, 0};
    char *summary = NULL;
    MUST(ent_client_job_run(client, "echo", "{\"count\":5}", on_event, &s, &summary, MERR));
    CHECK(s.items == 5, "%d callbacks", s.items);
    char *type = jget(summary, "/type");
    CHECK_STR(type, "done");
    ent_string_free(type);
    ent_string_free(summary);

    /* A callback returning non-zero cancels: far fewer than a million events. */
    struct seen c = {0, 2};
    summary = NULL;
    MUST(ent_client_job_run(client, "echo", "{\"count\":1000000}", on_event, &c, &summary, MERR));
    CHECK(c.items < 1000, "%d callbacks after cancel", c.items);
    ent_string_free(summary);

    /* A failed job: its error, typed. */
    ent_error *err = NULL;
    ent_status st = ent_client_job_run(client, "echo", "{\"fail\":true}", NULL, NULL, NULL, &err);
    CHECK(st == ENT_INVALID_ARGUMENT, "status %s", ent_status_name(st));
    CHECK(err && strstr(ent_error_message(err), "asked to fail"), "message %s", err ? ent_error_message(err) : "-");
    ent_error_free(err);

    /* Bad arguments: unknown kind, bad JSON, NULL pointers; nothing is written to out. */
    err = NULL;
    job = NULL;
    st = ent_client_job_start(client, "nope", NULL, &job, &err);
    CHECK(st == ENT_INVALID_ARGUMENT && job == NULL, "unknown kind: %s", ent_status_name(st));
    ent_error_free(err);
    err = NULL;
    st = ent_client_job_start(client, "echo", "{", &job, &err);
    CHECK(st == ENT_INVALID_ARGUMENT && job == NULL, "bad JSON: %s", ent_status_name(st));
    ent_error_free(err);
    err = NULL;
    st = ent_client_job_start(NULL, "echo", NULL, &job, &err);
    CHECK(st == ENT_INVALID_ARGUMENT, "NULL client: %s", ent_status_name(st));
    ent_error_free(err);
    err = NULL;
    st = ent_job_next(NULL, &summary, &err);
    CHECK(st == ENT_INVALID_ARGUMENT, "NULL job: %s", ent_status_name(st));
    ent_error_free(err);
    ent_job_cancel(NULL);
    ent_job_free(NULL);

    /* Freeing a running job cancels it. */
    MUST(ent_client_job_start(client, "echo", "{\"count\":1000000}", &job, MERR));
    ent_job_free(job);

    ent_client_free(client);
    return finish("jobs");
}
