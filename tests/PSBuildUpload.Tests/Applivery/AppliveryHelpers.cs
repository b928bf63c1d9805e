using System;
using System.IO;
using System.Linq;
using PSBuildUpload.Sandbox;
using PSBuildUpload.Tests.ProductScience;

namespace PSBuildUpload.Tests.Applivery;

internal static class AppliveryFiles
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A build file of random bytes; see <see cref="TestFiles.Create"/>.</summary>
    public static string Build(string name, int length = 4096) => TestFiles.Create(name, length);

    /// <summary>A file that starts like a PNG, which is all the module and the sandbox look at.</summary>
    public static string Png(string name = "icon.png")
    {
        var path = TestFiles.Create(name, 64);
        var bytes = File.ReadAllBytes(path);
        PngSignature.CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Q(string path) => TestFiles.Quote(path);
}

internal static class AppliverySandbox
{
    /// <summary>How many requests reached the Applivery paths of the sandbox.</summary>
    public static int Requests(SandboxServer sandbox) =>
        sandbox.Requests.All.Count(r => r.Path.StartsWith("/v1/", StringComparison.Ordinal));

    /// <summary>The common parameters of a call with the app token.</summary>
    public const string App = "-Token $AppToken -BaseUri $Base";

    /// <summary>The common parameters of a call with the service-account token to the sandbox's workspace app.</summary>
    public static string Workspace => $"-Token $SaToken -BaseUri $Base -OrganizationId {PSBuildUpload.Sandbox.Applivery.AppliveryEmulator.DefaultOrganizationId} -ApplicationId {PSBuildUpload.Sandbox.Applivery.AppliveryEmulator.DefaultApplicationId}";
}
