// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// The cmdlets' logic, in C# so it runs (and is tested) under mono as well as in
// PowerShell: the generated script functions in Entitlement.Generated.ps1 are
// thin wrappers over it.
//   EntBody    a request body from a cmdlet's bound parameters (typed by api/types)
//              merged over -BodyParameter; explicit parameters win.
//   EntList    -All / -PageSize / -Top / -CountVariable over ent_client_call and ent_pager.
//   EntTarget  the -WhatIf / -Confirm text: the object described once, the action apart.
// Operation facts (body fields, nouns) come from Entitlement.Operations.Generated.cs.
// PowerShell's own types (PSObject, PSCustomObject, SwitchParameter) are read by
// reflection so this assembly does not reference System.Management.Automation.

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Entitlement.Native
{
    /// <summary>How a body property's value is written (from its Graph type).</summary>
    public enum FieldKind { String, Boolean, Integer, Number, DateTime, Duration, Enum, Object, Any }

    /// <summary>One body property a cmdlet exposes as a parameter.</summary>
    public sealed class BodyField
    {
        public string Parameter { get; private set; }
        public string Json { get; private set; }
        public FieldKind Kind { get; private set; }
        public bool Collection { get; private set; }
        /// <summary>The Graph type name (for messages).</summary>
        public string GraphType { get; private set; }
        /// <summary>Allowed values of an enum property.</summary>
        public string[] Values { get; private set; }

        public BodyField(string parameter, string json, FieldKind kind, bool collection, string graphType, string[] values)
        {
            Parameter = parameter;
            Json = json;
            Kind = kind;
            Collection = collection;
            GraphType = graphType;
            Values = values;
        }
    }

    /// <summary>What the cmdlet layer knows about one operation.</summary>
    public sealed class OperationInfo
    {
        public string Name { get; private set; }
        /// <summary>list | get | create | update | replace | delete | action | function | ref_add | ref_remove</summary>
        public string Kind { get; private set; }
        /// <summary>The -WhatIf action ("Create", "Remove", "Cancel a request ...").</summary>
        public string Action { get; private set; }
        /// <summary>What each path parameter names, in path order ("catalog", "access package").</summary>
        public string[] PathNouns { get; private set; }
        /// <summary>What the operation creates or works on when no path parameter names it.</summary>
        public string Noun { get; private set; }
        /// <summary>The body properties exposed as parameters (null: the operation takes no body).</summary>
        public BodyField[] Body { get; private set; }

        public OperationInfo(string name, string kind, string action, string[] pathNouns, string noun, BodyField[] body)
        {
            Name = name;
            Kind = kind;
            Action = action;
            PathNouns = pathNouns;
            Noun = noun;
            Body = body;
        }

        static Dictionary<string, OperationInfo> table;

        static string Snake(string name)
        {
            var sb = new StringBuilder();
            foreach (char c in name)
            {
                if (char.IsUpper(c)) sb.Append('_').Append(char.ToLowerInvariant(c));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>The operation by its qualified name ("create_access_package", "beta.create_access_package").</summary>
        public static OperationInfo Find(string name)
        {
            if (table == null)
            {
                var t = new Dictionary<string, OperationInfo>(StringComparer.Ordinal);
                foreach (var op in GeneratedOperations.All()) t[op.Name] = op;
                table = t;
            }
            OperationInfo info;
            if (name != null && table.TryGetValue(name, out info)) return info;
            // The camelCase spelling the C API accepts too: "beta.createAccessPackage".
            if (name != null && table.TryGetValue(Snake(name), out info)) return info;
            throw Errors.Invalid("unknown operation '" + name + "'");
        }
    }

    static class Errors
    {
        internal static EntitlementException Invalid(string message)
        {
            return new EntitlementException(EntStatus.InvalidArgument, "InvalidArgument", message, 0, null, null, null, null);
        }
    }

    /// <summary>Builds request bodies from cmdlet parameters.</summary>
    public static class EntBody
    {
        const int MaxDepth = 64;

        /// <summary>
        /// The JSON body of `operation`: `bodyParameter` (a hashtable, an object, JSON text or null)
        /// with every body property found in `bound` (a cmdlet's $PSBoundParameters; other keys are
        /// ignored) set over it, typed by api/types: strings, booleans (switches), enums as strings,
        /// DateTime as UTC ISO 8601 ('Z'), TimeSpan as an ISO 8601 duration ('P2D'), hashtables or
        /// objects for nested types. A value of the wrong type is an InvalidArgument EntitlementException.
        /// </summary>
        public static string Build(string operation, object bodyParameter, IDictionary bound)
        {
            var info = OperationInfo.Find(operation);
            if (info.Body == null) throw Errors.Invalid(operation + " takes no body");
            var found = new List<KeyValuePair<BodyField, object>>();
            if (bound != null)
            {
                foreach (DictionaryEntry e in bound)
                {
                    string key = e.Key as string;
                    if (key == null) continue;
                    foreach (var f in info.Body)
                    {
                        if (string.Equals(f.Parameter, key, StringComparison.OrdinalIgnoreCase))
                            found.Add(new KeyValuePair<BodyField, object>(f, e.Value));
                    }
                }
            }
            bodyParameter = Unwrap(bodyParameter);
            var text = bodyParameter as string;
            if (text != null && found.Count == 0)
            {
                Json.Parse(text); // refuse malformed text here, with the parser's offset
                return text;
            }
            object body = text != null ? Json.Parse(text) : (bodyParameter == null ? new JsonObject() : ToJson(bodyParameter, "-BodyParameter", 0));
            var obj = body as JsonObject;
            if (obj == null)
            {
                if (found.Count > 0) throw Errors.Invalid("-BodyParameter must be an object to combine it with other parameters");
                return Json.Write(body);
            }
            foreach (var kv in found) obj.Set(kv.Key.Json, Field(kv.Key, kv.Value));
            return Json.Write(obj);
        }

        /// <summary>Any body as JSON text: strings pass through unchanged, other values as ToJson writes them.</summary>
        public static string Serialize(object value)
        {
            value = Unwrap(value);
            if (value == null) return null;
            var s = value as string;
            return s ?? Json.Write(ToJson(value, "-Body", 0));
        }

        /// <summary>One property's value, typed by its field.</summary>
        public static object Field(BodyField f, object value)
        {
            value = Unwrap(value);
            if (value == null) return null;
            string where = "-" + f.Parameter;
            if (f.Collection)
            {
                var list = new List<object>();
                if (IsSequence(value))
                {
                    int i = 0;
                    foreach (object item in (IEnumerable)value) list.Add(Scalar(f, Unwrap(item), where + "[" + i++ + "]"));
                }
                else list.Add(Scalar(f, value, where));
                return list;
            }
            if (IsSequence(value)) throw Errors.Invalid(where + ": expected one " + Describe(f) + ", got a list");
            return Scalar(f, value, where);
        }

        static string Describe(BodyField f)
        {
            switch (f.Kind)
            {
                case FieldKind.Object: return "hashtable or object (" + f.GraphType + ")";
                case FieldKind.Enum: return "value of " + f.GraphType + " (" + string.Join(", ", f.Values) + ")";
                default: return f.Kind.ToString().ToLowerInvariant() + " (" + f.GraphType + ")";
            }
        }

        static EntitlementException Wrong(BodyField f, object value, string where)
        {
            return Errors.Invalid(where + ": expected a " + Describe(f) + ", got " + TypeName(value));
        }

        static string TypeName(object v) { return v == null ? "null" : v.GetType().FullName; }

        static object Scalar(BodyField f, object v, string where)
        {
            if (v == null) return null;
            switch (f.Kind)
            {
                case FieldKind.String:
                    if (v is string) return v;
                    if (v is Guid || v is char) return v.ToString();
                    throw Wrong(f, v, where);
                case FieldKind.Boolean:
                    bool b;
                    if (TryBool(v, out b)) return b;
                    throw Wrong(f, v, where);
                case FieldKind.Integer:
                    if (IsInteger(v)) return new JsonNumber(Convert.ToString(v, CultureInfo.InvariantCulture));
                    throw Wrong(f, v, where);
                case FieldKind.Number:
                    if (IsInteger(v)) return new JsonNumber(Convert.ToString(v, CultureInfo.InvariantCulture));
                    if (v is double || v is float || v is decimal) return Number(v, where);
                    throw Wrong(f, v, where);
                case FieldKind.DateTime:
                {
                    string s;
                    if (TryTimestamp(v, out s)) return s;
                    var str = v as string;
                    DateTimeOffset parsed;
                    if (str != null && DateTimeOffset.TryParse(str, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
                        return Timestamp(parsed.UtcDateTime);
                    throw Wrong(f, v, where);
                }
                case FieldKind.Duration:
                {
                    if (v is TimeSpan) return Duration((TimeSpan)v);
                    var str = v as string;
                    TimeSpan parsed;
                    if (str != null && TryParseDuration(str, out parsed)) return Duration(parsed);
                    if (str != null) throw Errors.Invalid(where + ": '" + str + "' is not an ISO 8601 duration in days and time (P2D, PT1H30M)");
                    throw Wrong(f, v, where);
                }
                case FieldKind.Enum:
                {
                    string name = v is Enum ? v.ToString() : v as string;
                    if (name == null) throw Wrong(f, v, where);
                    foreach (var allowed in f.Values)
                        if (string.Equals(allowed, name, StringComparison.OrdinalIgnoreCase)) return allowed;
                    throw Errors.Invalid(where + ": '" + name + "' is not one of " + string.Join(", ", f.Values));
                }
                case FieldKind.Object:
                {
                    object o = ToJson(v, where, 0);
                    if (!(o is JsonObject)) throw Wrong(f, v, where);
                    return o;
                }
                default:
                    return ToJson(v, where, 0);
            }
        }

        /// <summary>A .NET or PowerShell value as a JSON value, without schema (nested hashtables, -BodyParameter).</summary>
        public static object ToJson(object v, string where, int depth)
        {
            if (depth > MaxDepth) throw Errors.Invalid(where + ": nested deeper than " + MaxDepth);
            v = Unwrap(v);
            if (v == null) return null;
            var s = v as string;
            if (s != null) return s;
            bool b;
            if (TryBool(v, out b)) return b;
            if (IsInteger(v)) return new JsonNumber(Convert.ToString(v, CultureInfo.InvariantCulture));
            if (v is double || v is float || v is decimal) return Number(v, where);
            string ts;
            if (TryTimestamp(v, out ts)) return ts;
            if (v is TimeSpan) return Duration((TimeSpan)v);
            if (v is Guid || v is char || v is Uri) return v.ToString();
            if (v is Enum) return v.ToString();
            if (v is JsonObject || v is JsonNumber) return v;
            var dict = v as IDictionary;
            if (dict != null)
            {
                var o = new JsonObject();
                foreach (DictionaryEntry e in dict)
                {
                    string key = Convert.ToString(Unwrap(e.Key), CultureInfo.InvariantCulture);
                    o.Set(key, ToJson(e.Value, where + "." + key, depth + 1));
                }
                return o;
            }
            var props = Properties(v);
            if (props != null)
            {
                var o = new JsonObject();
                foreach (var p in props) o.Set(p.Key, ToJson(p.Value, where + "." + p.Key, depth + 1));
                return o;
            }
            if (IsSequence(v))
            {
                var list = new List<object>();
                int i = 0;
                foreach (object item in (IEnumerable)v) list.Add(ToJson(item, where + "[" + i++ + "]", depth + 1));
                return list;
            }
            throw Errors.Invalid(where + ": cannot send a value of type " + v.GetType().FullName +
                                 " (use strings, numbers, booleans, DateTime, TimeSpan, hashtables and arrays)");
        }

        /// <summary>UTC ISO 8601 with 'Z' and no trailing zero fraction: 2026-01-02T03:04:05Z, ...05.5Z.
        /// A DateTime of unspecified kind is taken as local time, as PowerShell's Get-Date gives.</summary>
        public static string Timestamp(DateTime t)
        {
            DateTime utc = t.Kind == DateTimeKind.Utc ? t : t.ToUniversalTime();
            string s = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
            return s + "Z";
        }

        /// <summary>ISO 8601 duration as Graph writes it: P2D, PT1H30M, P1DT12H, PT0.5S, PT0S, -P1D.</summary>
        public static string Duration(TimeSpan t)
        {
            var sb = new StringBuilder();
            if (t < TimeSpan.Zero)
            {
                sb.Append('-');
                t = t == TimeSpan.MinValue ? TimeSpan.MaxValue : t.Negate();
            }
            sb.Append('P');
            if (t.Days > 0) sb.Append(t.Days.ToString(CultureInfo.InvariantCulture)).Append('D');
            long fraction = t.Ticks % TimeSpan.TicksPerSecond;
            if (t.Hours > 0 || t.Minutes > 0 || t.Seconds > 0 || fraction > 0 || t.Days == 0)
            {
                sb.Append('T');
                if (t.Hours > 0) sb.Append(t.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
                if (t.Minutes > 0) sb.Append(t.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
                if (t.Seconds > 0 || fraction > 0 || (t.Hours == 0 && t.Minutes == 0))
                {
                    sb.Append(t.Seconds.ToString(CultureInfo.InvariantCulture));
                    if (fraction > 0) sb.Append('.').Append(fraction.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0'));
                    sb.Append('S');
                }
            }
            return sb.ToString();
        }

        static readonly System.Text.RegularExpressions.Regex DurationPattern = new System.Text.RegularExpressions.Regex(
            @"^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,7})?)S)?)?$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>Parses P1W2DT3H4M5.5S (weeks, days and time; years and months have no fixed length and are refused).</summary>
        public static bool TryParseDuration(string s, out TimeSpan t)
        {
            t = TimeSpan.Zero;
            var m = DurationPattern.Match(s ?? "");
            if (!m.Success || s.EndsWith("P") || s.EndsWith("T")) return false;
            try
            {
                long ticks = 0;
                if (m.Groups[2].Success) ticks = checked(ticks + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 7 * TimeSpan.TicksPerDay);
                if (m.Groups[3].Success) ticks = checked(ticks + long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerDay);
                if (m.Groups[4].Success) ticks = checked(ticks + long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerHour);
                if (m.Groups[5].Success) ticks = checked(ticks + long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerMinute);
                if (m.Groups[6].Success)
                    ticks = checked(ticks + (long)(decimal.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
                t = new TimeSpan(m.Groups[1].Success ? -ticks : ticks);
                return true;
            }
            catch (OverflowException) { return false; }
        }

        static bool TryTimestamp(object v, out string s)
        {
            s = null;
            if (v is DateTime) s = Timestamp((DateTime)v);
            else if (v is DateTimeOffset) s = Timestamp(((DateTimeOffset)v).UtcDateTime);
            return s != null;
        }

        static object Number(object v, string where)
        {
            double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
            if (double.IsNaN(d) || double.IsInfinity(d)) throw Errors.Invalid(where + ": " + d + " has no JSON form");
            return new JsonNumber(v is decimal ? ((decimal)v).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture));
        }

        static bool IsInteger(object v)
        {
            return v is int || v is long || v is short || v is byte || v is sbyte || v is uint || v is ulong || v is ushort;
        }

        static bool IsSequence(object v)
        {
            return v is IEnumerable && !(v is string) && !(v is IDictionary) && Properties(v) == null;
        }

        static bool TryBool(object v, out bool b)
        {
            if (v is bool) { b = (bool)v; return true; }
            // [switch] parameters arrive as System.Management.Automation.SwitchParameter.
            if (v.GetType().FullName == "System.Management.Automation.SwitchParameter")
            {
                b = (bool)v.GetType().GetProperty("IsPresent").GetValue(v, null);
                return true;
            }
            b = false;
            return false;
        }

        /// <summary>A PSObject's base object (PSCustomObjects stay wrapped: their properties live on the wrapper).</summary>
        public static object Unwrap(object v)
        {
            for (int i = 0; i < 8 && v != null; i++)
            {
                var t = v.GetType();
                if (t.FullName != "System.Management.Automation.PSObject") return v;
                object b = t.GetProperty("BaseObject").GetValue(v, null);
                if (b == null || b.GetType().FullName == "System.Management.Automation.PSCustomObject") return v;
                v = b;
            }
            return v;
        }

        /// <summary>The properties of a PSObject that wraps a PSCustomObject (ConvertFrom-Json output,
        /// [pscustomobject]@{...}, objects the cmdlets returned), or null for anything else.</summary>
        static List<KeyValuePair<string, object>> Properties(object v)
        {
            var t = v.GetType();
            if (t.FullName != "System.Management.Automation.PSObject") return null;
            var members = t.GetProperty("Properties").GetValue(v, null) as IEnumerable;
            if (members == null) return null;
            var list = new List<KeyValuePair<string, object>>();
            foreach (object m in members)
            {
                var mt = m.GetType();
                string name = (string)mt.GetProperty("Name").GetValue(m, null);
                list.Add(new KeyValuePair<string, object>(name, mt.GetProperty("Value").GetValue(m, null)));
            }
            return list;
        }
    }

    /// <summary>The target and action -WhatIf and -Confirm show.</summary>
    public static class EntTarget
    {
        /// <summary>
        /// What the call acts on, described once: "access package 'Marketing' (id 1f2e...)",
        /// "catalog 4d3c...", "custom callout extension 9a8b... in catalog 4d3c...", or for a create
        /// "access package 'Marketing' in catalog ..." (the display name from the body when it has one).
        /// </summary>
        public static string Describe(string operation, string[] pathArgs, string bodyJson)
        {
            var info = OperationInfo.Find(operation);
            pathArgs = pathArgs ?? new string[0];
            string name = null;
            if (!string.IsNullOrEmpty(bodyJson))
            {
                var body = Json.Parse(bodyJson) as JsonObject;
                if (body != null) name = body.Get("displayName") as string;
            }
            string named = name != null ? " '" + name + "'" : "";
            var sb = new StringBuilder();
            int parents = pathArgs.Length;
            if (info.Kind == "create" || pathArgs.Length == 0)
            {
                sb.Append(info.Noun).Append(named);
            }
            else
            {
                parents--;
                string id = pathArgs[pathArgs.Length - 1];
                sb.Append(info.PathNouns[pathArgs.Length - 1]);
                sb.Append(name != null ? named + " (id " + id + ")" : " " + id);
            }
            for (int i = parents - 1; i >= 0; i--)
                sb.Append(i == parents - 1 ? " in " : ", ").Append(info.PathNouns[i]).Append(' ').Append(pathArgs[i]);
            return sb.ToString();
        }

        public static string Action(string operation) { return OperationInfo.Find(operation).Action; }
    }

    /// <summary>What a list cmdlet asked for (Get-Ent* -Filter -Search -Sort -Property -ExpandProperty -Top -PageSize -All -CountVariable).</summary>
    public sealed class ListOptions
    {
        public string Filter { get; set; }
        public string Search { get; set; }
        public string[] Sort { get; set; }
        public string[] Property { get; set; }
        public string[] ExpandProperty { get; set; }
        /// <summary>At most this many items in all (0: no limit); pages are followed until reached.</summary>
        public int Top { get; set; }
        /// <summary>Items per request ($top); 0: the service's default.</summary>
        public int PageSize { get; set; }
        /// <summary>Follow every page. Without it (and without Top) only the first page is read, as Graph PowerShell does.</summary>
        public bool All { get; set; }
        /// <summary>Ask for @odata.count (-CountVariable). Not "Count": PowerShell gives every object a Count.</summary>
        public bool IncludeCount { get; set; }

        internal string Query(bool count, int top, bool itemsQuery)
        {
            var q = new JsonObject();
            if (!string.IsNullOrEmpty(Filter)) q.Set("filter", Filter);
            if (!string.IsNullOrEmpty(Search)) q.Set("search", Search);
            if (itemsQuery)
            {
                if (Sort != null && Sort.Length > 0) q.Set("orderby", Strings(Sort));
                if (Property != null && Property.Length > 0) q.Set("select", Strings(Property));
                if (ExpandProperty != null && ExpandProperty.Length > 0) q.Set("expand", Strings(ExpandProperty));
            }
            if (top > 0) q.Set("top", new JsonNumber(top.ToString(CultureInfo.InvariantCulture)));
            if (count) q.Set("count", true);
            return q.Count == 0 ? null : Json.Write(q);
        }

        static List<object> Strings(string[] items)
        {
            var l = new List<object>();
            foreach (var s in items) if (!string.IsNullOrEmpty(s)) l.Add(s);
            return l;
        }
    }

    /// <summary>
    /// Reads a list operation the way a Graph PowerShell list cmdlet does: the first page only,
    /// every page with All, at most Top items, PageSize items per request, and @odata.count
    /// with IncludeCount. One thread at a time; dispose when done.
    /// </summary>
    public sealed class EntList : IDisposable
    {
        readonly EntClient client;
        readonly string operation, argsJson;
        readonly ListOptions options;
        EntPager pager;
        bool started;
        int emitted;

        /// <summary>@odata.count when IncludeCount asked for it (known after the first NextPage()).</summary>
        public long? TotalCount { get; private set; }
        public bool Done { get; private set; }
        /// <summary>Requests sent so far.</summary>
        public int Requests { get; private set; }

        EntList(EntClient client, string operation, string argsJson, ListOptions options)
        {
            this.client = client;
            this.operation = operation;
            this.argsJson = argsJson;
            this.options = options;
        }

        public static EntList Start(EntClient client, string operation, string argsJson, ListOptions options)
        {
            if (client == null) throw Errors.Invalid("not connected");
            options = options ?? new ListOptions();
            if (options.Top < 0) throw Errors.Invalid("-Top must not be negative");
            if (options.PageSize < 0) throw Errors.Invalid("-PageSize must not be negative");
            return new EntList(client, operation, argsJson, options);
        }

        int RequestTop { get { return options.PageSize > 0 ? options.PageSize : options.Top; } }
        bool OnePage { get { return !options.All && options.Top == 0; } }

        /// <summary>The next items as a JSON array (possibly empty); sets Done after the last.</summary>
        public string NextPage()
        {
            if (Done) return "[]";
            List<object> items;
            if (!started && OnePage)
            {
                // One request answers both the items and the count.
                started = true;
                Requests++;
                var page = Json.Parse(client.Call(operation, argsJson, options.Query(options.IncludeCount, RequestTop, true), null)) as JsonObject;
                if (page == null) throw new EntitlementException(EntStatus.Decode, "Decode", operation + ": the answer is not a page", 0, null, null, null, null);
                ReadCount(page);
                items = page.Get("value") as List<object> ?? new List<object>();
                Done = true;
            }
            else
            {
                if (!started)
                {
                    started = true;
                    if (options.IncludeCount)
                    {
                        // The pager hands out items only: the count comes from a one-item request.
                        Requests++;
                        var probe = Json.Parse(client.Call(operation, argsJson, options.Query(true, 1, false), null)) as JsonObject;
                        if (probe != null) ReadCount(probe);
                    }
                    pager = client.List(operation, argsJson, options.Query(false, RequestTop, true));
                }
                Requests++;
                items = Json.Parse(pager.Next()) as List<object> ?? new List<object>();
                if (pager.Done) Done = true;
            }
            if (options.Top > 0 && emitted + items.Count >= options.Top)
            {
                items = items.GetRange(0, options.Top - emitted);
                Done = true;
            }
            emitted += items.Count;
            if (Done) Close();
            return Json.Write(items);
        }

        void ReadCount(JsonObject page)
        {
            var n = page.Get("@odata.count") as JsonNumber;
            long c;
            if (n != null && long.TryParse(n.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out c)) TotalCount = c;
        }

        void Close()
        {
            if (pager != null) { pager.Dispose(); pager = null; }
        }

        public void Dispose() { Close(); Done = true; }
    }
}
