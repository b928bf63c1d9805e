# Pester 5 tests of the errors a user sees: each has its own ErrorId and ends before any request when the input is
# wrong. Started by build.ps1 with the sandbox's address, tokens and the built module's manifest.
param(
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ProductScienceToken,
    [Parameter(Mandatory)] [string] $BitriseToken,
    [Parameter(Mandatory)] [string] $ModulePath
)

BeforeAll {
    Import-Module -Name $ModulePath -Force
    $script:token = [System.Net.NetworkCredential]::new('', $ProductScienceToken).SecurePassword
    $script:wrongToken = [System.Net.NetworkCredential]::new('', 'pst_not_a_real_token_000').SecurePassword
    $script:apk = Join-Path -Path $TestDrive -ChildPath 'app.apk'
    [System.IO.File]::WriteAllBytes($script:apk, [byte[]]::new(2048))
    $script:savedToken = $env:PRODUCTSCIENCE_TOKEN
    $env:PRODUCTSCIENCE_TOKEN = $null
    Disconnect-BuildService -Service ProductScience
}

AfterAll {
    $env:PRODUCTSCIENCE_TOKEN = $script:savedToken
}

Describe 'Errors a user sees' {
    It 'says how to give a token when there is none' {
        { New-UploadContext -Project demo -BaseUri $BaseUri } | Should -Throw -ErrorId 'ProductScience.TokenMissing*'
    }

    It 'refuses plain http to another machine' {
        { New-UploadContext -Project demo -Token $script:token -BaseUri 'http://example.com' } | Should -Throw -ErrorId 'ProductScience.InsecureBaseUri*'
    }

    It 'reports a wrong token as Unauthorized' {
        { New-UploadContext -Project demo -Token $script:wrongToken -BaseUri $BaseUri -ErrorAction Stop } | Should -Throw -ErrorId 'ProductScience.Unauthorized*'
    }

    It 'refuses an unknown build type before any request' {
        { Submit-Build -Project demo -Path $script:apk -BuildType ZIP -Token $script:token -BaseUri $BaseUri -NoCiMetadata -ErrorAction Stop } | Should -Throw -ErrorId 'ProductScience.InvalidBuildType*'
    }

    It 'names a build file that does not exist' {
        $missing = Join-Path -Path $TestDrive -ChildPath 'missing.apk'
        { Submit-Build -Project demo -Path $missing -BuildType APK -Token $script:token -BaseUri $BaseUri -NoCiMetadata -ErrorAction Stop } | Should -Throw -ErrorId 'ProductScience.FileNotFound*'
    }

    It 'refuses a malformed Bitrise slug' {
        $bitrise = [System.Net.NetworkCredential]::new('', $BitriseToken).SecurePassword
        { Get-BitriseApp -AppSlug '../me' -Token $bitrise -BaseUri $BaseUri -ErrorAction Stop } | Should -Throw -ErrorId 'Bitrise.InvalidSlug*'
    }

    It 'reports an unknown Bitrise app as NotFound' {
        $bitrise = [System.Net.NetworkCredential]::new('', $BitriseToken).SecurePassword
        { Get-BitriseApp -AppSlug 0000000000000000 -Token $bitrise -BaseUri $BaseUri -ErrorAction Stop } | Should -Throw -ErrorId 'Bitrise.NotFound*'
    }
}
