using System.CommandLine;
using Switchback.Cli.Client;
using Switchback.Cli.Registration;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback apply -f FILE</c>: every document of the file, in order; idempotent.</summary>
internal static class ApplyCommand
{
    internal static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "Manifest file (YAML or JSON, several documents allowed)", Required = true };
        var command = new Command("apply", "Register every document of a manifest file; re-applying the same file changes nothing") { file };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, (parse, context, ct) => BundleSender.SendFileAsync(context, parse.GetValue(file)!, ct));
        return command;
    }
}
