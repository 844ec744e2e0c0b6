using LLaDAV.Eval.Models.Tensors.Cuda;
using LLaDAV.Eval.Models.Tensors.Cuda.Interop;

namespace LLaDAV.Eval.Models.Tests.Cuda;

/// <summary>
/// The driver-level steps the emulated-device tests take around a kernel they load themselves (the backend launches
/// only its own modules, and privately): copy a float array in, launch with the arguments packed into one buffer as
/// the backend packs them (CudaBackend.Launch), copy the result back after the stream is synchronised.
/// </summary>
internal static unsafe class KernelLaunch
{
    public static byte[] P(ulong v) => BitConverter.GetBytes(v);

    public static byte[] L(long v) => BitConverter.GetBytes(v);

    public static byte[] I(int v) => BitConverter.GetBytes(v);

    public static byte[] F(float v) => BitConverter.GetBytes(v);

    public static DeviceMemory Upload(CudaContext context, float[] data)
    {
        var memory = new DeviceMemory(context, data.Length * 4L);
        fixed (float* p = data)
        {
            context.Driver.Check(context.Driver.MemcpyHtoDAsync(memory.Pointer, p, (nuint)(data.Length * 4), context.Stream), "cuMemcpyHtoDAsync");
        }

        return memory;
    }

    public static float[] Download(CudaContext context, DeviceMemory memory, int count)
    {
        var host = new float[count];
        fixed (float* p = host)
        {
            context.Driver.Check(context.Driver.MemcpyDtoHAsync(p, memory.Pointer, (nuint)(count * 4), context.Stream), "cuMemcpyDtoHAsync");
            context.Synchronize();
        }

        return host;
    }

    /// <summary>
    /// Packs the arguments at their natural alignment into one buffer and launches <paramref name="function"/> with it
    /// (cuLaunchKernel's <c>extra</c>: CU_LAUNCH_PARAM_BUFFER_POINTER = 1, CU_LAUNCH_PARAM_BUFFER_SIZE = 2,
    /// CU_LAUNCH_PARAM_END = 0, as the CUDA driver API documents them).
    /// </summary>
    public static void Launch(CudaContext context, nint function, uint grid, uint block, params byte[][] args)
    {
        var buffer = new List<byte>();
        foreach (var a in args)
        {
            while (buffer.Count % a.Length != 0)
            {
                buffer.Add(0);
            }

            buffer.AddRange(a);
        }

        var bytes = buffer.ToArray();
        nuint size = (nuint)bytes.Length;
        context.MakeCurrent();
        fixed (byte* p = bytes)
        {
            var extra = stackalloc void*[5];
            extra[0] = (void*)1;
            extra[1] = p;
            extra[2] = (void*)2;
            extra[3] = &size;
            extra[4] = null;
            context.Driver.Check(context.Driver.LaunchKernel(function, grid, 1, 1, block, 1, 1, 0, context.Stream, null, extra), "cuLaunchKernel");
        }
    }
}
