using Switchback.Cli;

return await CliApp.RunAsync(args);
