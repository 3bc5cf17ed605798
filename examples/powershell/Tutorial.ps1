# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# The Graph tutorial "Manage access to resources using the entitlement
# management APIs": package a group, let a user request it, check the
# assignment, clean up.
#
#   ./Tutorial.ps1        # against the in-process emulator
#   $env:AZURE_TENANT_ID = ...; $env:AZURE_CLIENT_ID = ...; $env:AZURE_CLIENT_SECRET = ...
#   $env:ENTITLEMENT_GROUP_ID = ...; $env:ENTITLEMENT_REQUESTOR_ID = ...; ./Tutorial.ps1   # a real tenant

#Requires -Version 5.1
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../powershell/Entitlement.psd1')

# Connects as the administrator (-Requestor: as the requestor) to the tenant
# named by the environment, or to the emulator when AZURE_CLIENT_ID is not set.
function Connect-Tutorial {
    param([switch] $Requestor)
    $endpoint = if ($env:ENTITLEMENT_ENDPOINT) { $env:ENTITLEMENT_ENDPOINT } else { 'https://graph.microsoft.com' }
    if (-not $env:AZURE_CLIENT_ID) {
        if ($Requestor) {
            $token = ConvertTo-SecureString $script:emu.UserToken('requestor1@contoso.com') -AsPlainText -Force
            Connect-EntGraph -AccessToken $token -BaseUrl $script:emu.BaseUrl
        } else {
            Connect-EntGraph -Emulator $script:emu
        }
    } elseif ($Requestor) {
        # The requestor signs in themselves: the device code instructions are printed.
        $app = if ($env:ENTITLEMENT_REQUESTOR_CLIENT_ID) { $env:ENTITLEMENT_REQUESTOR_CLIENT_ID } else { $env:AZURE_CLIENT_ID }
        Connect-EntGraph -UseDeviceCode -TenantId $env:AZURE_TENANT_ID -ClientId $app -BaseUrl $endpoint `
            -Authority $env:ENTITLEMENT_AUTHORITY
    } else {
        $secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
        $credential = New-Object System.Management.Automation.PSCredential($env:AZURE_CLIENT_ID, $secret)
        Connect-EntGraph -TenantId $env:AZURE_TENANT_ID -ClientSecretCredential $credential -BaseUrl $endpoint `
            -Authority $env:ENTITLEMENT_AUTHORITY
    }
}

function Write-Step([string] $Title) { Write-Host "`n== $Title" }

if ($env:AZURE_CLIENT_ID) {
    $groupId = $env:ENTITLEMENT_GROUP_ID
    $requestorId = $env:ENTITLEMENT_REQUESTOR_ID
} else {
    $script:emu = Start-EntEmulator -DeliveryDelayMs 200
    Write-Host "emulator at $($emu.BaseUrl)"
    $groupId = 'e93e24d1-2b65-4a6c-a1dd-654a12225487'       # the emulator's tutorial group
    $requestorId = '007d1c7e-7fa8-4e33-b678-5e437acdcddc'   # and Requestor1
}

try {
    Connect-Tutorial

    Write-Step '1.1 Get the identifier for the General catalog'
    $catalog = Get-EntCatalog -Filter "displayName eq 'General'"
    Write-Host "catalog: $($catalog.id)"

    Write-Step '1.2 Add the group to the catalog'
    try {
        $added = New-EntResourceRequest -RequestType adminAdd -Catalog @{ id = $catalog.id } `
            -Resource @{ originId = $groupId; originSystem = 'AadGroup' }
        Write-Host "resource request: $($added.id) $($added.state)"
    } catch {
        # A rerun: the cleanup leaves the group in the catalog.
        if ($_.Exception.Code -ne 'ResourceAlreadyOnboarded') { throw }
        Write-Host 'the group is already in the catalog'
    }

    Write-Step '1.3 Get the catalog resource'
    $resource = Get-EntCatalogResource -CatalogId $catalog.id -Filter "originId eq '$groupId'"
    Write-Host "resource: $($resource.id) $($resource.displayName)"

    Write-Step '1.4 Get the Member role of the resource'
    $role = Get-EntCatalogResourceRole -CatalogId $catalog.id -ExpandProperty resource `
        -Filter "originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '$($resource.id)'"
    Write-Host "Member role: $($role.originId)"

    Write-Step '1.5 Create the access package'
    $package = New-EntAccessPackage -DisplayName 'Marketing Campaign' -Description 'Access to resources for the campaign' `
        -Catalog @{ id = $catalog.id }
    Write-Host "access package: $($package.id)"

    Write-Step '1.6 Add the Member role to the access package'
    $scope = New-EntAccessPackageResourceRoleScope -AccessPackageId $package.id `
        -Role @{ originId = $role.originId; displayName = 'Member'; originSystem = 'AadGroup'
                 resource = @{ id = $resource.id; originId = $groupId; originSystem = 'AadGroup' } } `
        -Scope @{ originId = $groupId; originSystem = 'AadGroup' }
    Write-Host "role scope: $($scope.id)"

    Write-Step '1.7 Create an assignment policy (beta)'
    $policy = New-EntBetaAccessPackageAssignmentPolicy -AccessPackageId $package.id -DisplayName 'Specific users' `
        -Description 'Specific users can request assignment' -DurationInDays 30 `
        -RequestorSettings @{ scopeType = 'SpecificDirectorySubjects'; acceptRequests = $true
            allowedRequestors = @(@{ '@odata.type' = '#microsoft.graph.singleUser'; isBackup = $false
                                     id = $requestorId; description = 'Requestor1' }) } `
        -RequestApprovalSettings @{ isApprovalRequired = $false; isApprovalRequiredForExtension = $false
            isRequestorJustificationRequired = $false; approvalMode = 'NoApproval'; approvalStages = @() }
    Write-Host "policy: $($policy.id) ($($policy.durationInDays) days)"

    Write-Step '2 Request access, signed in as the requestor'
    Connect-Tutorial -Requestor
    $request = New-EntBetaAccessPackageAssignmentRequest -RequestType UserAdd `
        -AccessPackageAssignment @{ targetId = $requestorId; assignmentPolicyId = $policy.id; accessPackageId = $package.id }
    Write-Host "request: $($request.id) $($request.requestState)"
    Connect-Tutorial

    Write-Step '3.1 Wait until the request is delivered'
    $done = Wait-EntAssignmentRequest -RequestId $request.id -Beta -TimeoutSec 120 -PollIntervalMs 500
    Write-Host "request state: $($done.requestState) $($done.requestStatus)"
    if ($done.requestState -ne 'Delivered') { throw "the request ended $($done.requestState)" }

    Write-Step '3.2 Get the access package assignment'
    $assignment = Get-EntBetaAccessPackageAssignment -Filter "accessPackageAssignmentPolicy/Id eq '$($policy.id)'" `
        -ExpandProperty target -All | Select-Object -First 1
    Write-Host "assignment: $($assignment.id) $($assignment.assignmentState) for $($assignment.target.displayName)"

    Write-Step '3.3 Get the members of the group'
    Get-EntGroupMember -GroupId $groupId -All | ForEach-Object { Write-Host "member: $($_.id) $($_.displayName)" }

    Write-Step '4 Clean up'
    $removal = New-EntBetaAccessPackageAssignmentRequest -RequestType AdminRemove `
        -AccessPackageAssignment @{ id = $assignment.id }
    $removed = Wait-EntAssignmentRequest -RequestId $removal.id -Beta -TimeoutSec 120 -PollIntervalMs 500
    Write-Host "assignment removal: $($removed.requestState)"
    Remove-EntBetaAccessPackageAssignmentPolicy -AccessPackageAssignmentPolicyId $policy.id -Confirm:$false
    Write-Host "deleted policy $($policy.id)"
    Remove-EntBetaAccessPackage -AccessPackageId $package.id -Confirm:$false
    Write-Host "deleted access package $($package.id)"
    Write-Host "`ntutorial complete"
} finally {
    Disconnect-EntGraph
    if ($script:emu) { Stop-EntEmulator $script:emu }
}
