using System.CommandLine;
using Switchback.Cli.Client;
using Switchback.Cli.Registration;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback bundle register -f FILE</c>.</summary>
internal static class BundleRegisterCommand
{
    internal static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "Bundle manifest file (YAML or JSON)", Required = true };
        var command = new Command("register", "Register the bundles of a manifest file") { file };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, (parse, context, ct) => BundleSender.SendFileAsync(context, parse.GetValue(file)!, ct));
        return command;
    }
}
