using Switchback.Core.Bundles;

namespace Switchback.Core.Tests.Bundles;

public sealed class BundleDiffTests
{
    [Fact]
    public void Compare_SameContent_IsEmpty()
        => Assert.Empty(BundleDiff.Compare("""{"a":{"b":1}}""", """{"a":{"b":1}}"""));

    [Fact]
    public void Compare_NestedChangesAddedAndRemoved_ListsEachPathInOrder()
    {
        var a = """{"labels":{"owner":"ml","team.name":"x"},"model":{"endpoint":"http://a/","name":"m"},"serving":{"temperature":0.2}}""";
        var b = """{"labels":{"owner":"ml"},"model":{"endpoint":"http://b/","name":"m"},"prompt":{"system":"hi"},"serving":{"max_tokens":5,"temperature":0.2}}""";
        Assert.Equal(
        [
            new FieldDifference("labels[\"team.name\"]", "\"x\"", null),
            new FieldDifference("model.endpoint", "\"http://a/\"", "\"http://b/\""),
            new FieldDifference("prompt", null, "{\"system\":\"hi\"}"),
            new FieldDifference("serving.max_tokens", null, "5"),
        ], BundleDiff.Compare(a, b));
    }

    [Fact]
    public void Compare_Arrays_AreWholeValuesAtTheirPath()
    {
        var diff = Assert.Single(BundleDiff.Compare("""{"serving":{"stop":["a","b"]}}""", """{"serving":{"stop":["a","c"]}}"""));
        Assert.Equal(new FieldDifference("serving.stop", "[\"a\",\"b\"]", "[\"a\",\"c\"]"), diff);
    }

    [Fact]
    public void Compare_ObjectReplacedByScalar_IsOneDifference()
        => Assert.Equal([new FieldDifference("x", "{\"y\":1}", "2")], BundleDiff.Compare("""{"x":{"y":1}}""", """{"x":2}"""));

    [Fact]
    public void Compare_NonCanonicalSpellings_CompareByValue()
        => Assert.Empty(BundleDiff.Compare("""{"t": 0.20, "n": 1.0}""", """{"n":1,"t":0.2}"""));

    [Fact]
    public void Compare_NotJson_ThrowsArgumentException()
        => Assert.Throws<ArgumentException>(() => BundleDiff.Compare("{", "{}"));
}
