# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Pester tests of the module's cmdlets against the in-process emulator: the
# entitlement management tutorial, then the error contract. Needs pwsh and
# Pester 5; powershell/tests/run.sh runs it where pwsh exists, with
# ENTITLEMENT_LIBRARY pointing at the built libentitlement.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Entitlement.psd1') -Force
    $script:emu = Start-EntEmulator -DeliveryDelayMs 20
    Connect-EntGraph -Emulator $script:emu
    $script:groupId = 'e93e24d1-2b65-4a6c-a1dd-654a12225487'
    $script:requestorId = '007d1c7e-7fa8-4e33-b678-5e437acdcddc'
}

AfterAll {
    Disconnect-EntGraph
    if ($script:emu) { Stop-EntEmulator $script:emu }
}

Describe 'tutorial' {
    It 'creates a package, lets Requestor1 request it, and cleans up' {
        $catalog = Get-EntCatalog -Filter "displayName eq 'General'"
        $catalog.id | Should -Be 'cec5d6ab-c75d-47c0-9c1c-92e89f66e384'

        New-EntResourceRequest -BodyParameter @{
            catalogId = $catalog.id; requestType = 'adminAdd'
            resource  = @{ originId = $groupId; originSystem = 'AadGroup' }
        } | Out-Null
        $resource = Get-EntCatalogResource -CatalogId $catalog.id -Filter "originId eq '$groupId'"
        $role = Get-EntCatalogResourceRole -CatalogId $catalog.id -ExpandProperty resource `
            -Filter "originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '$($resource.id)'"
        $role.resource.id | Should -Be $resource.id

        $package = New-EntAccessPackage -BodyParameter @{
            catalog = @{ id = $catalog.id }; displayName = 'Marketing Campaign'
            description = 'Access to resources for the campaign'
        }
        New-EntAccessPackageResourceRoleScope -AccessPackageId $package.id -BodyParameter @{
            role  = @{ originId = $role.originId; displayName = 'Member'; originSystem = 'AadGroup'
                       resource = @{ id = $resource.id; originId = $groupId; originSystem = 'AadGroup' } }
            scope = @{ originId = $groupId; originSystem = 'AadGroup' }
        } | Out-Null
        $policy = New-EntBetaAccessPackageAssignmentPolicy -BodyParameter @{
            accessPackageId   = $package.id; displayName = 'Specific users'; durationInDays = 30
            requestorSettings = @{ scopeType = 'SpecificDirectorySubjects'; acceptRequests = $true
                allowedRequestors = @(@{ '@odata.type' = '#microsoft.graph.singleUser'; id = $requestorId }) }
            requestApprovalSettings = @{ isApprovalRequired = $false; approvalMode = 'NoApproval' }
        }

        # Requestor1 with a delegated token (the password grant has its one test in Smoke.cs).
        $token = ConvertTo-SecureString $emu.UserToken('requestor1@contoso.com') -AsPlainText -Force
        Connect-EntGraph -AccessToken $token -BaseUrl $emu.BaseUrl
        $request = New-EntBetaAccessPackageAssignmentRequest -BodyParameter @{
            requestType = 'UserAdd'
            accessPackageAssignment = @{ targetId = $requestorId; assignmentPolicyId = $policy.id
                                         accessPackageId = $package.id }
        }
        (Wait-EntAssignmentRequest -RequestId $request.id -Beta -PollIntervalMs 50).requestState |
            Should -Be 'Delivered'

        Connect-EntGraph -Emulator $emu
        $assignment = Get-EntBetaAccessPackageAssignment -Filter "accessPackageAssignmentPolicy/Id eq '$($policy.id)'"
        @($assignment).Count | Should -Be 1
        (Get-EntGroupMember -GroupId $groupId).id | Should -Contain $requestorId

        $removal = New-EntBetaAccessPackageAssignmentRequest -BodyParameter @{
            requestType = 'AdminRemove'; accessPackageAssignment = @{ id = $assignment.id } }
        Wait-EntAssignmentRequest -RequestId $removal.id -Beta -PollIntervalMs 50 | Out-Null
        Remove-EntBetaAccessPackageAssignmentPolicy -AccessPackageAssignmentPolicyId $policy.id -Confirm:$false
        Remove-EntBetaAccessPackage -AccessPackageId $package.id -Confirm:$false
        { Get-EntAccessPackage -AccessPackageId $package.id } | Should -Throw -ErrorId 'EntNotFound*'
    }
}

Describe 'errors' {
    It 'reports NotFound with the service details' {
        try {
            Get-EntAccessPackage -AccessPackageId '00000000-0000-0000-0000-000000000000'
            throw 'expected an error'
        } catch {
            $_.FullyQualifiedErrorId | Should -BeLike 'EntNotFound*'
            $_.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $_.Exception.HttpStatus | Should -Be 404
            $_.Exception.RequestId | Should -Not -BeNullOrEmpty
        }
    }
    It 'reports a malformed filter as BadRequest' {
        { Get-EntCatalog -Filter 'displayName eq' } | Should -Throw -ErrorId 'EntBadRequest*'
    }
    It 'refuses an unknown operation before sending' {
        { Invoke-EntOperation -Operation 'list_cats' } | Should -Throw -ErrorId 'EntInvalidArgument*'
    }
    It 'pages through every item' {
        $names = 1..3 | ForEach-Object { (New-EntCatalog -BodyParameter @{ displayName = "Pester $_" }).id }
        @(Get-EntCatalog -Filter "startswith(displayName,'Pester')").Count | Should -Be 3
        @(Get-EntCatalog -Filter "startswith(displayName,'Pester')" -Top 2).Count | Should -Be 2
        $names | ForEach-Object { Remove-EntCatalog -CatalogId $_ -Confirm:$false }
    }
}

Describe 'sign-in' {
    It 'connects with -CertificatePath (the emulator app development certificate)' {
        $pem = Join-Path $PSScriptRoot '../../emulator/src/identity/dev-app.pem'
        Connect-EntGraph -TenantId $script:emu.TenantId -ClientId $script:emu.ClientId -CertificatePath $pem `
            -SendCertificateChain -BaseUrl $script:emu.BaseUrl -Authority $script:emu.Authority
        (Get-EntContext).Mode | Should -Be 'Certificate'
        @(Get-EntCatalog).Count | Should -BeGreaterThan 0
        Connect-EntGraph -Emulator $script:emu
    }
    It 'refuses a certificate file that does not exist' {
        { Connect-EntGraph -TenantId $script:emu.TenantId -ClientId $script:emu.ClientId -CertificatePath './no-such.pem' } |
            Should -Throw
        Connect-EntGraph -Emulator $script:emu
    }
}
