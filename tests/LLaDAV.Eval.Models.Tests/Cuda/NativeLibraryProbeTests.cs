using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// Where cuBLAS and NVRTC are looked for besides the dynamic loader: the GPU machines this project is lent have CUDA
/// only as PyTorch's pip wheels (site-packages/nvidia/&lt;component&gt;/lib), no toolkit and no ldconfig entry.
/// </summary>
public sealed class NativeLibraryProbeTests
{
    [Fact]
    public void Pip_wheel_folders_of_a_virtual_env_and_the_user_site_are_searched_after_the_explicit_path()
    {
        var root = Directory.CreateTempSubdirectory("probe-").FullName;
        try
        {
            string Make(params string[] parts)
            {
                var dir = Path.Combine([root, .. parts]);
                Directory.CreateDirectory(dir);
                return dir;
            }

            var venvCu13 = Make("venv", "lib", "python3.12", "site-packages", "nvidia", "cu13", "lib");
            var venvCublas = Make("venv", "lib", "python3.12", "site-packages", "nvidia", "cublas", "lib");
            var userNvrtc = Make("home", ".local", "lib", "python3.11", "site-packages", "nvidia", "cuda_nvrtc", "lib");
            var explicitDir = Make("explicit");
            Make("venv", "lib", "python3.12", "site-packages", "nvidia", "nolib"); // a component without lib/ is skipped
            var env = new Dictionary<string, string?>
            {
                [NativeLibraryProbe.SearchPathVariable] = explicitDir + ":" + Path.Combine(root, "missing"),
                ["VIRTUAL_ENV"] = Path.Combine(root, "venv"),
            };

            var folders = NativeLibraryProbe.SearchFolders(k => env.GetValueOrDefault(k), Path.Combine(root, "home"));

            Assert.Equal(explicitDir, folders[0]);
            Assert.Contains(venvCu13, folders);
            Assert.Contains(venvCublas, folders);
            Assert.Contains(userNvrtc, folders);
            Assert.DoesNotContain(folders, f => f.Contains("nolib", StringComparison.Ordinal) || f.Contains("missing", StringComparison.Ordinal));

            File.WriteAllText(Path.Combine(venvCu13, "libnvrtc.so.13"), string.Empty);
            var candidates = NativeLibraryProbe.Candidates(["libnvrtc.so.13", "libnvrtc.so.12"], folders).ToList();
            Assert.Equal(["libnvrtc.so.13", "libnvrtc.so.12", Path.Combine(venvCu13, "libnvrtc.so.13")], candidates);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_error_for_a_missing_library_names_the_pip_wheel_places_and_the_override_variable()
    {
        var e = Assert.Throws<LLaDAV.Eval.Models.Tensors.Cuda.CudaUnavailableException>(() => NativeLibraryProbe.Load("cuBLAS (libcublas)", ["libdoes-not-exist.so.99"], "provider text"));
        Assert.Contains("nvidia/*/lib", e.Message, StringComparison.Ordinal);
        Assert.Contains(NativeLibraryProbe.SearchPathVariable, e.Message, StringComparison.Ordinal);
        Assert.Contains("provider text", e.Message, StringComparison.Ordinal);
    }
}
