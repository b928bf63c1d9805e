using PSBuildUpload.Engine.Auth;
using Xunit;

namespace PSBuildUpload.Engine.Tests;

public sealed class JavaPropertiesTests
{
    [Fact]
    public void Reads_the_separators_comments_continuations_and_escapes_of_java_util_Properties()
    {
        var text = "# comment\n! also a comment\nproductscience.token = abc\\\n    def\nkey2:value2\nkey3 value3\n  spaced\\ key = x\\u0041y\nempty=\n";
        var values = JavaProperties.Parse(text);
        Assert.Equal("abcdef", values["productscience.token"]);
        Assert.Equal("value2", values["key2"]);
        Assert.Equal("value3", values["key3"]);
        Assert.Equal("xAy", values["spaced key"]);
        Assert.Equal(string.Empty, values["empty"]);
        Assert.False(values.ContainsKey("# comment"));
    }

    [Fact]
    public void Windows_line_endings_and_a_trailing_backslash_pair_are_handled()
    {
        var values = JavaProperties.Parse("a=1\r\nb=path\\\\\r\nc=3");
        Assert.Equal("1", values["a"]);
        Assert.Equal("path\\", values["b"]);
        Assert.Equal("3", values["c"]);
    }
}
