using Switchback.Core.Manifests;

namespace Switchback.Core.Tests.Manifests;

public sealed class MalformedManifestTests
{
    /// <summary>Each file of Manifests/Malformed with the document index, field path and message fragment it must produce.</summary>
    public static TheoryData<string, int, string, string> Corpus { get; } = new()
    {
        { "unknown-top-field.yaml", 0, "colour", "unknown field 'colour': expected one of kind, deployment, version, model" },
        { "unknown-serving-key.yaml", 0, "serving.temprature", "unknown field 'temprature': expected one of temperature, top_p" },
        { "missing-kind.yaml", 0, "kind", "required field is missing: expected Bundle, Rollout or Monitor" },
        { "bad-kind.yaml", 0, "kind", "'Bundel' is not a manifest kind: expected Bundle, Rollout or Monitor" },
        { "missing-deployment.yaml", 0, "deployment", "required field is missing: expected a deployment name" },
        { "bad-deployment-name.yaml", 0, "deployment", "'Support_Bot' is not a valid name" },
        { "missing-model.yaml", 0, "model", "required field is missing: expected a mapping with provider and endpoint" },
        { "missing-provider.yaml", 0, "model.provider", "required field is missing: expected openai or http" },
        { "bad-provider.yaml", 0, "model.provider", "'grpc' is not a provider: expected openai" },
        { "bad-endpoint-scheme.yaml", 0, "model.endpoint", "'ftp://h/x' is not an absolute http or https URL" },
        { "relative-endpoint.yaml", 0, "model.endpoint", "'/v1/chat' is not an absolute http or https URL" },
        { "openai-without-name.yaml", 0, "model.name", "required field is missing: expected the model name sent upstream" },
        { "api-key-literal.yaml", 0, "model.api_key", "a secret is never written in a manifest" },
        { "api-key-env-is-secret.yaml", 0, "model.api_key_env", "expected the NAME of an environment variable" },
        { "bad-weights-digest.yaml", 0, "model.weights", "is not sha256: followed by 64 lower-case hex digits" },
        { "version-zero.yaml", 0, "version", "expected a whole number from 1 to 2147483647, got 0" },
        { "version-word.yaml", 0, "version", "expected a whole number from 1 to 2147483647, got the string \"seven\"" },
        { "version-fraction.yaml", 0, "version", "expected a whole number from 1 to 2147483647, got 1.5" },
        { "temperature-out-of-range.yaml", 0, "serving.temperature", "expected a number from 0 to 2, got 3" },
        { "temperature-nan.yaml", 0, "serving.temperature", "NaN is not allowed: expected a finite number" },
        { "temperature-infinity.yaml", 0, "serving.temperature", "infinity is not allowed" },
        { "temperature-quoted.yaml", 0, "serving.temperature", "expected a number from 0 to 2, got the string \"0.2\"" },
        { "temperature-huge.yaml", 0, "serving.temperature", "out of range" },
        { "top-p-out-of-range.yaml", 0, "serving.top_p", "expected a number from 0 to 1, got 1.5" },
        { "max-tokens-zero.yaml", 0, "serving.max_tokens", "expected a whole number from 1" },
        { "max-tokens-string.json", 0, "serving.max_tokens", "expected a whole number from 1 to 2147483647, got the string \"512\"" },
        { "stop-mapping.yaml", 0, "serving.stop", "expected a stop string or a list of stop strings, got a mapping" },
        { "stop-list-with-mapping.yaml", 0, "serving.stop[1]", "expected a stop string, got a mapping" },
        { "system-not-string.yaml", 0, "prompt.system", "expected a template string, got a list" },
        { "bad-engine.yaml", 0, "prompt.engine", "'jinja' is not a template engine: expected liquid" },
        { "variable-nested.yaml", 0, "prompt.variables.tone", "expected a scalar (text, number, true/false or null), got a mapping" },
        { "variable-nan.yaml", 0, "prompt.variables.x", "NaN is not allowed" },
        { "retrieval-missing-version.yaml", 0, "retrieval.version", "required field is missing: expected a version" },
        { "retrieval-not-mapping.yaml", 0, "retrieval", "expected a mapping with fields index, version, got 'kb-articles'" },
        { "labels-list.yaml", 0, "labels", "expected a mapping of label names to text, got a list" },
        { "label-null.yaml", 0, "labels.owner", "expected a label value (text), got nothing (null)" },
        { "lineage-unknown-field.yaml", 0, "lineage.commit", "unknown field 'commit': expected one of git_commit, data, run, eval_report, parent" },
        { "duplicate-key.yaml", 0, "deployment", "duplicate key 'deployment' (line 4, column 1; first at line 2)" },
        { "duplicate-key-nested.yaml", 0, "model.endpoint", "duplicate key 'endpoint'" },
        { "duplicate-key.json", 0, "deployment", "duplicate key 'deployment'" },
        { "empty.yaml", 0, "(document)", "the manifest is empty" },
        { "whitespace-only.yaml", 0, "(document)", "the manifest is empty" },
        { "comments-only.yaml", 0, "(document)", "the manifest is empty" },
        { "list-document.yaml", 0, "(document)", "expected a mapping with kind: Bundle, Rollout or Monitor, got a list" },
        { "scalar-document.yaml", 0, "(document)", "expected a mapping with kind: Bundle, Rollout or Monitor, got 'just some text'" },
        { "yaml-syntax-error.yaml", 0, "(document)", "YAML syntax error near line 3" },
        { "yaml-bad-indent.yaml", 0, "(document)", "YAML syntax error at line 3" },
        { "second-document-bad.yaml", 1, "serving.temperature", "expected a number from 0 to 2, got 'hot'" },
        { "json-syntax-error.json", 0, "(document)", "JSON syntax error at line 1" },
        { "json-nan.json", 0, "(document)", "JSON syntax error at line 1" },
        { "anchor-alias.yaml", 0, "labels", "aliases (*m) are not supported in manifests" },
        { "yaml-tag.yaml", 0, "version", "YAML tags (tag:yaml.org,2002:int) are not supported" },
        { "rollout-missing-deployment.yaml", 0, "deployment", "required field is missing" },
        { "binary-nul.yaml", 0, "(file)", "contains a NUL byte at offset 12: this looks like a binary file" },
        { "invalid-utf8.yaml", 0, "(file)", "is not valid UTF-8 text" },
        { "evaluators-bad-pattern.yaml", 0, "evaluators.safety.deny[1].pattern", "not a valid .NET regular expression" },
        { "evaluators-unknown-field.yaml", 0, "evaluators.sample_rat", "unknown" },
        { "evaluators-list.yaml", 0, "evaluators", "expected a mapping of evaluator settings" },
        { "evaluators-sample-rate-range.yaml", 0, "evaluators.sample_rate", "1.5" },
        { "evaluators-wrong-type.yaml", 0, "evaluators.refusal.enabled", "true or false" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void ReadFile_MalformedManifest_ReportsSourceIndexPathAndExpectation(string file, int document, string path, string fragment)
    {
        var source = ManifestFiles.Malformed(file);
        var result = ManifestReader.ReadFile(source);
        Assert.False(result.IsValid);
        var all = string.Join("\n", result.Errors);
        Assert.Contains(result.Errors, e => e.DocumentIndex == document && e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(source, e.Source));
        Assert.All(result.Errors, e => Assert.StartsWith($"{source}: document {e.DocumentIndex}: {e.Path}: ", e.ToString(), StringComparison.Ordinal));
        Assert.True(result.Documents.All(d => d.Index != document), all);
    }

    [Fact]
    public void Corpus_CoversEveryMalformedFile()
    {
        var listed = Corpus.Select(row => row.Data.Item1).Order(StringComparer.Ordinal).ToArray();
        var onDisk = Directory.GetFiles(Path.GetDirectoryName(ManifestFiles.Malformed("x"))!).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(onDisk, listed);
        Assert.True(listed.Length >= 30);
    }

    [Fact]
    public void ReadFile_LiteralApiKey_NeverEchoesTheSecret()
    {
        foreach (var file in new[] { "api-key-literal.yaml", "api-key-env-is-secret.yaml" })
        {
            var result = ManifestReader.ReadFile(ManifestFiles.Malformed(file));
            Assert.NotEmpty(result.Errors);
            Assert.DoesNotContain(result.Errors, e => e.ToString().Contains("0123456789abcdef", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ReadFile_SecondDocumentBad_KeepsTheFirstDocument()
    {
        var result = ManifestReader.ReadFile(ManifestFiles.Malformed("second-document-bad.yaml"));
        var document = Assert.Single(result.Documents);
        Assert.Equal(0, document.Index);
        Assert.All(result.Errors, e => Assert.Equal(1, e.DocumentIndex));
    }

    [Fact]
    public void Read_SeveralMistakesInOneDocument_ReportsEachOfThem()
    {
        const string text = "kind: Bundle\ndeployment: Bad Name\nversion: 0\nmodel: { provider: grpc, endpoint: nope }\nserving: { temperature: 9, color: red }\n";
        var paths = ManifestReader.Read(text, "many.yaml").Errors.Select(e => e.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "deployment", "version", "model.provider", "model.endpoint", "serving.temperature", "serving.color" }, paths);
    }

    [Fact]
    public void ReadFile_OverTenMebibytes_IsRefusedWithoutParsing()
    {
        var dir = Directory.CreateTempSubdirectory("switchback-core-");
        try
        {
            var path = Path.Combine(dir.FullName, "huge.yaml");
            using (var stream = File.Create(path))
            {
                var line = "kind: Bundle\n"u8.ToArray();
                for (long written = 0; written <= ManifestReader.MaxFileBytes; written += line.Length)
                {
                    stream.Write(line);
                }
            }

            var error = Assert.Single(ManifestReader.ReadFile(path).Errors);
            Assert.Equal("(file)", error.Path);
            Assert.Contains("the limit is 10485760 bytes (10 MiB)", error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadFile_MissingFileOrDirectory_ReturnsErrorInsteadOfThrowing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "switchback-no-such-" + Guid.NewGuid().ToString("N") + ".yaml");
        Assert.Contains("file not found", Assert.Single(ManifestReader.ReadFile(missing).Errors).Message);
        Assert.Contains("is a directory", Assert.Single(ManifestReader.ReadFile(Path.GetTempPath()).Errors).Message);
    }

    [Fact]
    public void Read_NulCharacterInText_IsRefused()
        => Assert.Contains("NUL character", Assert.Single(ManifestReader.Read("kind: Bundle\0", "t").Errors).Message);

    [Fact]
    public void ReadAndReadFile_Null_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ManifestReader.ReadFile(null!));
        Assert.Throws<ArgumentNullException>(() => ManifestReader.Read(null!, "s"));
    }
}
