using System.Collections.Immutable;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends;

/// <summary>The <c>--model</c> backends, registered explicitly; heavy ones load their native code only when created.</summary>
public sealed class BackendRegistry(IEnumerable<IModelBackendFactory> factories)
{
    private readonly ImmutableSortedDictionary<string, IModelBackendFactory> _factories =
        factories.ToImmutableSortedDictionary(f => f.Name, f => f, StringComparer.Ordinal);

    public static BackendRegistry Default { get; } = new([new ReplayBackendFactory(), new LladaVBackendFactory(), new Llama3VBackendFactory()]);

    public IEnumerable<IModelBackendFactory> Factories => _factories.Values;

    public IModelBackendFactory Get(string name) => _factories.TryGetValue(name, out var f)
        ? f
        : throw new ConfigException($"Unknown model '{name}'. Known models: {string.Join(", ", _factories.Keys)}.");
}
