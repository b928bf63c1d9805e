using System;
using System.Management.Automation;
using System.Security;
using PSBuildUpload.Core;

using PSBuildUpload.Engine.ProductScience;

namespace PSBuildUpload.ProductScience;

/// <summary>The Product Science cmdlets that call the API: -Token and -BaseUri, and the client.</summary>
public abstract class ProductScienceCmdlet : BuildServiceCmdlet
{
    /// <summary>The Product Science API token; see about_PSBuildUpload for the other ways to give it.</summary>
    [Parameter]
    [SecretParameter]
    public SecureString? Token { get; set; }

    /// <summary>Replaces scheme, host and port of the Product Science endpoints (a private instance, the sandbox).</summary>
    [Parameter]
    public Uri? BaseUri { get; set; }

    protected override BuildService Service => BuildService.ProductScience;

    protected override SecureString? TokenParameter => Token;

    protected override Uri? BaseUriParameter => BaseUri;

    protected IProductScienceClient Client => new ProductScienceClient(Endpoint, Observer);
}
