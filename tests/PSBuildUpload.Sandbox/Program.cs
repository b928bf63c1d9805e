using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Sandbox;

// `dotnet run --project tests/PSBuildUpload.Sandbox [-- --port N]`: serves until Ctrl+C or standard input closes.
// The first line printed is JSON with the base address and the tokens, for scripts that start it.
var port = 0;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port" && int.TryParse(args[i + 1], out var p))
    {
        port = p;
    }
}

await using var sandbox = await SandboxServer.StartAsync(port);
Console.WriteLine(JsonSerializer.Serialize(new
{
    baseUri = sandbox.BaseUri.AbsoluteUri,
    tokens = new
    {
        productScience = sandbox.Tokens.ProductScience,
        appliveryApp = sandbox.Tokens.AppliveryApp,
        appliveryServiceAccount = sandbox.Tokens.AppliveryServiceAccount,
        bitrise = sandbox.Tokens.Bitrise,
    },
}));
Console.Out.Flush();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var stdinClosed = Task.Run(() =>
{
    if (!Console.IsInputRedirected)
    {
        return;
    }

    while (Console.In.ReadLine() is not null)
    {
    }

    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
