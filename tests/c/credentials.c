/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The entitlement authors
 *
 * The JSON credential config of ent_client_new() ("credential": {"kind": …})
 * against the emulator over loopback: client certificates (PEM and PKCS#12
 * with its password), interactive sign-in (authorization code + PKCE, the
 * emulator signing the login hint in without a page), managed identity
 * (IMDS and App Service), the environment and the default chain; and the
 * refusals, typed, when the config is wrong. Run from the repository root
 * (the emulator's dev certificate is read from emulator/src/identity/). */
#include "common.h"

#define REQUESTOR1_UPN "requestor1@contoso.com"
#define CERT_DIR "emulator/src/identity/"
#define MI_HEADER "entitlement-emulator-identity-header"

static char g_base[256], g_authority[256], g_tenant[128], g_client[128];

/* A client made with `credential` (a JSON object); NULL (and the status in
 * *st) when ent_client_new refuses it. */
static ent_client *client_with(const char *credential, ent_status *st, ent_error **err) {
    char opts[2048];
    snprintf(opts, sizeof opts, "{\"baseUrl\":\"%s\",\"authority\":\"%s\",\"credential\":%s}", g_base, g_authority,
             credential);
    ent_client *c = NULL;
    *st = ent_client_new(opts, &c, err);
    return c;
}

/* `op` works (ENT_OK) with this credential, or fails with `want`. */
static void expect(int line, const char *credential, const char *op, const char *args, ent_status want) {
    ent_status st;
    ent_error *err = NULL;
    ent_client *c = client_with(credential, &st, &err);
    if (c != NULL) {
        char *out = NULL;
        st = ent_client_call(c, op, args, NULL, NULL, &out, &err);
        ent_string_free(out);
        ent_client_free(c);
    }
    if (st == want) {
        g_passed++;
    } else {
        g_failed++;
        fprintf(stderr, "FAIL credentials.c:%d: %s with %s: want %s, ", line, op, credential, ent_status_name(want));
        print_error("got", st, err);
    }
    ent_error_free(err);
}
#define EXPECT(cred, op, args, want) expect(__LINE__, cred, op, args, want)

int main(void) {
    ent_emulator *emu = NULL;
    MUST(ent_emulator_start(NULL, &emu, MERR));
    char *s = NULL, *secret = NULL;
    MUST(ent_emulator_base_url(emu, &s, MERR));
    snprintf(g_base, sizeof g_base, "%s", s);
    ent_string_free(s);
    MUST(ent_emulator_authority(emu, &s, MERR));
    snprintf(g_authority, sizeof g_authority, "%s", s);
    ent_string_free(s);
    MUST(ent_emulator_tenant_id(emu, &s, MERR));
    snprintf(g_tenant, sizeof g_tenant, "%s", s);
    ent_string_free(s);
    MUST(ent_emulator_app_credentials(emu, &s, &secret, MERR));
    snprintf(g_client, sizeof g_client, "%s", s);
    ent_string_free(s);
    ent_string_free(secret);

    char cred[1024];
    /* Client certificate: PEM, and PKCS#12 with its password (and the chain sent). */
    snprintf(cred, sizeof cred,
             "{\"kind\":\"clientCertificate\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"certificatePath\":\"" CERT_DIR
             "dev-app.pem\"}",
             g_tenant, g_client);
    EXPECT(cred, "list_catalogs", NULL, ENT_OK);
    snprintf(cred, sizeof cred,
             "{\"kind\":\"clientCertificate\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"certificatePath\":\"" CERT_DIR
             "dev-app.pfx\",\"certificatePassword\":\"emulator\",\"sendCertificateChain\":true}",
             g_tenant, g_client);
    EXPECT(cred, "list_catalogs", NULL, ENT_OK);
    {
        ent_status st;
        ent_error *err = NULL;
        ent_client *c = client_with(cred, &st, &err);
        char *out = NULL, name[64];
        MUST(ent_client_call(c, "list_catalogs", NULL, "{\"filter\":\"displayName eq 'General'\"}", NULL, &out, MERR));
        jcopy(out, "/value/0/displayName", name, sizeof name);
        CHECK_STR(name, "General");
        ent_string_free(out);
        ent_client_free(c);
    }
    /* A wrong PKCS#12 password is refused when the client is made, naming the cause. */
    snprintf(cred, sizeof cred,
             "{\"kind\":\"clientCertificate\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"certificatePath\":\"" CERT_DIR
             "dev-app.pfx\",\"certificatePassword\":\"wrong\"}",
             g_tenant, g_client);
    {
        ent_status st;
        ent_error *err = NULL;
        ent_client *c = client_with(cred, &st, &err);
        CHECK(c == NULL && st == ENT_INVALID_ARGUMENT, "wrong pfx password: %s", ent_status_name(st));
        CHECK(err != NULL && strstr(ent_error_message(err), "wrong password") != NULL, "message: %s",
              err ? ent_error_message(err) : "(none)");
        ent_error_free(err);
        ent_client_free(c);
    }
    /* A certificate the app does not hold: the token endpoint refuses. */
    snprintf(cred, sizeof cred,
             "{\"kind\":\"clientCertificate\",\"tenantId\":\"%s\",\"clientId\":\"00000000-0000-0000-0000-00000000dead\","
             "\"certificatePath\":\"" CERT_DIR "dev-app.pem\"}",
             g_tenant);
    EXPECT(cred, "list_catalogs", NULL, ENT_AUTHENTICATION);

    /* Interactive sign-in as Requestor1: delegated, so an admin operation is forbidden. */
    snprintf(cred, sizeof cred,
             "{\"kind\":\"interactiveBrowser\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"loginHint\":\"" REQUESTOR1_UPN
             "\",\"browser\":\"http\"}",
             g_tenant, g_client);
    EXPECT(cred, "filter_assignments_by_current_user", "[\"target\"]", ENT_OK);
    EXPECT(cred, "list_assignment_requests", NULL, ENT_PERMISSION_DENIED);
    snprintf(cred, sizeof cred,
             "{\"kind\":\"interactiveBrowser\",\"tenantId\":\"%s\",\"clientId\":\"%s\",\"loginHint\":\"nobody@contoso.com\","
             "\"browser\":\"http\"}",
             g_tenant, g_client);
    EXPECT(cred, "list_catalogs", NULL, ENT_AUTHENTICATION);

    /* Managed identity: IMDS, then App Service (with and without the right header). */
    snprintf(cred, sizeof cred, "{\"kind\":\"managedIdentity\",\"endpoint\":\"%s/metadata/identity/oauth2/token\"}",
             g_base);
    EXPECT(cred, "list_catalogs", NULL, ENT_OK);
    snprintf(cred, sizeof cred,
             "{\"kind\":\"managedIdentity\",\"endpoint\":\"%s/msi/token\",\"identityHeader\":\"" MI_HEADER "\"}", g_base);
    EXPECT(cred, "list_catalogs", NULL, ENT_OK);
    snprintf(cred, sizeof cred, "{\"kind\":\"managedIdentity\",\"endpoint\":\"%s/msi/token\",\"identityHeader\":\"x\"}",
             g_base);
    EXPECT(cred, "list_catalogs", NULL, ENT_AUTHENTICATION);

    /* The environment, and the default chain reading it. */
    setenv("AZURE_AUTHORITY_HOST", g_authority, 1);
    setenv("AZURE_TENANT_ID", g_tenant, 1);
    setenv("AZURE_CLIENT_ID", g_client, 1);
    setenv("AZURE_CLIENT_CERTIFICATE_PATH", CERT_DIR "dev-app.pfx", 1);
    setenv("AZURE_CLIENT_CERTIFICATE_PASSWORD", "emulator", 1);
    EXPECT("{\"kind\":\"environment\"}", "list_catalogs", NULL, ENT_OK);
    EXPECT("{\"kind\":\"default\"}", "list_catalogs", NULL, ENT_OK);
    unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
    unsetenv("AZURE_CLIENT_CERTIFICATE_PASSWORD");
    EXPECT("{\"kind\":\"environment\"}", "list_catalogs", NULL, ENT_AUTHENTICATION);

    /* Wrong configs: an unknown kind, a missing key, an unknown key, a bad browser mode. */
    const char *bad[] = {
        "{\"kind\":\"telepathy\"}",
        "{\"kind\":\"clientSecret\",\"tenantId\":\"t\"}",
        "{\"kind\":\"deviceCode\",\"tenantId\":\"t\",\"clientId\":\"c\",\"colour\":\"blue\"}",
        "{\"kind\":\"interactiveBrowser\",\"tenantId\":\"t\",\"clientId\":\"c\",\"browser\":\"lynx\"}",
        "{\"kind\":\"clientCertificate\",\"tenantId\":\"t\",\"clientId\":\"c\"}",
        "{\"kind\":\"clientCertificate\",\"tenantId\":\"t\",\"clientId\":\"c\",\"certificatePath\":\"/no/such.pfx\"}",
        "\"clientSecret\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ent_status st;
        ent_error *err = NULL;
        ent_client *c = client_with(bad[i], &st, &err);
        CHECK(c == NULL && st == ENT_INVALID_ARGUMENT, "%s: %s", bad[i], ent_status_name(st));
        CHECK(err != NULL && strlen(ent_error_message(err)) > 10, "%s: message %s", bad[i],
              err ? ent_error_message(err) : "(none)");
        ent_error_free(err);
        ent_client_free(c);
    }

    ent_emulator_stop(emu);
    return finish("credentials");
}
