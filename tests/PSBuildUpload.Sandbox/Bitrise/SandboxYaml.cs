using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PSBuildUpload.Sandbox.Bitrise;

/// <summary>
/// The emulator's own YAML reader, so it can refuse a broken bitrise.yml as the service does and answer with the
/// config as JSON. YamlDotNet is loaded from SandboxYaml/ into a context of its own and used by reflection: the
/// tests run in this process, and a YamlDotNet in the default context (or on the trusted-platform list) would
/// change where the module's engine finds its own copy, which is what ModuleTests checks.
/// </summary>
internal static class SandboxYaml
{
    private static readonly Lazy<(object Deserializer, MethodInfo Deserialize)> Parser = new(Load);

    /// <summary>Parses one YAML document into dictionaries, lists and scalars; on a fault, gives line, column and message.</summary>
    public static bool TryParse(string yaml, out object? value, out (long Line, long Column, string Message) fault)
    {
        var (deserializer, deserialize) = Parser.Value;
        try
        {
            value = Plain(deserialize.Invoke(deserializer, new object[] { new StringReader(yaml) }));
            fault = default;
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner && inner.GetType().FullName?.StartsWith("YamlDotNet.", StringComparison.Ordinal) == true)
        {
            var start = inner.GetType().GetProperty("Start")?.GetValue(inner);
            long Read(string name) => start is null ? 0 : Convert.ToInt64(start.GetType().GetProperty(name)?.GetValue(start) ?? 0L, CultureInfo.InvariantCulture);
            value = null;
            fault = (Read("Line"), Read("Column"), inner.Message);
            return false;
        }
    }

    private static (object, MethodInfo) Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SandboxYaml", "YamlDotNet.dll");
        var assembly = new AssemblyLoadContext("PSBuildUpload.Sandbox.Yaml").LoadFromAssemblyPath(path);
        var builderType = assembly.GetType("YamlDotNet.Serialization.DeserializerBuilder", throwOnError: true)!;
        var builder = Activator.CreateInstance(builderType)!;
        foreach (var option in new[] { "WithDuplicateKeyChecking", "WithAttemptingUnquotedStringTypeDeserialization" })
        {
            builder = builderType.GetMethod(option, Type.EmptyTypes)?.Invoke(builder, null) ?? builder;
        }

        var deserializer = builderType.GetMethod("Build", Type.EmptyTypes)!.Invoke(builder, null)!;
        var deserialize = Array.Find(
            assembly.GetType("YamlDotNet.Serialization.IDeserializer", throwOnError: true)!.GetMethods(),
            m => m.Name == "Deserialize" && !m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var type }] && type == typeof(TextReader))!;
        return (deserializer, deserialize);
    }

    /// <summary>YamlDotNet's object graph (object-keyed dictionaries) as one System.Text.Json can write.</summary>
    private static object? Plain(object? node) => node switch
    {
        null => null,
        string or bool or int or long or double or decimal or float => node,
        IDictionary map => Map(map),
        IEnumerable list => List(list),
        _ => Convert.ToString(node, CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, object?> Map(IDictionary map)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Plain(entry.Value);
        }

        return result;
    }

    private static List<object?> List(IEnumerable list)
    {
        var result = new List<object?>();
        foreach (var item in list)
        {
            result.Add(Plain(item));
        }

        return result;
    }
}
