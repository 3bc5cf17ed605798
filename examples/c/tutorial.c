/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The Graph tutorial "Manage access to resources using the entitlement
 * management APIs" in C: package a group, let a user request it, check the
 * assignment, clean up.
 *
 *   ./tutorial      # against the in-process emulator
 *   AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \
 *   ENTITLEMENT_GROUP_ID=… ENTITLEMENT_REQUESTOR_ID=… ./tutorial   # a real tenant
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"

/* The emulator's built-in tenant: the tutorial's group and requestor. */
#define EMU_GROUP_ID "e93e24d1-2b65-4a6c-a1dd-654a12225487"
#define EMU_REQUESTOR_ID "007d1c7e-7fa8-4e33-b678-5e437acdcddc"
#define EMU_REQUESTOR_UPN "requestor1@contoso.com"

static const char *WAIT = "{\"apiVersion\":\"beta\",\"timeoutMs\":120000,\"pollIntervalMs\":500}";

static ent_error *err;

/* Stops the program with the error's details when a call failed. */
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

/* Copies the value at a JSON Pointer into buf; stops the program when it is missing. */
static void get(const char *json, const char *pointer, char *buf, size_t n) {
    char *v = NULL;
    if (json == NULL || ent_json_get(json, pointer, &v, NULL) != ENT_OK) {
        fprintf(stderr, "error: no %s in %s\n", pointer, json ? json : "(nothing)");
        exit(1);
    }
    snprintf(buf, n, "%s", v);
    ent_string_free(v);
}

static void step(const char *title) { printf("\n== %s\n", title); }

struct tenant {
    ent_client *admin, *requestor;
    char group_id[64], requestor_id[64];
};

static const char *need_env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        fprintf(stderr, "error: %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* Connects to the tenant named by the environment, or starts the emulator
 * (returned, to stop at the end) when AZURE_CLIENT_ID is not set. */
static ent_emulator *connect_tenant(struct tenant *t) {
    char options[2048];
    ent_emulator *emu = NULL;
    if (getenv("AZURE_CLIENT_ID") && *getenv("AZURE_CLIENT_ID")) {
        const char *endpoint = getenv("ENTITLEMENT_ENDPOINT") ? getenv("ENTITLEMENT_ENDPOINT") : "https://graph.microsoft.com";
        const char *authority =
            getenv("ENTITLEMENT_AUTHORITY") ? getenv("ENTITLEMENT_AUTHORITY") : "https://login.microsoftonline.com";
        const char *tenant = need_env("AZURE_TENANT_ID"), *app = need_env("AZURE_CLIENT_ID");
        const char *public_app = getenv("ENTITLEMENT_REQUESTOR_CLIENT_ID") ? getenv("ENTITLEMENT_REQUESTOR_CLIENT_ID") : app;
        snprintf(options, sizeof options,
                 "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":\"%s\"}",
                 endpoint, authority,
                 tenant, app, need_env("AZURE_CLIENT_SECRET"));
        check(ent_client_new(options, &t->admin, &err), "admin client");
        /* The requestor signs in themselves: the device code instructions are printed. */
        snprintf(options, sizeof options,
                 "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"credential\":{\"kind\":\"deviceCode\",\"tenantId\":\"%s\","
                 "\"clientId\":\"%s\"}}",
                 endpoint, authority, tenant, public_app);
        check(ent_client_new(options, &t->requestor, &err), "requestor client");
        snprintf(t->group_id, sizeof t->group_id, "%s", need_env("ENTITLEMENT_GROUP_ID"));
        snprintf(t->requestor_id, sizeof t->requestor_id, "%s", need_env("ENTITLEMENT_REQUESTOR_ID"));
        return NULL;
    }
    char *base_url = NULL, *authority = NULL, *tenant = NULL, *app = NULL, *secret = NULL;
    check(ent_emulator_start("{\"deliveryDelayMs\":200}", &emu, &err), "start the emulator");
    check(ent_emulator_base_url(emu, &base_url, &err), "emulator URL");
    check(ent_emulator_authority(emu, &authority, &err), "emulator authority");
    check(ent_emulator_tenant_id(emu, &tenant, &err), "emulator tenant");
    check(ent_emulator_app_credentials(emu, &app, &secret, &err), "emulator app");
    printf("emulator at %s\n", base_url);
    snprintf(options, sizeof options,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":\"%s\"}",
             base_url, authority, tenant, app, secret);
    check(ent_client_new(options, &t->admin, &err), "admin client");
    /* Requestor1 signs in (authorization code + PKCE); the emulator signs the login hint in without a page. */
    snprintf(options, sizeof options,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"credential\":{\"kind\":\"interactiveBrowser\",\"tenantId\":\"%s\","
             "\"clientId\":\"%s\",\"loginHint\":\"" EMU_REQUESTOR_UPN "\",\"browser\":\"http\"}}",
             base_url, authority, tenant, app);
    check(ent_client_new(options, &t->requestor, &err), "requestor client");
    snprintf(t->group_id, sizeof t->group_id, "%s", EMU_GROUP_ID);
    snprintf(t->requestor_id, sizeof t->requestor_id, "%s", EMU_REQUESTOR_ID);
    ent_string_free(base_url);
    ent_string_free(authority);
    ent_string_free(tenant);
    ent_string_free(app);
    ent_string_free(secret);
    return emu;
}

int main(void) {
    struct tenant t = {0};
    ent_emulator *emu = connect_tenant(&t);
    char body[2048], args[256], query[1024], value[256];
    char catalog_id[64], resource_id[64], role_origin_id[128], package_id[64], policy_id[64], request_id[64];
    char assignment_id[64], removal_id[64];
    char *out = NULL, *filter = NULL;

    step("1.1 Get the identifier for the General catalog");
    check(ent_filter_compare("displayName", "eq", "\"General\"", &filter, &err), "filter");
    snprintf(query, sizeof query, "{\"filter\":\"%s\"}", filter);
    ent_string_free(filter);
    check(ent_client_call(t.admin, "list_catalogs", NULL, query, NULL, &out, &err), "list catalogs");
    get(out, "/value/0/id", catalog_id, sizeof catalog_id);
    ent_string_free(out);
    printf("catalog: %s\n", catalog_id);

    step("1.2 Add the group to the catalog");
    snprintf(body, sizeof body,
             "{\"requestType\":\"adminAdd\",\"catalog\":{\"id\":\"%s\"},"
             "\"resource\":{\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}}",
             catalog_id, t.group_id);
    ent_status st = ent_client_call(t.admin, "create_resource_request", NULL, NULL, body, &out, &err);
    if (st == ENT_BAD_REQUEST && ent_error_code(err) && strcmp(ent_error_code(err), "ResourceAlreadyOnboarded") == 0) {
        /* A rerun: the cleanup leaves the group in the catalog. */
        printf("the group is already in the catalog\n");
        ent_error_free(err);
        err = NULL;
    } else {
        check(st, "add the group");
        get(out, "/state", value, sizeof value);
        ent_string_free(out);
        printf("resource request: %s\n", value);
    }

    step("1.3 Get the catalog resource");
    snprintf(args, sizeof args, "[\"%s\"]", catalog_id);
    snprintf(query, sizeof query, "{\"filter\":\"originId eq '%s'\"}", t.group_id);
    check(ent_client_call(t.admin, "list_catalog_resources", args, query, NULL, &out, &err), "list resources");
    get(out, "/value/0/id", resource_id, sizeof resource_id);
    get(out, "/value/0/displayName", value, sizeof value);
    ent_string_free(out);
    printf("resource: %s %s\n", resource_id, value);

    step("1.4 Get the Member role of the resource");
    snprintf(query, sizeof query,
             "{\"filter\":\"originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '%s'\","
             "\"expand\":\"resource\"}",
             resource_id);
    check(ent_client_call(t.admin, "list_catalog_resource_roles", args, query, NULL, &out, &err), "list roles");
    get(out, "/value/0/originId", role_origin_id, sizeof role_origin_id);
    ent_string_free(out);
    printf("Member role: %s\n", role_origin_id);

    step("1.5 Create the access package");
    snprintf(body, sizeof body,
             "{\"catalog\":{\"id\":\"%s\"},\"displayName\":\"Marketing Campaign\","
             "\"description\":\"Access to resources for the campaign\"}",
             catalog_id);
    check(ent_client_call(t.admin, "create_access_package", NULL, NULL, body, &out, &err), "create the package");
    get(out, "/id", package_id, sizeof package_id);
    ent_string_free(out);
    printf("access package: %s\n", package_id);

    step("1.6 Add the Member role to the access package");
    snprintf(args, sizeof args, "[\"%s\"]", package_id);
    snprintf(body, sizeof body,
             "{\"role\":{\"originId\":\"%s\",\"displayName\":\"Member\",\"originSystem\":\"AadGroup\","
             "\"resource\":{\"id\":\"%s\",\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}},"
             "\"scope\":{\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}}",
             role_origin_id, resource_id, t.group_id, t.group_id);
    check(ent_client_call(t.admin, "create_access_package_resource_role_scope", args, NULL, body, &out, &err),
          "add the role");
    get(out, "/id", value, sizeof value);
    ent_string_free(out);
    printf("role scope: %s\n", value);

    step("1.7 Create an assignment policy (beta)");
    snprintf(body, sizeof body,
             "{\"accessPackageId\":\"%s\",\"displayName\":\"Specific users\","
             "\"description\":\"Specific users can request assignment\",\"durationInDays\":30,"
             "\"requestorSettings\":{\"scopeType\":\"SpecificDirectorySubjects\",\"acceptRequests\":true,"
             "\"allowedRequestors\":[{\"@odata.type\":\"#microsoft.graph.singleUser\",\"isBackup\":false,"
             "\"id\":\"%s\",\"description\":\"Requestor1\"}]},"
             "\"requestApprovalSettings\":{\"isApprovalRequired\":false,\"isApprovalRequiredForExtension\":false,"
             "\"isRequestorJustificationRequired\":false,\"approvalMode\":\"NoApproval\",\"approvalStages\":[]}}",
             package_id, t.requestor_id);
    check(ent_client_call(t.admin, "beta.create_access_package_assignment_policy", NULL, NULL, body, &out, &err),
          "create the policy");
    get(out, "/id", policy_id, sizeof policy_id);
    ent_string_free(out);
    printf("policy: %s\n", policy_id);

    step("2 Request access, signed in as the requestor");
    snprintf(body, sizeof body,
             "{\"requestType\":\"UserAdd\",\"accessPackageAssignment\":{\"targetId\":\"%s\","
             "\"assignmentPolicyId\":\"%s\",\"accessPackageId\":\"%s\"}}",
             t.requestor_id, policy_id, package_id);
    check(ent_client_call(t.requestor, "beta.create_access_package_assignment_request", NULL, NULL, body, &out, &err),
          "request access");
    get(out, "/id", request_id, sizeof request_id);
    get(out, "/requestState", value, sizeof value);
    ent_string_free(out);
    printf("request: %s %s\n", request_id, value);

    step("3.1 Wait until the request is delivered");
    check(ent_client_wait_for_assignment_request(t.admin, request_id, WAIT, &out, &err), "wait for the request");
    get(out, "/requestState", value, sizeof value);
    ent_string_free(out);
    printf("request state: %s\n", value);
    if (strcmp(value, "Delivered") != 0) {
        fprintf(stderr, "error: the request ended %s\n", value);
        return 1;
    }

    step("3.2 Get the access package assignment");
    snprintf(query, sizeof query,
             "{\"filter\":\"accessPackageAssignmentPolicy/Id eq '%s'\",\"expand\":[\"target\"]}", policy_id);
    check(ent_client_list_all(t.admin, "beta.list_access_package_assignments", NULL, query, &out, &err),
          "list assignments");
    get(out, "/0/id", assignment_id, sizeof assignment_id);
    get(out, "/0/assignmentState", value, sizeof value);
    printf("assignment: %s %s", assignment_id, value);
    get(out, "/0/target/displayName", value, sizeof value);
    printf(" for %s\n", value);
    ent_string_free(out);

    step("3.3 Get the members of the group");
    snprintf(args, sizeof args, "[\"%s\"]", t.group_id);
    check(ent_client_list_all(t.admin, "list_group_members", args, NULL, &out, &err), "list members");
    for (int i = 0;; i++) {
        char pointer[32], *id = NULL;
        snprintf(pointer, sizeof pointer, "/%d/id", i);
        if (ent_json_get(out, pointer, &id, NULL) != ENT_OK) break;
        printf("member: %s\n", id);
        ent_string_free(id);
    }
    ent_string_free(out);

    step("4 Clean up");
    snprintf(body, sizeof body, "{\"requestType\":\"AdminRemove\",\"accessPackageAssignment\":{\"id\":\"%s\"}}",
             assignment_id);
    check(ent_client_call(t.admin, "beta.create_access_package_assignment_request", NULL, NULL, body, &out, &err),
          "remove the assignment");
    get(out, "/id", removal_id, sizeof removal_id);
    ent_string_free(out);
    check(ent_client_wait_for_assignment_request(t.admin, removal_id, WAIT, &out, &err), "wait for the removal");
    get(out, "/requestState", value, sizeof value);
    ent_string_free(out);
    printf("assignment removal: %s\n", value);
    snprintf(args, sizeof args, "[\"%s\"]", policy_id);
    check(ent_client_call(t.admin, "beta.delete_access_package_assignment_policy", args, NULL, NULL, &out, &err),
          "delete the policy");
    printf("deleted policy %s\n", policy_id);
    snprintf(args, sizeof args, "[\"%s\"]", package_id);
    check(ent_client_call(t.admin, "beta.delete_access_package", args, NULL, NULL, &out, &err), "delete the package");
    printf("deleted access package %s\n", package_id);

    ent_client_free(t.requestor);
    ent_client_free(t.admin);
    ent_emulator_stop(emu);
    printf("\ntutorial complete\n");
    return 0;
}
