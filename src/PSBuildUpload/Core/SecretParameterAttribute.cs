using System;
using System.Management.Automation;
using System.Security;

namespace PSBuildUpload.Core;

/// <summary>
/// On a SecureString parameter (-Token, -Password, -PrivateKey): refuses plain text with a message that does not
/// repeat it and says how to make a SecureString. Without it, Windows PowerShell 5.1's binder refuses the text with
/// "Cannot convert the "&lt;the secret&gt;" value of type System.String…", which puts the token or password itself
/// into the error and from there into a CI log (PowerShell 7's binder leaves the value out, but says no more).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecretParameterAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is null || value is SecureString)
        {
            return value;
        }

        throw new ArgumentTransformationMetadataException(
            $"It takes a SecureString, not a {value.GetType().Name}; the value given is not repeated here. " +
            "Pass a SecureString: (Read-Host -AsSecureString), ConvertTo-SecureString, or a secret from SecretManagement " +
            "(Get-Secret). For a token, Connect-BuildService or the service's environment variable also work.");
    }
}
