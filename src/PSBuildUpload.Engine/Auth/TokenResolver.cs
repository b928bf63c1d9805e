using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using PSBuildUpload.Engine.Errors;
using YamlDotNet.RepresentationModel;

namespace PSBuildUpload.Engine.Auth;

/// <summary>
/// Finds the token for a call: the -Token parameter, then the session's connection, then the service's environment
/// variable, and for Product Science last a productscience.properties or productscience.yaml in the current directory.
/// </summary>
public static class TokenResolver
{
    public const string ProductScienceTokenKey = "productscience.token";

    public static string EnvironmentVariable(ServiceKind service) => service switch
    {
        ServiceKind.ProductScience => "PRODUCTSCIENCE_TOKEN",
        ServiceKind.Applivery => "APPLIVERY_TOKEN",
        _ => "BITRISE_TOKEN",
    };

    public static string AuthorizationScheme(ServiceKind service) =>
        service == ServiceKind.Bitrise ? "token" : "Bearer";

    /// <param name="parameterToken">The cmdlet's -Token, already read out of its SecureString.</param>
    /// <param name="connectionToken">The token of the session's Connect-BuildService, if any.</param>
    /// <param name="currentDirectory">PowerShell's current file-system location, for the Product Science files.</param>
    /// <param name="getEnvironment">Reads an environment variable (injectable for tests).</param>
    public static ResolvedToken Resolve(
        ServiceKind service,
        string? parameterToken,
        string? connectionToken,
        string? currentDirectory,
        Func<string, string?>? getEnvironment = null) =>
        ResolveDeferred(service, parameterToken, connectionToken, () => currentDirectory, getEnvironment);

    /// <summary>As <see cref="Resolve"/>, but the directory is asked for only when the files are the last resort (it costs a provider call in PowerShell).</summary>
    public static ResolvedToken ResolveDeferred(
        ServiceKind service,
        string? parameterToken,
        string? connectionToken,
        Func<string?> currentDirectory,
        Func<string, string?>? getEnvironment = null)
    {
        if (currentDirectory is null)
        {
            throw new ArgumentNullException(nameof(currentDirectory));
        }

        getEnvironment ??= Environment.GetEnvironmentVariable;

        if (parameterToken is not null)
        {
            return new ResolvedToken(Normalize(service, parameterToken, "-Token"), TokenSource.Parameter, "-Token");
        }

        if (connectionToken is not null)
        {
            return new ResolvedToken(Normalize(service, connectionToken, "Connect-BuildService"), TokenSource.Connection, "Connect-BuildService");
        }

        var variable = EnvironmentVariable(service);
        var fromEnvironment = getEnvironment(variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new ResolvedToken(Normalize(service, fromEnvironment!, "$env:" + variable), TokenSource.Environment, "$env:" + variable);
        }

        if (service == ServiceKind.ProductScience && currentDirectory() is { } directory)
        {
            var fromFile = FromProductScienceFiles(directory);
            if (fromFile is not null)
            {
                return fromFile;
            }
        }

        throw Missing(service);
    }

    /// <summary>Trims whitespace and newlines and a pasted "Bearer "/"token " prefix; refuses what cannot be a header value.</summary>
    public static string Normalize(ServiceKind service, string raw, string origin)
    {
        if (raw is null)
        {
            throw new ArgumentNullException(nameof(raw));
        }

        var token = raw.Trim().Trim('\uFEFF', '\u200B').Trim();
        foreach (var prefix in new[] { "Bearer", "token" })
        {
            if (token.Length > prefix.Length
                && token.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && char.IsWhiteSpace(token[prefix.Length]))
            {
                token = token.Substring(prefix.Length).Trim();
                break;
            }
        }

        if (token.Length == 0 || string.Equals(token, "Bearer", StringComparison.OrdinalIgnoreCase) || string.Equals(token, "token", StringComparison.OrdinalIgnoreCase))
        {
            throw new BuildServiceException(
                ErrorIds.For(service, ErrorReason.TokenEmpty),
                ErrorKind.InvalidArgument,
                $"The {service} token from {origin} is empty. Give the token itself: {Ways(service)}.",
                origin) { IsTerminating = true };
        }

        foreach (var c in token)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c > '\u007E')
            {
                throw new BuildServiceException(
                    ErrorIds.For(service, ErrorReason.TokenMalformed),
                    ErrorKind.InvalidArgument,
                    $"The {service} token from {origin} contains a space, line break or non-ASCII character inside it, so it cannot be sent. Copy the token again as one word.",
                    origin) { IsTerminating = true };
            }
        }

        return token;
    }

    public static BuildServiceException Missing(ServiceKind service) => new(
        ErrorIds.For(service, ErrorReason.TokenMissing),
        ErrorKind.AuthenticationError,
        $"No {service} token was found. {Ways(service)}.",
        service)
    {
        IsTerminating = true,
    };

    private static string Ways(ServiceKind service)
    {
        var ways = $"Pass -Token (a SecureString), run Connect-BuildService -Service {service} -Token ..., or set the environment variable {EnvironmentVariable(service)}";
        return service == ServiceKind.ProductScience
            ? ways + ", or put productscience.token in a productscience.properties or productscience.yaml file in the current directory"
            : ways;
    }

    private static ResolvedToken? FromProductScienceFiles(string directory)
    {
        var properties = Path.Combine(directory, "productscience.properties");
        if (File.Exists(properties))
        {
            var values = JavaProperties.Parse(ReadFile(properties));
            if (values.TryGetValue(ProductScienceTokenKey, out var token) && !string.IsNullOrWhiteSpace(token))
            {
                return new ResolvedToken(Normalize(ServiceKind.ProductScience, token, properties), TokenSource.File, properties);
            }
        }

        foreach (var name in new[] { "productscience.yaml", "productscience.yml" })
        {
            var yaml = Path.Combine(directory, name);
            if (File.Exists(yaml))
            {
                var token = ReadYamlToken(yaml);
                if (!string.IsNullOrWhiteSpace(token))
                {
                    return new ResolvedToken(Normalize(ServiceKind.ProductScience, token!, yaml), TokenSource.File, yaml);
                }
            }
        }

        return null;
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.TokenFileInvalid,
                ErrorKind.ReadError,
                $"Could not read '{path}': {e.Message} Fix the file's permissions or remove it and pass -Token instead.",
                path,
                e) { IsTerminating = true };
        }
    }

    /// <summary>Accepts both <c>productscience.token: x</c> and <c>productscience: { token: x }</c>.</summary>
    private static string? ReadYamlToken(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(ReadFile(path));
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new BuildServiceException(
                ErrorIds.ProductScience.TokenFileInvalid,
                ErrorKind.InvalidData,
                $"'{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message} Fix the file or pass -Token instead.",
                path,
                e) { IsTerminating = true };
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return null;
        }

        if (root.Children.TryGetValue(new YamlScalarNode(ProductScienceTokenKey), out var flat) && flat is YamlScalarNode flatValue)
        {
            return flatValue.Value;
        }

        if (root.Children.TryGetValue(new YamlScalarNode("productscience"), out var nested)
            && nested is YamlMappingNode nestedMap
            && nestedMap.Children.TryGetValue(new YamlScalarNode("token"), out var nestedToken)
            && nestedToken is YamlScalarNode nestedValue)
        {
            return nestedValue.Value;
        }

        return null;
    }
}
