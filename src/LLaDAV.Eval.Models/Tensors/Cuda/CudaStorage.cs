namespace LLaDAV.Eval.Models.Tensors.Cuda;

/// <summary>Device memory behind a tensor: one allocation of <see cref="Capacity"/> elements of one dtype.</summary>
internal sealed class CudaStorage(DeviceMemory memory, long capacity, DType dtype) : ITensorStorage
{
    public DeviceMemory Memory { get; } = memory;

    public long Capacity { get; } = capacity;

    public DType DType { get; } = dtype;

    public void Dispose() => Memory.Dispose();
}
