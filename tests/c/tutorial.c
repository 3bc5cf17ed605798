/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The entitlement management tutorial ("Manage access to resources using the
 * entitlement management APIs"), step by step through the C API, against the
 * in-process emulator: an admin app creates the Marketing Campaign access
 * package over a group, Requestor1 requests it, and everything is removed. */
#include "common.h"
#include "entitlement_ops.h"

#define GROUP_ID "e93e24d1-2b65-4a6c-a1dd-654a12225487"
#define REQUESTOR1_ID "007d1c7e-7fa8-4e33-b678-5e437acdcddc"
#define REQUESTOR1_UPN "requestor1@contoso.com"
#define GENERAL_CATALOG_ID "cec5d6ab-c75d-47c0-9c1c-92e89f66e384"

static const char *WAIT_BETA = "{\"apiVersion\":\"beta\",\"pollIntervalMs\":50,\"timeoutMs\":30000}";

int main(void) {
    char buf[4096], args[256], query[512];
    char catalog_id[64], resource_id[64], package_id[64], policy_id[64], request_id[64], assignment_id[64];
    char role_origin_id[128];
    char *out = NULL;

    /* The service, in this process. */
    ent_emulator *emu = NULL;
    MUST(ent_emulator_start("{\"deliveryDelayMs\":20}", &emu, MERR));
    char *base_url = NULL, *authority = NULL, *tenant = NULL, *client_id = NULL, *secret = NULL;
    MUST(ent_emulator_base_url(emu, &base_url, MERR));
    MUST(ent_emulator_authority(emu, &authority, MERR));
    MUST(ent_emulator_tenant_id(emu, &tenant, MERR));
    MUST(ent_emulator_app_credentials(emu, &client_id, &secret, MERR));

    /* The administrator: the seeded app, signing in with its secret. */
    ent_client *admin = NULL;
    snprintf(buf, sizeof buf,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"clientSecret\":\"%s\"}",
             base_url, authority, tenant, client_id, secret);
    MUST(ent_client_new(buf, &admin, MERR));

    /* Step 1.1: the General catalog, by $filter. */
    MUST(ent_client_call(admin, ENT_OP_LIST_CATALOGS, NULL, "{\"filter\":\"(displayName eq 'General')\"}", NULL, &out, MERR));
    jcopy(out, "/value/0/id", catalog_id, sizeof catalog_id);
    CHECK_STR(catalog_id, GENERAL_CATALOG_ID);
    ent_string_free(out);

    /* Step 1.2: add the group to the catalog (v1.0 resourceRequest, adminAdd). */
    snprintf(buf, sizeof buf,
             "{\"catalogId\":\"%s\",\"requestType\":\"adminAdd\",\"justification\":\"\","
             "\"resource\":{\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}}",
             catalog_id, GROUP_ID);
    MUST(ent_client_call(admin, "create_resource_request", NULL, NULL, buf, &out, MERR));
    char *state = jget(out, "/requestState");
    CHECK(state != NULL, "resource request has a requestState: %s", out);
    ent_string_free(state);
    ent_string_free(out);

    /* Step 1.3: the catalog resource, by originId. */
    snprintf(args, sizeof args, "[\"%s\"]", catalog_id);
    MUST(ent_client_call(admin, "list_catalog_resources", args, "{\"filter\":\"originId eq '" GROUP_ID "'\"}", NULL,
                         &out, MERR));
    jcopy(out, "/value/0/id", resource_id, sizeof resource_id);
    char *origin = jget(out, "/value/0/originId");
    CHECK_STR(origin, GROUP_ID);
    ent_string_free(origin);
    ent_string_free(out);

    /* Step 1.4: its Member role, with $filter and $expand=resource, read through a pager. */
    snprintf(query, sizeof query,
             "{\"filter\":\"(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '%s')\","
             "\"expand\":\"resource\"}",
             resource_id);
    ent_pager *pager = NULL;
    MUST(ent_client_list(admin, "listCatalogResourceRoles", args, query, &pager, MERR));
    bool done = false;
    MUST(ent_pager_next(pager, &out, &done, MERR));
    CHECK(done, "one page of roles");
    jcopy(out, "/0/originId", role_origin_id, sizeof role_origin_id);
    char *role_resource = jget(out, "/0/resource/id");
    CHECK_STR(role_resource, resource_id);
    ent_string_free(role_resource);
    ent_string_free(out);
    MUST(ent_pager_next(pager, &out, &done, MERR));
    CHECK(done && strcmp(out, "[]") == 0, "after the last page: %s", out);
    ent_string_free(out);
    ent_pager_free(pager);

    /* Step 1.5: the access package. */
    snprintf(buf, sizeof buf,
             "{\"catalog\":{\"id\":\"%s\"},\"displayName\":\"Marketing Campaign\","
             "\"description\":\"Access to resources for the campaign\"}",
             catalog_id);
    MUST(ent_client_call(admin, "create_access_package", NULL, NULL, buf, &out, MERR));
    jcopy(out, "/id", package_id, sizeof package_id);
    char *name = jget(out, "/displayName");
    CHECK_STR(name, "Marketing Campaign");
    ent_string_free(name);
    ent_string_free(out);

    /* Step 1.6: the group's Member role in the package. */
    snprintf(args, sizeof args, "[\"%s\"]", package_id);
    snprintf(buf, sizeof buf,
             "{\"role\":{\"originId\":\"%s\",\"displayName\":\"Member\",\"originSystem\":\"AadGroup\","
             "\"resource\":{\"id\":\"%s\",\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}},"
             "\"scope\":{\"originId\":\"%s\",\"originSystem\":\"AadGroup\"}}",
             role_origin_id, resource_id, GROUP_ID, GROUP_ID);
    MUST(ent_client_call(admin, "create_access_package_resource_role_scope", args, NULL, buf, &out, MERR));
    char *scope_id = jget(out, "/id");
    CHECK(scope_id != NULL, "role scope has an id: %s", out);
    ent_string_free(scope_id);
    ent_string_free(out);

    /* Step 2: a beta policy that lets Requestor1 ask, without approval. */
    snprintf(buf, sizeof buf,
             "{\"accessPackageId\":\"%s\",\"displayName\":\"Specific users\","
             "\"description\":\"Specific users can request assignment\",\"accessReviewSettings\":null,"
             "\"durationInDays\":30,"
             "\"requestorSettings\":{\"scopeType\":\"SpecificDirectorySubjects\",\"acceptRequests\":true,"
             "\"allowedRequestors\":[{\"@odata.type\":\"#microsoft.graph.singleUser\",\"isBackup\":false,"
             "\"id\":\"" REQUESTOR1_ID "\",\"description\":\"Requestor1\"}]},"
             "\"requestApprovalSettings\":{\"isApprovalRequired\":false,\"isApprovalRequiredForExtension\":false,"
             "\"isRequestorJustificationRequired\":false,\"approvalMode\":\"NoApproval\",\"approvalStages\":[]}}",
             package_id);
    MUST(ent_client_call(admin, "beta.create_access_package_assignment_policy", NULL, NULL, buf, &out, MERR));
    jcopy(out, "/id", policy_id, sizeof policy_id);
    ent_string_free(out);

    /* Step 3.1: Requestor1 signs in (the authorization code flow with PKCE; the emulator's
     * authorize endpoint signs the login hint in without a page) and asks for the package. */
    ent_client *requestor = NULL;
    snprintf(buf, sizeof buf,
             "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"credential\":{\"kind\":\"interactiveBrowser\","
             "\"tenantId\":\"%s\",\"clientId\":\"%s\",\"loginHint\":\"" REQUESTOR1_UPN "\",\"browser\":\"http\"}}",
             base_url, authority, tenant, client_id);
    MUST(ent_client_new(buf, &requestor, MERR));
    snprintf(buf, sizeof buf,
             "{\"requestType\":\"UserAdd\",\"accessPackageAssignment\":{\"targetId\":\"" REQUESTOR1_ID "\","
             "\"assignmentPolicyId\":\"%s\",\"accessPackageId\":\"%s\"}}",
             policy_id, package_id);
    MUST(ent_client_call(requestor, ENT_OP_BETA_CREATE_ACCESS_PACKAGE_ASSIGNMENT_REQUEST, NULL, NULL, buf, &out, MERR));
    jcopy(out, "/id", request_id, sizeof request_id);
    ent_string_free(out);

    /* Step 3.2: wait until delivered, then list the assignment. */
    MUST(ent_client_wait_for_assignment_request(requestor, request_id, WAIT_BETA, &out, MERR));
    state = jget(out, "/requestState");
    CHECK(state && strcmp(state, "Delivered") == 0, "request delivered: %s", out);
    ent_string_free(state);
    ent_string_free(out);

    snprintf(query, sizeof query,
             "{\"filter\":\"accessPackageAssignmentPolicy/Id eq '%s'\","
             "\"expand\":[\"target\",\"accessPackageAssignmentResourceRoles\"]}",
             policy_id);
    MUST(ent_client_list_all(admin, "beta.list_access_package_assignments", NULL, query, &out, MERR));
    jcopy(out, "/0/id", assignment_id, sizeof assignment_id);
    char *astate = jget(out, "/0/assignmentState");
    CHECK(astate && strcmp(astate, "Delivered") == 0, "assignment delivered: %s", out);
    ent_string_free(astate);
    CHECK(jget(out, "/1") == NULL, "exactly one assignment: %s", out);
    ent_string_free(out);

    /* Step 3.3: Requestor1 is now a member of the group. */
    MUST(ent_client_call(admin, "list_group_members", "[\"" GROUP_ID "\"]", NULL, NULL, &out, MERR));
    CHECK(strstr(out, REQUESTOR1_ID) != NULL, "Requestor1 in the group: %s", out);
    ent_string_free(out);

    /* Step 4: clean up: remove the assignment, then the policy and the package. */
    snprintf(buf, sizeof buf, "{\"requestType\":\"AdminRemove\",\"accessPackageAssignment\":{\"id\":\"%s\"}}",
             assignment_id);
    MUST(ent_client_call(admin, "beta.create_access_package_assignment_request", NULL, NULL, buf, &out, MERR));
    char remove_id[64];
    jcopy(out, "/id", remove_id, sizeof remove_id);
    ent_string_free(out);
    MUST(ent_client_wait_for_assignment_request(admin, remove_id, WAIT_BETA, &out, MERR));
    ent_string_free(out);

    MUST(ent_client_call(admin, "list_group_members", "[\"" GROUP_ID "\"]", NULL, NULL, &out, MERR));
    CHECK(strstr(out, REQUESTOR1_ID) == NULL, "Requestor1 left the group: %s", out);
    ent_string_free(out);

    snprintf(args, sizeof args, "[\"%s\"]", policy_id);
    out = (char *)"untouched";
    MUST(ent_client_call(admin, "beta.delete_access_package_assignment_policy", args, NULL, NULL, &out, MERR));
    CHECK(out == NULL, "204 gives NULL");
    snprintf(args, sizeof args, "[\"%s\"]", package_id);
    MUST(ent_client_call(admin, "beta.delete_access_package", args, NULL, NULL, &out, MERR));
    CHECK(out == NULL, "204 gives NULL");

    ent_error *err = NULL;
    out = NULL;
    ent_status st = ent_client_call(admin, "get_access_package", args, NULL, NULL, &out, &err);
    CHECK(st == ENT_NOT_FOUND, "package is gone: %s", ent_status_name(st));
    CHECK(out == NULL, "no output on failure");
    ent_error_free(err);

    ent_client_free(requestor);
    ent_client_free(admin);
    ent_string_free(base_url);
    ent_string_free(authority);
    ent_string_free(tenant);
    ent_string_free(client_id);
    ent_string_free(secret);
    ent_emulator_stop(emu);
    return finish("tutorial");
}
