using System.Collections.Generic;
using System.Management.Automation;
using PSBuildUpload.Engine.Bitrise;

namespace PSBuildUpload.Bitrise;

/// <summary>Turns the switches of Set-BitriseProvisioningProfile / Set-BitriseBuildCertificate into a PATCH.</summary>
internal static class CodeSigningChanges
{
    /// <summary>A switch given as -X or -X:$false is a change; one not given is left out of the body.</summary>
    public static BitriseCodeSigningChange From(IDictionary<string, object> bound, SwitchParameter protect, SwitchParameter expose, SwitchParameter processed, string? password) => new()
    {
        IsProtected = bound.ContainsKey("Protected") ? protect.IsPresent : null,
        IsExpose = bound.ContainsKey("Exposed") ? expose.IsPresent : null,
        Processed = bound.ContainsKey("Processed") ? processed.IsPresent : null,
        CertificatePassword = password,
    };

    /// <summary>The ShouldProcess action; says that a password is set, never what it is.</summary>
    public static string Describe(BitriseCodeSigningChange change)
    {
        var parts = new List<string>();
        if (change.IsProtected is { } p)
        {
            parts.Add("is_protected=" + (p ? "true" : "false"));
        }

        if (change.IsExpose is { } e)
        {
            parts.Add("is_expose=" + (e ? "true" : "false"));
        }

        if (change.Processed is { } d)
        {
            parts.Add("processed=" + (d ? "true" : "false"));
        }

        if (change.CertificatePassword is not null)
        {
            parts.Add("set the password");
        }

        return "Set " + string.Join(", ", parts);
    }
}
