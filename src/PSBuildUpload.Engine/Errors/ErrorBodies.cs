using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace PSBuildUpload.Engine.Errors;

/// <summary>Finds the server's own words in the error bodies the three services send.</summary>
public static class ErrorBodies
{
    private const int MaximumLength = 500;

    /// <summary>
    /// <c>{"message":…}</c>, <c>{"error_msg":…}</c>, <c>{"error":"…"}</c>, <c>{"error":{"message":…}}</c>,
    /// <c>{"errors":[…]}</c>, <c>{"detail":…}</c>/<c>{"title":…}</c>; a short plain-text body as it is; nothing for HTML.
    /// </summary>
    public static string? Message(byte[] body, string? contentType)
    {
        if (body is null || body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return Clip(FromElement(document.RootElement));
        }
        catch (JsonException)
        {
            if (contentType?.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4096)).Trim();
            if (text.StartsWith("<", StringComparison.Ordinal))
            {
                // Object stores (GCS, S3) answer <Error><Code>…</Code><Message>…</Message></Error>.
                var code = XmlElement(text, "Code");
                var message = XmlElement(text, "Message");
                return message is null ? null : Clip(code is null ? message : code + ": " + message);
            }

            return text.Length == 0 ? null : Clip(text);
        }
    }

    private static string? XmlElement(string xml, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(xml, "<" + name + ">([^<]*)</" + name + ">", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static string? FromElement(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.String)
        {
            return root.GetString();
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in new[] { "message", "error_msg", "errorMessage", "error", "errors", "detail", "title" })
        {
            if (!TryGet(root, name, out var value))
            {
                continue;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()):
                    return value.GetString();
                case JsonValueKind.Object:
                    var nested = FromElement(value);
                    if (nested is not null)
                    {
                        return nested;
                    }

                    break;
                case JsonValueKind.Array:
                    var items = new List<string>();
                    foreach (var item in value.EnumerateArray())
                    {
                        var text = item.ValueKind == JsonValueKind.String ? item.GetString() : FromElement(item);
                        if (!string.IsNullOrWhiteSpace(text))
                        {
                            items.Add(text!);
                        }
                    }

                    if (items.Count > 0)
                    {
                        return string.Join("; ", items.Distinct());
                    }

                    break;
            }
        }

        return null;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string? Clip(string? text)
    {
        if (text is null)
        {
            return null;
        }

        text = text.Replace("\r", " ").Replace("\n", " ").Trim();
        return text.Length <= MaximumLength ? text : text.Substring(0, MaximumLength) + "…";
    }
}
