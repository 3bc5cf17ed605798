# {{BANNER}}
# SPDX-License-Identifier: MIT
@{
    RootModule           = 'Entitlement.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1c2b7e-3d4a-4e59-9a8b-0c1d2e3f4a5b'
    Author               = 'The entitlement authors'
    Copyright            = '(c) 2026 The entitlement authors. MIT License.'
    Description          = 'Microsoft Graph entitlement management (access packages, policies, assignment requests) over the libentitlement C library, with a local emulator.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
{{EXPORTS}}
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('Entitlement.Format.ps1xml')
    # A packaged module (powershell/package.sh) adds bin/Entitlement.Native.dll and bin/<rid>/libentitlement.*.
    FileList             = @('Entitlement.psd1', 'Entitlement.psm1', 'Entitlement.Generated.ps1', 'Entitlement.Format.ps1xml',
                             'src/Entitlement.Native.cs', 'src/Entitlement.Json.cs', 'src/Entitlement.Cmdlets.cs',
                             'src/Entitlement.Operations.Generated.cs')
    PrivateData          = @{
        PSData = @{
            Tags       = @('MicrosoftGraph', 'EntitlementManagement', 'IdentityGovernance', 'AccessPackages')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
