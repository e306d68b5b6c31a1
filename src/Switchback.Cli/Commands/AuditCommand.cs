using System.CommandLine;
using Switchback.Cli.Client;
using Switchback.Core.Audit;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback audit verify [--anchor SEQ:HASH]</c>: exit 0 when the hash chain is intact (and still holds the anchor's entry),
/// 1 naming the first broken entry; <c>switchback audit head</c>: the anchor to keep outside the store.
/// </summary>
internal static class AuditCommand
{
    internal static Command Create()
    {
        var command = new Command("audit", "Work with the hash-chained audit log");
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateHead());
        return command;
    }

    private static Command CreateVerify()
    {
        var anchorOption = new Option<string>("--anchor")
        {
            Description = "Also check that the log still holds this entry unchanged: SEQ:HASH as printed by 'switchback audit head'",
        };
        var verify = new Command("verify", "Re-compute the audit hash chain and report the first broken entry") { anchorOption };
        var client = ClientOptions.AddTo(verify);
        ClientCommand.SetAction(verify, client, async (parse, context, ct) =>
        {
            var path = "audit/verify";
            AuditAnchor? anchor = null;
            if (parse.GetValue(anchorOption) is { } anchorText)
            {
                if (!AuditAnchor.TryParse(anchorText, out anchor, out var problem))
                {
                    await context.Err.WriteLineAsync($"switchback: {problem}");
                    return ExitCodes.Usage;
                }

                path += "?anchor=" + Uri.EscapeDataString(anchor.ToString());
            }

            var response = await context.Client.GetAsync(path, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            var body = response.Body;
            var ok = body?["ok"]?.GetValue<bool>() == true;
            if (context.Json)
            {
                context.WriteJson(body);
            }
            else if (ok)
            {
                var anchored = anchor is null ? string.Empty : $"; entry {anchor.Sequence} matches the anchor";
                await context.Out.WriteLineAsync($"Audit log OK: {Formats.Text(body?["entries_checked"])} entries verified{anchored}.");
            }
            else if (body?["anchor"]?["matches"]?.GetValue<bool>() == false)
            {
                // The chain itself verified: what failed is the anchor, so "entries verified before it" would mislead.
                await context.Out.WriteLineAsync(
                    $"Audit log BROKEN: {Formats.Text(body["problem"])} ({Formats.Text(body["entries_checked"])} entries verified, none after the cut can be trusted).");
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Audit log BROKEN at entry {Formats.Text(body?["first_broken_sequence"])}: {Formats.Text(body?["problem"])} " +
                    $"({Formats.Text(body?["entries_checked"])} entries verified before it).");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Error;
        });
        return verify;
    }

    private static Command CreateHead()
    {
        var head = new Command("head", "Print the last audit entry's sequence number and hash: the anchor to keep outside the store");
        var client = ClientOptions.AddTo(head);
        ClientCommand.SetAction(head, client, async (parse, context, ct) =>
        {
            var response = await context.Client.GetAsync("audit/head", ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (context.Json)
            {
                context.WriteJson(response.Body);
            }
            else if (response.Body?["anchor"] is { } anchor)
            {
                await context.Out.WriteLineAsync($"Audit head: entry {Formats.Text(response.Body["sequence"])}, hash {Formats.Text(response.Body["hash"])}");
                await context.Out.WriteLineAsync($"Anchor: {Formats.Text(anchor)}  (later: switchback audit verify --anchor {Formats.Text(anchor)})");
            }
            else
            {
                await context.Out.WriteLineAsync("Audit head: the audit log is empty.");
            }

            return ExitCodes.Ok;
        });
        return head;
    }
}
