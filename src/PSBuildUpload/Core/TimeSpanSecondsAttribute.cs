using System;
using System.Globalization;
using System.Management.Automation;

namespace PSBuildUpload.Core;

/// <summary>
/// Lets a TimeSpan parameter take a number of seconds (-Timeout 600) as well as a TimeSpan or "hh:mm:ss"; plain
/// PowerShell would read 600 as 600 ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeSpanSecondsAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        double? seconds = value switch
        {
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string text when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (seconds is not { } s)
        {
            return inputData;
        }

        if (double.IsNaN(s) || Math.Abs(s) > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new ArgumentTransformationMetadataException($"{value} is not a usable number of seconds.");
        }

        return TimeSpan.FromSeconds(s);
    }
}
