using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Completion;
using PSBuildUpload.Engine.Bitrise;
using PSBuildUpload.Engine.Errors;

namespace PSBuildUpload.Bitrise;

/// <summary>
/// What Set-BitriseProvisioningProfile and Set-BitriseBuildCertificate share: the -Protected, -Exposed and -Processed
/// switches (a switch given as -X or -X:$false is a change; one not given is left out of the PATCH), the refusals
/// before the PATCH (<see cref="BitriseClient.CheckChange"/>), and the flow: a piped item's own state is checked, so
/// nothing at all is sent for a refused change; given by slugs, the item is read first.
/// </summary>
public abstract class SetBitriseCodeSigningFileCommand : BitriseCmdlet
{
    protected const string SlugSet = "Slug";
    protected const string ObjectSet = "Object";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = SlugSet)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(BitriseAppSlugCompleter))]
    public string AppSlug { get; set; } = string.Empty;

    /// <summary>-Protected protects the item for good (its file can no longer be downloaded); -Protected:$false is refused on a protected one.</summary>
    [Parameter]
    public SwitchParameter Protected { get; set; }

    /// <summary>-Exposed / -Exposed:$false: whether builds of pull requests from forks may use it.</summary>
    [Parameter]
    public SwitchParameter Exposed { get; set; }

    /// <summary>-Processed marks it processed (as confirming the upload does); -Processed:$false is refused on a processed one.</summary>
    [Parameter]
    public SwitchParameter Processed { get; set; }

    /// <summary>What messages call the item: "provisioning profile", "build certificate".</summary>
    private protected abstract string Noun { get; }

    /// <summary>The name of the parameter that takes the item's slug.</summary>
    private protected abstract string SlugParameter { get; }

    /// <summary>The item's slug as given by that parameter.</summary>
    private protected abstract string SlugArgument { get; }

    /// <summary>The piped item (Object set), or null when given by slugs.</summary>
    private protected abstract CodeSigningItem? Piped { get; }

    /// <summary>A new certificate password, or null (profiles have none).</summary>
    private protected virtual string? NewPassword => null;

    private protected abstract Task<CodeSigningItem> GetAsync(BitriseClient client, string appSlug, string slug, CancellationToken cancellationToken);

    private protected abstract Task<object> SetAsync(BitriseClient client, string appSlug, string slug, BitriseCodeSigningChange change, CancellationToken cancellationToken);

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            var known = ParameterSetName == ObjectSet ? Piped : null;
            var appSlug = ValidateSlug(known?.AppSlug ?? AppSlug, nameof(AppSlug));
            var slug = ValidateSlug(known?.Slug ?? SlugArgument, SlugParameter);
            var bound = MyInvocation.BoundParameters;
            var change = new BitriseCodeSigningChange
            {
                IsProtected = bound.ContainsKey(nameof(Protected)) ? Protected.IsPresent : null,
                IsExpose = bound.ContainsKey(nameof(Exposed)) ? Exposed.IsPresent : null,
                Processed = bound.ContainsKey(nameof(Processed)) ? Processed.IsPresent : null,
                CertificatePassword = NewPassword,
            };
            var what = $"{Noun} {slug} of app {appSlug}";
            BitriseClient.CheckChange(change, known?.IsProtected ?? false, known?.IsExpose ?? false, known?.Processed ?? false, what, slug);
            if (!await ShouldProcessAsync(what, Describe(change)).ConfigureAwait(false))
            {
                return;
            }

            var client = Client;
            if (known is null)
            {
                var current = await GetAsync(client, appSlug, slug, cancellationToken).ConfigureAwait(false);
                BitriseClient.CheckChange(change, current.IsProtected, current.IsExpose, current.Processed, what, slug);
            }

            Emit(await SetAsync(client, appSlug, slug, change, cancellationToken).ConfigureAwait(false));
        }
        catch (BuildServiceException e)
        {
            EmitError(e);
        }
    }

    /// <summary>The ShouldProcess action; says that a password is set, never what it is.</summary>
    internal static string Describe(BitriseCodeSigningChange change)
    {
        var parts = new List<string>();
        if (change.IsProtected is { } p)
        {
            parts.Add("is_protected=" + (p ? "true" : "false"));
        }

        if (change.IsExpose is { } e)
        {
            parts.Add("is_expose=" + (e ? "true" : "false"));
        }

        if (change.Processed is { } d)
        {
            parts.Add("processed=" + (d ? "true" : "false"));
        }

        if (change.CertificatePassword is not null)
        {
            parts.Add("set the password");
        }

        return "Set " + string.Join(", ", parts);
    }
}

/// <summary>The slugs and state of a profile or certificate that the refusals look at.</summary>
internal sealed class CodeSigningItem
{
    public CodeSigningItem(string appSlug, string slug, bool isProtected, bool isExpose, bool processed)
    {
        AppSlug = appSlug;
        Slug = slug;
        IsProtected = isProtected;
        IsExpose = isExpose;
        Processed = processed;
    }

    public string AppSlug { get; }

    public string Slug { get; }

    public bool IsProtected { get; }

    public bool IsExpose { get; }

    public bool Processed { get; }

    public static CodeSigningItem Of(BitriseProvisioningProfile p) => new(p.AppSlug, p.ProvisioningProfileSlug, p.IsProtected, p.IsExpose, p.Processed);

    public static CodeSigningItem Of(BitriseBuildCertificate c) => new(c.AppSlug, c.BuildCertificateSlug, c.IsProtected, c.IsExpose, c.Processed);
}
