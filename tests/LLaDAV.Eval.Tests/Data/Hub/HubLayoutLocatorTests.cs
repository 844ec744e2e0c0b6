using System.Text;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Data.Hub;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Tasks;
using LLaDAV.Eval.Testing;
using LLaDAV.Eval.Tests.Tasks;

namespace LLaDAV.Eval.Tests.Data.Hub;

/// <summary>
/// The locator on hub caches laid out as the real benchmark repositories are (file names and card <c>configs:</c>
/// as published: see tasks/SAMPLES.md for the source of each), written the way huggingface_hub writes them
/// (blobs, relative snapshot symlinks, refs). Expected files come from the cards and datasets' rules, not from a run.
/// </summary>
public sealed class HubLayoutLocatorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lladav-hub-");

    private string Hub => Path.Combine(_root.FullName, "hub");

    public void Dispose() => _root.Delete(recursive: true);

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static TaskSpec Spec(string task) => TaskSamples.Task(task).Spec;

    private static string Card(string configs) => "---\n" + configs + "\n---\n\n# card\n";

    private DatasetLocation Locate(string task, bool allowSample = false) =>
        new DatasetLocator(null, Hub, DatasetReaders.All, allowSample).Locate(Spec(task));

    // Lin-Chen/MMStar main: README.md, MMStar.tsv, mmstar.parquet at the root; the card maps split val of its only
    // config (mmstar) to "mmstar.parquet" (https://huggingface.co/datasets/Lin-Chen/MMStar/commit/a9beb09...).
    [Fact]
    public void Mmstar_val_is_the_root_parquet_the_card_maps_not_the_tsv_beside_it()
    {
        var sample = TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar");
        var commit = HubCacheBuilder.CommitFor("mmstar");
        var files = HubCacheBuilder.FilesOf(sample);
        files["MMStar.tsv"] = B("index\tquestion\tanswer\n0\tq\tA\n");
        var snapshot = new HubCacheBuilder(Hub, "Lin-Chen/MMStar").Snapshot(commit, files);

        var location = Locate("mmstar");

        Assert.Equal(DatasetSource.Real, location.Source);
        Assert.Equal([Path.Combine(snapshot, "mmstar.parquet")], location.Files);
        Assert.Equal(("Lin-Chen/MMStar", "main", commit, "mmstar"), (location.RepoId, location.Revision, location.Commit, location.Config));
        Assert.Contains("card configs", location.How, StringComparison.Ordinal);
    }

    // Without the card, datasets' default patterns find no split keyword in mmstar.parquet: everything is train,
    // so split val does not exist — the error names what the folder holds.
    [Fact]
    public void Mmstar_without_its_card_has_no_val_split_and_says_so()
    {
        new HubCacheBuilder(Hub, "Lin-Chen/MMStar").Snapshot(HubCacheBuilder.CommitFor("x"), new Dictionary<string, byte[]> { ["mmstar.parquet"] = File.ReadAllBytes(Path.Combine(TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar"), "mmstar.parquet")) });

        var e = Assert.Throws<DataException>(() => Locate("mmstar", allowSample: true));

        Assert.Contains("'train'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not 'val'", e.Message, StringComparison.Ordinal);
        Assert.Contains("mmstar.parquet", e.Message, StringComparison.Ordinal);
    }

    // CaraJ/MathVerse-lmmseval: seven root parquets; config testmini_version_split maps split vision_only to
    // testmini_vision_only.parquet. "testmini_vision_only" holds no datasets split keyword, so only the card finds it.
    [Fact]
    public void Mathverse_vision_only_is_mapped_by_the_card_among_the_root_files()
    {
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mathverse", "CaraJ/MathVerse-lmmseval"));
        foreach (var other in new[] { "testmini", "testmini_text_dominant", "testmini_text_lite", "testmini_text_only", "testmini_vision_dominant", "testmini_vision_intensive" })
        {
            files[other + ".parquet"] = files["testmini_vision_only.parquet"];
        }

        var snapshot = new HubCacheBuilder(Hub, "CaraJ/MathVerse-lmmseval").Snapshot(HubCacheBuilder.CommitFor("mv"), files);

        Assert.Equal([Path.Combine(snapshot, "testmini_vision_only.parquet")], Locate("mathverse_testmini_vision_only").Files);
    }

    // OpenGVLab/MVBench: lmms-eval passes dataset_kwargs.revision "video" to load_dataset; refs/video and refs/main
    // point at different snapshots whose json/<task>.json differ. The video snapshot must be read.
    [Fact]
    public void Mvbench_reads_the_video_revision_the_yaml_names_not_main()
    {
        var builder = new HubCacheBuilder(Hub, "OpenGVLab/MVBench");
        var video = builder.Snapshot(HubCacheBuilder.CommitFor("video"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "video")), "video");
        builder.Snapshot(HubCacheBuilder.CommitFor("main"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "main")), "main");

        var location = Locate("mvbench_action_antonym");

        Assert.Equal([Path.Combine(video, "json", "action_antonym.json")], location.Files);
        Assert.Equal(("video", HubCacheBuilder.CommitFor("video")), (location.Revision, location.Commit));
        var rows = new JsonLinesReader().Read(location.Files[0], null, CancellationToken.None).ToList();
        Assert.DoesNotContain(rows, r => ((string)r["question"]!).StartsWith("[main revision]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_revision_given_as_a_commit_hash_names_its_snapshot_folder()
    {
        var builder = new HubCacheBuilder(Hub, "OpenGVLab/MVBench");
        var commit = HubCacheBuilder.CommitFor("pinned");
        var snapshot = builder.Snapshot(commit, HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "video")), revision: null);
        var spec = Spec("mvbench_action_antonym") with { DatasetKwargs = Spec("mvbench_action_antonym").DatasetKwargs.SetItem("revision", commit) };

        var location = new DatasetLocator(null, Hub, DatasetReaders.All, false).Locate(spec);

        Assert.Equal(Path.Combine(snapshot, "json", "action_antonym.json"), Assert.Single(location.Files));
    }

    // A repository in the cache without the revision asked for: an error naming the revisions it has and the
    // download line — never main's files, never the sample.
    [Fact]
    public void A_cached_repository_without_the_revision_is_an_error_naming_its_refs_and_the_download_line()
    {
        new HubCacheBuilder(Hub, "OpenGVLab/MVBench").Snapshot(HubCacheBuilder.CommitFor("main"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mvbench", "OpenGVLab/MVBench", "main")), "main");

        var e = Assert.Throws<DataException>(() => Locate("mvbench_action_antonym", allowSample: true));

        Assert.Contains("not its revision 'video'", e.Message, StringComparison.Ordinal);
        Assert.Contains("main -> " + HubCacheBuilder.CommitFor("main"), e.Message, StringComparison.Ordinal);
        Assert.Contains("huggingface-cli download --repo-type dataset OpenGVLab/MVBench --revision video", e.Message, StringComparison.Ordinal);
    }

    // lmms-lab/MME main: data/test-0000N-of-00004-<16 hex>.parquet (https://huggingface.co/datasets/lmms-lab/MME/tree/d6c9023...):
    // datasets' sharded pattern "data/{split}-NNNNN-of-NNNNN*.*" takes the hash suffix; shards in name order.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mme_hash_suffixed_shards_all_form_test_in_name_order_with_or_without_a_card(bool withCard)
    {
        var line = File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestPaths.SampleSnapshot("mme", "lmms-lab/MME"), "data"), "*.jsonl").Single());
        string[] names = ["data/test-00002-of-00004-594798fd3f5b029c.jsonl", "data/test-00000-of-00004-a25dbe3b44c4fda6.jsonl", "data/test-00003-of-00004-53ae1794f93b1e35.jsonl", "data/test-00001-of-00004-7d22c7f1aba6fca4.jsonl"];
        var files = names.ToDictionary(n => n, _ => line);
        if (withCard)
        {
            files["README.md"] = B(Card("configs:\n- config_name: default\n  data_files:\n  - split: test\n    path: data/test-*"));
        }

        var snapshot = new HubCacheBuilder(Hub, "lmms-lab/MME").Snapshot(HubCacheBuilder.CommitFor("mme"), files);

        Assert.Equal(names.Order(StringComparer.Ordinal).Select(n => Path.Combine(snapshot, n)), Locate("mme").Files);
    }

    // MMMU/MMMU_Pro: config folders with spaces and parentheses, "standard (10 options)/test-0000N-of-00002.parquet".
    [Fact]
    public void Mmmu_pro_config_folders_with_spaces_resolve_through_the_card()
    {
        var sample = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mmmu_pro", "MMMU/MMMU_Pro"));
        var shard = sample.Single(kv => kv.Key.StartsWith("standard (10 options)/test-", StringComparison.Ordinal)).Value;
        var files = sample.Where(kv => !kv.Key.EndsWith(".jsonl", StringComparison.Ordinal)).ToDictionary();
        files["standard (10 options)/test-00000-of-00002.jsonl"] = shard;
        files["standard (10 options)/test-00001-of-00002.jsonl"] = shard;
        files["standard (4 options)/test-00000-of-00001.jsonl"] = shard;
        var snapshot = new HubCacheBuilder(Hub, "MMMU/MMMU_Pro").Snapshot(HubCacheBuilder.CommitFor("pro"), files);

        Assert.Equal(
            [Path.Combine(snapshot, "standard (10 options)", "test-00000-of-00002.jsonl"), Path.Combine(snapshot, "standard (10 options)", "test-00001-of-00002.jsonl")],
            Locate("mmmu_pro_standard").Files);
    }

    // lmms-lab/DocVQA: the card comments out the train splits (YAML comments), though DocVQA/train-*.parquet exist.
    [Fact]
    public void Docvqa_validation_comes_from_its_config_and_commented_out_train_files_are_no_split()
    {
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("docvqa", "lmms-lab/DocVQA"));
        files["DocVQA/train-00000-of-00012.jsonl"] = files.Single(kv => kv.Key.StartsWith("DocVQA/validation-", StringComparison.Ordinal)).Value;
        var snapshot = new HubCacheBuilder(Hub, "lmms-lab/DocVQA").Snapshot(HubCacheBuilder.CommitFor("doc"), files);

        Assert.Equal([Path.Combine(snapshot, "DocVQA", "validation-00000-of-00001.jsonl")], Locate("docvqa_val").Files);
        var train = Spec("docvqa_val") with { Split = "train" };
        var e = Assert.Throws<DataException>(() => new DatasetLocator(null, Hub, DatasetReaders.All, false).Locate(train));
        Assert.Contains("gives the splits 'validation', 'test', not 'train'", e.Message, StringComparison.Ordinal);
    }

    // AI4Math/MathVista: annot_testmini.json and source.json sit at the root beside data/; testmini is no datasets
    // split keyword, so only the card (split testmini → data/testmini-*) makes the split, and it takes the shard only.
    [Fact]
    public void Mathvista_testmini_is_the_hash_suffixed_shard_the_card_maps_and_not_the_root_json()
    {
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mathvista", "AI4Math/MathVista"));
        Assert.Contains("annot_testmini.json", files.Keys);
        var snapshot = new HubCacheBuilder(Hub, "AI4Math/MathVista").Snapshot(HubCacheBuilder.CommitFor("mv"), files);

        Assert.Equal([Path.Combine(snapshot, "data", "testmini-00000-of-00001-725687bf7a18d64b.jsonl")], Locate("mathvista_testmini_cot").Files);
    }

    // A dataset that is present but whose card maps the split to a file the snapshot lacks: an error naming the
    // repository, revision, the files it holds and the mapping — even where the sample would be allowed.
    [Fact]
    public void A_present_dataset_that_does_not_resolve_is_an_error_never_the_sample()
    {
        var files = HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar"));
        files.Remove("mmstar.parquet");
        files["MMStar.tsv"] = B("index\tquestion\n0\tq\n");
        new HubCacheBuilder(Hub, "Lin-Chen/MMStar").Snapshot(HubCacheBuilder.CommitFor("partial"), files);

        var e = Assert.Throws<DataException>(() => Locate("mmstar", allowSample: true));

        Assert.Contains("Lin-Chen/MMStar@main", e.Message, StringComparison.Ordinal);
        Assert.Contains("maps split 'val' to 'mmstar.parquet'", e.Message, StringComparison.Ordinal);
        Assert.Contains("MMStar.tsv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_the_card_lacks_is_an_error_listing_the_cards_configs()
    {
        new HubCacheBuilder(Hub, "lmms-lab/POPE").Snapshot(HubCacheBuilder.CommitFor("pope"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("pope", "lmms-lab/POPE")));
        var spec = Spec("pope_adv") with { DatasetName = "Fulll" };

        var e = Assert.Throws<DataException>(() => new DatasetLocator(null, Hub, DatasetReaders.All, true).Locate(spec));

        Assert.Contains("config 'Fulll' is not in the card's configs", e.Message, StringComparison.Ordinal);
        Assert.Contains("'default', 'Full'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_checkpoint_with_no_copy_anywhere_gets_the_download_line_not_the_sample()
    {
        Directory.CreateDirectory(Hub);
        var e = Assert.Throws<DatasetMissingException>(() => Locate("mmstar", allowSample: false));

        Assert.Contains("huggingface-cli download --repo-type dataset Lin-Chen/MMStar", e.Message, StringComparison.Ordinal);
        Assert.Contains("never a real checkpoint", e.Message, StringComparison.Ordinal);
        Assert.Equal(DatasetSource.Sample, Locate("mmstar", allowSample: true).Source);
    }

    [Fact]
    public void A_data_dir_copy_that_does_not_resolve_is_an_error_not_the_sample()
    {
        var data = Path.Combine(_root.FullName, "data");
        Directory.CreateDirectory(Path.Combine(data, "Lin-Chen", "MMStar"));
        File.WriteAllText(Path.Combine(data, "Lin-Chen", "MMStar", "notes.txt"), "x");

        var e = Assert.Throws<DataException>(() => new DatasetLocator(data, null, DatasetReaders.All, true).Locate(Spec("mmstar")));

        Assert.Contains("not 'val'", e.Message, StringComparison.Ordinal);
    }

    // huggingface_hub leaves a dangling snapshot symlink when a blob is removed (e.g. `huggingface-cli delete-cache`
    // half done): the digest names the file and says to download it again.
    [Fact]
    public void A_snapshot_symlink_whose_blob_is_gone_is_named()
    {
        var snapshot = new HubCacheBuilder(Hub, "Lin-Chen/MMStar").Snapshot(HubCacheBuilder.CommitFor("m"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar")));
        File.Delete(new FileInfo(Path.Combine(snapshot, "mmstar.parquet")).ResolveLinkTarget(returnFinalTarget: true)!.FullName);

        var e = Assert.Throws<DataException>(() => Locate("mmstar").Digests());

        Assert.Contains("blob is missing", e.Message, StringComparison.Ordinal);
    }

    // The manifest's digest is the content's sha256 (the same hash huggingface_hub names LFS blobs by).
    [Fact]
    public void Each_file_digest_is_its_sha256_as_the_blob_is_named()
    {
        var snapshot = new HubCacheBuilder(Hub, "Lin-Chen/MMStar").Snapshot(HubCacheBuilder.CommitFor("m"), HubCacheBuilder.FilesOf(TestPaths.SampleSnapshot("mmstar", "Lin-Chen/MMStar")));
        var blob = new FileInfo(Path.Combine(snapshot, "mmstar.parquet")).ResolveLinkTarget(returnFinalTarget: true)!;

        var digest = Assert.Single(Locate("mmstar").Digests());

        Assert.Equal(("mmstar.parquet", blob.Name, new FileInfo(blob.FullName).Length), (digest.Path, digest.Sha256, digest.Size));
    }
}
