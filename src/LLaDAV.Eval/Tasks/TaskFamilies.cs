using System.Collections.Immutable;
using LLaDAV.Eval.Tasks.Builtins;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Tasks;

/// <summary>The explicit list of task families whose hooks task YAML files may name (docs/ARCHITECTURE.md §9).</summary>
public static class TaskFamilies
{
    public static ImmutableArray<ITaskFamily> All { get; } =
    [
        new BuiltinFamily(),
        new Families.Mmmu.MmmuFamily(),
        new Families.Mmstar.MmstarFamily(),
        new Families.MmmuPro.MmmuProFamily(),
        new Families.Mme.MmeFamily(),
        new Families.Mmbench.MmbenchFamily(),
        new Families.Mathverse.MathverseFamily(),
        new Families.Mathvista.MathvistaFamily(),
        new Families.Pope.PopeFamily(),
        new Families.Ai2d.Ai2dFamily(),
        new Families.Chartqa.ChartqaFamily(),
        new Families.Docvqa.DocvqaFamily(),
        new Families.Realworldqa.RealworldqaFamily(),
        new Families.Ocrbench.OcrbenchFamily(),
        new Families.Muirbench.MuirbenchFamily(),
        new Families.Seedbench.SeedbenchFamily(),
        new Families.Mlvu.MlvuFamily(),
        new Families.Videomme.VideommeFamily(),
        new Families.Mvbench.MvbenchFamily(),
    ];

    /// <summary>lmms-eval's generic filters, registered without a family prefix as lmms-eval names them.</summary>
    private sealed class BuiltinFamily : ITaskFamily
    {
        public string Name => "builtin";

        public void Register(HookRegistry hooks) => BuiltinFilters.Register(hooks);
    }
}
