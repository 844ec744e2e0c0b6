namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>
/// Host memory for the CPU backend: fp32 for activations (and for weights on the fp32 path, widened once on upload),
/// bf16 bits for weight matrices on the bf16 path (<see cref="CpuComputeType.Bf16"/>), i32 for ids.
/// </summary>
internal sealed class CpuStorage : ITensorStorage
{
    public CpuStorage(float[] floats)
    {
        Floats = floats;
        Ints = [];
        Bf16 = [];
    }

    public CpuStorage(int[] ints)
    {
        Floats = [];
        Ints = ints;
        Bf16 = [];
    }

    public CpuStorage(ushort[] bf16)
    {
        Floats = [];
        Ints = [];
        Bf16 = bf16;
    }

    /// <summary>bf16 bit patterns (the top half of an fp32).</summary>
    public ushort[] Bf16 { get; }

    public float[] Floats { get; }

    public int[] Ints { get; }

    public long Capacity => Math.Max(Math.Max(Floats.LongLength, Ints.LongLength), Bf16.LongLength);

    public void Dispose()
    {
        // Managed arrays: the GC reclaims them; nothing native to free.
    }
}
