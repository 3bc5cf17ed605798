# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# The Entitlement module: a thin layer over libentitlement's C API, reached
# through the P/Invoke shim in src/Entitlement.Native.cs. This file holds the
# session (Connect-EntGraph), the generic call helpers and the emulator; the
# per-operation cmdlets are generated into Entitlement.Generated.ps1.
# Credentials are PowerShell's own types (PSCredential, SecureString); no
# scriptblock is ever called from the library's threads.

Set-StrictMode -Version 3.0

# --- native library --------------------------------------------------------

# The C# layer (src/*.cs) as an assembly: bin/Entitlement.Native.dll when the module is
# packaged (powershell/package.sh), else compiled once into a per-user cache keyed by a hash
# of the sources and the PowerShell edition, so an import does not run the compiler again.
function Import-EntAssembly {
    if ('Entitlement.Native.EntClient' -as [type]) { return }
    $shipped = Join-Path (Join-Path $PSScriptRoot 'bin') 'Entitlement.Native.dll'
    if (Test-Path -LiteralPath $shipped) {
        Add-Type -Path $shipped
        return
    }
    $sources = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'src') -Filter '*.cs' | Sort-Object Name)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        $text = ($sources | ForEach-Object { [System.IO.File]::ReadAllText($_.FullName) }) -join "`n"
        $text += "`n$($PSVersionTable.PSEdition) $($PSVersionTable.PSVersion.Major)"
        $hash = -join ($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($text)) |
            Select-Object -First 12 | ForEach-Object { $_.ToString('x2') })
    } finally {
        $sha.Dispose()
    }
    $base = if ($env:LOCALAPPDATA) { $env:LOCALAPPDATA }
            elseif ($env:XDG_CACHE_HOME) { $env:XDG_CACHE_HOME }
            else { Join-Path ([System.Environment]::GetFolderPath('UserProfile')) '.cache' }
    $cacheDir = Join-Path $base 'Entitlement.PowerShell'
    $cached = Join-Path $cacheDir "Entitlement.Native-$hash.dll"
    if (-not (Test-Path -LiteralPath $cached)) {
        $null = New-Item -ItemType Directory -Force -Path $cacheDir
        # Compile beside the final name and rename: a concurrent import never loads half a file.
        $partial = Join-Path $cacheDir "Entitlement.Native-$hash.$PID.tmp.dll"
        try {
            Add-Type -Path ($sources | ForEach-Object { $_.FullName }) -OutputAssembly $partial -OutputType Library
            Move-Item -LiteralPath $partial -Destination $cached -Force
        } catch {
            Write-Verbose "Entitlement: could not cache the compiled shim ($_); compiling in memory"
            Remove-Item -LiteralPath $partial -ErrorAction SilentlyContinue
            if (-not ('Entitlement.Native.EntClient' -as [type])) {
                Add-Type -Path ($sources | ForEach-Object { $_.FullName })
            }
            return
        }
    }
    if (-not ('Entitlement.Native.EntClient' -as [type])) { Add-Type -Path $cached }
}
Import-EntAssembly

# Preload libentitlement by full path when ENTITLEMENT_LIBRARY names one or the module ships
# one (bin/<rid>/ as powershell/package.sh lays it out, or bin/); otherwise the platform's
# search path applies.
$onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
$onMac = (-not $onWindows) -and (Test-Path -LiteralPath '/System/Library/CoreServices')
$libFile = if ($onWindows) { 'entitlement.dll' } elseif ($onMac) { 'libentitlement.dylib' } else { 'libentitlement.so' }
$arch = if ([System.Environment]::Is64BitProcess) { 'x64' } else { 'x86' }
try {
    # .NET Framework 4.7.1+ and .NET Core: x64, arm64, x86, arm.
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
} catch {
    Write-Verbose "Entitlement: no RuntimeInformation; assuming $arch"
}
$rid = "$(if ($onWindows) { 'win' } elseif ($onMac) { 'osx' } else { 'linux' })-$arch"
$binDir = Join-Path $PSScriptRoot 'bin'
$libPath = @($env:ENTITLEMENT_LIBRARY, (Join-Path (Join-Path $binDir $rid) $libFile), (Join-Path $binDir $libFile)) |
    Where-Object { $_ -and (Test-Path -LiteralPath $_) } |
    Select-Object -First 1
if ($libPath) {
    $resolved = (Resolve-Path -LiteralPath $libPath).ProviderPath
    if (-not [Entitlement.Native.Library]::Preload($resolved)) {
        Write-Warning "Entitlement: could not load $resolved"
    }
}

$script:EntClient = $null
$script:EntContext = $null

# --- errors ----------------------------------------------------------------

$script:Categories = @{
    InvalidArgument  = [System.Management.Automation.ErrorCategory]::InvalidArgument
    BadRequest       = [System.Management.Automation.ErrorCategory]::InvalidOperation
    Authentication   = [System.Management.Automation.ErrorCategory]::AuthenticationError
    PermissionDenied = [System.Management.Automation.ErrorCategory]::PermissionDenied
    NotFound         = [System.Management.Automation.ErrorCategory]::ObjectNotFound
    Conflict         = [System.Management.Automation.ErrorCategory]::ResourceExists
    Throttled        = [System.Management.Automation.ErrorCategory]::LimitsExceeded
    Service          = [System.Management.Automation.ErrorCategory]::ResourceUnavailable
    Timeout          = [System.Management.Automation.ErrorCategory]::OperationTimeout
    Network          = [System.Management.Automation.ErrorCategory]::ConnectionError
    Decode           = [System.Management.Automation.ErrorCategory]::InvalidData
    Internal         = [System.Management.Automation.ErrorCategory]::NotSpecified
}

# Runs a native call; an EntitlementException becomes an ErrorRecord whose
# ErrorId is "Ent<Kind>" and whose Exception keeps HttpStatus, Code, RequestId.
function Invoke-EntNative {
    param([Parameter(Mandatory)] [scriptblock] $Call, [string] $Target)
    try {
        & $Call
    } catch {
        $ex = $_.Exception
        while ($ex -and -not ($ex -is [Entitlement.Native.EntitlementException])) { $ex = $ex.InnerException }
        if (-not $ex) { throw }
        $category = $script:Categories[$ex.Kind]
        if ($null -eq $category) { $category = [System.Management.Automation.ErrorCategory]::NotSpecified }
        $record = New-Object System.Management.Automation.ErrorRecord($ex, "Ent$($ex.Kind)", $category, $Target)
        throw $record
    }
}

function Get-EntClientOrThrow {
    if ($null -eq $script:EntClient) {
        throw (New-Object System.InvalidOperationException('Not connected: run Connect-EntGraph first.'))
    }
    $script:EntClient
}

# JSON text of a body: strings pass through; other values are written by the C# layer,
# the same on every PowerShell (dates in UTC ISO 8601, TimeSpans as ISO durations).
function ConvertTo-EntJson {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) { return $Value }
    Invoke-EntNative -Target 'body' -Call { [Entitlement.Native.EntBody]::Serialize($Value) }
}

function ConvertFrom-EntJson {
    param([string] $Json)
    if ([string]::IsNullOrEmpty($Json)) { return }
    $items = ConvertFrom-Json -InputObject $Json
    # Windows PowerShell emits a JSON array as one object: enumerate it here.
    foreach ($item in $items) { $item }
}

function New-EntQueryJson {
    param([string[]] $Property, [string[]] $ExpandProperty)
    $q = @{}
    if ($Property) { $q.select = @($Property) }
    if ($ExpandProperty) { $q.expand = @($ExpandProperty) }
    if ($q.Count -eq 0) { return $null }
    ConvertTo-Json -InputObject $q -Depth 4 -Compress
}

function ConvertTo-EntArgsJson {
    param([string[]] $PathArgs)
    if (-not $PathArgs -or $PathArgs.Count -eq 0) { return $null }
    ConvertTo-Json -InputObject @($PathArgs) -Compress
}

# Emits JSON items as objects, each tagged with the module's type name (format views).
function Write-EntItems {
    param([string] $Json, [string] $TypeName)
    foreach ($item in (ConvertFrom-EntJson $Json)) {
        if ($TypeName -and $item -is [System.Management.Automation.PSCustomObject]) {
            $item.PSObject.TypeNames.Insert(0, $TypeName)
        }
        $item
    }
}

# The request body of a cmdlet: -BodyParameter with the cmdlet's body parameters set over it
# (typed by api/types in the C# layer; a wrong type is an EntInvalidArgument error).
function ConvertTo-EntBody {
    param([Parameter(Mandatory)] [string] $Operation, $BodyParameter, [System.Collections.IDictionary] $Bound)
    Invoke-EntNative -Target $Operation -Call { [Entitlement.Native.EntBody]::Build($Operation, $BodyParameter, $Bound) }
}

# What -WhatIf / -Confirm name as the target ("access package 'Marketing' (id ...)").
function Get-EntTarget {
    param([Parameter(Mandatory)] [string] $Operation, [string[]] $PathArgs, [string] $Body)
    $pathArray = [string[]] @($PathArgs | Where-Object { $null -ne $_ })
    $bodyText = if ($Body) { $Body } else { $null }
    Invoke-EntNative -Target $Operation -Call { [Entitlement.Native.EntTarget]::Describe($Operation, $pathArray, $bodyText) }
}

# One call; emits the response as objects (nothing for 204).
function Invoke-EntCall {
    param([Parameter(Mandatory)] [string] $Operation, [string[]] $PathArgs, [string[]] $Property,
        [string[]] $ExpandProperty, $Body, [string] $TypeName)
    $client = Get-EntClientOrThrow
    $argsJson = ConvertTo-EntArgsJson $PathArgs
    $queryJson = New-EntQueryJson -Property $Property -ExpandProperty $ExpandProperty
    $bodyJson = ConvertTo-EntJson $Body
    $json = Invoke-EntNative -Target $Operation -Call { $client.Call($Operation, $argsJson, $queryJson, $bodyJson) }
    Write-EntItems -Json $json -TypeName $TypeName
}

# A list operation, as Graph PowerShell reads one: the first page; every page with -All;
# at most -Top items; -PageSize per request; -CountVariable set in the caller's scope.
function Invoke-EntPaged {
    param([Parameter(Mandatory)] [string] $Operation, [string[]] $PathArgs, [string] $Filter, [string] $Search,
        [string[]] $Sort, [int] $Top, [int] $PageSize, [switch] $All, [string] $CountVariable,
        [string[]] $Property, [string[]] $ExpandProperty, [string] $TypeName,
        [System.Management.Automation.PSCmdlet] $Cmdlet)
    $client = Get-EntClientOrThrow
    $argsJson = ConvertTo-EntArgsJson $PathArgs
    $options = New-Object Entitlement.Native.ListOptions
    $options.Filter = $Filter
    $options.Search = $Search
    $options.Sort = $Sort
    $options.Property = $Property
    $options.ExpandProperty = $ExpandProperty
    $options.Top = $Top
    $options.PageSize = $PageSize
    $options.All = [bool]$All
    $options.IncludeCount = [bool]$CountVariable
    $list = Invoke-EntNative -Target $Operation -Call { [Entitlement.Native.EntList]::Start($client, $Operation, $argsJson, $options) }
    try {
        while (-not $list.Done) {
            $page = Invoke-EntNative -Target $Operation -Call { $list.NextPage() }
            Write-EntItems -Json $page -TypeName $TypeName
        }
    } finally {
        $list.Dispose()
        if ($CountVariable) {
            # The caller's scope, as Graph PowerShell sets it ($PSCmdlet.SessionState is the caller's).
            $state = if ($Cmdlet) { $Cmdlet.SessionState } else { $PSCmdlet.SessionState }
            $state.PSVariable.Set($CountVariable.TrimStart('$'), $list.TotalCount)
        }
    }
}

# --- public functions -------------------------------------------------------

function ConvertFrom-EntSecureString {
    param([System.Security.SecureString] $Secure)
    if ($null -eq $Secure) { return $null }
    (New-Object System.Net.NetworkCredential('', $Secure)).Password
}

function Connect-EntGraph {
    <#
    .SYNOPSIS
    Connects the session to Microsoft Graph (or to an emulator).
    .DESCRIPTION
    App sign-in: -TenantId with -ClientSecretCredential (user name = client id, password = secret),
    or -TenantId, -ClientId and -CertificatePath (a PEM file with the certificate and its RSA key;
    -SendCertificateChain adds x5c for subject name/issuer sign-in).
    Managed identity (Azure VMs, App Service, Functions): -Identity, with -ClientId for a user-assigned one.
    Device code (prints where to sign in, then waits): -UseDeviceCode with -TenantId and -ClientId.
    User sign-in with a password (discouraged; MFA blocks it): -TenantId, -ClientId and -Credential.
    A token you already have: -AccessToken. Against a local emulator: -Emulator (signs in as its app).
    Tokens are fetched, cached per scope and refreshed before they expire by the native library.
    .PARAMETER TenantId
    The directory (tenant) id or domain.
    .PARAMETER ClientSecretCredential
    The app's client id (user name) and secret (password).
    .PARAMETER ClientId
    The app (client) id; with -Identity, a user-assigned identity's client id.
    .PARAMETER CertificatePath
    A PEM file with the certificate and its RSA key, or a PKCS#12 (.pfx) file.
    .PARAMETER CertificatePassword
    The password of an encrypted key or .pfx file.
    .PARAMETER SendCertificateChain
    Sends the certificate (x5c) for subject name / issuer sign-in.
    .PARAMETER Identity
    Signs in as the managed identity of the Azure resource this runs on.
    .PARAMETER UseDeviceCode
    Prints a code and where to enter it, then waits for the user to sign in.
    .PARAMETER Credential
    A user's name and password (discouraged: MFA blocks it).
    .PARAMETER AccessToken
    A token you already have.
    .PARAMETER Emulator
    An emulator from Start-EntEmulator; signs in as its app.
    .PARAMETER Environment
    The national cloud: Global, USGov, USGovDoD or China.
    .PARAMETER BaseUrl
    The Graph endpoint, overriding -Environment's.
    .PARAMETER Authority
    The sign-in endpoint, overriding -Environment's.
    .PARAMETER ApiVersion
    v1.0 (default) or beta: the version of Invoke-EntOperation's unqualified names.
    .PARAMETER TimeoutSec
    Limit of one HTTP attempt, in seconds (default 100).
    .PARAMETER DeadlineSec
    Limit of a whole call with its retries and waits, in seconds (default 300).
    .PARAMETER MaxRetries
    Retries of throttled (429) and failed (5xx) calls.
    .EXAMPLE
    Connect-EntGraph -TenantId $tenant -ClientId $app -CertificatePath ./app.pem
    .EXAMPLE
    Connect-EntGraph -Identity
    .EXAMPLE
    $emu = Start-EntEmulator; Connect-EntGraph -Emulator $emu; Get-EntCatalog -Filter "displayName eq 'General'"
    #>
    [CmdletBinding(DefaultParameterSetName = 'AppSecret')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'AppSecret')]
        [Parameter(Mandatory, ParameterSetName = 'User')]
        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [string] $TenantId,
        [Parameter(Mandatory, ParameterSetName = 'AppSecret')]
        [System.Management.Automation.PSCredential] $ClientSecretCredential,
        [Parameter(Mandatory, ParameterSetName = 'User')]
        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [Parameter(ParameterSetName = 'Identity')]
        [string] $ClientId,
        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [string] $CertificatePath,
        [Parameter(ParameterSetName = 'Certificate')]
        [System.Security.SecureString] $CertificatePassword,
        [Parameter(ParameterSetName = 'Certificate')]
        [switch] $SendCertificateChain,
        [Parameter(Mandatory, ParameterSetName = 'Identity')]
        [switch] $Identity,
        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [switch] $UseDeviceCode,
        [Parameter(Mandatory, ParameterSetName = 'User')]
        [System.Management.Automation.PSCredential] $Credential,
        [Parameter(Mandatory, ParameterSetName = 'Token')]
        [System.Security.SecureString] $AccessToken,
        [Parameter(Mandatory, ParameterSetName = 'Emulator')]
        [Entitlement.Native.EntEmulator] $Emulator,
        [ValidateSet('Global', 'USGov', 'USGovDoD', 'China')]
        [string] $Environment = 'Global',
        [string] $BaseUrl,
        [string] $Authority,
        [ValidateSet('v1.0', 'beta')]
        [string] $ApiVersion = 'v1.0',
        [int] $TimeoutSec = 0,
        [int] $DeadlineSec = 0,
        [int] $MaxRetries = -1
    )
    $options = @{ cloud = $Environment; apiVersion = $ApiVersion }
    switch ($PSCmdlet.ParameterSetName) {
        'AppSecret' {
            $options.tenantId = $TenantId
            $options.clientId = $ClientSecretCredential.UserName
            $options.clientSecret = $ClientSecretCredential.GetNetworkCredential().Password
        }
        'User' {
            $options.tenantId = $TenantId
            $options.clientId = $ClientId
            $options.username = $Credential.UserName
            $options.password = $Credential.GetNetworkCredential().Password
        }
        'Certificate' {
            $options.tenantId = $TenantId
            $options.clientId = $ClientId
            $credential = @{ kind = 'clientCertificate'; tenantId = $TenantId; clientId = $ClientId
                             certificatePath = (Resolve-Path -LiteralPath $CertificatePath).ProviderPath
                             sendCertificateChain = [bool]$SendCertificateChain }
            if ($CertificatePassword) { $credential.certificatePassword = ConvertFrom-EntSecureString $CertificatePassword }
            $options.credential = $credential
        }
        'Identity' {
            $credential = @{ kind = 'managedIdentity' }
            if ($ClientId) { $credential.clientId = $ClientId; $options.clientId = $ClientId }
            $options.credential = $credential
        }
        'DeviceCode' {
            $options.tenantId = $TenantId
            $options.clientId = $ClientId
            $options.credential = @{ kind = 'deviceCode'; tenantId = $TenantId; clientId = $ClientId }
        }
        'Token' { $options.token = ConvertFrom-EntSecureString $AccessToken }
        'Emulator' {
            $options.baseUrl = $Emulator.BaseUrl
            $options.authority = $Emulator.Authority
            $options.tenantId = $Emulator.TenantId
            $options.clientId = $Emulator.ClientId
            $options.clientSecret = $Emulator.ClientSecret
        }
    }
    if ($BaseUrl) { $options.baseUrl = $BaseUrl }
    if ($Authority) { $options.authority = $Authority }
    if ($TimeoutSec -gt 0) { $options.timeoutMs = $TimeoutSec * 1000 }
    # One limit for a whole call (token, attempts, Retry-After waits); default 300 s.
    if ($DeadlineSec -gt 0) { $options.deadlineMs = $DeadlineSec * 1000 }
    if ($MaxRetries -ge 0) { $options.maxRetries = $MaxRetries }
    $json = ConvertTo-Json -InputObject $options -Depth 4 -Compress
    $client = Invoke-EntNative -Target 'Connect-EntGraph' -Call { [Entitlement.Native.EntClient]::Create($json) }
    Disconnect-EntGraph
    $script:EntClient = $client
    $script:EntContext = [pscustomobject]@{
        Mode       = $PSCmdlet.ParameterSetName
        TenantId   = $options['tenantId']
        ClientId   = $options['clientId']
        Account    = $options['username']
        BaseUrl    = $options['baseUrl']
        ApiVersion = $ApiVersion
    }
}

function Disconnect-EntGraph {
    <#
    .SYNOPSIS
    Forgets the session's connection.
    .EXAMPLE
    Disconnect-EntGraph
    #>
    [CmdletBinding()]
    param()
    if ($null -ne $script:EntClient) {
        $script:EntClient.Dispose()
        $script:EntClient = $null
        $script:EntContext = $null
    }
}

function Get-EntContext {
    <#
    .SYNOPSIS
    Shows how the session is connected (no secrets).
    .EXAMPLE
    (Get-EntContext).TenantId
    #>
    [CmdletBinding()]
    param()
    $script:EntContext
}

function Invoke-EntOperation {
    <#
    .SYNOPSIS
    Calls any operation of the API by name ("list_catalogs", "beta.create_access_package_assignment_request").
    .DESCRIPTION
    List operations emit every item, following pages; others emit the response (nothing for 204).
    .PARAMETER Operation
    The operation's name as in api/operations.toml (snake_case or camelCase; "beta." for beta ones).
    .PARAMETER PathArgs
    The path parameters in path order.
    .PARAMETER Body
    The request body: a hashtable, an object or JSON text.
    .PARAMETER Filter
    An OData $filter expression (list operations).
    .PARAMETER Search
    A $search expression (list operations).
    .PARAMETER Sort
    Properties to order by ($orderby).
    .PARAMETER Top
    Emit at most this many items of a list operation.
    .PARAMETER PageSize
    Items per request of a list operation ($top).
    .PARAMETER Property
    Properties to return ($select).
    .PARAMETER ExpandProperty
    Related objects to include ($expand).
    .EXAMPLE
    Invoke-EntOperation list_catalogs -Filter "displayName eq 'General'"
    .EXAMPLE
    Invoke-EntOperation delete_access_package -PathArgs $packageId -WhatIf
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Operation,
        [string[]] $PathArgs,
        [string] $Filter, [string] $Search, [string[]] $Sort, [int] $Top, [int] $PageSize,
        [string[]] $Property, [string[]] $ExpandProperty,
        [Parameter(ValueFromPipeline)] $Body
    )
    process {
        $bodyJson = ConvertTo-EntJson $Body
        $target = Get-EntTarget -Operation $Operation -PathArgs $PathArgs -Body $bodyJson
        $action = Invoke-EntNative -Target $Operation -Call { [Entitlement.Native.EntTarget]::Action($Operation) }
        if (-not $PSCmdlet.ShouldProcess($target, $action)) { return }
        if ($Operation -cmatch '(^|\.)list_|(^|\.)list[A-Z]') {
            Invoke-EntPaged -Cmdlet $PSCmdlet -Operation $Operation -PathArgs $PathArgs -Filter $Filter -Search $Search `
                -Sort $Sort -Top $Top -PageSize $PageSize -All -Property $Property -ExpandProperty $ExpandProperty
        } else {
            Invoke-EntCall -Operation $Operation -PathArgs $PathArgs -Property $Property `
                -ExpandProperty $ExpandProperty -Body $bodyJson
        }
    }
}

function Wait-EntAssignmentRequest {
    <#
    .SYNOPSIS
    Waits until an assignment request is delivered, failed, denied or canceled, and emits it.
    .PARAMETER RequestId
    The assignment request's id (or pipe the request in).
    .PARAMETER Beta
    The request was made with New-EntBetaAccessPackageAssignmentRequest.
    .PARAMETER TimeoutSec
    How long to wait before an EntTimeout error (default 300).
    .PARAMETER PollIntervalMs
    Time between reads of the request (default 2000).
    .EXAMPLE
    New-EntAssignmentRequest -RequestType adminAdd -Assignment @{ targetId = $user; assignmentPolicyId = $policy; accessPackageId = $pkg } | Wait-EntAssignmentRequest
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('Id')] [string] $RequestId,
        [switch] $Beta,
        [int] $TimeoutSec = 300,
        [int] $PollIntervalMs = 2000
    )
    process {
        $client = Get-EntClientOrThrow
        $options = @{ timeoutMs = $TimeoutSec * 1000; pollIntervalMs = $PollIntervalMs }
        $options.apiVersion = if ($Beta) { 'beta' } else { 'v1.0' }
        $json = ConvertTo-Json -InputObject $options -Compress
        $out = Invoke-EntNative -Target $RequestId -Call { $client.WaitForAssignmentRequest($RequestId, $json) }
        ConvertFrom-EntJson $out
    }
}

function Start-EntEmulator {
    <#
    .SYNOPSIS
    Starts the entitlement management emulator in this process and returns it (connect with -Emulator).
    With -Clock Manual time stands still until $emu.Advance('P3D').
    .PARAMETER Port
    The port on 127.0.0.1 (0: any free one).
    .PARAMETER DbPath
    A SQLite file to keep the data in (default: in memory).
    .PARAMETER PageSize
    The largest page the emulator answers (default 100).
    .PARAMETER DeliveryDelayMs
    How long the emulator takes to deliver an assignment request.
    .PARAMETER Clock
    Real, or Manual (advanced with $emu.Advance('P3D')).
    .EXAMPLE
    $emu = Start-EntEmulator -PageSize 2; Connect-EntGraph -Emulator $emu
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    param([int] $Port = 0, [string] $DbPath, [int] $PageSize = 0, [int] $DeliveryDelayMs = -1,
          [ValidateSet('Real', 'Manual')] [string] $Clock = 'Real')
    $options = @{ port = $Port; clock = $Clock.ToLowerInvariant() }
    if ($DbPath) { $options.dbPath = $DbPath }
    if ($PageSize -gt 0) { $options.pageSize = $PageSize }
    if ($DeliveryDelayMs -ge 0) { $options.deliveryDelayMs = $DeliveryDelayMs }
    if (-not $PSCmdlet.ShouldProcess("127.0.0.1:$Port", 'Start emulator')) { return }
    $json = ConvertTo-Json -InputObject $options -Compress
    Invoke-EntNative -Target 'Start-EntEmulator' -Call { [Entitlement.Native.EntEmulator]::Start($json) }
}

function Stop-EntEmulator {
    <#
    .SYNOPSIS
    Stops an emulator started with Start-EntEmulator.
    .PARAMETER Emulator
    The emulator (or pipe it in).
    .EXAMPLE
    Stop-EntEmulator $emu
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    param([Parameter(Mandatory, ValueFromPipeline)] [Entitlement.Native.EntEmulator] $Emulator)
    process {
        if ($PSCmdlet.ShouldProcess($Emulator.BaseUrl, 'Stop emulator')) { $Emulator.Stop() }
    }
}

. (Join-Path $PSScriptRoot 'Entitlement.Generated.ps1')
