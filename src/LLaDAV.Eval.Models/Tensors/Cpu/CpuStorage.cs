namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>Host memory for the CPU backend: fp32 for floating tensors (weights are widened once on upload), i32 for ids.</summary>
internal sealed class CpuStorage : ITensorStorage
{
    public CpuStorage(float[] floats)
    {
        Floats = floats;
        Ints = [];
    }

    public CpuStorage(int[] ints)
    {
        Floats = [];
        Ints = ints;
    }

    public float[] Floats { get; }

    public int[] Ints { get; }

    public long Capacity => Math.Max(Floats.LongLength, Ints.LongLength);

    public void Dispose()
    {
        // Managed arrays: the GC reclaims them; nothing native to free.
    }
}
