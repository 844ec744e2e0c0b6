namespace LLaDAV.Eval.Tasks.Hooks;

/// <summary>
/// A benchmark family's C# hooks (the counterpart of a lmms-eval task folder's <c>utils.py</c>). Registered
/// explicitly in <see cref="TaskFamilies"/>; every hook name starts with <see cref="Name"/> + '.'.
/// </summary>
public interface ITaskFamily
{
    string Name { get; }

    void Register(HookRegistry hooks);
}
