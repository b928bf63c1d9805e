using System;
using System.Globalization;
using System.Management.Automation;

namespace PSBuildUpload.Applivery;

/// <summary>
/// Lets a DateTimeOffset parameter take Unix milliseconds (-TriggerTimestamp 1558359012580, as Applivery's own
/// examples write it) as well as a date.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class UnixTimeAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        long? milliseconds = value switch
        {
            int or long or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            double d when d >= long.MinValue && d <= long.MaxValue && Math.Floor(d) == d => (long)d,
            string text when long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (milliseconds is not { } ms)
        {
            return inputData;
        }

        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentTransformationMetadataException($"{ms} is not a Unix time in milliseconds.", e);
        }
    }
}
