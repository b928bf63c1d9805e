using System;
using System.Management.Automation;
using System.Security;
using System.Text.RegularExpressions;
using PSBuildUpload.Core;
using PSBuildUpload.Engine;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>The Bitrise cmdlets: -Token, -BaseUri, the client, slug checks and -First/-Skip paging.</summary>
public abstract class BitriseCmdlet : BuildServiceCmdlet
{
    private static readonly Regex SlugPattern = new("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant);

    /// <summary>A Bitrise personal access token; see about_PSBuildUpload for the other ways to give it.</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Token { get; set; }

    /// <summary>Replaces scheme, host and port of the Bitrise API (https://api.bitrise.io).</summary>
    [Parameter]
    public Uri? BaseUri { get; set; }

    protected override BuildService Service => BuildService.Bitrise;

    protected override SecureString? TokenParameter => Token;

    protected override Uri? BaseUriParameter => BaseUri;

    protected BitriseClient Client => new(Endpoint, Observer);

    /// <summary>Refuses, before any request, a slug that cannot be one (spaces, slashes, path tricks).</summary>
    protected static string ValidateSlug(string? value, string parameter)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (!SlugPattern.IsMatch(trimmed))
        {
            throw ErrorRecords.InvalidArgument(
                ErrorIds.Bitrise.InvalidSlug,
                trimmed.Length == 0
                    ? $"-{parameter} is empty. Give the slug, as Get-Bitrise* cmdlets show it or as it appears in the app's URL on bitrise.io."
                    : $"-{parameter} '{value}' is not a Bitrise slug (letters, digits, '-' and '_' only). Copy it from the Get-Bitrise* output or the URL on bitrise.io.",
                value);
        }

        return trimmed;
    }

    /// <summary>
    /// Streams a paged list into the pipeline honouring -First, -Skip and -IncludeTotalCount (for cmdlets declared
    /// with SupportsPaging): returns the callbacks for the engine's ListAsync and the number of items to ask for.
    /// </summary>
    protected (long? Wanted, Func<T, bool> OnItem, Action<long?> OnTotal) Pager<T>(Func<T, object>? shape = null)
    {
        var paging = PagingParameters;
        var first = paging?.First ?? ulong.MaxValue;
        var skip = paging?.Skip ?? 0;
        long? wanted = first == ulong.MaxValue ? null : (long)Math.Min(long.MaxValue, first + skip);
        ulong skipped = 0;
        ulong emitted = 0;
        bool OnItem(T item)
        {
            if (skipped < skip)
            {
                skipped++;
                return true;
            }

            if (emitted >= first)
            {
                return false;
            }

            var shaped = shape is null ? item : shape(item);
            if (emitted == 0)
            {
                // The first object reaches the pipeline before the next page is asked for; later ones overlap with it.
                EmitAndWait(shaped);
            }
            else
            {
                Emit(shaped);
            }

            emitted++;
            return emitted < first;
        }

        void OnTotal(long? total)
        {
            if (paging?.IncludeTotalCount == true)
            {
                Emit(paging.NewTotalCount(total is { } t ? (ulong)Math.Max(0, t) : 0, total is null ? 0.0 : 1.0));
            }
        }

        return (wanted, OnItem, OnTotal);
    }
}
