using System;
using System.Security.Cryptography;

namespace PSBuildUpload.Sandbox.Infrastructure;

/// <summary>The tokens the sandbox accepts, random per instance so a leak test can look for them.</summary>
public sealed class SandboxTokens
{
    public string ProductScience { get; } = "pst_" + Random(24);

    /// <summary>An Applivery app token: works on the Integrations API only.</summary>
    public string AppliveryApp { get; } = "apv_app_" + Random(24);

    /// <summary>An Applivery service-account token: works on the Workspace API only.</summary>
    public string AppliveryServiceAccount { get; } = "apv_sa_" + Random(24);

    public string Bitrise { get; } = "btr_pat_" + Random(24);

    public static string Random(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
}
