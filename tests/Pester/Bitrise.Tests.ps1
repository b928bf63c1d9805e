# Pester 5 tests of listing Bitrise apps: paging as PowerShell users know it (-First, -Skip, -IncludeTotalCount)
# and binding by property name. Started by build.ps1 with the sandbox's address, tokens and the module's manifest.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ProductScienceToken', Justification = 'build.ps1 passes the same data to every file.')]
param(
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ProductScienceToken,
    [Parameter(Mandatory)] [string] $BitriseToken,
    [Parameter(Mandatory)] [string] $ModulePath
)

BeforeAll {
    Import-Module -Name $ModulePath -Force
    Connect-BuildService -Service Bitrise -Token ([System.Net.NetworkCredential]::new('', $BitriseToken).SecurePassword) -BaseUri $BaseUri
    $script:all = @(Get-BitriseApp)
}

AfterAll {
    Disconnect-BuildService -Service Bitrise
}

Describe 'Get-BitriseApp' {
    It 'lists every app' {
        $script:all.Count | Should -BeGreaterThan 1
        $script:all[0].AppSlug | Should -Not -BeNullOrEmpty
    }

    It 'stops after -First' {
        @(Get-BitriseApp -First 1).Count | Should -Be 1
    }

    It 'skips with -Skip' {
        $rest = @(Get-BitriseApp -Skip 1)

        $rest.Count | Should -Be ($script:all.Count - 1)
        $rest[0].AppSlug | Should -Be $script:all[1].AppSlug
    }

    It 'reports the total first with -IncludeTotalCount' {
        $result = @(Get-BitriseApp -First 1 -IncludeTotalCount)

        $result.Count | Should -Be 2
        [int]$result[0] | Should -Be $script:all.Count
    }

    It 'gets one app by slug, also from the pipeline' {
        $one = $script:all[0] | Get-BitriseApp

        $one.AppSlug | Should -Be $script:all[0].AppSlug
        $one.Title | Should -Be $script:all[0].Title
    }
}
