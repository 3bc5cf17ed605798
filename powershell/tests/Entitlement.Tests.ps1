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
    It 'refuses a parameter value of the wrong type before sending' {
        { New-EntAccessPackage -DisplayName 'Typed' -Catalog 42 } | Should -Throw -ErrorId 'EntInvalidArgument*'
        { Update-EntSetting -BodyParameter @{ durationUntilExternalUserDeletedAfterBlocked = 'soon' } `
            -DurationUntilExternalUserDeletedAfterBlocked 'four days' } | Should -Throw
    }
}

# Scripts written for Microsoft Graph PowerShell: the same parameters, the same paging.
Describe 'Graph PowerShell parameters' {
    BeforeAll {
        Connect-EntGraph -Emulator $script:emu
        $script:catalogId = (Get-EntCatalog -Filter "displayName eq 'General'").id
        $script:paged = 1..5 | ForEach-Object { (New-EntCatalog -DisplayName "Paged $_" -Description 'Pester').id }
    }
    AfterAll {
        $script:paged | ForEach-Object { Remove-EntCatalog -CatalogId $_ -Confirm:$false }
    }

    It 'reads the first page, or every page with -All' {
        $filter = "startswith(displayName,'Paged')"
        @(Get-EntCatalog -Filter $filter -PageSize 2).Count | Should -Be 2
        @(Get-EntCatalog -Filter $filter -PageSize 2 -All).Count | Should -Be 5
        @(Get-EntCatalog -Filter $filter -PageSize 2 -Top 3).Count | Should -Be 3
        (Get-EntCatalog -Filter $filter -All -PageSize 2 -Sort 'displayName desc' | Select-Object -First 1).displayName |
            Should -Be 'Paged 5'
    }
    It 'sets -CountVariable in the caller''s scope' {
        $null = Get-EntCatalog -Filter "startswith(displayName,'Paged')" -PageSize 2 -All -CountVariable pagedCount
        $pagedCount | Should -Be 5
        $null = Get-EntCatalog -Filter "startswith(displayName,'Paged')" -PageSize 1 -CountVariable firstCount
        $firstCount | Should -Be 5
    }
    It 'creates and updates from expanded body parameters' {
        $pkg = New-EntAccessPackage -DisplayName 'Expanded' -Description 'From parameters' -IsHidden -Catalog @{ id = $catalogId }
        $pkg.displayName | Should -Be 'Expanded'
        $pkg.isHidden | Should -BeTrue
        $pkg.PSObject.TypeNames[0] | Should -Be 'Entitlement.AccessPackage'
        Update-EntAccessPackage -AccessPackageId $pkg.id -Description 'Changed' -IsHidden:$false -Confirm:$false
        $got = Get-EntAccessPackage -AccessPackageId $pkg.id -ExpandProperty catalog
        $got.description | Should -Be 'Changed'
        $got.isHidden | Should -BeFalse
        $got.catalog.id | Should -Be $catalogId
        # Explicit parameters win over -BodyParameter.
        $other = New-EntAccessPackage -BodyParameter @{ displayName = 'Body'; description = 'kept'; catalog = @{ id = $catalogId } } `
            -DisplayName 'Parameter'
        $other.displayName | Should -Be 'Parameter'
        $other.description | Should -Be 'kept'
        Remove-EntAccessPackage -AccessPackageId $other.id -Confirm:$false
        Remove-EntAccessPackage -AccessPackageId $pkg.id -Confirm:$false
    }
    It 'sends DateTime in UTC and TimeSpan as an ISO 8601 duration' {
        Update-EntSetting -DurationUntilExternalUserDeletedAfterBlocked (New-TimeSpan -Days 2) -Confirm:$false
        (Get-EntSetting).durationUntilExternalUserDeletedAfterBlocked | Should -Be 'P2D'
        $pkg = New-EntAccessPackage -DisplayName 'Dated' -Catalog @{ id = $catalogId }
        $when = [datetime]::SpecifyKind([datetime]'2027-01-02T03:04:05', 'Utc')
        $policy = New-EntBetaAccessPackageAssignmentPolicy -AccessPackageId $pkg.id -DisplayName 'Until 2027' `
            -ExpirationDateTime $when -RequestorSettings @{ scopeType = 'NoSubjects'; acceptRequests = $false } `
            -RequestApprovalSettings @{ isApprovalRequired = $false }
        (Get-EntAssignmentPolicy -AssignmentPolicyId $policy.id).expiration.endDateTime | Should -BeLike '2027-01-02T03:04:05*'
        Remove-EntBetaAccessPackageAssignmentPolicy -AccessPackageAssignmentPolicyId $policy.id -Confirm:$false
        Remove-EntAccessPackage -AccessPackageId $pkg.id -Confirm:$false
    }
    It '-WhatIf describes the target once and changes nothing' {
        New-EntAccessPackage -DisplayName 'Never' -Catalog @{ id = $catalogId } -WhatIf | Should -BeNullOrEmpty
        @(Get-EntAccessPackage -Filter "displayName eq 'Never'").Count | Should -Be 0
        [Entitlement.Native.EntTarget]::Describe('delete_catalog', [string[]] @('c1'), $null) | Should -Be 'catalog c1'
    }
    It 'loads the C# layer as a compiled assembly, not compiled per import' {
        $location = [Entitlement.Native.EntClient].Assembly.Location
        $shipped = Join-Path $PSScriptRoot '../bin/Entitlement.Native.dll'
        if (Test-Path $shipped) {
            $location | Should -Be (Resolve-Path $shipped).ProviderPath
        } else {
            # From a checkout: the per-user cache, keyed by the sources' hash.
            $location | Should -BeLike '*Entitlement.PowerShell*Entitlement.Native-*.dll'
        }
    }
    It 'has help, type names and format views' {
        $help = Get-Help New-EntAccessPackage -Full
        @($help.examples.example).Count | Should -BeGreaterThan 0
        (Get-Help New-EntAccessPackage -Parameter DisplayName).description | Should -Not -BeNullOrEmpty
        (Get-Help Get-EntCatalog -Parameter All) | Should -Not -BeNullOrEmpty
        Get-FormatData -TypeName 'Entitlement.AccessPackage' | Should -Not -BeNullOrEmpty
        (Get-EntCatalog -CatalogId $catalogId).PSObject.TypeNames[0] | Should -Be 'Entitlement.AccessPackageCatalog'
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
