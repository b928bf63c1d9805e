<#
.SYNOPSIS
    Builds, tests and demonstrates PSBuildUpload.

.DESCRIPTION
    Wraps the same dotnet commands the README gives, as tasks:
      Build  builds the module into out/PSBuildUpload (importable with Import-Module out/PSBuildUpload/PSBuildUpload.psd1)
      Test   runs the whole test suite (engine unit tests and the cmdlet tests that host PowerShell against the sandbox)
      Demo   runs the end-to-end Product Science upload against the local sandbox

.PARAMETER Task
    One or more tasks, run in order.

.PARAMETER Configuration
    Release (default) or Debug.

.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Information -MessageData ("dotnet " + ($Arguments -join ' ')) -InformationAction Continue
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' {
            Invoke-Dotnet -Arguments @('build', (Join-Path $root 'PSBuildUpload.sln'), '-c', $Configuration)
            Write-Information -MessageData "Module: $(Join-Path $root 'out/PSBuildUpload/PSBuildUpload.psd1')" -InformationAction Continue
        }
        'Test' {
            Invoke-Dotnet -Arguments @('test', (Join-Path $root 'PSBuildUpload.sln'), '-c', $Configuration)
        }
        'Demo' {
            Invoke-Dotnet -Arguments @('run', '--project', (Join-Path $root 'tests/PSBuildUpload.Host'), '-c', $Configuration, '--', 'demo')
        }
    }
}
