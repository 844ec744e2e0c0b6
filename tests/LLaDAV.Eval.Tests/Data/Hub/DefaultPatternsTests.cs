using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Tests.Data.Hub;

/// <summary>
/// datasets' own table for its default data-file patterns, case for case: huggingface/datasets
/// <c>tests/test_data_files.py</c> <c>test_get_data_files_patterns</c> (files per split → the splits, in order, and
/// the files each split's patterns match, in order) and <c>test_get_data_patterns_from_directory_with_the_word_data_twice</c>.
/// A case is "split=file|file;split=file".
/// </summary>
public sealed class DefaultPatternsTests
{
    [Theory]
    // === Main cases ===
    [InlineData("train=train.txt;validation=valid.txt;test=test.txt")]
    [InlineData("train=data/train.txt;validation=data/valid.txt;test=data/test.txt")]
    [InlineData("train=train/split.txt;validation=valid/split.txt;test=test/split.txt")]
    [InlineData("train=data/train_0.txt|data/train_1.txt|data/train_2.txt;validation=data/validation_0.txt|data/validation_1.txt|data/validation_2.txt;test=data/test_0.txt|data/test_1.txt|data/test_2.txt")]
    [InlineData("train=data/train-00000-of-00003.txt|data/train-00001-of-00003.txt|data/train-00002-of-00003.txt;validation=data/validation-00000-of-00003.txt|data/validation-00001-of-00003.txt|data/validation-00002-of-00003.txt;test=data/test-00000-of-00003.txt|data/test-00001-of-00003.txt|data/test-00002-of-00003.txt;random=data/random-00000-of-00003.txt|data/random-00001-of-00003.txt|data/random-00002-of-00003.txt")]
    // === Secondary cases ===
    [InlineData("train=dataset.txt")]
    [InlineData("train=data/dataset.txt")]
    [InlineData("train=data/image.jpg|metadata.jsonl")]
    [InlineData("train=data/image.jpg|metadata.csv")]
    [InlineData("train=my_train_dir/dataset.txt")]
    [InlineData("train=data/my_train_file.txt")]
    [InlineData("test=my_test_dir/dataset.txt")]
    [InlineData("test=data/my_test_file.txt")]
    [InlineData("validation=my_validation_dir/dataset.txt")]
    [InlineData("validation=data/my_validation_file.txt")]
    [InlineData("train=train_dir/dataset.txt")]
    [InlineData("train=data/train_file.txt")]
    [InlineData("test=test_dir/dataset.txt")]
    [InlineData("test=data/test_file.txt")]
    [InlineData("validation=validation_dir/dataset.txt")]
    [InlineData("validation=data/validation_file.txt")]
    [InlineData("train=my_train/dataset.txt")]
    [InlineData("train=data/my_train.txt")]
    [InlineData("test=my_test/dataset.txt")]
    [InlineData("test=data/my_test.txt")]
    [InlineData("validation=my_validation/dataset.txt")]
    [InlineData("validation=data/my_validation.txt")]
    [InlineData("test=eval.txt")]
    [InlineData("test=data/eval.txt")]
    [InlineData("test=eval/dataset.txt")]
    [InlineData("validation=dev.txt")]
    [InlineData("validation=data/dev.txt")]
    [InlineData("validation=dev/dataset.txt")]
    [InlineData("validation=val.txt")]
    [InlineData("validation=data/val.txt")]
    [InlineData("train=train.parquet;validation=valid.parquet;test=test.parquet")]
    [InlineData("train=developers_list.txt")]
    [InlineData("train=data/seqeval_results.txt")]
    [InlineData("train=contest.txt")]
    [InlineData("test=my.test.file.txt")]
    [InlineData("test=my-test-file.txt")]
    [InlineData("test=my_test_file.txt")]
    [InlineData("test=my test file.txt")]
    [InlineData("test=my-test_file.txt")]
    [InlineData("test=test00001.txt")]
    [InlineData("test=test/train.txt")]
    public void Splits_and_their_files_are_those_of_datasets_own_test_table(string case_)
    {
        var expected = case_.Split(';').Select(part => part.Split('=', 2)).Select(kv => (Split: kv[0], Files: kv[1].Split('|'))).ToList();
        var listing = expected.SelectMany(e => e.Files).Order(StringComparer.Ordinal).ToList();

        var patterns = DataFilesResolver.DefaultPatterns(listing, "test");

        // datasets' test compares list(patterns.keys()): the order is part of the contract.
        Assert.Equal(expected.Select(e => e.Split), patterns.Select(p => p.Split));
        foreach (var (split, files) in expected)
        {
            var matched = patterns.Single(p => p.Split == split).Patterns.SelectMany(p => DataFilesResolver.Match(listing, p, allowedExtensionsOnly: false)).ToList();
            Assert.Equal(files, matched);
        }
    }

    [Fact]
    public void The_sharded_pattern_is_relative_to_the_repository_even_when_a_parent_folder_ends_in_data()
    {
        var root = Directory.CreateTempSubdirectory("lladav-patterns-");
        try
        {
            var repo = Path.Combine(root.FullName, "directory-name-ending-with-the-word-data");
            Directory.CreateDirectory(Path.Combine(repo, "data"));
            File.WriteAllBytes(Path.Combine(repo, "data", "train-00001-of-00009.parquet"), []);

            var patterns = DataFilesResolver.DefaultPatterns(DataFilesResolver.ListFiles(repo), "test");

            var only = Assert.Single(patterns);
            Assert.Equal("train", only.Split);
            Assert.Equal(["data/train-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9]*.*"], only.Patterns);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    // The split order datasets returns for sharded names: train, validation, test first, then the others sorted
    // (data_files.py _get_data_files_patterns: `sorted_splits`).
    [Fact]
    public void Sharded_splits_come_in_datasets_order_with_custom_names_sorted_after_the_standard_ones()
    {
        string[] files = ["data/zeta-00000-of-00001.parquet", "data/test-00000-of-00001.parquet", "data/alpha-00000-of-00001.parquet", "data/train-00000-of-00001.parquet"];
        Assert.Equal(["train", "test", "alpha", "zeta"], DataFilesResolver.DefaultPatterns(files, "test").Select(p => p.Split));
    }

    [Fact]
    public void A_folder_with_only_a_card_has_no_data_files()
    {
        var e = Assert.Throws<DataException>(() => DataFilesResolver.DefaultPatterns(["README.md", ".gitattributes"], "repo X"));
        Assert.Contains("no data files", e.Message, StringComparison.Ordinal);
    }
}
