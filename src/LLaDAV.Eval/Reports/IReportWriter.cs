namespace LLaDAV.Eval.Reports;

/// <summary>Renders one report model in one format (docs/ARCHITECTURE.md §9: one small interface per extension point).</summary>
/// <typeparam name="TModel">The immutable report model, e.g. a comparison result.</typeparam>
public interface IReportWriter<in TModel>
{
    /// <summary>The format's name, e.g. md, junit, html.</summary>
    string Format { get; }

    string Write(TModel model);
}
