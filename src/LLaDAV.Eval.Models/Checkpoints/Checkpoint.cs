using System.Text.Json;
using LLaDAV.Eval.Models.Tensors;

namespace LLaDAV.Eval.Models.Checkpoints;

/// <summary>
/// A checkpoint folder as published on the HF hub: <c>config.json</c> plus <c>model.safetensors</c>, or shards listed
/// by <c>model.safetensors.index.json</c> (<c>weight_map: name → shard file</c>). All shards stay memory-mapped.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string IndexFileName = "model.safetensors.index.json";
    public const string SingleFileName = "model.safetensors";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, (SafetensorsFile File, SafetensorsEntry Entry)> _tensors;

    private Checkpoint(string directory, ModelConfig config, List<SafetensorsFile> files, Dictionary<string, (SafetensorsFile, SafetensorsEntry)> tensors)
    {
        Directory = directory;
        Config = config;
        _files = files;
        _tensors = tensors;
    }

    public string Directory { get; }

    public ModelConfig Config { get; }

    public IEnumerable<string> TensorNames => _tensors.Keys;

    public static Checkpoint Open(string directory)
    {
        var config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        var files = new List<SafetensorsFile>();
        var tensors = new Dictionary<string, (SafetensorsFile, SafetensorsEntry)>(StringComparer.Ordinal);
        try
        {
            var index = Path.Combine(directory, IndexFileName);
            if (File.Exists(index))
            {
                var map = ReadIndex(index);
                foreach (var shard in map.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    files.Add(SafetensorsFile.Open(Path.Combine(directory, shard)));
                }

                foreach (var (name, shard) in map)
                {
                    var file = files.First(f => Path.GetFileName(f.Path) == shard);
                    if (!file.Entries.TryGetValue(name, out var entry))
                    {
                        throw new CheckpointException(CheckpointErrorKind.MissingTensor, file.Path, name, $"{IndexFileName} puts tensor {name} in {file.Path}, but that shard does not hold it.");
                    }

                    tensors[name] = (file, entry);
                }
            }
            else
            {
                var file = SafetensorsFile.Open(Path.Combine(directory, SingleFileName));
                files.Add(file);
                foreach (var (name, entry) in file.Entries)
                {
                    tensors[name] = (file, entry);
                }
            }
        }
        catch
        {
            foreach (var f in files)
            {
                f.Dispose();
            }

            throw;
        }

        return new Checkpoint(directory, config, files, tensors);
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        _tensors.TryGetValue(name, out var t)
            ? t.Entry
            : throw new CheckpointException(CheckpointErrorKind.MissingTensor, Describe(), name, $"Tensor {name} is missing from the checkpoint in {Describe()}.");

    /// <summary>Uploads a tensor to the backend after checking its shape.</summary>
    public Tensor Load(IComputeBackend backend, string name, params int[] expectedShape)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var entry = Entry(name);
        var expected = new TensorShape(expectedShape);
        if (!entry.Shape.Equals(expected))
        {
            throw new CheckpointException(CheckpointErrorKind.WrongShape, entry.FilePath, name, $"Tensor {name} in {entry.FilePath} has shape {entry.Shape}, but config.json implies {expected}.");
        }

        if (entry.DType == DType.I32)
        {
            throw new CheckpointException(CheckpointErrorKind.UnsupportedDType, entry.FilePath, name, $"Tensor {name} in {entry.FilePath} is I32; weights must be BF16, F16 or F32.");
        }

        return backend.UploadWeights(_tensors[name].File.Bytes(entry), entry.DType, entry.Shape);
    }

    /// <summary>A fingerprint of config + tensor index (names, dtypes, shapes, offsets) for run manifests.</summary>
    public string Fingerprint()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(File.ReadAllText(Path.Combine(Directory, "config.json")));
        foreach (var (name, (_, e)) in _tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(name).Append(e.DType).Append(e.Shape).Append(e.Begin).Append(',').Append(e.End).Append(Path.GetFileName(e.FilePath));
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }

    private string Describe() => _files.Count == 1 ? _files[0].Path : Directory;

    private static Dictionary<string, string> ReadIndex(string index)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
            return doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CheckpointException(CheckpointErrorKind.InvalidHeader, index, null, $"{index} is not a valid safetensors index (needs a weight_map object): {e.Message}");
        }
    }
}
