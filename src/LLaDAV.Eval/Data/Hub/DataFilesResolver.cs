using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Data.Hub;

/// <summary>One split's data-file patterns; a config's splits come in datasets' order.</summary>
public sealed record SplitPatterns(string Split, ImmutableArray<string> Patterns);

/// <summary>A split resolved to files: which config, the patterns used, how they were chosen, and the files in read order.</summary>
public sealed record ResolvedSplit(string? Config, string Split, ImmutableArray<string> Patterns, string How, ImmutableArray<string> Files, string Module);

/// <summary>
/// Which files of a dataset repository make a config's split, by <c>datasets</c>' rules (huggingface/datasets
/// <c>src/datasets/data_files.py</c> and <c>load.py</c> <c>HubDatasetModuleFactory.get_module</c> /
/// <c>create_builder_configs_from_metadata_configs</c> / <c>infer_module_for_data_files_list</c>):
/// <list type="number">
/// <item>the card's <c>configs:</c> (<see cref="DatasetCard"/>): the config named by <c>dataset_name</c>, else the
/// default one (the only one, <c>default</c>, or <c>default: true</c>); its <c>data_files</c> (a string or list →
/// split <c>train</c>; a list of {split, path}); without <c>data_files</c>, the default patterns under its <c>data_dir</c>;</item>
/// <item>no card configs: the default patterns — first <c>data/{split}-NNNNN-of-NNNNN*.*</c> shards, then split
/// keywords in folder names, then in file names (train/training, validation/valid/dev/val,
/// test/testing/eval/evaluation, between <c>-._ 0-9</c> separators), then everything as <c>train</c>;</item>
/// <item>the file format is the most common extension among the split's files (a tie goes to parquet), and only
/// files of that format are read.</item>
/// </list>
/// Hidden files and folders and <c>__special__</c> folders are skipped unless a pattern names them; README.md and
/// the other metadata files datasets ignores are never data.
/// </summary>
public static class DataFilesResolver
{
    /// <summary><c>data_files.SPLIT_PATTERN_SHARDED</c>.</summary>
    public const string ShardedPattern = "data/{split}-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*";

    /// <summary>Files listed per repository folder: bounds a walk over a symlink loop or a folder of extracted media.</summary>
    public const int MaxFiles = 1_000_000;

    private const string Sep = "-._ 0-9";

    /// <summary><c>data_files.SPLIT_KEYWORDS</c>, in <c>DEFAULT_SPLITS</c> order.</summary>
    private static readonly (string Split, string[] Keywords)[] s_splitKeywords =
    [
        ("train", ["train", "training"]),
        ("validation", ["validation", "valid", "dev", "val"]),
        ("test", ["test", "testing", "eval", "evaluation"]),
    ];

    /// <summary><c>KEYWORDS_IN_FILENAME_BASE_PATTERNS</c> / <c>KEYWORDS_IN_DIR_NAME_BASE_PATTERNS</c> for fsspec &gt;= 2023.12.</summary>
    private static readonly string[] s_inFileName = ["**/{keyword}[{sep}]*", "**/*[{sep}]{keyword}[{sep}]*"];

    private static readonly string[] s_inDirName = ["**/{keyword}/**", "**/{keyword}[{sep}]*/**", "**/*[{sep}]{keyword}/**", "**/*[{sep}]{keyword}[{sep}]*/**"];

    /// <summary><c>data_files.FILES_TO_IGNORE</c>.</summary>
    private static readonly string[] s_filesToIgnore = ["README.md", "config.json", "dataset_info.json", "dataset_infos.json", "dummy_data.zip", "dataset_dict.json"];

    /// <summary>The formats <c>packaged_modules._EXTENSION_TO_MODULE</c> maps the extensions we meet to (with the modules we read).</summary>
    private static readonly ImmutableDictionary<string, string> s_extensionToModule = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".csv"] = "csv", [".tsv"] = "csv", [".json"] = "json", [".jsonl"] = "json", [".ndjson"] = "json",
        [".parquet"] = "parquet", [".geoparquet"] = "parquet", [".gpq"] = "parquet", [".arrow"] = "arrow", [".txt"] = "text",
        [".tar"] = "webdataset", [".xml"] = "xml", [".hdf5"] = "hdf5", [".h5"] = "hdf5", [".lance"] = "lance",
        [".png"] = "imagefolder", [".jpg"] = "imagefolder", [".jpeg"] = "imagefolder", [".gif"] = "imagefolder", [".bmp"] = "imagefolder",
        [".webp"] = "imagefolder", [".tif"] = "imagefolder", [".tiff"] = "imagefolder",
        [".PNG"] = "imagefolder", [".JPG"] = "imagefolder", [".JPEG"] = "imagefolder",
        [".mp4"] = "videofolder", [".MP4"] = "videofolder", [".avi"] = "videofolder", [".mkv"] = "videofolder", [".webm"] = "videofolder", [".mov"] = "videofolder",
        [".wav"] = "audiofolder", [".mp3"] = "audiofolder", [".flac"] = "audiofolder", [".pdf"] = "pdffolder",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The modules this tool reads, with their extensions (<c>_MODULE_TO_EXTENSIONS</c>).</summary>
    private static readonly ImmutableDictionary<string, string[]> s_readable = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["parquet"] = [".parquet", ".geoparquet", ".gpq"],
        ["json"] = [".json", ".jsonl", ".ndjson"],
        ["csv"] = [".csv", ".tsv"],
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private static readonly Regex s_splitName = new(@"^\w+(\.\w+)*$", RegexOptions.CultureInvariant);

    /// <summary><c>naming._split_re</c>.</summary>
    public static bool IsValidSplitName(string split) => s_splitName.IsMatch(split);

    /// <summary>Resolves <paramref name="config"/>'s <paramref name="split"/> in the repository folder <paramref name="root"/>.</summary>
    public static ResolvedSplit Resolve(string root, DatasetCard card, string? config, string split, string where) =>
        Resolve(root, ListFiles(root), card, config, split, where);

    /// <summary>
    /// As above over a given listing of the repository (relative <c>/</c> paths): the Hub's file list of a revision
    /// before its files are downloaded (datasets resolves patterns over the Hub's listing the same way online).
    /// </summary>
    public static ResolvedSplit Resolve(string root, IReadOnlyList<string> listing, DatasetCard card, string? config, string split, string where)
    {
        var files = listing.Order(StringComparer.Ordinal).ToImmutableArray();
        ImmutableArray<SplitPatterns> patterns;
        string how;
        string? chosen;
        string basePath = "";
        if (card.Configs.Length > 0)
        {
            var names = string.Join(", ", card.Configs.Select(c => $"'{c.Name}'"));
            chosen = config ?? card.DefaultConfigName()
                ?? throw new DataException($"{where}: the card ({card.Source}) defines several configs and none is the default; the task must name one with dataset_name. Available: {names}.");
            var entry = card.Configs.FirstOrDefault(c => c.Name == chosen)
                ?? throw new DataException($"{where}: config '{chosen}' is not in the card's configs ({card.Source}); available: {names}. datasets would refuse it too: check the task's dataset_name, or whether the repository was downloaded at another revision.");
            basePath = entry.DataDir is { Length: > 0 } dir ? Confined(dir.Trim('/'), where) : "";
            if (entry.DataFiles is not null)
            {
                patterns = Sanitize(entry.DataFiles, where);
                how = $"card configs: config '{chosen}' data_files";
            }
            else
            {
                patterns = DefaultPatterns(Under(files, basePath), where);
                how = $"card configs: config '{chosen}' (no data_files: datasets' default patterns{(basePath.Length > 0 ? $" under data_dir '{basePath}'" : "")})";
            }
        }
        else
        {
            if (config is not null and not "default")
            {
                throw new DataException($"{where}: the task asks for config '{config}', but the repository has no card 'configs:' (only the default config exists; datasets would refuse the name too). Files here: {Listing(files)}.");
            }

            chosen = config;
            patterns = DefaultPatterns(files, where);
            how = "datasets' default patterns (no card configs)";
        }

        if (patterns.FirstOrDefault(p => p.Split == split)?.Patterns is not { } splitPatterns)
        {
            throw new DataException(
                $"{where}: {how} gives the splits {string.Join(", ", patterns.Select(p => $"'{p.Split}'"))}, not '{split}'. Files here: {Listing(files)}.");
        }

        var scoped = Under(files, basePath);
        var matched = new List<string>();
        foreach (var pattern in splitPatterns)
        {
            var hits = Match(scoped, Confined(pattern, where), allowedExtensionsOnly: true);
            if (hits.Count == 0 && !HfGlob.HasMagic(pattern))
            {
                throw new DataException($"{where}: {how} maps split '{split}' to '{pattern}', which is not in the repository. Files here: {Listing(files)}. The download is incomplete: fetch the file (huggingface-cli download), or the card belongs to another revision.");
            }

            matched.AddRange(hits);
        }

        if (matched.Count == 0)
        {
            throw new DataException($"{where}: {how} maps split '{split}' to {string.Join(", ", splitPatterns.Select(p => $"'{p}'"))}, which match no data file. Files here: {Listing(files)}.");
        }

        var module = InferModule(matched)
            ?? throw new DataException($"{where}: split '{split}' resolves to files of no format datasets reads ({Listing(matched)}).");
        if (!s_readable.TryGetValue(module, out var extensions))
        {
            throw new DataException($"{where}: split '{split}' resolves to datasets' '{module}' format ({Listing(matched)}); lladav-eval reads Parquet, JSON/JSON Lines and CSV/TSV splits.");
        }

        var kept = matched.Where(f => HasExtension(f, extensions)).Select(f => Path.Combine(root, basePath, f)).ToImmutableArray();
        return new ResolvedSplit(chosen, split, splitPatterns, how, kept, module);
    }

    /// <summary>Every file under <paramref name="root"/> as a relative <c>/</c> path, sorted ordinally (fsspec sorts its glob results).</summary>
    public static ImmutableArray<string> ListFiles(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true, MaxRecursionDepth = 32 };
        var list = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", options))
        {
            if (list.Count >= MaxFiles)
            {
                throw new DataException($"{root}: more than {MaxFiles} files; this is not a dataset repository folder (or it holds a symlink loop).");
            }

            list.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        }

        list.Sort(StringComparer.Ordinal);
        return [.. list];
    }

    /// <summary><c>_get_data_files_patterns</c>: the sharded names first, then the keyword patterns, then everything as train.</summary>
    public static ImmutableArray<SplitPatterns> DefaultPatterns(IReadOnlyList<string> files, string where)
    {
        var shardedHits = Match(files, ShardedPattern.Replace("{split}", "*", StringComparison.Ordinal), allowedExtensionsOnly: false);
        if (shardedHits.Count > 0)
        {
            var splits = new HashSet<string>(StringComparer.Ordinal);
            var unformat = new Regex("(?<split>.+)-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*", RegexOptions.CultureInvariant);
            foreach (var hit in shardedHits)
            {
                splits.Add(unformat.Match(hit[(hit.LastIndexOf('/') + 1)..]).Groups["split"].Value);
            }

            if (splits.FirstOrDefault(s => !IsValidSplitName(s)) is { } bad)
            {
                throw new DataException($"{where}: sharded file names give the split name '{bad}', which datasets refuses (split names match ^\\w+(\\.\\w+)*$).");
            }

            var ordered = s_splitKeywords.Select(k => k.Split).Where(splits.Contains)
                .Concat(splits.Except(s_splitKeywords.Select(k => k.Split)).Order(StringComparer.Ordinal));
            return [.. ordered.Select(s => new SplitPatterns(s, [ShardedPattern.Replace("{split}", s, StringComparison.Ordinal)]))];
        }

        // ALL_DEFAULT_PATTERNS, in order: logs, split keywords in folder names, in file names, everything as train.
        var groups = new List<(string Split, ImmutableArray<string> Patterns)[]>
        {
            new[] { ("logs", ImmutableArray.Create("**/*.eval")) },
            s_splitKeywords.Select(k => (k.Split, Expand(k.Keywords, s_inDirName))).ToArray(),
            s_splitKeywords.Select(k => (k.Split, Expand(k.Keywords, s_inFileName))).ToArray(),
            new[] { ("train", ImmutableArray.Create("**")) },
        };
        foreach (var group in groups)
        {
            var nonEmpty = group.Where(g => g.Patterns.Any(p => Match(files, p, allowedExtensionsOnly: false).Count > 0)).ToList();
            if (nonEmpty.Count > 0)
            {
                return [.. nonEmpty.Select(g => new SplitPatterns(g.Split, g.Patterns))];
            }
        }

        throw new DataException($"{where}: the folder holds no data files (datasets' EmptyDatasetError).");
    }

    /// <summary><c>sanitize_patterns</c> for a card's <c>data_files</c>.</summary>
    public static ImmutableArray<SplitPatterns> Sanitize(object dataFiles, string where)
    {
        static ImmutableArray<string> Paths(object? p) => p switch
        {
            string s => [s],
            List<object?> l => [.. l.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? "")],
            _ => [],
        };

        switch (dataFiles)
        {
            case string s:
                return [new SplitPatterns("train", [s])];
            case List<object?> list when list.Any(i => i is Dictionary<string, object?>):
                var result = ImmutableArray.CreateBuilder<SplitPatterns>();
                foreach (var item in list)
                {
                    var map = (Dictionary<string, object?>)item!;
                    var split = (string)map["split"]!;
                    if (result.Any(r => r.Split == split))
                    {
                        throw new DataException($"{where}: the card's data_files name split '{split}' twice (datasets: 'Some splits are duplicated in data_files').");
                    }

                    result.Add(new SplitPatterns(split, Paths(map["path"])));
                }

                return result.ToImmutable();
            case List<object?> list:
                return [new SplitPatterns("train", Paths(list))];
            case Dictionary<string, object?> dict:
                return [.. dict.Select(kv => new SplitPatterns(kv.Key, Paths(kv.Value)))];
            default:
                throw new DataException($"{where}: unreadable data_files in the card.");
        }
    }

    /// <summary>
    /// <c>resolve_pattern</c> over a listing: glob match, FILES_TO_IGNORE (unless named), hidden and
    /// <c>__special__</c> parts only when the pattern names as many, and (for data files) a known extension.
    /// </summary>
    public static List<string> Match(IReadOnlyList<string> files, string pattern, bool allowedExtensionsOnly)
    {
        var regex = HfGlob.ToRegex(pattern);
        var patternBase = pattern[(pattern.LastIndexOf('/') + 1)..];
        var patternParts = pattern.Split('/');
        var hiddenInPattern = patternParts.Count(IsHidden);
        var specialInPattern = patternParts[..^1].Count(p => p.StartsWith("__", StringComparison.Ordinal));
        var hits = new List<string>();
        foreach (var file in files)
        {
            if (!regex.IsMatch(file))
            {
                continue;
            }

            var name = file[(file.LastIndexOf('/') + 1)..];
            var parts = file.Split('/');
            if ((s_filesToIgnore.Contains(name) && name != patternBase)
                || parts[..^1].Count(p => p.StartsWith("__", StringComparison.Ordinal)) != specialInPattern
                || parts.Count(IsHidden) != hiddenInPattern
                || (allowedExtensionsOnly && !name.Split('.').Skip(1).Any(s => s_extensionToModule.ContainsKey("." + s) || s == "zip")))
            {
                continue;
            }

            hits.Add(file);
        }

        return hits;
    }

    /// <summary><c>infer_module_for_data_files_list</c>: the most common extension, ties to parquet, then jsonl, json, csv.</summary>
    private static string? InferModule(IReadOnlyList<string> files)
    {
        var counts = files
            .SelectMany(f => f[(f.LastIndexOf('/') + 1)..].Split('.').Skip(1).Select(s => "." + s.ToLowerInvariant()))
            .GroupBy(e => e, StringComparer.Ordinal)
            .Select(g => (Ext: g.Key, Count: g.Count()))
            .OrderByDescending(x => x.Count)
            .ThenByDescending(x => x.Ext == ".parquet")
            .ThenByDescending(x => x.Ext == ".lance")
            .ThenByDescending(x => x.Ext == ".arrow")
            .ThenByDescending(x => x.Ext == ".jsonl")
            .ThenByDescending(x => x.Ext == ".json")
            .ThenByDescending(x => x.Ext == ".csv")
            .ThenByDescending(x => x.Ext, StringComparer.Ordinal);
        foreach (var (ext, _) in counts)
        {
            if (s_extensionToModule.TryGetValue(ext, out var module))
            {
                return module;
            }
        }

        return null;
    }

    /// <summary>The tab separator of a <c>.tsv</c> file (<c>_EXTENSION_TO_MODULE[".tsv"] = ("csv", {"sep": "\t"})</c>).</summary>
    public static bool IsTsv(string file) => file.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    private static bool HasExtension(string file, string[] extensions)
    {
        // DataFilesList.filter: ".*(ext)(\..+)?$" — the extension may be followed by one more suffix.
        var name = file[(file.LastIndexOf('/') + 1)..];
        return extensions.Any(e => name.EndsWith(e, StringComparison.Ordinal) || name.Contains(e + ".", StringComparison.Ordinal));
    }

    private static bool IsHidden(string part) => part.StartsWith('.') && part.Any(c => c != '.');

    private static ImmutableArray<string> Expand(string[] keywords, string[] bases) =>
        [.. keywords.SelectMany(k => bases.Select(b => b.Replace("{keyword}", k, StringComparison.Ordinal).Replace("{sep}", Sep, StringComparison.Ordinal)))];

    private static List<string> Under(IReadOnlyList<string> files, string basePath) => basePath.Length == 0
        ? [.. files]
        : [.. files.Where(f => f.StartsWith(basePath + "/", StringComparison.Ordinal)).Select(f => f[(basePath.Length + 1)..])];

    /// <summary>A card pattern stays inside the repository: no absolute paths, URLs or <c>..</c> parts.</summary>
    private static string Confined(string pattern, string where)
    {
        if (pattern.StartsWith('/') || pattern.Contains("://", StringComparison.Ordinal) || pattern.Split('/').Contains(".."))
        {
            throw new DataException($"{where}: the card's data_files pattern '{pattern}' points outside the repository; lladav-eval reads only the repository's own files.");
        }

        return pattern.StartsWith("./", StringComparison.Ordinal) ? pattern[2..] : pattern;
    }

    private static string Listing(IReadOnlyList<string> files) => files.Count == 0
        ? "(none)"
        : string.Join(", ", files.Take(12)) + (files.Count > 12 ? $", ... ({files.Count} files)" : "");
}
