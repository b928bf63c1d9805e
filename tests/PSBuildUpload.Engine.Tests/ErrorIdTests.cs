using System;
using System.Linq;
using PSBuildUpload.Engine.Errors;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class ErrorIdTests
{
    [Fact]
    public void Every_ErrorId_has_the_Service_dot_Reason_form_and_is_unique()
    {
        var all = ErrorIds.All();
        Assert.Contains("ProductScience.Unauthorized", all);
        Assert.Contains("Bitrise.NotFound", all);
        Assert.Contains(ErrorIds.ProductScience.FileTooLarge, all);
        Assert.All(all, id => Assert.Matches(@"^(ProductScience|Applivery|Bitrise|PSBuildUpload)\.[A-Za-z0-9]+$", id));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}
