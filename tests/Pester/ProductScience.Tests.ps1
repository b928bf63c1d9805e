# Pester 5 tests of the Product Science journey, against the sandbox that build.ps1 -Task Test (or -Task Pester)
# starts and passes in: its address, its tokens and the built module's manifest. The xUnit suite proves the same
# journeys in depth; these show them as a PowerShell user writes them.
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'BitriseToken', Justification = 'build.ps1 passes the same data to every file.')]
param(
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ProductScienceToken,
    [Parameter(Mandatory)] [string] $BitriseToken,
    [Parameter(Mandatory)] [string] $ModulePath
)

BeforeAll {
    Import-Module -Name $ModulePath -Force
    $script:token = [System.Net.NetworkCredential]::new('', $ProductScienceToken).SecurePassword
    $script:apk = Join-Path -Path $TestDrive -ChildPath 'app-release.apk'
    $bytes = [byte[]]::new(300000)
    [System.Random]::new(7).NextBytes($bytes)
    [System.IO.File]::WriteAllBytes($script:apk, $bytes)
    Connect-BuildService -Service ProductScience -Token $script:token -BaseUri $BaseUri
}

AfterAll {
    Disconnect-BuildService -Service ProductScience
}

Describe 'Uploading a build to Product Science' {
    It 'uploads the file byte for byte in one pipeline' {
        $upload = New-UploadContext -Project demo |
            Submit-Build -Path $script:apk -BuildType APK -Name 5.2.8 -NoCiMetadata |
            Send-BuildFile

        $upload.Project | Should -Be 'demo'
        $upload.Length | Should -Be 300000
        $upload.Sha256 | Should -Be (Get-FileHash -Path $script:apk -Algorithm SHA256).Hash.ToLowerInvariant()
    }

    It 'groups an APK and its instrumented twin in one context' {
        $context = New-UploadContext -Project demo
        $release = $context | Submit-Build -Path $script:apk -BuildType APK -NoCiMetadata
        $instrumented = $context | Submit-Build -Path $script:apk -BuildType INSTRUMENTED_APK -NoCiMetadata

        $release.ContextId | Should -Be $context.Id
        $instrumented.ContextId | Should -Be $context.Id
        $instrumented.Build.BuildType | Should -Be 'INSTRUMENTED_APK'
    }

    It 'never shows the upload URL signature' {
        $submitted = Submit-Build -Project demo -Path $script:apk -BuildType APK -NoCiMetadata

        $submitted.UploadSpec.Url | Should -Not -Match 'Signature='
    }
}

Describe '-WhatIf' {
    It 'creates no context' {
        New-UploadContext -Project demo -WhatIf | Should -BeNullOrEmpty
    }

    It 'registers no build' {
        Submit-Build -Project demo -Path $script:apk -BuildType APK -NoCiMetadata -WhatIf | Should -BeNullOrEmpty
    }
}
