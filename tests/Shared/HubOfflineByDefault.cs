using System.Runtime.CompilerServices;

namespace LLaDAV.Eval.Testing;

/// <summary>
/// Tests never reach the real Hugging Face Hub: a run of a real checkpoint whose dataset is missing would download it
/// (issue 30), so every test process starts with <c>HF_HUB_OFFLINE=1</c> (inherited by its CLI child processes). The
/// download tests talk to the stand-in (<see cref="HubStandIn"/>) and clear it for their children explicitly.
/// </summary>
internal static class HubOfflineByDefault
{
    [ModuleInitializer]
    internal static void Set()
    {
        if (Environment.GetEnvironmentVariable("HF_HUB_OFFLINE") is null)
        {
            Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        }
    }
}
