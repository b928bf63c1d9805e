# Module manifest for PSBuildUpload.
# ModuleVersion is stamped by the build from Directory.Build.props (the one version source); edit it there.
@{
    RootModule           = 'PSBuildUpload.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = '6f0c2b1e-5d1a-4c8e-9a57-2f4b9d3e8c11'
    Author               = 'PSBuildUpload contributors'
    CompanyName          = 'PSBuildUpload'
    Copyright            = '(c) PSBuildUpload contributors. MIT License.'
    Description          = 'Upload mobile builds to Product Science and Applivery, and drive Bitrise CI, from PowerShell: typed objects through the pipeline, -WhatIf, retries, progress and no leaked tokens.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('PSBuildUpload.Format.ps1xml', 'PSBuildUpload.Bitrise.Builds.Format.ps1xml', 'PSBuildUpload.Bitrise.Setup.Format.ps1xml', 'PSBuildUpload.Applivery.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-BuildService'
        'Disconnect-BuildService'
        'Get-BuildServiceConnection'
        'New-UploadContext'
        'Submit-Build'
        'Send-BuildFile'
        'Get-BitriseApp'
        'Get-BitriseUser'
        'Get-BitriseOrganization'
        'Register-BitriseApp'
        'Set-BitriseAppSshKey'
        'Register-BitriseAppWebhook'
        'Complete-BitriseApp'
        'Get-BitriseAppConfig'
        'Set-BitriseAppConfig'
        'Add-BitriseProvisioningProfile'
        'Get-BitriseProvisioningProfile'
        'Set-BitriseProvisioningProfile'
        'Add-BitriseBuildCertificate'
        'Get-BitriseBuildCertificate'
        'Set-BitriseBuildCertificate'
        'Get-BitriseBuild'
        'Start-BitriseBuild'
        'Stop-BitriseBuild'
        'Wait-BitriseBuild'
        'Get-BitriseBuildLog'
        'Get-BitriseArtifact'
        'Set-BitriseArtifact'
        'Remove-BitriseArtifact'
        'Save-BitriseArtifact'
        'Publish-AppliveryBuild'
        'Get-AppliveryBuild'
        'Wait-AppliveryBuild'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Build', 'Upload', 'CI', 'Mobile', 'Android', 'iOS', 'Bitrise', 'Applivery', 'ProductScience', 'AzureDevOps')
            ProjectUri   = 'https://github.com/psbuildupload/PSBuildUpload'
            LicenseUri   = 'https://github.com/psbuildupload/PSBuildUpload/blob/main/LICENSE'
            ReleaseNotes = 'See https://github.com/psbuildupload/PSBuildUpload/blob/main/CHANGELOG.md'
        }
    }
}
