<#
.SYNOPSIS
    Uploads the newest build of a drop folder to Product Science and Applivery and runs a Bitrise workflow: the flows
    of docs/examples/azure-pipelines.yml, for a scheduled task on a server.

.DESCRIPTION
    Meant for Task Scheduler (or cron with pwsh): it finds the newest APK in -DropFolder, uploads it to Product
    Science (New-UploadContext | Submit-Build | Send-BuildFile), publishes it to Applivery and waits until Applivery
    has processed it, then starts a Bitrise workflow, waits for it and saves its log. Everything it prints goes to a
    transcript in -LogFolder, and it exits with 1 when a step fails, so the scheduler records the failure.

    Tokens are never in the script or on its command line. Each comes from, in order: a SecretManagement vault
    (secrets named PRODUCTSCIENCE_TOKEN, APPLIVERY_TOKEN, BITRISE_TOKEN) when the Microsoft.PowerShell.SecretManagement
    module is installed and has them, else the environment variable of the same name set for the account the task
    runs as.

.PARAMETER DropFolder
    Where the build system leaves the APKs.

.PARAMETER Project
    The Product Science project.

.PARAMETER AppSlug
    The Bitrise app whose workflow runs.

.PARAMETER Workflow
    The Bitrise workflow to run.

.PARAMETER Branch
    The branch the Bitrise build runs on.

.PARAMETER LogFolder
    Where the transcript and the Bitrise log are written.

.PARAMETER ModulePath
    The PSBuildUpload manifest, when the module is not installed in a folder of $env:PSModulePath.

.EXAMPLE
    pwsh -NoProfile -File Upload-Builds.ps1 -DropFolder D:\drops\my-app -Project my-app -AppSlug 0123456789abcdef

.EXAMPLE
    $action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument '-NoProfile -File C:\jobs\Upload-Builds.ps1 -DropFolder D:\drops\my-app -Project my-app -AppSlug 0123456789abcdef'
    Register-ScheduledTask -TaskName 'Upload builds' -Action $action -Trigger (New-ScheduledTaskTrigger -Daily -At 2am) -User 'svc-builds'
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DropFolder,
    [Parameter(Mandatory)] [string] $Project,
    [Parameter(Mandatory)] [string] $AppSlug,
    [string] $Workflow = 'primary',
    [string] $Branch = 'main',
    [string] $LogFolder = (Join-Path -Path $DropFolder -ChildPath 'logs'),
    [string] $ModulePath = 'PSBuildUpload'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Connect-FromVault {
    # A vault secret, when there is one, becomes the session's connection; otherwise the cmdlets read the
    # environment variable themselves.
    param([Parameter(Mandatory)] [string] $Service, [Parameter(Mandatory)] [string] $SecretName)
    if (-not (Get-Command -Name Get-Secret -ErrorAction SilentlyContinue)) {
        return
    }

    $secret = Get-Secret -Name $SecretName -ErrorAction SilentlyContinue
    if ($secret) {
        Connect-BuildService -Service $Service -Token $secret
    }
}

$null = New-Item -Path $LogFolder -ItemType Directory -Force
$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
Start-Transcript -Path (Join-Path -Path $LogFolder -ChildPath "upload-$stamp.log") | Out-Null
try {
    Import-Module -Name $ModulePath
    Connect-FromVault -Service ProductScience -SecretName PRODUCTSCIENCE_TOKEN
    Connect-FromVault -Service Applivery -SecretName APPLIVERY_TOKEN
    Connect-FromVault -Service Bitrise -SecretName BITRISE_TOKEN
    Get-BuildServiceConnection

    $apk = Get-ChildItem -Path $DropFolder -Filter '*.apk' -File | Sort-Object -Property LastWriteTime -Descending | Select-Object -First 1
    if (-not $apk) {
        throw "No .apk in $DropFolder."
    }

    $version = $apk.BaseName
    Write-Information -MessageData "Uploading $($apk.FullName) as $version" -InformationAction Continue

    New-UploadContext -Project $Project |
        Submit-Build -Path $apk.FullName -BuildType APK -Name $version |
        Send-BuildFile

    Publish-AppliveryBuild -Path $apk.FullName -VersionName $version -Tag 'nightly' -Wait

    $build = Start-BitriseBuild -AppSlug $AppSlug -Branch $Branch -Workflow $Workflow |
        Wait-BitriseBuild -AbortOnTimeout
    $build | Get-BitriseBuildLog -OutFile (Join-Path -Path $LogFolder -ChildPath "bitrise-$stamp.log")
    if ($build.Status -ne 'Success') {
        throw "Bitrise build $($build.BuildNumber) ended as $($build.Status): $($build.BuildUrl)"
    }
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 1
}
finally {
    Stop-Transcript | Out-Null
}
