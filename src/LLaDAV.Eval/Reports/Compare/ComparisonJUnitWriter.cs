using System.Globalization;
using System.Xml.Linq;

namespace LLaDAV.Eval.Reports.Compare;

/// <summary>
/// JUnit XML (the schema CI systems read): one <c>testcase</c> per task; a <c>failure</c> element where the task
/// fails the gate (a significant regression beyond the allowed drop), details in <c>system-out</c> otherwise.
/// </summary>
public sealed class ComparisonJUnitWriter : IReportWriter<ComparisonResult>
{
    public string Format => "junit";

    public string Write(ComparisonResult model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var failures = model.Tasks.Count(t => t.FailsGate);
        var cases = model.Tasks.Select(t =>
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{t.Metric}: BASE {t.BaseScore:0.00}, NEW {t.NewScore:0.00}, delta {t.DeltaPoints:+0.00;-0.00;0.00} points, {t.Confidence:0.###%} CI [{t.Lower:0.00}, {t.Upper:0.00}], {t.Test} p = {ComparisonMarkdownWriter.P(t.PValue)}, Bonferroni p = {ComparisonMarkdownWriter.P(t.AdjustedPValue)}, {t.Pairs} pairs: {ComparisonMarkdownWriter.VerdictText(t)}");
            var element = new XElement("testcase", new XAttribute("classname", "lladav-eval.compare"), new XAttribute("name", t.Task), new XAttribute("time", "0"));
            element.Add(t.FailsGate
                ? new XElement("failure", new XAttribute("type", "SignificantRegression"), new XAttribute("message", detail), detail)
                : new XElement("system-out", detail));
            return element;
        }).Concat(model.OnlyInBase.Select(t => (Task: t, Side: "BASE")).Concat(model.OnlyInNew.Select(t => (Task: t, Side: "NEW"))).Select(x =>
            new XElement("testcase", new XAttribute("classname", "lladav-eval.compare"), new XAttribute("name", x.Task), new XAttribute("time", "0"),
                new XElement("skipped", new XAttribute("message", $"only in {x.Side}: not compared")))));
        var skipped = model.OnlyInBase.Length + model.OnlyInNew.Length;
        var suite = new XElement("testsuite",
            new XAttribute("name", "lladav-eval compare"),
            new XAttribute("tests", model.Tasks.Length + skipped),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", skipped),
            cases);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites",
            new XAttribute("name", "lladav-eval compare"), new XAttribute("tests", model.Tasks.Length + skipped), new XAttribute("failures", failures), suite));
        return doc.Declaration + "\n" + doc.Root!.ToString() + "\n";
    }
}
