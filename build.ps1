<#
.SYNOPSIS
    Builds, tests, documents, packages and demonstrates PSBuildUpload.

.DESCRIPTION
    Wraps the same dotnet commands the README gives, as tasks run in the order given:
      Build    builds the module into out/PSBuildUpload (importable with Import-Module out/PSBuildUpload/PSBuildUpload.psd1)
      Test     runs the whole xUnit suite, then the Pester suite when Pester 5 is installed
      Pester   runs only the Pester suite (tests/Pester) against a sandbox started for it
      Docs     refreshes docs/<Cmdlet>.md from the built cmdlets: with platyPS when it is installed, then always
               with the HelpBuilder's markdown mode, which keeps every written text and lays the files out alike
      Package  writes out/PSBuildUpload.<version>.nupkg, installable with Install-PSResource/Install-Module
      Demo     runs the end-to-end Product Science upload against the local sandbox

.PARAMETER Task
    One or more tasks, run in order.

.PARAMETER Configuration
    Release (default) or Debug.

.EXAMPLE
    ./build.ps1 -Task Build, Test

.EXAMPLE
    ./build.ps1 -Task Docs, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Docs', 'Package', 'Demo')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path -Path $root -ChildPath 'PSBuildUpload.sln'
$manifest = Join-Path -Path $root -ChildPath 'out/PSBuildUpload/PSBuildUpload.psd1'
$helpBuilder = Join-Path -Path $root -ChildPath 'src/PSBuildUpload.HelpBuilder'

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Information -MessageData ('dotnet ' + ($Arguments -join ' ')) -InformationAction Continue
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Test-Pester5 {
    $available = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0.0' }
    return [bool]$available
}

function Invoke-PesterSuite {
    # The sandbox prints one JSON line (its address and tokens) first, and stops when its standard input closes.
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $startInfo.Arguments = "run --project `"$(Join-Path -Path $root -ChildPath 'tests/PSBuildUpload.Sandbox')`" -c $Configuration"
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $sandbox = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $line = $sandbox.StandardOutput.ReadLine()
        while ($null -ne $line -and -not $line.StartsWith('{')) {
            $line = $sandbox.StandardOutput.ReadLine()
        }

        if ($null -eq $line) {
            throw 'The sandbox stopped before it printed its address.'
        }

        $info = $line | ConvertFrom-Json
        Write-Information -MessageData "Sandbox at $($info.baseUri)" -InformationAction Continue
        $data = @{
            BaseUri             = $info.baseUri
            ProductScienceToken = $info.tokens.productScience
            BitriseToken        = $info.tokens.bitrise
            ModulePath          = $manifest
        }
        $configuration = New-PesterConfiguration
        $files = Get-ChildItem -Path (Join-Path -Path $root -ChildPath 'tests/Pester') -Filter '*.Tests.ps1'
        $configuration.Run.Container = New-PesterContainer -Path $files.FullName -Data $data
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'Detailed'
        $result = Invoke-Pester -Configuration $configuration
        if ($result.FailedCount -gt 0) {
            throw "$($result.FailedCount) Pester test(s) failed."
        }
    }
    finally {
        $sandbox.StandardInput.Close()
        if (-not $sandbox.WaitForExit(15000)) {
            $sandbox.Kill()
        }

        $sandbox.Dispose()
    }
}

function Update-Doc {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    if (-not $PSCmdlet.ShouldProcess((Join-Path -Path $root -ChildPath 'docs'), 'Refresh the cmdlet help')) {
        return
    }

    if (Get-Module -ListAvailable -Name platyPS) {
        # In a job, a process of its own: the module's assembly is not loaded (and locked) in this session.
        $job = Start-Job -ArgumentList $manifest, (Join-Path -Path $root -ChildPath 'docs') -ScriptBlock {
            param($ModuleManifest, $DocsFolder)
            Import-Module -Name platyPS
            $module = Import-Module -Name $ModuleManifest -PassThru
            foreach ($command in $module.ExportedCmdlets.Keys) {
                $file = Join-Path -Path $DocsFolder -ChildPath "$command.md"
                if (Test-Path -LiteralPath $file) {
                    $null = Update-MarkdownHelp -Path $file -AlphabeticParamsOrder
                }
                else {
                    $null = New-MarkdownHelp -Command $command -OutputFolder $DocsFolder -AlphabeticParamsOrder
                }
            }
        }
        $null = Receive-Job -Job $job -Wait -AutoRemoveJob
    }
    else {
        Write-Information -MessageData 'platyPS is not installed: the HelpBuilder refreshes the markdown on its own.' -InformationAction Continue
    }

    Invoke-Dotnet -Arguments @('run', '--project', $helpBuilder, '-c', $Configuration, '--no-build', '--', 'markdown', '--module', $manifest, '--docs', (Join-Path -Path $root -ChildPath 'docs'))
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' {
            Invoke-Dotnet -Arguments @('build', $solution, '-c', $Configuration)
            Write-Information -MessageData "Module: $manifest" -InformationAction Continue
        }
        'Test' {
            Invoke-Dotnet -Arguments @('test', $solution, '-c', $Configuration)
            if (Test-Pester5) {
                Invoke-PesterSuite
            }
            else {
                Write-Information -MessageData 'Pester 5 is not installed: the Pester suite (tests/Pester) is skipped.' -InformationAction Continue
            }
        }
        'Pester' {
            if (-not (Test-Pester5)) {
                throw 'The Pester suite needs Pester 5: Install-Module Pester -MinimumVersion 5.0 (or Install-PSResource Pester).'
            }

            Invoke-Dotnet -Arguments @('build', $solution, '-c', $Configuration)
            Invoke-PesterSuite
        }
        'Docs' {
            Invoke-Dotnet -Arguments @('build', $solution, '-c', $Configuration)
            Update-Doc
        }
        'Package' {
            Invoke-Dotnet -Arguments @('build', $solution, '-c', $Configuration)
            Invoke-Dotnet -Arguments @('run', '--project', $helpBuilder, '-c', $Configuration, '--no-build', '--', 'package', '--module', (Join-Path -Path $root -ChildPath 'out/PSBuildUpload'), '--out', (Join-Path -Path $root -ChildPath 'out'))
        }
        'Demo' {
            Invoke-Dotnet -Arguments @('run', '--project', (Join-Path -Path $root -ChildPath 'tests/PSBuildUpload.Host'), '-c', $Configuration, '--', 'demo')
        }
    }
}
