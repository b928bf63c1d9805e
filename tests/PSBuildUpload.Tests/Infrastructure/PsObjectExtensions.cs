using System;
using System.Management.Automation;

namespace PSBuildUpload.Tests.Infrastructure;

/// <summary>
/// Reads properties of emitted objects by name: the test project does not reference the engine (the module loads it
/// in its own context), so its types are seen the way a script sees them.
/// </summary>
public static class PsObjectExtensions
{
    /// <summary>A property, or a dotted path of properties ("Build.ContextId").</summary>
    public static object? P(this PSObject item, string path)
    {
        ArgumentNullException.ThrowIfNull(item);
        object? current = item;
        foreach (var name in path.Split('.'))
        {
            if (current is null)
            {
                return null;
            }

            var wrapped = current as PSObject ?? PSObject.AsPSObject(current);
            var property = wrapped.Properties[name] ?? throw new ArgumentException($"{wrapped.BaseObject.GetType().Name} has no property '{name}'.");
            current = property.Value;
        }

        return current is PSObject ps ? ps.BaseObject : current;
    }

    public static T P<T>(this PSObject item, string path) => (T)Convert.ChangeType(item.P(path), typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;

    public static string TypeName(this PSObject item) => item.BaseObject.GetType().FullName!;
}
