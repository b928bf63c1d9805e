using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PSBuildUpload.Engine.Applivery;

/// <summary>
/// Reads Applivery's JSON leniently. Its documents show the same field as a number in one place and a string in
/// another (<c>size</c>), an object or an id (<c>uploadedBy</c>), a string or an array (<c>ProvisionedDevices</c>); a
/// build that was uploaded must still be reported, so a value of an unexpected shape is converted or left null
/// instead of failing the whole answer.
/// </summary>
internal static class AppliveryJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new LenientString());
        options.Converters.Add(new LenientStringArray());
        options.Converters.Add(new LenientInt64());
        options.Converters.Add(new LenientDouble());
        options.Converters.Add(new LenientBoolean());
        options.Converters.Add(new LenientDate());
        options.Converters.Add(new LenientObjectFactory());
        return options;
    }

    /// <summary>The text of any scalar; the raw JSON of an object or array.</summary>
    internal static string? AsText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => element.GetRawText(),
    };

    private sealed class LenientString : JsonConverter<string?>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return AsText(document.RootElement);
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class LenientStringArray : JsonConverter<string[]?>
    {
        public override string[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray().Select(AsText).Where(s => s is not null).Select(s => s!).ToArray(),
                JsonValueKind.Null => null,
                _ => new[] { AsText(root)! },
            };
        }

        public override void Write(Utf8JsonWriter writer, string[]? value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value ?? Array.Empty<string>())
            {
                writer.WriteStringValue(item);
            }

            writer.WriteEndArray();
        }
    }

    private sealed class LenientInt64 : JsonConverter<long?>
    {
        public override bool HandleNull => true;

        public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var whole))
                    {
                        return whole;
                    }

                    return reader.TryGetDouble(out var real) && Math.Abs(real) < 9e18 ? (long)Math.Round(real) : null;
                case JsonTokenType.String:
                    return long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteNumberValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    private sealed class LenientDouble : JsonConverter<double?>
    {
        public override bool HandleNull => true;

        public override double? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    return reader.TryGetDouble(out var number) ? number : null;
                case JsonTokenType.String:
                    return double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        public override void Write(Utf8JsonWriter writer, double? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteNumberValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    private sealed class LenientBoolean : JsonConverter<bool?>
    {
        public override bool HandleNull => true;

        public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                case JsonTokenType.String:
                    return bool.TryParse(reader.GetString(), out var parsed) ? parsed : null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteBooleanValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    /// <summary>ISO 8601 text, or Unix milliseconds as a number or a string of digits.</summary>
    private sealed class LenientDate : JsonConverter<DateTimeOffset?>
    {
        public override bool HandleNull => true;

        public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    return reader.TryGetInt64(out var ms) ? FromMilliseconds(ms) : null;
                case JsonTokenType.String:
                    var text = reader.GetString() ?? string.Empty;
                    if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var digits))
                    {
                        return FromMilliseconds(digits);
                    }

                    return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
        {
            if (value is { } v)
            {
                writer.WriteStringValue(v);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        private static DateTimeOffset? FromMilliseconds(long ms) =>
            ms is >= -62135596800000 and <= 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>The module's Applivery classes: an object is read property by property; an id string fills Id.</summary>
    private sealed class LenientObjectFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsClass
            && typeToConvert.Namespace == typeof(AppliveryBuild).Namespace
            && typeToConvert.GetConstructor(Type.EmptyTypes) is not null;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(LenientObject<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class LenientObject<T> : JsonConverter<T?>
        where T : class, new()
    {
        private static readonly ConcurrentDictionary<string, PropertyInfo?> Lookup = new(StringComparer.OrdinalIgnoreCase);

        private static readonly PropertyInfo[] Writable = typeof(T)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToArray();

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                // An id where the object was expected (uploadedBy: "5f…").
                var id = Find("id");
                if (id is null || id.PropertyType != typeof(string))
                {
                    return null;
                }

                var item = new T();
                id.SetValue(item, root.GetString());
                return item;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = new T();
            foreach (var property in root.EnumerateObject())
            {
                var target = Find(property.Name);
                if (target is not null)
                {
                    target.SetValue(result, property.Value.Deserialize(target.PropertyType, options));
                }
            }

            return result;
        }

        public override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
                return;
            }

            writer.WriteStartObject();
            foreach (var property in Writable)
            {
                var item = property.GetValue(value);
                if (item is not null)
                {
                    writer.WritePropertyName(options.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name);
                    JsonSerializer.Serialize(writer, item, property.PropertyType, options);
                }
            }

            writer.WriteEndObject();
        }

        private static PropertyInfo? Find(string jsonName) =>
            Lookup.GetOrAdd(jsonName, name => Writable.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)));
    }
}
