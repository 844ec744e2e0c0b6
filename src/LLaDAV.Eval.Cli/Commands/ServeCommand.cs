using System.CommandLine;
using System.Globalization;
using System.Net;
using LLaDAV.Eval.Backends;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Cli.Serving;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Running;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval serve --model lladav|llama3v --model-args path=DIR [--device cuda] [--host 127.0.0.1] [--port 8000]
/// [--api-key KEY] [--allow-file-root DIR] [--gen-kwargs k=v,...]</c>: the backend behind OpenAI's chat completions
/// API (issue 25 §2), so a chat UI or another harness can use it. Every flag is checked before the model loads (exit 2);
/// SIGINT/SIGTERM stop it gracefully: no new connections, in-flight requests answered, exit 0.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<string> s_model = new("--model") { Description = "lladav (LLaDA-V) or llama3v (LLaMA3-V).", DefaultValueFactory = _ => "lladav" };
    private static readonly Option<string?> s_modelArgs = new("--model-args") { Description = "Backend arguments k=v,k=v as for run: path=DIR|demo, dtype, batch_packing, ..." };
    private static readonly Option<string> s_device = new("--device") { Description = "cpu (default) or cuda[:N].", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<string> s_host = new("--host") { Description = "The address to listen on (an IP address; localhost = 127.0.0.1). Default 127.0.0.1: only this machine can connect.", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> s_port = new("--port") { Description = "The TCP port (0: any free port, printed at start).", DefaultValueFactory = _ => 8000 };
    private static readonly Option<string?> s_apiKey = new("--api-key") { Description = "Require 'Authorization: Bearer KEY' on every request. Default: $LLADAV_SERVE_API_KEY when set (it stays out of ps), else no key." };
    private static readonly Option<string?> s_fileRoot = new("--allow-file-root") { Description = "Let requests name images as file:// URLs under this folder (symlinks followed and checked). Without it file:// URLs are refused." };
    private static readonly Option<string?> s_genKwargs = new("--gen-kwargs") { Description = "Default generation settings k=v,... (gen_length, steps, block_length, cache, ...) that each request's fields override." };
    private static readonly Option<string?> s_name = new("--served-model-name") { Description = "The model id clients send and /v1/models lists (default: the --model name)." };
    private static readonly Option<int> s_batch = new("--batch-size") { Description = "Most requests generated together in one batched forward.", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> s_window = new("--batch-window-ms") { Description = "How long the first waiting request waits for batch-mates (0: no wait; changes latency, never tokens).", DefaultValueFactory = _ => 20 };
    private static readonly Option<long> s_maxBody = new("--max-body-bytes") { Description = "Largest request body accepted; larger ones get 413.", DefaultValueFactory = _ => ServeOptions.DefaultMaxBodyBytes };
    private static readonly Option<int> s_maxImages = new("--max-images") { Description = "Most image parts in one request; more get 413.", DefaultValueFactory = _ => ServeOptions.DefaultMaxImages };

    public static Command Create()
    {
        var command = new Command("serve", "Serve LLaDA-V (or LLaMA3-V) behind OpenAI's chat completions API: POST /v1/chat/completions, GET /v1/models.");
        foreach (var o in new Option[] { s_model, s_modelArgs, s_device, s_host, s_port, s_apiKey, s_fileRoot, s_genKwargs, s_name, s_batch, s_window, s_maxBody, s_maxImages })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, async output =>
        {
            var (options, factory, args) = Options(parse);
            var error = parse.InvocationConfiguration.Error;
            using var signals = new InterruptSignals(ct);
            using var backend = (LlavaBackend)factory.Create(args, new BackendContext(parse.GetValue(s_device)!, options.MaxBatch, Workspace.Root()));
            ChatServer server;
            try
            {
                server = await ChatServer.StartAsync(options, backend).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new ConfigException($"--host {options.Host} --port {options.Port.ToString(CultureInfo.InvariantCulture)}: cannot listen there ({e.Message}). Pick another --port, or stop what holds it.");
            }

            await using (server.ConfigureAwait(false))
            {
                var demo = factory.MayUseSampleData(args) ? " (the demo checkpoint: RANDOM weights)" : "";
                await output.WriteLineAsync($"lladav-eval serve: {options.ModelId}{demo} listening on {server.Address.ToString().TrimEnd('/')}/v1 (POST /v1/chat/completions, GET /v1/models); Ctrl-C stops.").ConfigureAwait(false);
                if (!IPAddress.IsLoopback(IPAddress.Parse(options.Host)) && options.ApiKey is null)
                {
                    await error.WriteLineAsync($"warning: --host {options.Host} accepts connections from other machines and no --api-key is set: anyone who can reach the port can use the model.").ConfigureAwait(false);
                }

                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, signals.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await output.WriteLineAsync("lladav-eval serve: stopping (finishing requests in flight)...").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync($"lladav-eval serve: stopped after {server.Queue.Batches.ToString(CultureInfo.InvariantCulture)} batch(es).").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>Every flag checked (exit 2 through CliHost) before anything loads.</summary>
    private static (ServeOptions Options, IModelBackendFactory Factory, ModelArgs Args) Options(ParseResult parse)
    {
        var model = parse.GetValue(s_model)!;
        if (model is not ("lladav" or "llama3v"))
        {
            throw new ConfigException($"--model {model}: serve runs a local checkpoint: lladav (LLaDA-V) or llama3v (LLaMA3-V).");
        }

        var factory = BackendRegistry.Default.Get(model);
        var args = new ModelArgs(KeyValueList.Parse(parse.GetValue(s_modelArgs), "--model-args"));
        BackendRegistry.CheckArgs(factory, args);
        factory.Validate(args);

        var host = parse.GetValue(s_host)!;
        host = host == "localhost" ? "127.0.0.1" : host;
        if (!IPAddress.TryParse(host, out _))
        {
            throw new ConfigException($"--host {host} is not an IP address. Use 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface) or one interface's address.");
        }

        var port = parse.GetValue(s_port);
        if (port is < 0 or > 65535)
        {
            throw new ConfigException($"--port {port.ToString(CultureInfo.InvariantCulture)} is not a TCP port (0..65535; 0 picks a free one).");
        }

        var key = parse.GetValue(s_apiKey) ?? Environment.GetEnvironmentVariable("LLADAV_SERVE_API_KEY");
        if (key is { Length: 0 })
        {
            throw new ConfigException("--api-key is empty. Give a key, or leave the flag (and $LLADAV_SERVE_API_KEY) out for a server without one.");
        }

        string? root = null;
        if (parse.GetValue(s_fileRoot) is { } dir)
        {
            root = Directory.Exists(dir) ? ImageUrls.RealPath(Path.GetFullPath(dir)) : null;
            if (root is null)
            {
                throw new ConfigException($"--allow-file-root {dir} is not a folder.");
            }
        }

        GenerationKwargs defaults;
        try
        {
            defaults = KeyValueText.ParseGenerationKwargs(parse.GetValue(s_genKwargs));
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"--gen-kwargs: {e.Message}");
        }

        var family = model == "lladav" ? LlavaFamily.LladaV : LlavaFamily.Llama3V;
        GenerationKwargsSchema.Validate(defaults, family == LlavaFamily.LladaV, _ => "--gen-kwargs");
        GenerationSettings.From(defaults, family);

        var batch = parse.GetValue(s_batch);
        var window = parse.GetValue(s_window);
        var maxBody = parse.GetValue(s_maxBody);
        var maxImages = parse.GetValue(s_maxImages);
        if (batch < 1 || window < 0 || maxBody < 1 || maxImages < 0)
        {
            throw new ConfigException($"--batch-size {batch} must be >= 1, --batch-window-ms {window} >= 0, --max-body-bytes {maxBody} >= 1 and --max-images {maxImages} >= 0.");
        }

        var name = parse.GetValue(s_name) ?? model;
        return (new ServeOptions(host, port, name, key, defaults, root, maxBody, maxImages, batch, TimeSpan.FromMilliseconds(window)), factory, args);
    }
}
