using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends;

/// <summary>The <c>--model</c> backends, registered explicitly; heavy ones load their native code only when created.</summary>
public sealed class BackendRegistry(IEnumerable<IModelBackendFactory> factories)
{
    private readonly ImmutableSortedDictionary<string, IModelBackendFactory> _factories =
        factories.ToImmutableSortedDictionary(f => f.Name, f => f, StringComparer.Ordinal);

    public static BackendRegistry Default { get; } = new([
        new ReplayBackendFactory(), new LladaVBackendFactory(), new Llama3VBackendFactory(),
        .. OpenAi.OpenAiCompatibleBackendFactory.Names.Select(n => new OpenAi.OpenAiCompatibleBackendFactory(n)),
    ]);

    public IEnumerable<IModelBackendFactory> Factories => _factories.Values;

    /// <summary>The backend names for help text and messages ("a, b or c"), so none is hard-coded there.</summary>
    public string Names => _factories.Count <= 1
        ? string.Join("", _factories.Keys)
        : string.Join(", ", _factories.Keys.SkipLast(1)) + " or " + _factories.Keys.Last();

    /// <summary>Refuses <c>--model-args</c> keys the backend does not declare, listing those it accepts (issue 14 §2).</summary>
    public static void CheckArgs(IModelBackendFactory factory, ModelArgs args)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(args);
        if (factory.AcceptedArgs is not { } accepted)
        {
            return;
        }

        var unknown = args.Values.Keys.Where(k => !accepted.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigException(
                $"--model-args {string.Join(", ", unknown)}: not {(unknown.Count == 1 ? "a key" : "keys")} that --model {factory.Name} accepts. Accepted keys: {string.Join(", ", accepted.Order(StringComparer.Ordinal))}.");
        }
    }

    public IModelBackendFactory Get(string name) => _factories.TryGetValue(name, out var f)
        ? f
        : throw new ConfigException($"Unknown model '{name}'. Known models: {string.Join(", ", _factories.Keys)}.");
}
