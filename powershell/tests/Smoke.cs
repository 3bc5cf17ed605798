// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// Smoke test of the PowerShell module's P/Invoke layer under mono: starts the
// emulator through the C ABI, lists catalogs, pages, has Requestor1 sign in
// interactively (authorization code + PKCE) and get a package delivered, hits NotFound and other
// errors, and round-trips non-ASCII text. Prints "N passed, M failed".
//
//   mcs -out:Smoke.exe tests/Smoke.cs src/Entitlement.Native.cs && mono Smoke.exe [path/to/libentitlement.so]

using System;
using Entitlement.Native;

static class Smoke
{
    const string Requestor1 = "007d1c7e-7fa8-4e33-b678-5e437acdcddc";
    static int passed, failed;

    static void Check(bool ok, string what)
    {
        if (ok) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAIL " + what);
    }

    static EntitlementException Expect(EntStatus want, Action call, string what)
    {
        try
        {
            call();
            Check(false, what + ": no exception");
        }
        catch (EntitlementException e)
        {
            Check(e.Status == want, what + ": want " + want + ", got " + e.Status + " " + e);
            return e;
        }
        return null;
    }

    static int Main(string[] argv)
    {
        // Preload before any method that calls the library is compiled: mono
        // binds a P/Invoke when it JIT-compiles its caller.
        if (argv.Length > 0) Check(Library.Preload(argv[0]), "preload " + argv[0]);
        return Run();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static int Run()
    {
        Check(!string.IsNullOrEmpty(Library.Version), "version");
        Check(Library.StatusName((int)EntStatus.NotFound) == "ENT_NOT_FOUND", "status name");

        // A manual clock moves three days and reports it.
        using (var clock = EntEmulator.Start("{\"clock\":\"manual\"}"))
        {
            DateTime t0 = DateTime.Parse(clock.Now(), null, System.Globalization.DateTimeStyles.RoundtripKind);
            DateTime t1 = DateTime.Parse(clock.Advance("P3D"), null, System.Globalization.DateTimeStyles.RoundtripKind);
            Check(t1 - t0 == TimeSpan.FromDays(3), "advance P3D: " + t0.ToString("o") + " -> " + t1.ToString("o"));
        }

        using (var emu = EntEmulator.Start("{\"pageSize\":2,\"deliveryDelayMs\":10}"))
        {
            Check(emu.BaseUrl.StartsWith("http://127.0.0.1:"), "base url " + emu.BaseUrl);
            string options = "{\"baseUrl\":\"" + emu.BaseUrl + "\",\"authority\":\"" + emu.Authority +
                             "\",\"tenantId\":\"" + emu.TenantId + "\",\"clientId\":\"" + emu.ClientId +
                             "\",\"clientSecret\":\"" + emu.ClientSecret + "\"}";
            using (var client = EntClient.Create(options))
            {
                // List catalogs, by filter and through a pager.
                string page = client.Call("list_catalogs", null, "{\"filter\":\"displayName eq 'General'\"}", null);
                Check(EntJson.Get(page, "/value/0/displayName") == "General", "General catalog: " + page);
                Check(EntJson.Get(page, "/value/1") == null, "one General catalog");
                string id = EntJson.Get(page, "/value/0/id");

                // Non-ASCII text crosses both ways intact.
                const string name = "Kataloğ ✓ 日本語 Ünïcödé";
                string created = client.Call("create_catalog", null, null,
                                             "{\"displayName\":\"" + name + "\",\"description\":\"smoke\"}");
                string newId = EntJson.Get(created, "/id");
                string got = client.Call("get_catalog", "[\"" + newId + "\"]", null, null);
                Check(EntJson.Get(got, "/displayName") == name, "unicode round trip: " + got);

                int pages = 0, items = 0;
                using (var pager = client.List("listCatalogs", null, null))
                {
                    while (!pager.Done && pages < 10)
                    {
                        string batch = pager.Next();
                        pages++;
                        for (int i = 0; EntJson.Get(batch, "/" + i) != null; i++) items++;
                    }
                }
                Check(items >= 2 && pages == (items + 1) / 2, "paging: " + items + " items in " + pages + " pages");
                string all = client.ListAll("list_catalogs", null, null);
                Check(EntJson.Get(all, "/" + (items - 1) + "/id") != null && EntJson.Get(all, "/" + items) == null,
                      "list all");

                Check(client.Call("delete_catalog", "[\"" + newId + "\"]", null, null) == null, "204 is null");

                // NotFound with the service's details.
                var nf = Expect(EntStatus.NotFound,
                                () => client.Call("get_access_package", "[\"00000000-0000-0000-0000-000000000000\"]", null, null),
                                "unknown id");
                if (nf != null)
                {
                    Check(nf.Kind == "NotFound", "kind " + nf.Kind);
                    Check(nf.HttpStatus == 404, "http status " + nf.HttpStatus);
                    Check(!string.IsNullOrEmpty(nf.Code), "graph code");
                    Check(!string.IsNullOrEmpty(nf.RequestId), "request id");
                    Check(nf.ClientRequestId != null && nf.ClientRequestId.Length == 36, "client request id");
                }
                Check(EntJson.Get(page, "/nope") == null, "json missing");

                Expect(EntStatus.InvalidArgument, () => client.Call("list_cats", null, null, null), "unknown operation");
                Expect(EntStatus.InvalidArgument, () => client.Call(null, null, null, null), "null operation");
                Expect(EntStatus.InvalidArgument, () => client.Call("create_catalog", null, null, "{oops"), "bad body");
                Expect(EntStatus.InvalidArgument, () => client.List("get_catalog", "[\"" + id + "\"]", null), "pager of get");
                Expect(EntStatus.BadRequest, () => client.Call("list_catalogs", null, "{\"filter\":\"displayName eq\"}", null),
                       "malformed filter");
                Expect(EntStatus.InvalidArgument, () => EntClient.Create("{\"nope\":1}"), "unknown client option");

                emu.InjectFault("{\"status\":429,\"retryAfter\":\"3\",\"count\":1}");
                using (var impatient = EntClient.Create("{\"baseUrl\":\"" + emu.BaseUrl + "\",\"token\":\"" + emu.AppToken() +
                                                        "\",\"maxRetries\":0}"))
                {
                    var th = Expect(EntStatus.Throttled, () => impatient.Call("list_catalogs", null, null, null), "throttled");
                    Check(th != null && th.RetryAfter == TimeSpan.FromSeconds(3), "retry after");
                    Check(th != null && !th.OutcomeUnknown, "a 429 is not an unknown outcome");
                }
                // A create answered 504 is not sent again: its outcome is unknown.
                emu.InjectFault("{\"status\":504,\"count\":1,\"pathContains\":\"/catalogs\"}");
                var gw = Expect(EntStatus.Service, () => client.Call("create_catalog", null, null, "{\"displayName\":\"PS 504\"}"),
                                "504 create");
                Check(gw != null && gw.HttpStatus == 504 && gw.OutcomeUnknown, "504 create: outcome unknown");
            }

            // Requestor1 signs in and asks for a package the app set up.
            using (var admin = EntClient.Create(options))
            {
                string catalog = EntJson.Get(admin.Call("list_catalogs", null, "{\"filter\":\"displayName eq 'General'\"}", null),
                                             "/value/0/id");
                string pkg = EntJson.Get(admin.Call("create_access_package", null, null,
                                                    "{\"catalog\":{\"id\":\"" + catalog + "\"},\"displayName\":\"Smoke\"}"), "/id");
                string policy = EntJson.Get(admin.Call("beta.create_access_package_assignment_policy", null, null,
                    "{\"accessPackageId\":\"" + pkg + "\",\"displayName\":\"Requestor1\",\"durationInDays\":1," +
                    "\"requestorSettings\":{\"scopeType\":\"SpecificDirectorySubjects\",\"acceptRequests\":true," +
                    "\"allowedRequestors\":[{\"@odata.type\":\"#microsoft.graph.singleUser\",\"id\":\"" + Requestor1 + "\"}]}," +
                    "\"requestApprovalSettings\":{\"isApprovalRequired\":false}}"), "/id");
                // Interactive sign-in (authorization code + PKCE); the emulator signs the login hint in without a page.
                string userOptions = "{\"baseUrl\":\"" + emu.BaseUrl + "\",\"authority\":\"" + emu.Authority +
                                     "\",\"credential\":{\"kind\":\"interactiveBrowser\",\"tenantId\":\"" + emu.TenantId +
                                     "\",\"clientId\":\"" + emu.ClientId +
                                     "\",\"loginHint\":\"requestor1@contoso.com\",\"browser\":\"http\"}}";
                using (var user = EntClient.Create(userOptions))
                {
                    string req = EntJson.Get(user.Call("beta.create_access_package_assignment_request", null, null,
                        "{\"requestType\":\"UserAdd\",\"accessPackageAssignment\":{\"targetId\":\"" + Requestor1 +
                        "\",\"assignmentPolicyId\":\"" + policy + "\",\"accessPackageId\":\"" + pkg + "\"}}"), "/id");
                    string done = user.WaitForAssignmentRequest(req, "{\"apiVersion\":\"beta\",\"pollIntervalMs\":50}");
                    Check(EntJson.Get(done, "/requestState") == "Delivered", "request delivered: " + done);
                    // Requestor1 may not create packages.
                    Expect(EntStatus.PermissionDenied,
                           () => user.Call("create_access_package", null, null, "{\"displayName\":\"nope\"}"), "not an admin");
                }
            }
            // The one PowerShell-layer test of the password grant: a wrong password is refused.
            using (var wrong = EntClient.Create("{\"baseUrl\":\"" + emu.BaseUrl + "\",\"authority\":\"" + emu.Authority +
                                                "\",\"tenantId\":\"" + emu.TenantId + "\",\"clientId\":\"" + emu.ClientId +
                                                "\",\"username\":\"requestor1@contoso.com\",\"password\":\"wrong\"}"))
            {
                var e = Expect(EntStatus.Authentication, () => wrong.Call("list_catalogs", null, null, null), "wrong password");
                Check(e != null && e.Code != null, "token endpoint code");
            }

            // Connect-EntGraph -CertificatePath: the credential object of the options, signed
            // with the emulator app's development certificate (emulator/src/identity/dev-app.pem).
            string pem = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(Smoke).Assembly.Location),
                                                "dev-app.pem");
            string certOptions = "{\"baseUrl\":\"" + emu.BaseUrl + "\",\"authority\":\"" + emu.Authority +
                                 "\",\"credential\":{\"kind\":\"clientCertificate\",\"tenantId\":\"" + emu.TenantId +
                                 "\",\"clientId\":\"" + emu.ClientId + "\",\"certificatePath\":\"" + pem.Replace("\\", "\\\\") +
                                 "\",\"sendCertificateChain\":true}}";
            using (var certClient = EntClient.Create(certOptions))
            {
                string cats = certClient.Call("list_catalogs", null, null, null);
                Check(EntJson.Get(cats, "/value/0/id") != null, "certificate sign-in lists catalogs");
            }
            Expect(EntStatus.InvalidArgument, () =>
            {
                using (var missing = EntClient.Create(certOptions.Replace("dev-app.pem", "no-such.pem")))
                    missing.Call("list_catalogs", null, null, null);
            }, "missing certificate file");

            // A user token from the emulator, and a bad one.
            string token = emu.UserToken("requestor1@contoso.com");
            Check(token.Split('.').Length == 3, "user token is a JWT");
            Expect(EntStatus.NotFound, () => emu.UserToken("nobody@contoso.com"), "unknown user");
            using (var bad = EntClient.Create("{\"baseUrl\":\"" + emu.BaseUrl + "\",\"token\":\"garbage\"}"))
            {
                var e = Expect(EntStatus.Authentication, () => bad.Call("list_catalogs", null, null, null), "bad token");
                Check(e != null && e.HttpStatus == 401, "401");
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Console.WriteLine("smoke: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
