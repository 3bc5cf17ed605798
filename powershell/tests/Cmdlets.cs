// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// Tests of the cmdlet layer (src/Entitlement.Cmdlets.cs) under mono, against the
// compiled Entitlement.Native.dll and the in-process emulator: bodies built from
// bound parameters (types, merging over -BodyParameter, typed refusals), the
// -WhatIf text, and -All / -PageSize / -Top / -CountVariable paging. The
// generated cmdlets pass their $PSBoundParameters to the same calls. Prints
// "N passed, M failed".
//
//   mcs -r:Entitlement.Native.dll -out:Cmdlets.exe tests/Cmdlets.cs && mono Cmdlets.exe [path/to/libentitlement.so]

using System;
using System.Collections;
using System.Collections.Generic;
using Entitlement.Native;

// Stand-ins with the names and members the shim reads by reflection from
// PowerShell's own types (this test runs without System.Management.Automation).
namespace System.Management.Automation
{
    public struct SwitchParameter
    {
        readonly bool present;
        public SwitchParameter(bool isPresent) { present = isPresent; }
        public bool IsPresent { get { return present; } }
    }

    public class PSCustomObject { }

    public class PSNoteProperty
    {
        public PSNoteProperty(string name, object value) { Name = name; Value = value; }
        public string Name { get; private set; }
        public object Value { get; set; }
    }

    public class PSObject
    {
        readonly List<PSNoteProperty> properties = new List<PSNoteProperty>();
        public PSObject(object baseObject) { BaseObject = baseObject; }
        public object BaseObject { get; private set; }
        public IEnumerable<PSNoteProperty> Properties { get { return properties; } }
        public PSObject Add(string name, object value) { properties.Add(new PSNoteProperty(name, value)); return this; }
        public static PSObject Custom() { return new PSObject(new PSCustomObject()); }
    }
}

static class Cmdlets
{
    static int passed, failed;

    static void Check(bool ok, string what)
    {
        if (ok) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAIL " + what);
    }

    static void Equal(object want, object got, string what)
    {
        Check(Equals(want, got), what + ": want <" + want + ">, got <" + got + ">");
    }

    static EntitlementException Refused(Func<object> call, string what, string mentions = null)
    {
        try
        {
            object r = call();
            Check(false, what + ": no exception, got " + r);
        }
        catch (EntitlementException e)
        {
            Check(e.Status == EntStatus.InvalidArgument && e.Kind == "InvalidArgument", what + ": " + e.Status);
            if (mentions != null) Check(e.Message.Contains(mentions), what + ": message '" + e.Message + "' names " + mentions);
            return e;
        }
        return null;
    }

    static Hashtable H(params object[] kv)
    {
        var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < kv.Length; i += 2) h[kv[i]] = kv[i + 1];
        return h;
    }

    static string Get(string json, string pointer) { return EntJson.Get(json, pointer); }

    static int Main(string[] argv)
    {
        if (argv.Length > 0) Check(Library.Preload(argv[0]), "preload " + argv[0]);
        return Run();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static int Run()
    {
        Formats();
        Bodies();
        WhatIf();
        using (var emu = EntEmulator.Start("{\"pageSize\":4}"))
        {
            string options = "{\"baseUrl\":\"" + emu.BaseUrl + "\",\"authority\":\"" + emu.Authority +
                             "\",\"tenantId\":\"" + emu.TenantId + "\",\"clientId\":\"" + emu.ClientId +
                             "\",\"clientSecret\":\"" + emu.ClientSecret + "\"}";
            using (var client = EntClient.Create(options))
            {
                Paging(client);
                RoundTrips(client);
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Console.WriteLine("cmdlets: " + passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    // DateTime -> UTC ISO 8601 'Z'; TimeSpan -> ISO 8601 duration.
    static void Formats()
    {
        Equal("2026-01-02T03:04:05Z", EntBody.Timestamp(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)), "timestamp");
        Equal("2026-01-02T03:04:05.5Z", EntBody.Timestamp(new DateTime(2026, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc)), "timestamp fraction");
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);
        Equal(local.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss") + "Z", EntBody.Timestamp(local), "local time in UTC");
        Equal("P2D", EntBody.Duration(TimeSpan.FromDays(2)), "P2D");
        Equal("PT1H30M", EntBody.Duration(new TimeSpan(1, 30, 0)), "PT1H30M");
        Equal("P1DT12H", EntBody.Duration(new TimeSpan(1, 12, 0, 0)), "P1DT12H");
        Equal("PT0.5S", EntBody.Duration(TimeSpan.FromMilliseconds(500)), "PT0.5S");
        Equal("PT0S", EntBody.Duration(TimeSpan.Zero), "PT0S");
        Equal("-P1D", EntBody.Duration(TimeSpan.FromDays(-1)), "-P1D");
        TimeSpan t;
        Check(EntBody.TryParseDuration("P1W2DT3H4M5.25S", out t) && t == new TimeSpan(9, 3, 4, 5, 250), "parse P1W2DT3H4M5.25S: " + t);
        Check(!EntBody.TryParseDuration("P1Y", out t) && !EntBody.TryParseDuration("P", out t) &&
              !EntBody.TryParseDuration("PT", out t) && !EntBody.TryParseDuration("2 days", out t), "bad durations refused");
    }

    static void Bodies()
    {
        // Explicit parameters typed from api/types; keys that are not body properties are ignored.
        var bound = H("DisplayName", "Marketing ✓", "Description", "Campaign \"Q1\"",
                      "IsHidden", new System.Management.Automation.SwitchParameter(true),
                      "Catalog", H("id", "cat-1"), "Verbose", new System.Management.Automation.SwitchParameter(true),
                      "WhatIf", new System.Management.Automation.SwitchParameter(false), "BodyParameter", null);
        string body = EntBody.Build("create_access_package", null, bound);
        Equal("Marketing ✓", Get(body, "/displayName"), "displayName");
        Equal("Campaign \"Q1\"", Get(body, "/description"), "description escaped");
        Equal("true", Get(body, "/isHidden"), "switch is a boolean");
        Equal("cat-1", Get(body, "/catalog/id"), "hashtable for a nested type");
        Check(Get(body, "/Verbose") == null && Get(body, "/WhatIf") == null, "common parameters left out: " + body);
        // $PSBoundParameters is a Dictionary<string, object> (case-insensitive), not a Hashtable.
        var psBound = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        psBound["displayname"] = "From a dictionary";
        psBound["Catalog"] = new System.Management.Automation.PSObject(H("id", "cat-3"));
        body = EntBody.Build("create_access_package", null, psBound);
        Equal("From a dictionary", Get(body, "/displayName"), "bound parameters as a Dictionary");
        Equal("cat-3", Get(body, "/catalog/id"), "PSObject-wrapped hashtable parameter");

        // -IsHidden:$false sends false; parameters win over -BodyParameter, the rest of it stays.
        body = EntBody.Build("update_access_package", H("displayName", "Old", "description", "kept", "isHidden", true),
                             H("DisplayName", "New", "IsHidden", new System.Management.Automation.SwitchParameter(false)));
        Equal("New", Get(body, "/displayName"), "parameter wins");
        Equal("kept", Get(body, "/description"), "body parameter kept");
        Equal("false", Get(body, "/isHidden"), "-IsHidden:$false");
        Check(!body.Contains("Old"), "one displayName: " + body);

        // -BodyParameter as JSON text or as a PSCustomObject (ConvertFrom-Json output).
        body = EntBody.Build("create_catalog", "{\"displayName\":\"From JSON\",\"isExternallyVisible\":true}", H("Description", "d"));
        Equal("From JSON", Get(body, "/displayName"), "JSON text body");
        Equal("d", Get(body, "/description"), "JSON text merged");
        Equal("{\"displayName\":\"x\"}", EntBody.Build("create_catalog", "{\"displayName\":\"x\"}", H()), "JSON text alone passes through");
        var custom = System.Management.Automation.PSObject.Custom().Add("displayName", "Custom")
            .Add("catalog", System.Management.Automation.PSObject.Custom().Add("id", "cat-2"));
        body = EntBody.Build("create_access_package", custom, H("Description", "via object"));
        Equal("Custom", Get(body, "/displayName"), "PSCustomObject body");
        Equal("cat-2", Get(body, "/catalog/id"), "nested PSCustomObject");
        body = EntBody.Build("create_access_package", new System.Management.Automation.PSObject(H("displayName", "Wrapped")), null);
        Equal("Wrapped", Get(body, "/displayName"), "PSObject around a hashtable");

        // Enums are strings, spelled as the API spells them; lists take one value or many.
        body = EntBody.Build("create_assignment_request", null, H("RequestType", "ADMINADD", "Justification", "j"));
        Equal("adminAdd", Get(body, "/requestType"), "enum spelling");
        body = EntBody.Build("create_access_package", null, H("IncompatibleGroups", H("id", "g1")));
        Equal("g1", Get(body, "/incompatibleGroups/0/id"), "one value for a list");
        body = EntBody.Build("create_access_package", null, H("IncompatibleGroups", new object[] { H("id", "g1"), H("id", "g2") }));
        Equal("g2", Get(body, "/incompatibleGroups/1/id"), "a list");

        // Dates and durations, at the top and nested in hashtables.
        var when = new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        body = EntBody.Build("beta.create_access_package_assignment_policy", null,
                             H("ExpirationDateTime", new DateTimeOffset(2027, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)), "DurationInDays", 3));
        Equal("2027-01-02T03:04:05Z", Get(body, "/expirationDateTime"), "DateTimeOffset in UTC");
        Equal("3", Get(body, "/durationInDays"), "integer");
        body = EntBody.Build("create_assignment_policy", null,
                             H("Expiration", H("type", "afterDuration", "duration", TimeSpan.FromDays(2), "endDateTime", when)));
        Equal("P2D", Get(body, "/expiration/duration"), "nested TimeSpan");
        Equal("2027-01-02T03:04:05Z", Get(body, "/expiration/endDateTime"), "nested DateTime");
        body = EntBody.Build("update_settings", null, H("DurationUntilExternalUserDeletedAfterBlocked", "P1W"));
        Equal("P7D", Get(body, "/durationUntilExternalUserDeletedAfterBlocked"), "duration text normalized");
        Equal("{\"a\":[1,\"2027-01-02T03:04:05Z\",null,true]}", EntBody.Serialize(H("a", new object[] { 1, when, null, true })), "Serialize");

        // Refusals: typed errors naming the parameter.
        Refused(() => EntBody.Build("create_access_package", null, H("Catalog", 42)), "number for an object", "-Catalog");
        Refused(() => EntBody.Build("create_access_package", null, H("Catalog", "cat-1")), "string for an object", "-Catalog");
        Refused(() => EntBody.Build("create_access_package", null, H("IsHidden", "yes")), "string for a boolean", "-IsHidden");
        Refused(() => EntBody.Build("create_access_package", null, H("DisplayName", new object())), "object for a string", "-DisplayName");
        Refused(() => EntBody.Build("create_access_package", null, H("DisplayName", new[] { "a", "b" })), "list for one value", "-DisplayName");
        Refused(() => EntBody.Build("create_access_package", null, H("Catalog", H("id", new System.Threading.ManualResetEvent(false)))),
                "unsupported nested type", "-Catalog.id");
        Refused(() => EntBody.Build("create_assignment_request", null, H("RequestType", "sometimes")), "enum value", "adminAdd");
        Refused(() => EntBody.Build("update_settings", null, H("DurationUntilExternalUserDeletedAfterBlocked", "4 days")),
                "bad duration", "ISO 8601");
        Refused(() => EntBody.Build("beta.create_access_package_assignment_policy", null, H("ExpirationDateTime", 5)),
                "number for a timestamp", "-ExpirationDateTime");
        Refused(() => EntBody.Build("beta.create_access_package_assignment_policy", null, H("DurationInDays", 1.5)),
                "fraction for an integer", "-DurationInDays");
        Refused(() => EntBody.Build("create_catalog", "[1,2]", H("DisplayName", "x")), "array body with parameters", "-BodyParameter");
        Refused(() => EntBody.Build("create_catalog", "{oops", H()), "malformed JSON text");
        Refused(() => EntBody.Build("delete_catalog", null, H()), "operation without a body");
        Refused(() => EntBody.Build("create_cats", null, H()), "unknown operation", "create_cats");
    }

    static void WhatIf()
    {
        string named = "{\"displayName\":\"Marketing\"}";
        Equal("access package 'Marketing'", EntTarget.Describe("create_access_package", new string[0], named), "create target");
        Equal("Create", EntTarget.Action("create_access_package"), "create action");
        Equal("access package 'Marketing' (id p1)", EntTarget.Describe("update_access_package", new[] { "p1" }, named), "update target");
        Equal("catalog c1", EntTarget.Describe("delete_catalog", new[] { "c1" }, null), "delete target");
        Equal("Remove", EntTarget.Action("delete_catalog"), "delete action");
        Equal("group g1 in access package p1", EntTarget.Describe("remove_incompatible_group", new[] { "p1", "g1" }, null),
              "nested target");
        Equal("assignment request r1", EntTarget.Describe("cancel_assignment_request", new[] { "r1" }, null), "action target");
        Equal("Cancel a request that is not yet delivered", EntTarget.Action("cancel_assignment_request"), "action text");
        Equal("Create", EntTarget.Action("beta.createAccessPackage"), "camelCase operation name");
        Equal("access package p1", EntTarget.Describe("add_incompatible_group", new[] { "p1" },
                                                      "{\"@odata.id\":\"https://graph.microsoft.com/v1.0/groups/g1\"}"), "reference add target");
        Equal("Mark a group as incompatible with this access package", EntTarget.Action("add_incompatible_group"), "reference add action");
        Equal("Remove reference", EntTarget.Action("remove_incompatible_group"), "reference remove action");
        Equal("entitlement management settings", EntTarget.Describe("update_settings", new string[0], "{}"), "target without path");
        // The operation's name is not the target (it was printed twice before).
        Check(!EntTarget.Describe("delete_catalog", new[] { "c1" }, null).Contains("delete_catalog"), "no operation name in target");
    }

    static string[] Names(string json)
    {
        var items = (List<object>)Json.Parse(json);
        var names = new List<string>();
        foreach (JsonObject o in items) names.Add(o.Get("displayName") as string);
        return names.ToArray();
    }

    static List<string> ReadAll(EntClient client, ListOptions o, out EntList list)
    {
        var names = new List<string>();
        list = EntList.Start(client, "list_catalogs", null, o);
        for (int guard = 0; !list.Done && guard < 50; guard++) names.AddRange(Names(list.NextPage()));
        list.Dispose();
        return names;
    }

    static void Paging(EntClient client)
    {
        for (int i = 1; i <= 5; i++) client.Call("create_catalog", null, null, "{\"displayName\":\"Paging " + i + "\"}");
        const string filter = "startswith(displayName,'Paging')";
        EntList list;

        var all = ReadAll(client, new ListOptions { Filter = filter, PageSize = 2, All = true }, out list);
        Equal(5, all.Count, "-All -PageSize 2: every item");
        Equal(3, list.Requests, "-All -PageSize 2: three requests");
        Equal(5, new HashSet<string>(all).Count, "no item twice");
        Check(list.TotalCount == null, "no count unless asked");

        var first = ReadAll(client, new ListOptions { Filter = filter, PageSize = 2 }, out list);
        Equal(2, first.Count, "-PageSize 2 without -All: the first page");
        Equal(1, list.Requests, "one request");

        var counted = ReadAll(client, new ListOptions { Filter = filter, PageSize = 2, All = true, IncludeCount = true }, out list);
        Equal(5, counted.Count, "-All -CountVariable: items");
        Equal((long?)5, list.TotalCount, "-All -CountVariable: @odata.count");

        var firstCounted = ReadAll(client, new ListOptions { Filter = filter, IncludeCount = true }, out list);
        Equal(4, firstCounted.Count, "first page (the service's page size 4)");
        Equal((long?)5, list.TotalCount, "count of the first page's query");
        Equal(1, list.Requests, "count and first page in one request");

        var service = ReadAll(client, new ListOptions { Filter = filter, All = true }, out list);
        Equal(5, service.Count, "-All follows the service's pages");
        Equal(2, list.Requests, "two service pages");

        var top = ReadAll(client, new ListOptions { Filter = filter, Top = 3, PageSize = 2 }, out list);
        Equal(3, top.Count, "-Top 3 -PageSize 2: pages until three");
        Equal(2, list.Requests, "-Top 3 -PageSize 2: two requests");
        top = ReadAll(client, new ListOptions { Filter = filter, Top = 3 }, out list);
        Equal(3, top.Count, "-Top 3");
        Equal(1, list.Requests, "-Top 3 is $top=3");

        var sorted = ReadAll(client, new ListOptions { Filter = filter, Sort = new[] { "displayName desc" }, Property = new[] { "id", "displayName" }, All = true, PageSize = 2 }, out list);
        Equal("Paging 5,Paging 4,Paging 3,Paging 2,Paging 1", string.Join(",", sorted.ToArray()), "-Sort across pages");
        var selected = EntList.Start(client, "list_catalogs", null, new ListOptions { Filter = filter, Property = new[] { "id", "displayName" }, PageSize = 1 });
        string one = selected.NextPage();
        Check(Get(one, "/0/id") != null && Get(one, "/0/description") == null, "-Property selects: " + one);
        selected.Dispose();
        Equal("[]", selected.NextPage(), "nothing after Dispose");

        Refused(() => EntList.Start(client, "list_catalogs", null, new ListOptions { PageSize = -1 }), "negative page size", "-PageSize");
        Refused(() => EntList.Start(client, "list_catalogs", null, new ListOptions { Top = -1 }), "negative top", "-Top");
        try
        {
            var bad = EntList.Start(client, "list_catalogs", null, new ListOptions { Filter = "displayName eq" });
            bad.NextPage();
            Check(false, "malformed filter: no exception");
        }
        catch (EntitlementException e) { Equal(EntStatus.BadRequest, e.Status, "malformed filter is BadRequest"); }
    }

    // Bodies built from parameters, sent, and read back as sent.
    static void RoundTrips(EntClient client)
    {
        string catalog = Get(client.Call("list_catalogs", null, "{\"filter\":\"displayName eq 'General'\"}", null), "/value/0/id");
        string body = EntBody.Build("create_access_package", null,
                                    H("DisplayName", "Marketing Campaign ✓", "Description", "Access for the campaign",
                                      "IsHidden", new System.Management.Automation.SwitchParameter(true), "Catalog", H("id", catalog)));
        string created = client.Call("create_access_package", null, null, body);
        string id = Get(created, "/id");
        Equal("Marketing Campaign ✓", Get(created, "/displayName"), "created displayName");
        Equal("Access for the campaign", Get(created, "/description"), "created description");
        Equal("true", Get(created, "/isHidden"), "created isHidden");
        string got = client.Call("get_access_package", "[\"" + id + "\"]", "{\"expand\":\"catalog\"}", null);
        Equal(catalog, Get(got, "/catalog/id"), "created in the catalog");

        client.Call("update_access_package", "[\"" + id + "\"]", null,
                    EntBody.Build("update_access_package", null, H("Description", "Updated", "IsHidden", new System.Management.Automation.SwitchParameter(false))));
        got = client.Call("get_access_package", "[\"" + id + "\"]", null, null);
        Equal("Updated", Get(got, "/description"), "updated description");
        Equal("false", Get(got, "/isHidden"), "updated isHidden");
        Equal("Marketing Campaign ✓", Get(got, "/displayName"), "displayName untouched");

        // Timestamp and duration, exactly as sent.
        string policy = client.Call("beta.create_access_package_assignment_policy", null, null,
            EntBody.Build("beta.create_access_package_assignment_policy", null,
                          H("AccessPackageId", id, "DisplayName", "Until 2027", "ExpirationDateTime", new DateTime(2027, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                            "RequestorSettings", H("scopeType", "NoSubjects", "acceptRequests", false),
                            "RequestApprovalSettings", H("isApprovalRequired", false))));
        Equal("2027-01-02T03:04:05Z", Get(policy, "/expirationDateTime"), "timestamp round trip");
        string v1policy = client.Call("get_assignment_policy", "[\"" + Get(policy, "/id") + "\"]", null, null);
        Equal("2027-01-02T03:04:05Z", Get(v1policy, "/expiration/endDateTime"), "timestamp in v1");

        client.Call("update_settings", null, null,
                    EntBody.Build("update_settings", null, H("DurationUntilExternalUserDeletedAfterBlocked", TimeSpan.FromDays(2))));
        Equal("P2D", Get(client.Call("get_settings", null, null, null), "/durationUntilExternalUserDeletedAfterBlocked"), "duration round trip");

        // What -WhatIf would show for the update of that package, by name and id.
        Equal("access package 'Marketing Campaign ✓' (id " + id + ")",
              EntTarget.Describe("update_access_package", new[] { id }, EntBody.Build("update_access_package", null, H("DisplayName", "Marketing Campaign ✓"))),
              "what-if of an update");
    }
}
