using System.Text;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Tests.Data.Hub;

/// <summary>
/// The card reader (datasets <c>utils/metadata.py</c>), <c>sanitize_patterns</c>, the glob dialect (CPython
/// <c>glob.translate(recursive=True, include_hidden=True)</c>, hand-checked cases) and the CSV/TSV reader (pandas'
/// column typing, hand-checked).
/// </summary>
public sealed class CardAndGlobTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lladav-card-");

    public void Dispose() => _root.Delete(recursive: true);

    private DatasetCard CardOf(string readme, string? standalone = null)
    {
        File.WriteAllText(Path.Combine(_root.FullName, "README.md"), readme);
        if (standalone is not null)
        {
            File.WriteAllText(Path.Combine(_root.FullName, ".huggingface.yaml"), standalone);
        }

        return DatasetCard.Load(_root.FullName);
    }

    [Theory]
    [InlineData("configs:\n- config_name: only\n  data_files: a.csv", "only")]
    [InlineData("configs:\n- config_name: a\n  data_files: a.csv\n- config_name: default\n  data_files: b.csv", "default")]
    [InlineData("configs:\n- config_name: a\n  data_files: a.csv\n- config_name: b\n  data_files: b.csv\n  default: true", "b")]
    [InlineData("configs:\n- config_name: a\n  data_files: a.csv\n- config_name: b\n  data_files: b.csv", null)]
    public void The_default_config_is_the_only_one_or_default_or_marked(string yaml, string? expected) =>
        Assert.Equal(expected, CardOf("---\n" + yaml + "\n---\n# text").DefaultConfigName());

    [Fact]
    public void Two_default_configs_are_refused_as_datasets_refuses_them()
    {
        var card = CardOf("---\nconfigs:\n- config_name: a\n  default: true\n- config_name: default\n---\n");
        Assert.Contains("several configs as default", Assert.Throws<DataException>(card.DefaultConfigName).Message, StringComparison.Ordinal);
    }

    // _split_yaml_from_readme: no "---" first line, or no closing "---": no YAML block, so no configs.
    [Theory]
    [InlineData("# Title\n---\nconfigs:\n- config_name: x\n---\n")]
    [InlineData("---\nconfigs:\n- config_name: x\n  data_files: a.csv\n")]
    public void A_readme_without_a_front_matter_block_has_no_configs(string readme) =>
        Assert.Empty(CardOf(readme).Configs);

    [Fact]
    public void The_standalone_yaml_wins_over_the_readme()
    {
        var card = CardOf("---\nconfigs:\n- config_name: readme\n  data_files: a.csv\n---\n", "configs:\n- config_name: standalone\n  data_files: b.csv\n");
        Assert.Equal("standalone", Assert.Single(card.Configs).Name);
    }

    // MetadataConfigs._raise_if_data_files_field_not_valid: the error message lists these forms.
    [Theory]
    [InlineData("data_files: 7", false)]
    [InlineData("data_files:\n  - split: train\n    path: a/*\n    extra: 1", false)]
    [InlineData("data_files:\n  - split: my-split\n    path: a/*", false)]
    [InlineData("data_files:\n  - part0/*\n  - part1/*", true)]
    [InlineData("data_files:\n  - split: train\n    path:\n    - train/part1/*\n    - train/part2/*\n  - split: test\n    path: test/*", true)]
    public void Data_files_take_the_forms_datasets_accepts(string dataFiles, bool valid)
    {
        var readme = "---\nconfigs:\n- config_name: c\n  " + dataFiles.Replace("\n", "\n  ", StringComparison.Ordinal) + "\n---\n";
        if (valid)
        {
            Assert.Single(CardOf(readme).Configs);
        }
        else
        {
            Assert.Throws<DataException>(() => CardOf(readme));
        }
    }

    [Fact]
    public void Sanitize_maps_strings_and_lists_to_train_and_split_maps_to_their_splits()
    {
        var single = Assert.Single(DataFilesResolver.Sanitize("a.csv", "t"));
        Assert.Equal("train", single.Split);
        Assert.Equal(["a.csv"], single.Patterns);
        var lists = DataFilesResolver.Sanitize(new List<object?> { "p0/*", "p1/*" }, "t");
        Assert.Equal("train", Assert.Single(lists).Split);
        Assert.Equal(["p0/*", "p1/*"], lists[0].Patterns);
        var maps = DataFilesResolver.Sanitize(new List<object?>
        {
            new Dictionary<string, object?> { ["split"] = "test", ["path"] = "t/*" },
            new Dictionary<string, object?> { ["split"] = "dev", ["path"] = new List<object?> { "d1/*", "d2/*" } },
        }, "t");
        Assert.Equal(["test", "dev"], maps.Select(m => m.Split));
        Assert.Equal(["d1/*", "d2/*"], maps[1].Patterns);
    }

    [Fact]
    public void A_card_whose_aliases_expand_past_the_node_budget_is_refused()
    {
        var yaml = new StringBuilder("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 0; i < 8; i++)
        {
            yaml.Append(CultureInfoInvariant($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat(i == 0 ? "*a" : $"*l{i - 1}", 10))}]\n"));
        }

        yaml.Append("configs:\n- config_name: x\n---\n");
        Assert.Contains("nodes", Assert.Throws<DataException>(() => CardOf(yaml.ToString())).Message, StringComparison.Ordinal);
    }

    private static string CultureInfoInvariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Python 3.13: glob.translate('*', recursive=True, include_hidden=True) matches one non-empty name; '**' alone any
    // path; 'a/**/b' a/b and a/x/y/b; '*' and '?' never cross '/'; '[!a]' negates; '**.csv' is '*' '*' '.csv'.
    [Theory]
    [InlineData("*", "a", true)]
    [InlineData("*", "a/b", false)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a/**/b", "ab", false)]
    [InlineData("**/test[-._ 0-9]*", "test.csv", true)]
    [InlineData("**/test[-._ 0-9]*", "d/e/test-0.csv", true)]
    [InlineData("**/test[-._ 0-9]*", "testmini.csv", false)]
    [InlineData("data/test-*", "data/testmini-00000-of-00001.parquet", false)]
    [InlineData("data/test-*", "data/test-00000-of-00001-8f1b.parquet", true)]
    [InlineData("x?.csv", "x1.csv", true)]
    [InlineData("x?.csv", "x/.csv", false)]
    [InlineData("[!a]*.csv", "b.csv", true)]
    [InlineData("[!a]*.csv", "a.csv", false)]
    [InlineData("**.csv", "d/a.csv", false)]
    [InlineData("standard (10 options)/test-*", "standard (10 options)/test-00000-of-00002.parquet", true)]
    [InlineData("[oops", "[oops", true)]
    public void Globs_match_as_python_glob_translate(string pattern, string path, bool matches) =>
        Assert.Equal(matches, HfGlob.ToRegex(pattern).IsMatch(path));

    // Hidden parts and __special__ folders only when the pattern names as many (data_files.py docstrings' examples).
    [Theory]
    [InlineData("**", ".hidden_file.txt", false)]
    [InlineData(".*", ".hidden_file.txt", true)]
    [InlineData("**", ".hidden_dir/a.txt", false)]
    [InlineData(".hidden_dir/*", ".hidden_dir/a.txt", true)]
    [InlineData(".hidden_dir/*", ".hidden_dir/.hidden_file.txt", false)]
    [InlineData(".*/.*", ".hidden_dir/.hidden_file.txt", true)]
    [InlineData("**", "__pycache__/b.txt", false)]
    [InlineData("__pycache__/*", "__pycache__/b.txt", true)]
    [InlineData("**", "README.md", false)]
    [InlineData("README.md", "README.md", true)]
    public void Hidden_special_and_ignored_files_follow_resolve_pattern(string pattern, string path, bool matches) =>
        Assert.Equal(matches, DataFilesResolver.Match([path], pattern, allowedExtensionsOnly: false).Count == 1);

    // pandas.read_csv typing, hand-checked: all ints → int64; ints with an empty cell → float64 (NaN → null);
    // True/False → bool; anything else → str; a .tsv is tab-separated.
    [Fact]
    public void Csv_and_tsv_columns_get_pandas_types()
    {
        var tsv = Path.Combine(_root.FullName, "test.tsv");
        File.WriteAllText(tsv, "index\tscore\tflag\tanswer\tnote\n1\t2\tTrue\tA\t\"quoted\ttab\"\n2\t\tFalse\t7\tplain\n");

        var rows = new CsvDatasetReader().Read(tsv, null, CancellationToken.None).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal(1L, rows[0]["index"]);
        Assert.Equal(2.0, rows[0]["score"]);
        Assert.Null(rows[1]["score"]);
        Assert.Equal(true, rows[0]["flag"]);
        Assert.Equal("7", rows[1]["answer"]);
        Assert.Equal("quoted\ttab", rows[0]["note"]);
        Assert.Equal(2, new CsvDatasetReader().CountRows(tsv));
    }
}
