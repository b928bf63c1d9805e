using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace PSBuildUpload.Host;

/// <summary>A list view of emitted objects (the hosted engine has no Format-List or Out-String).</summary>
internal static class ObjectPrinter
{
    public static string Format(PSObject item)
    {
        if (item.BaseObject is string or ValueType)
        {
            return Describe(item.BaseObject);
        }

        var text = new StringBuilder();
        text.AppendLine(item.BaseObject.GetType().FullName);
        var properties = item.Properties.Where(p => p.IsGettable).ToArray();
        var width = properties.Length == 0 ? 0 : properties.Max(p => p.Name.Length);
        foreach (var property in properties)
        {
            object? value;
            try
            {
                value = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }

            text.Append(property.Name.PadRight(width)).Append(" : ").AppendLine(Describe(value));
        }

        return text.ToString();
    }

    private static string Describe(object? value) => value switch
    {
        null => string.Empty,
        PSObject ps => Describe(ps.BaseObject),
        string s => s,
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{k}={map[k]}")) + "}",
        IEnumerable list => "{" + string.Join(", ", list.Cast<object>()) + "}",
        DateTimeOffset time => time.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
