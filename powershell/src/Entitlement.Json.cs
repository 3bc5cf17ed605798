// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// A small JSON reader and writer for the cmdlet layer (EntBody, EntList): the
// module must build the same body on Windows PowerShell 5.1, pwsh 7 and mono,
// and ConvertTo-Json differs between them (5.1 writes dates as "\/Date(...)\/",
// both cut nesting at -Depth). Numbers keep their source text so nothing is
// rounded on the way through. Values: JsonObject, List<object>, string, bool,
// JsonNumber, null.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Entitlement.Native
{
    /// <summary>A JSON object that keeps its members in order (Graph echoes bodies back; order helps reading).</summary>
    public sealed class JsonObject
    {
        readonly List<KeyValuePair<string, object>> members = new List<KeyValuePair<string, object>>();

        public int Count { get { return members.Count; } }
        public IEnumerable<KeyValuePair<string, object>> Members { get { return members; } }

        /// <summary>Sets a member, replacing one whose name matches ignoring case (Graph property names are case-insensitive).</summary>
        public void Set(string name, object value)
        {
            for (int i = 0; i < members.Count; i++)
            {
                if (string.Equals(members[i].Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    members[i] = new KeyValuePair<string, object>(name, value);
                    return;
                }
            }
            members.Add(new KeyValuePair<string, object>(name, value));
        }

        /// <summary>The member's value (exact name), or null when absent.</summary>
        public object Get(string name)
        {
            foreach (var m in members) if (m.Key == name) return m.Value;
            return null;
        }
    }

    /// <summary>A number as its JSON text.</summary>
    public sealed class JsonNumber
    {
        public string Text { get; private set; }
        public JsonNumber(string text) { Text = text; }
        public override string ToString() { return Text; }
    }

    public static class Json
    {
        const int MaxDepth = 128;

        static EntitlementException Invalid(string message)
        {
            return new EntitlementException(EntStatus.InvalidArgument, "InvalidArgument", message, 0, null, null, null, null);
        }

        /// <summary>Parses JSON text; malformed text is an InvalidArgument EntitlementException.</summary>
        public static object Parse(string text)
        {
            if (text == null) throw Invalid("JSON text is null");
            int i = 0;
            object v = Value(text, ref i, 0);
            Skip(text, ref i);
            if (i != text.Length) throw Invalid("unexpected text after the JSON value at offset " + i);
            return v;
        }

        static void Skip(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        static object Value(string s, ref int i, int depth)
        {
            if (depth > MaxDepth) throw Invalid("JSON nested deeper than " + MaxDepth);
            Skip(s, ref i);
            if (i >= s.Length) throw Invalid("unexpected end of JSON");
            char c = s[i];
            if (c == '{')
            {
                var o = new JsonObject();
                i++;
                Skip(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return o; }
                while (true)
                {
                    Skip(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw Invalid("expected a member name at offset " + i);
                    string name = Str(s, ref i);
                    Skip(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw Invalid("expected ':' at offset " + i);
                    i++;
                    o.Set(name, Value(s, ref i, depth + 1));
                    Skip(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return o; }
                    throw Invalid("expected ',' or '}' at offset " + i);
                }
            }
            if (c == '[')
            {
                var a = new List<object>();
                i++;
                Skip(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return a; }
                while (true)
                {
                    a.Add(Value(s, ref i, depth + 1));
                    Skip(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return a; }
                    throw Invalid("expected ',' or ']' at offset " + i);
                }
            }
            if (c == '"') return Str(s, ref i);
            if (Word(s, ref i, "true")) return true;
            if (Word(s, ref i, "false")) return false;
            if (Word(s, ref i, "null")) return null;
            int start = i;
            if (i < s.Length && s[i] == '-') i++;
            int digits = i;
            while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-')) i++;
            string num = s.Substring(start, i - start);
            double ignored;
            if (i == digits || !double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out ignored))
                throw Invalid("unexpected character at offset " + start);
            return new JsonNumber(num);
        }

        static bool Word(string s, ref int i, string w)
        {
            if (string.CompareOrdinal(s, i, w, 0, w.Length) != 0) return false;
            i += w.Length;
            return true;
        }

        static string Str(string s, ref int i)
        {
            var sb = new StringBuilder();
            i++; // opening quote
            while (i < s.Length)
            {
                char c = s[i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                if (i >= s.Length) break;
                char e = s[i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        int code;
                        if (i + 4 > s.Length || !int.TryParse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out code))
                            throw Invalid("bad \\u escape at offset " + i);
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default: throw Invalid("bad escape at offset " + (i - 1));
                }
            }
            throw Invalid("unterminated string");
        }

        /// <summary>Writes a parsed value (JsonObject, List, string, bool, JsonNumber, null) as compact JSON.</summary>
        public static string Write(object value)
        {
            var sb = new StringBuilder();
            Write(sb, value);
            return sb.ToString();
        }

        static void Write(StringBuilder sb, object v)
        {
            if (v == null) { sb.Append("null"); return; }
            var s = v as string;
            if (s != null) { Quote(sb, s); return; }
            if (v is bool) { sb.Append((bool)v ? "true" : "false"); return; }
            var n = v as JsonNumber;
            if (n != null) { sb.Append(n.Text); return; }
            var o = v as JsonObject;
            if (o != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (var m in o.Members)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Quote(sb, m.Key);
                    sb.Append(':');
                    Write(sb, m.Value);
                }
                sb.Append('}');
                return;
            }
            var a = v as List<object>;
            if (a != null)
            {
                sb.Append('[');
                for (int k = 0; k < a.Count; k++)
                {
                    if (k > 0) sb.Append(',');
                    Write(sb, a[k]);
                }
                sb.Append(']');
                return;
            }
            throw new InvalidOperationException("not a JSON value: " + v.GetType().FullName);
        }

        static void Quote(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
