// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// P/Invoke layer of the PowerShell module over the C ABI (include/entitlement.h).
// Ownership: strings go in as UTF-8 copies the runtime makes for the call;
// strings the library returns arrive as IntPtr, are copied into .NET strings
// and released with ent_string_free (never by the runtime). Handles are
// SafeHandles, so a forgotten Dispose still frees them on finalization.
// Targets .NET Framework 4.7.2+ (Windows PowerShell 5.1), .NET 6+ (pwsh 7) and mono.

using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Entitlement.Native
{
    // <generated from api/errors.toml by codegen/generate.py; do not edit>
    /// <summary>Mirrors ent_status; numbers are append-only.</summary>
    public enum EntStatus
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>Rejected before anything was sent: NULL or non-UTF-8 input, bad JSON, unknown operation, wrong number of path arguments, invalid body.</summary>
        InvalidArgument = 1,
        /// <summary>HTTP 400 from the service (e.g. a malformed `$filter`).</summary>
        BadRequest = 2,
        /// <summary>HTTP 401, or no token could be obtained.</summary>
        Authentication = 3,
        /// <summary>HTTP 403: the caller may not do this.</summary>
        PermissionDenied = 4,
        /// <summary>HTTP 404: no such object.</summary>
        NotFound = 5,
        /// <summary>HTTP 409 or 412.</summary>
        Conflict = 6,
        /// <summary>HTTP 429 after the retries allowed, or with a `Retry-After` that would end past the call's deadline; `retry_after` says how long to wait.</summary>
        Throttled = 7,
        /// <summary>HTTP 5xx (504 included) after the retries allowed, or a redirect (not followed). A create or action that may have been applied is not sent again; its message says the outcome is unknown.</summary>
        Service = 8,
        /// <summary>A time limit of the library passed (one attempt's timeout, the call's deadline, a wait that did not finish), or HTTP 408. A 504 from the service is ENT_SERVICE.</summary>
        Timeout = 9,
        /// <summary>Connect, DNS or TLS failure.</summary>
        Network = 10,
        /// <summary>The response body was not what the API documents.</summary>
        Decode = 11,
        /// <summary>A bug in the library (or use after fork()).</summary>
        Internal = 12,
        /// <summary>A Rust panic was caught at the ABI boundary.</summary>
        Panic = 13,
    }
    // </generated>

    /// <summary>A failed call: the kind every binding shares plus the service's details.</summary>
    [Serializable]
    public class EntitlementException : Exception
    {
        public EntStatus Status { get; private set; }
        /// <summary>"NotFound", "BadRequest", ... as in every other binding.</summary>
        public string Kind { get; private set; }
        /// <summary>HTTP status, 0 when no response was received.</summary>
        public int HttpStatus { get; private set; }
        /// <summary>Graph error code (e.g. "ResourceNotFound"), or null.</summary>
        public string Code { get; private set; }
        public string RequestId { get; private set; }
        public string ClientRequestId { get; private set; }
        /// <summary>The wait the service asked for, or null.</summary>
        public TimeSpan? RetryAfter { get; private set; }
        /// <summary>True when a create or action may have been carried out although it failed
        /// (504, connection lost after sending): read the object back before repeating it.</summary>
        public bool OutcomeUnknown { get; private set; }

        public EntitlementException(EntStatus status, string kind, string message, int httpStatus, string code,
                                    string requestId, string clientRequestId, TimeSpan? retryAfter,
                                    bool outcomeUnknown = false)
            : base(message)
        {
            OutcomeUnknown = outcomeUnknown;
            Status = status;
            Kind = kind;
            HttpStatus = httpStatus;
            Code = code;
            RequestId = requestId;
            ClientRequestId = clientRequestId;
            RetryAfter = retryAfter;
        }

        public override string ToString()
        {
            var sb = new StringBuilder(Kind);
            if (HttpStatus != 0) sb.Append(" (").Append(HttpStatus).Append(Code != null ? " " + Code : "").Append(")");
            sb.Append(": ").Append(Message);
            if (RequestId != null) sb.Append(" [request-id ").Append(RequestId).Append("]");
            return sb.ToString();
        }
    }

    internal static class NativeMethods
    {
        const string Lib = "entitlement";
        const CallingConvention Cc = CallingConvention.Cdecl;

        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_version();
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_status_name(int status);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern void ent_string_free(IntPtr s);

        [DllImport(Lib, CallingConvention = Cc)] internal static extern void ent_error_free(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern int ent_error_status(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_error_kind(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern ushort ent_error_http_status(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_error_code(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_error_message(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_error_request_id(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern IntPtr ent_error_client_request_id(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern long ent_error_retry_after_ms(IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern int ent_error_outcome_unknown(IntPtr err);

        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_client_new([MarshalAs(UnmanagedType.LPUTF8Str)] string optionsJson,
                                                  out IntPtr client, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern void ent_client_free(IntPtr client);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_client_call(ClientHandle client,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string operation,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string argsJson,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string queryJson,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string bodyJson,
                                                   out IntPtr outJson, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_client_list(ClientHandle client,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string operation,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string argsJson,
                                                   [MarshalAs(UnmanagedType.LPUTF8Str)] string queryJson,
                                                   out IntPtr pager, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_client_list_all(ClientHandle client,
                                                       [MarshalAs(UnmanagedType.LPUTF8Str)] string operation,
                                                       [MarshalAs(UnmanagedType.LPUTF8Str)] string argsJson,
                                                       [MarshalAs(UnmanagedType.LPUTF8Str)] string queryJson,
                                                       out IntPtr outJson, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_pager_next(PagerHandle pager, out IntPtr itemsJson,
                                                  [MarshalAs(UnmanagedType.U1)] out bool done, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern void ent_pager_free(IntPtr pager);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_client_wait_for_assignment_request(ClientHandle client,
                                                                          [MarshalAs(UnmanagedType.LPUTF8Str)] string requestId,
                                                                          [MarshalAs(UnmanagedType.LPUTF8Str)] string optionsJson,
                                                                          out IntPtr outJson, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_json_get([MarshalAs(UnmanagedType.LPUTF8Str)] string json,
                                                [MarshalAs(UnmanagedType.LPUTF8Str)] string pointer,
                                                out IntPtr value, out IntPtr err);

        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_start([MarshalAs(UnmanagedType.LPUTF8Str)] string optionsJson,
                                                      out IntPtr emulator, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)] internal static extern void ent_emulator_stop(IntPtr emulator);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_base_url(EmulatorHandle emulator, out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_authority(EmulatorHandle emulator, out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_tenant_id(EmulatorHandle emulator, out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_app_credentials(EmulatorHandle emulator, out IntPtr clientId,
                                                                out IntPtr clientSecret, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_app_token(EmulatorHandle emulator, out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_user_token(EmulatorHandle emulator,
                                                           [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
                                                           out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_now(EmulatorHandle emulator, out IntPtr value, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_advance(EmulatorHandle emulator,
                                                        [MarshalAs(UnmanagedType.LPUTF8Str)] string by,
                                                        out IntPtr now, out IntPtr err);
        [DllImport(Lib, CallingConvention = Cc)]
        internal static extern int ent_emulator_inject_fault(EmulatorHandle emulator,
                                                             [MarshalAs(UnmanagedType.LPUTF8Str)] string faultJson,
                                                             out IntPtr err);

        /// <summary>Copies a NUL-terminated UTF-8 string (Marshal.PtrToStringUTF8 is missing on .NET Framework).</summary>
        internal static string Utf8(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0) len++;
            var bytes = new byte[len];
            Marshal.Copy(p, bytes, 0, len);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>Takes a library string: copies it, then frees it with ent_string_free.</summary>
        internal static string Take(IntPtr p)
        {
            try { return Utf8(p); }
            finally { if (p != IntPtr.Zero) ent_string_free(p); }
        }

        /// <summary>Throws the error of a failed call (and frees the native error object).</summary>
        internal static void Check(int status, IntPtr err)
        {
            if (status == 0) return;
            try
            {
                string kind = "Internal", message = "call failed", code = null, rid = null, crid = null;
                int http = 0;
                TimeSpan? retry = null;
                bool unknown = false;
                if (err != IntPtr.Zero)
                {
                    kind = Utf8(ent_error_kind(err));
                    message = Utf8(ent_error_message(err));
                    http = ent_error_http_status(err);
                    code = Utf8(ent_error_code(err));
                    rid = Utf8(ent_error_request_id(err));
                    crid = Utf8(ent_error_client_request_id(err));
                    long ms = ent_error_retry_after_ms(err);
                    if (ms >= 0) retry = TimeSpan.FromMilliseconds(ms);
                    unknown = ent_error_outcome_unknown(err) != 0;
                }
                throw new EntitlementException((EntStatus)status, kind, message, http, code, rid, crid, retry, unknown);
            }
            finally
            {
                if (err != IntPtr.Zero) ent_error_free(err);
            }
        }
    }

    public sealed class ClientHandle : SafeHandle
    {
        public ClientHandle() : base(IntPtr.Zero, true) { }
        internal ClientHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.ent_client_free(handle); return true; }
    }

    public sealed class PagerHandle : SafeHandle
    {
        public PagerHandle() : base(IntPtr.Zero, true) { }
        internal PagerHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.ent_pager_free(handle); return true; }
    }

    public sealed class EmulatorHandle : SafeHandle
    {
        public EmulatorHandle() : base(IntPtr.Zero, true) { }
        internal EmulatorHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { NativeMethods.ent_emulator_stop(handle); return true; }
    }

    /// <summary>Library-wide functions and loading.</summary>
    public static class Library
    {
        [DllImport("libdl.so.2", EntryPoint = "dlopen")] static extern IntPtr dlopen(string path, int flags);
        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)] static extern IntPtr LoadLibraryW(string path);

        /// <summary>
        /// Loads libentitlement from a full path before its first use, so DllImport("entitlement")
        /// finds the already-loaded copy (Linux: by its SONAME; Windows: by module name).
        /// Returns false when the platform loader refused it.
        /// </summary>
        public static bool Preload(string path)
        {
            if (Environment.OSVersion.Platform == PlatformID.Win32NT) return LoadLibraryW(path) != IntPtr.Zero;
            const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;
            preloaded = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
            if (preloaded == IntPtr.Zero) return false;
            RegisterResolver();
            return true;
        }

        static IntPtr preloaded;

        // The library's SONAME is libentitlement.so.0, so a copy loaded by path does not
        // answer DllImport("entitlement")'s probe for libentitlement.so. PowerShell 7 (.NET 5+)
        // asks a resolver first: hand it the preloaded copy. Bound by reflection because this
        // file also compiles for Windows PowerShell 5.1 and mono (which use the dllmap file).
        static void RegisterResolver()
        {
            Type native = Type.GetType("System.Runtime.InteropServices.NativeLibrary");
            Type resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver");
            if (native == null || resolverType == null) return;
            MethodInfo set = native.GetMethod("SetDllImportResolver");
            MethodInfo resolve = typeof(Library).GetMethod("Resolve", BindingFlags.NonPublic | BindingFlags.Static);
            if (set == null || resolve == null) return;
            try
            {
                set.Invoke(null, new object[] { typeof(Library).Assembly, Delegate.CreateDelegate(resolverType, resolve) });
            }
            catch (TargetInvocationException) { } // a resolver is already set for this assembly (a second import)
        }

        static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            return name == "entitlement" ? preloaded : IntPtr.Zero;
        }

        public static string Version { get { return NativeMethods.Utf8(NativeMethods.ent_version()); } }

        public static string StatusName(int status) { return NativeMethods.Utf8(NativeMethods.ent_status_name(status)); }
    }

    /// <summary>Reads one value out of JSON text by JSON Pointer (strings unquoted); null when absent.</summary>
    public static class EntJson
    {
        public static string Get(string json, string pointer)
        {
            IntPtr value, err;
            int st = NativeMethods.ent_json_get(json, pointer, out value, out err);
            if (st == (int)EntStatus.NotFound) { NativeMethods.ent_error_free(err); return null; }
            NativeMethods.Check(st, err);
            return NativeMethods.Take(value);
        }
    }

    /// <summary>A connection (ent_client). Thread-safe; dispose when done.</summary>
    public sealed class EntClient : IDisposable
    {
        readonly ClientHandle h;

        EntClient(ClientHandle handle) { h = handle; }

        /// <summary>Options as for ent_client_new (baseUrl, token, tenantId, clientId, clientSecret, username, password, ...).</summary>
        public static EntClient Create(string optionsJson)
        {
            // Handles come back as IntPtr and are wrapped only on success: the
            // library leaves out-parameters untouched on failure.
            IntPtr handle, err;
            int st = NativeMethods.ent_client_new(optionsJson, out handle, out err);
            NativeMethods.Check(st, err);
            return new EntClient(new ClientHandle(handle));
        }

        /// <summary>Calls an operation by name; returns the JSON response, or null for 204.</summary>
        public string Call(string operation, string argsJson, string queryJson, string bodyJson)
        {
            IntPtr outJson, err;
            int st = NativeMethods.ent_client_call(h, operation, argsJson, queryJson, bodyJson, out outJson, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(outJson);
        }

        /// <summary>Pages of a list operation.</summary>
        public EntPager List(string operation, string argsJson, string queryJson)
        {
            IntPtr pager, err;
            int st = NativeMethods.ent_client_list(h, operation, argsJson, queryJson, out pager, out err);
            NativeMethods.Check(st, err);
            return new EntPager(new PagerHandle(pager));
        }

        /// <summary>Every item of a list operation, as one JSON array.</summary>
        public string ListAll(string operation, string argsJson, string queryJson)
        {
            IntPtr outJson, err;
            int st = NativeMethods.ent_client_list_all(h, operation, argsJson, queryJson, out outJson, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(outJson);
        }

        /// <summary>Polls an assignment request until it is final; options as for ent_client_wait_for_assignment_request.</summary>
        public string WaitForAssignmentRequest(string requestId, string optionsJson)
        {
            IntPtr outJson, err;
            int st = NativeMethods.ent_client_wait_for_assignment_request(h, requestId, optionsJson, out outJson, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(outJson);
        }

        public void Dispose() { h.Dispose(); }
    }

    /// <summary>ent_pager: one thread at a time.</summary>
    public sealed class EntPager : IDisposable
    {
        readonly PagerHandle h;
        public bool Done { get; private set; }

        internal EntPager(PagerHandle handle) { h = handle; }

        /// <summary>The next page's items as a JSON array; sets Done after the last page.</summary>
        public string Next()
        {
            IntPtr items, err;
            bool done;
            int st = NativeMethods.ent_pager_next(h, out items, out done, out err);
            NativeMethods.Check(st, err);
            Done = done;
            return NativeMethods.Take(items);
        }

        public void Dispose() { h.Dispose(); }
    }

    /// <summary>The in-process emulator (ent_emulator). Dispose stops it.</summary>
    public sealed class EntEmulator : IDisposable
    {
        readonly EmulatorHandle h;
        public string BaseUrl { get; private set; }
        public string Authority { get; private set; }
        public string TenantId { get; private set; }
        public string ClientId { get; private set; }
        public string ClientSecret { get; private set; }

        delegate int StringGetter(EmulatorHandle e, out IntPtr value, out IntPtr err);

        string Read(StringGetter f)
        {
            IntPtr value, err;
            int st = f(h, out value, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(value);
        }

        EntEmulator(EmulatorHandle handle)
        {
            h = handle;
            BaseUrl = Read(NativeMethods.ent_emulator_base_url);
            Authority = Read(NativeMethods.ent_emulator_authority);
            TenantId = Read(NativeMethods.ent_emulator_tenant_id);
            IntPtr id, secret, err;
            int st = NativeMethods.ent_emulator_app_credentials(h, out id, out secret, out err);
            NativeMethods.Check(st, err);
            ClientId = NativeMethods.Take(id);
            ClientSecret = NativeMethods.Take(secret);
        }

        /// <summary>Options as for ent_emulator_start (port, dbPath, seed, pageSize, deliveryDelayMs, clock).</summary>
        public static EntEmulator Start(string optionsJson)
        {
            IntPtr raw, err;
            int st = NativeMethods.ent_emulator_start(optionsJson, out raw, out err);
            NativeMethods.Check(st, err);
            var handle = new EmulatorHandle(raw);
            try { return new EntEmulator(handle); }
            catch { handle.Dispose(); throw; }
        }

        public string AppToken() { return Read(NativeMethods.ent_emulator_app_token); }

        public string UserToken(string userIdOrUpn)
        {
            IntPtr value, err;
            int st = NativeMethods.ent_emulator_user_token(h, userIdOrUpn, out value, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(value);
        }

        /// <summary>The emulator's time (ISO 8601, UTC).</summary>
        public string Now() { return Read(NativeMethods.ent_emulator_now); }

        /// <summary>Advances a manual clock ({"clock":"manual"}) by an ISO 8601 duration ("P3D"),
        /// firing every timer due on the way; returns the new time.</summary>
        public string Advance(string by)
        {
            IntPtr now, err;
            int st = NativeMethods.ent_emulator_advance(h, by, out now, out err);
            NativeMethods.Check(st, err);
            return NativeMethods.Take(now);
        }

        /// <summary>Fault as for ent_emulator_inject_fault: {"status":429,"retryAfter":"1","count":1}.</summary>
        public void InjectFault(string faultJson)
        {
            IntPtr err;
            int st = NativeMethods.ent_emulator_inject_fault(h, faultJson, out err);
            NativeMethods.Check(st, err);
        }

        public void Stop() { h.Dispose(); }
        public void Dispose() { h.Dispose(); }
    }
}
