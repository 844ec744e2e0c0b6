using System.Collections.Immutable;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// <c>lmms_eval_specific_kwargs</c> resolution (docs/LMMS-EVAL.md §1.3, lmms-eval <c>api/task.py</c>): the model's own
/// key wins outright; else the top-level dict updated with <c>default</c>'s keys; else with <c>dataset</c>'s; else
/// the dict as written. The model name is the <c>--model</c> id, not the checkpoint.
/// </summary>
public static class PromptKwargsResolver
{
    public static PromptKwargs Resolve(ImmutableSortedDictionary<string, object?> specific, string modelName)
    {
        if (specific.IsEmpty)
        {
            return PromptKwargs.Empty;
        }

        if (specific.TryGetValue(modelName, out var own) && own is ImmutableSortedDictionary<string, object?> ownMap)
        {
            return new PromptKwargs(ownMap);
        }

        foreach (var key in new[] { "default", "dataset" })
        {
            if (specific.TryGetValue(key, out var sub) && sub is ImmutableSortedDictionary<string, object?> subMap)
            {
                var merged = specific;
                foreach (var kv in subMap)
                {
                    merged = merged.SetItem(kv.Key, kv.Value);
                }

                return new PromptKwargs(merged);
            }
        }

        return new PromptKwargs(specific);
    }

    /// <summary>
    /// <c>model_specific_generation_kwargs</c>: the model's key, else <c>default</c>, merged over the YAML
    /// <c>generation_kwargs</c>.
    /// </summary>
    public static ImmutableSortedDictionary<string, object?> GenerationKwargs(TaskSpec spec, string modelName)
    {
        var kwargs = spec.GenerationKwargs;
        var pick = spec.ModelSpecificGenerationKwargs.TryGetValue(modelName, out var own) ? own
            : spec.ModelSpecificGenerationKwargs.GetValueOrDefault("default");
        if (pick is ImmutableSortedDictionary<string, object?> map)
        {
            foreach (var kv in map)
            {
                kwargs = kwargs.SetItem(kv.Key, kv.Value);
            }
        }

        return kwargs;
    }
}
