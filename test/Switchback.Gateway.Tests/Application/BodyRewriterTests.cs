using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Application;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Templates;
using Switchback.Storage;

namespace Switchback.Gateway.Tests.Application;

/// <summary>The streaming rewrite must give exactly what the DOM-based <see cref="BundleApplier"/> gives.</summary>
public sealed class BodyRewriterTests
{
    private const string Template = "You are {{ company }}'s assistant, {{ tone }}.";

    private static readonly Dictionary<string, JsonNode?> NoVariables = [];

    private static readonly TemplateRenderer Renderer = new(Options.Create(new GatewayOptions()), TimeProvider.System);

    private static ServingBundle Read(string? system = Template, string? modelName = "up-model", int version = 1)
    {
        var content = new JsonObject
        {
            ["kind"] = "Bundle",
            ["deployment"] = "svc",
            ["version"] = version,
            ["model"] = new JsonObject { ["provider"] = "openai", ["endpoint"] = "http://127.0.0.1:9/v1", ["name"] = modelName },
            ["prompt"] = system is null ? null : new JsonObject { ["system"] = system, ["variables"] = new JsonObject { ["company"] = "Acme", ["tone"] = "friendly" } },
            ["serving"] = new JsonObject { ["temperature"] = 0.2, ["max_tokens"] = 64, ["stop"] = new JsonArray("\n\n", "END") },
        };
        return new BundleReader(Switchback.Core.Access.UpstreamKeyPolicy.Default, Renderer).Read(new StoredBundle("svc", version, "sha256:" + version + (system ?? "none"), content.ToJsonString(), DateTimeOffset.UnixEpoch, "test", false));
    }

    public static TheoryData<string> Bodies() =>
    [
        """{"model":"svc","messages":[{"role":"user","content":"hi"}]}""",
        """{ "model" : "svc" , "messages" : [ ] , "max_tokens" : 5 }""",
        """{"messages":[{"role":"system","content":"client rules"},{"role":"user","content":"hé <b> & \u00e9"}],"model":"svc@2","temperature":1,"stop":null}""",
        """{"model":"svc","messages":[{"role":"user","content":"x"}],"switchback":{"variables":{"tone":"formal","n":3}},"user":"u1"}""",
        """{"mod\u0065l":"svc","messages":[{"role":"user","content":"x"}],"nested":{"model":"keep","a":[1,2,{"b":null}]},"switchback":null}""",
        """{"model":"svc","messages":[],"seed":7,"top_p":0.5,"max_tokens":1e3}""",
        """{"model":"svc","messages":[{"role":"user","content":"x"}],"max_completion_tokens":9}""",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Rewrite_AnyEndpoint_SameJsonAsDomApplier(string text)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        foreach (var bundle in new[] { Read(), Read(system: null), Read(modelName: null) })
        {
            foreach (var kind in new[] { EndpointKind.Chat, EndpointKind.Completions, EndpointKind.Embeddings })
            {
                Assert.Null(RequestBodyScanner.Scan(raw, out var fields));
                var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["company"] = "Header Co" };
                var domVariables = new Dictionary<string, JsonNode?>(variables, StringComparer.Ordinal);
                Assert.Null(BodyRewriter.TakeVariables(raw, fields, variables));
                var dom = JsonNode.Parse(raw)!.AsObject();
                Assert.Null(BundleApplier.TakeVariables(dom, domVariables));
                Assert.Equal(domVariables.Keys.Order(), variables.Keys.Order());

                Assert.Null(BodyRewriter.Rewrite(raw, fields, bundle, kind, variables, CancellationToken.None, out var streamed));
                Assert.Null(BundleApplier.Apply(dom, bundle, kind, domVariables, CancellationToken.None));

                Assert.True(JsonNode.DeepEquals(dom, JsonNode.Parse(streamed)), $"{kind}: {Encoding.UTF8.GetString(streamed)} vs {dom.ToJsonString()}");
                Assert.Equal(dom.Select(p => p.Key), JsonNode.Parse(streamed)!.AsObject().Select(p => p.Key));
            }
        }
    }

    [Fact]
    public void Rewrite_NoRequestVariables_ReusesRenderedSystemMessage()
    {
        var bundle = Read();
        var raw = """{"model":"svc","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray();
        Assert.Null(RequestBodyScanner.Scan(raw, out var fields));

        Assert.Null(BodyRewriter.Rewrite(raw, fields, bundle, EndpointKind.Chat, new Dictionary<string, JsonNode?>(), CancellationToken.None, out var body));

        Assert.Same(bundle.Rewrite.RenderSystemMessage(bundle, NoVariables, CancellationToken.None).Message, bundle.Rewrite.RenderSystemMessage(bundle, NoVariables, CancellationToken.None).Message);
        var sent = JsonNode.Parse(body)!;
        Assert.Equal("You are Acme's assistant, friendly.", (string?)sent["messages"]![0]!["content"]);
        Assert.Equal("up-model", (string?)sent["model"]);
    }

    [Fact]
    public void Rewrite_TemplateReadsClock_IsNotCached()
    {
        var bundle = Read(system: "Today is {{ 'now' | date: '%Y' }}.");

        Assert.False(bundle.Rewrite.SystemIsConstant);
        Assert.True(Read().Rewrite.SystemIsConstant);
    }

    [Fact]
    public void Rewrite_MessagesNotArray_IsInvalidMessages()
    {
        var raw = """{"model":"svc","messages":{"role":"user"}}"""u8.ToArray();
        Assert.Null(RequestBodyScanner.Scan(raw, out var fields));

        var error = BodyRewriter.Rewrite(raw, fields, Read(), EndpointKind.Chat, new Dictionary<string, JsonNode?>(), CancellationToken.None, out _);

        Assert.Equal("invalid_messages", error?.Code);
    }

    [Fact]
    public void Rewrite_MissingVariable_IsTemplateRenderFailedEveryTime()
    {
        var bundle = Read(system: "For {{ customer }}");
        var raw = """{"model":"svc","messages":[]}"""u8.ToArray();
        Assert.Null(RequestBodyScanner.Scan(raw, out var fields));

        for (var i = 0; i < 2; i++)
        {
            var error = BodyRewriter.Rewrite(raw, fields, bundle, EndpointKind.Chat, new Dictionary<string, JsonNode?>(), CancellationToken.None, out _);
            Assert.Equal("template_render_failed", error?.Code);
        }
    }

    [Theory]
    [InlineData("", "invalid_json")]
    [InlineData("{", "invalid_json")]
    [InlineData("[1,2]", "invalid_json")]
    [InlineData("\"svc\"", "invalid_json")]
    [InlineData("""{"model":"svc"} x""", "invalid_json")]
    [InlineData("""{"model":"svc",}""", "invalid_json")]
    [InlineData("""{"model":"svc","a":[1,}""", "invalid_json")]
    [InlineData("""{"model":"svc" /* c */}""", "invalid_json")]
    [InlineData("""{"model":"a","model":"b"}""", "invalid_json")]
    [InlineData("""{"model":7}""", "invalid_model")]
    [InlineData("""{"messages":[]}""", "invalid_model")]
    [InlineData("""{"model":null,"x":[}""", "invalid_json")]
    public void Scan_MalformedBody_IsClear400(string text, string code)
    {
        var error = RequestBodyScanner.Scan(Encoding.UTF8.GetBytes(text), out _);

        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Scan_ValidBody_FindsModelUserAndOptions()
    {
        var raw = """{"user":"u\"1","model":"svc@3","switchback":{"variables":{}},"messages":"no"}"""u8.ToArray();

        Assert.Null(RequestBodyScanner.Scan(raw, out var fields));

        Assert.Equal("svc@3", fields.Model);
        Assert.Equal("u\"1", fields.User);
        Assert.True(fields.HasOptions);
        Assert.Equal("""{"variables":{}}""", Encoding.UTF8.GetString(raw[fields.Options]));
        Assert.Equal(JsonTokenType.String, fields.Messages);
    }

    [Fact]
    public void TakeVariables_OptionsNotObject_IsInvalidOptions()
    {
        var raw = """{"model":"svc","switchback":{"variables":[1]}}"""u8.ToArray();
        Assert.Null(RequestBodyScanner.Scan(raw, out var fields));

        var error = BodyRewriter.TakeVariables(raw, fields, new Dictionary<string, JsonNode?>());

        Assert.Equal("invalid_switchback_options", error?.Code);
    }
}
