/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The emulator's manual clock from C: a P3D assignment is delivered (the
 * wait answers the states it passed through), survives two days, and
 * expires after the third: the user leaves the group. A real clock and a
 * bad duration are ENT_INVALID_ARGUMENT. */
#include "common.h"
#include "entitlement_ops.h"

#define GROUP_ID "e93e24d1-2b65-4a6c-a1dd-654a12225487"
#define REQUESTOR1_ID "007d1c7e-7fa8-4e33-b678-5e437acdcddc"
#define GENERAL_CATALOG_ID "cec5d6ab-c75d-47c0-9c1c-92e89f66e384"

static bool member(const ent_client *c) {
    char *out = NULL;
    ent_error *err = NULL;
    if (ent_client_call(c, "list_group_members", "[\"" GROUP_ID "\"]", NULL, NULL, &out, &err) != ENT_OK) {
        print_error("list_group_members", ENT_SERVICE, err);
        ent_error_free(err);
        exit(1);
    }
    bool found = strstr(out, REQUESTOR1_ID) != NULL;
    ent_string_free(out);
    return found;
}

int main(void) {
    char buf[4096], args[256], package_id[64], role_origin[128], resource_id[64], policy_id[64], request_id[64];
    char *out = NULL;

    /* A real clock does not advance. */
    ent_emulator *real = NULL;
    MUST(ent_emulator_start(NULL, &real, MERR));
    ent_error *err = NULL;
    char *now = (char *)"untouched";
    CHECK(ent_emulator_advance(real, "P1D", &now, &err) == ENT_INVALID_ARGUMENT, "a real clock refuses to advance");
    CHECK(now != NULL && strcmp(now, "untouched") == 0, "no output on failure");
    ent_error_free(err);
    ent_emulator_stop(real);

    ent_emulator *emu = NULL;
    MUST(ent_emulator_start("{\"clock\":\"manual\",\"deliveryDelayMs\":10}", &emu, MERR));
    err = NULL;
    CHECK(ent_emulator_advance(emu, "three days", NULL, &err) == ENT_INVALID_ARGUMENT, "a bad duration");
    ent_error_free(err);
    char *token = NULL, *base_url = NULL;
    MUST(ent_emulator_app_token(emu, &token, MERR));
    MUST(ent_emulator_base_url(emu, &base_url, MERR));
    ent_client *admin = NULL;
    snprintf(buf, sizeof buf, "{\"baseUrl\":\"%s\",\"token\":\"%s\"}", base_url, token);
    MUST(ent_client_new(buf, &admin, MERR));
    ent_string_free(token);
    ent_string_free(base_url);

    MUST(ent_client_call(admin, "create_resource_request", NULL, NULL,
                         "{\"catalog\":{\"id\":\"" GENERAL_CATALOG_ID "\"},\"requestType\":\"adminAdd\","
                         "\"resource\":{\"originId\":\"" GROUP_ID "\",\"originSystem\":\"AadGroup\"}}",
                         &out, MERR));
    ent_string_free(out);
    MUST(ent_client_call(admin, "list_catalog_resource_roles", "[\"" GENERAL_CATALOG_ID "\"]",
                         "{\"filter\":\"originId eq 'Member_" GROUP_ID "'\",\"expand\":\"resource\"}", NULL, &out, MERR));
    jcopy(out, "/value/0/originId", role_origin, sizeof role_origin);
    jcopy(out, "/value/0/resource/id", resource_id, sizeof resource_id);
    ent_string_free(out);
    MUST(ent_client_call(admin, "create_access_package", NULL, NULL,
                         "{\"catalog\":{\"id\":\"" GENERAL_CATALOG_ID "\"},\"displayName\":\"Three days\",\"description\":\"P3D\"}",
                         &out, MERR));
    jcopy(out, "/id", package_id, sizeof package_id);
    ent_string_free(out);
    snprintf(args, sizeof args, "[\"%s\"]", package_id);
    snprintf(buf, sizeof buf,
             "{\"role\":{\"originId\":\"%s\",\"originSystem\":\"AadGroup\",\"resource\":{\"id\":\"%s\"}},"
             "\"scope\":{\"originId\":\"" GROUP_ID "\",\"originSystem\":\"AadGroup\"}}",
             role_origin, resource_id);
    MUST(ent_client_call(admin, "create_access_package_resource_role_scope", args, NULL, buf, &out, MERR));
    ent_string_free(out);
    snprintf(buf, sizeof buf,
             "{\"accessPackage\":{\"id\":\"%s\"},\"displayName\":\"P3D\",\"description\":\"three days\","
             "\"allowedTargetScope\":\"notSpecified\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P3D\"}}",
             package_id);
    MUST(ent_client_call(admin, "create_assignment_policy", NULL, NULL, buf, &out, MERR));
    jcopy(out, "/id", policy_id, sizeof policy_id);
    ent_string_free(out);
    snprintf(buf, sizeof buf,
             "{\"requestType\":\"adminAdd\",\"assignment\":{\"targetId\":\"" REQUESTOR1_ID "\","
             "\"assignmentPolicyId\":\"%s\",\"accessPackageId\":\"%s\"}}",
             policy_id, package_id);
    MUST(ent_client_call(admin, "create_assignment_request", NULL, NULL, buf, &out, MERR));
    jcopy(out, "/id", request_id, sizeof request_id);
    ent_string_free(out);

    /* The wait answers the request and the states it was seen in. */
    MUST(ent_client_wait_for_assignment_request(admin, request_id, "{\"timeoutMs\":10000,\"pollIntervalMs\":10,\"states\":true}",
                                                &out, MERR));
    char *state = jget(out, "/request/state");
    CHECK_STR(state, "delivered");
    ent_string_free(state);
    CHECK(strstr(out, "\"states\":[") != NULL && strstr(out, "\"delivered\"]") != NULL, "states end with delivered: %s", out);
    ent_string_free(out);
    CHECK(member(admin), "delivered: a member");

    MUST(ent_emulator_advance(emu, "P2D", NULL, MERR));
    CHECK(member(admin), "day 2: still a member");
    char *t = NULL;
    MUST(ent_emulator_advance(emu, "P1D", &t, MERR));
    char *t2 = NULL;
    MUST(ent_emulator_now(emu, &t2, MERR));
    CHECK_STR(t, t2);
    ent_string_free(t);
    ent_string_free(t2);
    snprintf(args, sizeof args, "[\"%s\"]", request_id);
    MUST(ent_client_call(admin, "get_assignment", args, NULL, NULL, &out, MERR));
    state = jget(out, "/state");
    CHECK_STR(state, "expired");
    ent_string_free(state);
    ent_string_free(out);
    CHECK(!member(admin), "day 3: the user left the group");

    ent_client_free(admin);
    ent_emulator_stop(emu);
    return finish("clock");
}
