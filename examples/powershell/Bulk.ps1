# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Assign a list of users to an access package, one adminAdd request each,
# with a JSONL journal so that a rerun resumes where the last one stopped,
# progress, and a summary; then export the package's assignments to JSONL.
#
# The module has no cmdlet for core's bulk engine (adaptive concurrency,
# reconciliation of unknown outcomes): this is the sequential loop a
# PowerShell user writes with the module's cmdlets.
#
#   ./Bulk.ps1 [-OutDir DIR]      # against an in-process emulator seeded with 50 users
#   $env:AZURE_TENANT_ID = ...; $env:AZURE_CLIENT_ID = ...; $env:AZURE_CLIENT_SECRET = ...
#   ./Bulk.ps1 -AccessPackageId ... -PolicyId ... -TargetsPath users.txt   # a real tenant

#Requires -Version 5.1
[CmdletBinding()]
param(
    [string] $OutDir = '.',
    [string] $AccessPackageId,
    [string] $PolicyId,
    # One user object id per line.
    [string] $TargetsPath
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../powershell/Entitlement.psd1')

$users = 50
$tenant = 'b0b0b0b0-0000-4000-8000-000000000000'
$catalogId = 'b0b0b0b0-0000-4000-8000-0000000000c1'
function Get-UserId([int] $Index) { 'b1000000-0000-4000-8000-{0:x12}' -f $Index }

# A tenant with $users users, one access package with an admin-assigned
# policy, and user 0 already assigned (the run skips them).
function New-Seed {
    @{
        tenantId     = $tenant
        users        = @(0..($users - 1) | ForEach-Object {
                @{ id = (Get-UserId $_); displayName = "Bulk User $_"; userPrincipalName = "bulk.user$_@contoso.com" } })
        applications = @(@{ clientId = 'b0b0b0b0-0000-4000-8000-0000000000a1'; clientSecret = 'bulk-example-secret'
                            displayName = 'Bulk example'; permissions = @('EntitlementManagement.ReadWrite.All') })
        catalogs     = @(@{ id = $catalogId; displayName = 'Bulk'; description = 'Bulk example'; catalogType = 'userManaged'
                            state = 'published'; isExternallyVisible = $true })
        objects      = @{
            accessPackages     = @(@{ id = $AccessPackageId; catalogId = $catalogId; displayName = 'Onboarding'
                                      description = "Everyone's first day"; isHidden = $false })
            assignmentPolicies = @(@{ id = $PolicyId; accessPackageId = $AccessPackageId; displayName = 'Admin assigned'
                                      description = 'direct'; allowedTargetScope = 'notSpecified'; specificAllowedTargets = @()
                                      requestorSettings = @{ enableTargetsToSelfAddAccess = $false }
                                      requestApprovalSettings = @{ isApprovalRequiredForAdd = $false
                                                                   isApprovalRequiredForUpdate = $false; stages = @() }
                                      expiration = @{ type = 'noExpiration' } })
            assignments        = @(@{ id = 'b2000000-0000-4000-8000-000000000000'; state = 'delivered'; status = 'Delivered'
                                      accessPackageId = $AccessPackageId; assignmentPolicyId = $PolicyId
                                      targetId = (Get-UserId 0)
                                      schedule = @{ startDateTime = '2026-01-05T09:00:00Z'
                                                    expiration = @{ type = 'noExpiration' } } })
        }
    }
}

# Connects to the tenant named by the environment, or starts a seeded
# emulator (returned, to stop at the end) when AZURE_CLIENT_ID is not set.
function Connect-Bulk {
    if ($env:AZURE_CLIENT_ID) {
        $endpoint = if ($env:ENTITLEMENT_ENDPOINT) { $env:ENTITLEMENT_ENDPOINT } else { 'https://graph.microsoft.com' }
        $secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
        $credential = New-Object System.Management.Automation.PSCredential($env:AZURE_CLIENT_ID, $secret)
        Connect-EntGraph -TenantId $env:AZURE_TENANT_ID -ClientSecretCredential $credential -BaseUrl $endpoint `
            -Authority $env:ENTITLEMENT_AUTHORITY
        return $null
    }
    # Start-EntEmulator has no -Seed: the emulator type it returns takes the seed in its options.
    $options = @{ deliveryDelayMs = 50; seed = (New-Seed) } | ConvertTo-Json -Depth 10 -Compress
    $emulator = [Entitlement.Native.EntEmulator]::Start($options)
    Connect-EntGraph -Emulator $emulator
    $emulator
}

if (-not $env:AZURE_CLIENT_ID) {
    $AccessPackageId = 'b0b0b0b0-0000-4000-8000-0000000000d1'
    $PolicyId = 'b0b0b0b0-0000-4000-8000-0000000000e1'
}
$emu = Connect-Bulk
$null = New-Item -ItemType Directory -Force -Path $OutDir
$journal = Join-Path $OutDir 'assign-journal.jsonl'
if ($emu) {
    Write-Host "emulator at $($emu.BaseUrl)"
    # A new emulator knows nothing of an earlier run: start without its journal.
    Remove-Item -LiteralPath $journal -Force -ErrorAction SilentlyContinue
    $targets = 0..($users - 1) | ForEach-Object { Get-UserId $_ }
} else {
    $targets = Get-Content -LiteralPath $TargetsPath | Where-Object { $_.Trim() -and -not $_.StartsWith('#') }
}

try {
    $byPackage = "accessPackage/id eq '$AccessPackageId'"
    # Settled in an earlier run (the journal), or assigned already (the service).
    $settled = @{}
    if (Test-Path -LiteralPath $journal) {
        Get-Content -LiteralPath $journal | ForEach-Object { $settled[($_ | ConvertFrom-Json).target] = $true }
    }
    $assigned = @{}
    Get-EntAssignment -Filter $byPackage -ExpandProperty target -All |
        ForEach-Object { $assigned[$_.target.objectId] = $true }

    # Read first: a wrong id or credential fails here, before any bulk work.
    $package = Get-EntAccessPackage -AccessPackageId $AccessPackageId
    Write-Host "assigning $(@($targets).Count) users to '$($package.displayName)' ($AccessPackageId), journal $journal"
    $count = @{ created = 0; skipped = 0; failed = 0 }
    $started = Get-Date
    $index = 0
    foreach ($target in $targets) {
        $index++
        Write-Progress -Activity 'Assigning' -Status "$index of $(@($targets).Count)" `
            -PercentComplete (100 * $index / @($targets).Count)
        if ($settled[$target] -or $assigned[$target]) {
            $count.skipped++
            continue
        }
        try {
            $request = New-EntAssignmentRequest -RequestType adminAdd -Confirm:$false `
                -Assignment @{ targetId = $target; assignmentPolicyId = $PolicyId; accessPackageId = $AccessPackageId }
            $count.created++
            $entry = @{ target = $target; outcome = 'created'; requestId = $request.id }
            Add-Content -LiteralPath $journal -Value ($entry | ConvertTo-Json -Compress)
        } catch {
            $count.failed++
            Write-Warning "failed: ${target}: $($_.Exception.Message)"
        }
        if ($index % 10 -eq 0) {
            Write-Host "  [$index/$(@($targets).Count)] created $($count.created), skipped $($count.skipped), failed $($count.failed)"
        }
    }
    Write-Progress -Activity 'Assigning' -Completed
    $seconds = ((Get-Date) - $started).TotalSeconds
    Write-Host ("bulk assign: {0} created, {1} skipped, {2} failed in {3:n1} s" -f
        $count.created, $count.skipped, $count.failed, $seconds)

    # Assignments appear as their requests are delivered: wait for that before exporting.
    $deadline = (Get-Date).AddMinutes(2)
    do {
        $pending = @(Get-EntAssignmentRequest -Filter $byPackage -All |
            Where-Object { $_.state -in 'submitted', 'delivering' }).Count
        if ($pending -eq 0) { break }
        Write-Host "  $pending requests still being delivered"
        Start-Sleep -Milliseconds 500
    } while ((Get-Date) -lt $deadline)
    if ($pending -gt 0) { throw 'requests still pending after the wait' }

    $out = Join-Path $OutDir 'assignments.jsonl'
    Get-EntAssignment -Filter $byPackage -ExpandProperty target -All |
        ForEach-Object { $_ | ConvertTo-Json -Depth 20 -Compress } |
        Set-Content -LiteralPath $out -Encoding utf8
    $states = Get-Content -LiteralPath $out | ForEach-Object { ($_ | ConvertFrom-Json).state } | Group-Object |
        ForEach-Object { "$($_.Name) $($_.Count)" }
    Write-Host "exported $(@(Get-Content -LiteralPath $out).Count) assignments to ${out}: $($states -join ', ')"
    if ($count.failed -gt 0) { exit 1 }
} finally {
    Disconnect-EntGraph
    if ($emu) { Stop-EntEmulator $emu }
}
