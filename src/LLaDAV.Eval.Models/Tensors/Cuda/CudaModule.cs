using System.Runtime.InteropServices;
using System.Text;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>A loaded PTX module (cuModuleLoadData JIT-compiles it for the device) and its kernel entry points.</summary>
internal sealed unsafe class CudaModule : SafeHandle
{
    /// <summary>CUDA_ERROR_UNSUPPORTED_PTX_VERSION.</summary>
    private const int UnsupportedPtxVersion = 222;

    private readonly CudaContext _context;
    private readonly Dictionary<string, nint> _functions = new(StringComparer.Ordinal);

    public CudaModule(CudaContext context, string ptx, IEnumerable<string> functions)
        : base(0, ownsHandle: true)
    {
        _context = context;
        context.MakeCurrent();
        var image = Encoding.ASCII.GetBytes(ptx + "\0");
        nint module;
        int loaded;
        fixed (byte* p = image)
        {
            loaded = context.Driver.ModuleLoadData(&module, p);
        }

        if (loaded == UnsupportedPtxVersion)
        {
            throw new CudaException(
                $"cuModuleLoadData failed: {context.Driver.Describe(loaded)}. The PTX comes from an NVRTC newer than the driver (driver {context.Driver.Version}); put an NVRTC of the driver's CUDA version or older first on LD_LIBRARY_PATH, or update the NVIDIA driver.");
        }

        context.Driver.Check(loaded, "cuModuleLoadData");

        SetHandle(module);
        foreach (var name in functions)
        {
            nint function;
            var bytes = CudaDriver.Utf8Z(name);
            fixed (byte* n = bytes)
            {
                context.Driver.Check(context.Driver.ModuleGetFunction(&function, module, n), $"cuModuleGetFunction({name})");
            }

            _functions[name] = function;
        }
    }

    public override bool IsInvalid => handle == 0;

    public nint Function(string name) => _functions.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"Kernel {name} is not in this module.");

    protected override bool ReleaseHandle()
    {
        if (_context.Handle == 0)
        {
            return true; // the context was released first and unloaded its modules with it
        }

        _ = _context.Driver.CtxSetCurrent(_context.Handle);
        return _context.Driver.ModuleUnload(handle) == 0;
    }
}
