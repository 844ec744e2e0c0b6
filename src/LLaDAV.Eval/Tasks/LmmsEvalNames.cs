using System.Collections.Immutable;

namespace LLaDAV.Eval.Tasks;

/// <summary>
/// The task, group and tag names lmms-eval 75571cf defines (data: <c>tasks/lmms-eval-names.tsv</c>, read from
/// lmms-eval's <c>lmms_eval/tasks/&lt;family&gt;/*.yaml</c>), so a name lmms-eval has but we do not port is told
/// apart from a typo.
/// </summary>
public sealed class LmmsEvalNames
{
    public const string FileName = "lmms-eval-names.tsv";

    private readonly ImmutableDictionary<string, ImmutableArray<string>> _families;

    private LmmsEvalNames(ImmutableDictionary<string, ImmutableArray<string>> families) => _families = families;

    public static LmmsEvalNames Empty { get; } = new(ImmutableDictionary<string, ImmutableArray<string>>.Empty);

    /// <summary>Reads <paramref name="tasksDirectory"/>/lmms-eval-names.tsv; none = no names known.</summary>
    public static LmmsEvalNames Load(string tasksDirectory)
    {
        var path = Path.Combine(tasksDirectory, FileName);
        if (!File.Exists(path))
        {
            return Empty;
        }

        var families = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var cols = line.Split('\t');
            if (cols.Length != 3)
            {
                throw new Errors.ConfigException($"{path}: line '{line}' is not name<TAB>kind<TAB>family.");
            }

            (families.TryGetValue(cols[0], out var list) ? list : families[cols[0]] = []).Add(cols[2]);
        }

        return new(families.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray(), StringComparer.Ordinal));
    }

    public bool Contains(string name) => _families.ContainsKey(name);

    /// <summary>The lmms-eval task folders that define <paramref name="name"/> (a tag may span several).</summary>
    public ImmutableArray<string> FamiliesOf(string name) => _families.TryGetValue(name, out var f) ? f : [];
}
