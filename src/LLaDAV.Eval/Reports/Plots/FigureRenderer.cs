using System.Collections.Immutable;
using ScottPlot;
using SkiaSharp;

namespace LLaDAV.Eval.Reports.Plots;

/// <summary>Where each part of a composed figure sits, in figure pixels (for tests and for the HTML report's sizing).</summary>
public sealed record FigureLayout(float Width, float Height, PixelRect Title, ImmutableArray<PixelRect> Panels, PixelRect Legend, PixelRect? Note);

/// <summary>
/// Draws a <see cref="Figure"/> with ScottPlot: the title, panels (one <see cref="Plot"/> each, laid out by ScottPlot
/// so tick labels and titles always fit) in a grid, one ScottPlot legend to the right of all panels so it never covers
/// data, and the note below; the figure widens to fit its title and note, so nothing is clipped.
/// </summary>
public static class FigureRenderer
{
    public const float PanelWidth = 400;
    public const float PanelHeight = 320;
    private const float TitleHeight = 40;
    private const float NoteHeight = 24;
    private const float Margin = 16;
    private const float LegendFont = 13;

    /// <summary>The figure as SVG.</summary>
    public static string Render(Figure figure)
    {
        using var composed = Compose(figure);
        return composed.ToSvg();
    }

    /// <summary>The figure as PNG, <paramref name="scale"/> pixels per SVG pixel.</summary>
    public static byte[] RenderPng(Figure figure, float scale = 2)
    {
        using var composed = Compose(figure);
        return composed.ToPng(scale);
    }

    /// <summary>The plots and layout of a figure, before drawing (dispose it after use).</summary>
    public static ComposedFigure Compose(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (figure.Panels.IsEmpty)
        {
            throw new ArgumentException("A figure needs at least one panel.", nameof(figure));
        }

        PlotFonts.Install();
        var columns = Math.Clamp(figure.Columns, 1, figure.Panels.Length);
        var rows = (figure.Panels.Length + columns - 1) / columns;
        using var paint = Paint.NewDisposablePaint();
        var title = Text(figure.Title, 17, bold: true);
        var note = figure.Note is null ? null : Text(figure.Note, 11, bold: false, "#555555");
        var titleSize = title.Measure(paint);
        var noteSize = note?.Measure(paint);

        var legendHost = new Plot();
        legendHost.Legend.DisplayPlottableLegendItems = false;
        legendHost.Legend.FontName = PlotFonts.Family;
        legendHost.Legend.FontSize = LegendFont;
        legendHost.Legend.OutlineColor = Colors.Transparent;
        legendHost.Legend.ShadowColor = Colors.Transparent;
        // A legend entry for a series that draws nothing (a one-point frontier without markers) would name a line the
        // reader cannot find.
        legendHost.Legend.ManualItems.AddRange(figure.Panels.SelectMany(p => p.Series).Where(s => s.Draws).GroupBy(s => s.Name).Select(g => LegendEntry(g.First())));
        var legendSize = legendHost.Legend.ManualItems.Count == 0
            ? new PixelRect(0, 0, 0, 0)
            : legendHost.Legend.GetLayout(new PixelSize(2000, rows * PanelHeight), paint).LegendRect;

        var panelsWidth = columns * PanelWidth;
        var width = Math.Max(panelsWidth + legendSize.Width + Margin, Math.Max(titleSize.Width, noteSize?.Width ?? 0) + (2 * Margin));
        var height = TitleHeight + (rows * PanelHeight) + (noteSize is { } h ? Math.Max(NoteHeight, h.Height + 8) : 0) + 6;
        var panelRects = Enumerable.Range(0, figure.Panels.Length)
            .Select(i => new PixelRect(new Pixel((i % columns) * PanelWidth, TitleHeight + ((i / columns) * PanelHeight)), new PixelSize(PanelWidth, PanelHeight)))
            .ToImmutableArray();
        var plots = figure.Panels.Select(p => PanelPlot.Build(p, new PixelSize(PanelWidth, PanelHeight))).ToImmutableArray();
        var legendRect = new PixelRect(new Pixel(panelsWidth, TitleHeight + 28), new PixelSize(legendSize.Width + (Margin / 2), legendSize.Height));
        var titleRect = new PixelRect(new Pixel(Margin, 12), new PixelSize(titleSize.Width, titleSize.Height));
        PixelRect? noteRect = noteSize is { } ns ? new PixelRect(new Pixel(Margin, TitleHeight + (rows * PanelHeight) + 4), new PixelSize(ns.Width, ns.Height)) : null;
        var layout = new FigureLayout(width, height, titleRect, panelRects, legendRect, noteRect);
        return new ComposedFigure(figure.Title, layout, plots, legendHost, title, note);
    }

    private static LabelStyle Text(string text, float size, bool bold, string color = "#222222") => new()
    {
        Text = text,
        FontName = PlotFonts.Family,
        FontSize = size,
        Bold = bold,
        ForeColor = Color.FromHex(color),
        Alignment = Alignment.UpperLeft,
    };

    private static LegendItem LegendEntry(PlotSeries series) => new()
    {
        LabelText = series.Name,
        LineColor = Color.FromHex(series.Style.Color),
        LineWidth = series.Style.Connect ? 2 : 0,
        LinePattern = PanelPlot.Pattern(series.Style.Dash),
        MarkerShape = PanelPlot.Shape(series.Style.Marker),
        MarkerSize = series.Style.Marker is null ? 0 : 9,
        MarkerFillColor = Color.FromHex(series.Style.Color),
        MarkerLineColor = Colors.White,
    };
}

/// <summary>A figure's ScottPlot plots and layout; <see cref="Draw"/> paints it on any Skia canvas (SVG or raster).</summary>
public sealed class ComposedFigure(string name, FigureLayout layout, ImmutableArray<Plot> plots, Plot legendHost, LabelStyle title, LabelStyle? note) : IDisposable
{
    public FigureLayout Layout { get; } = layout;

    public string ToSvg() => Canvases.Svg(Layout.Width, Layout.Height, name, Draw);

    /// <summary>PNG, <paramref name="scale"/> pixels per SVG pixel.</summary>
    public byte[] ToPng(float scale = 2) => Canvases.Png(Layout.Width, Layout.Height, scale, Draw);

    /// <summary>One plot per panel, in the figure's panel order.</summary>
    public ImmutableArray<Plot> Plots { get; } = plots;

    public void Draw(SKCanvas canvas)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        using var paint = Paint.NewDisposablePaint();
        canvas.Clear(SKColors.White);
        title.Render(canvas, new Pixel(Layout.Title.Left, Layout.Title.Top), paint);
        for (var i = 0; i < Plots.Length; i++)
        {
            // ScottPlot clears the canvas it renders on; the clip keeps that to the panel's own rectangle.
            var r = Layout.Panels[i];
            canvas.Save();
            canvas.ClipRect(new SKRect(r.Left, r.Top, r.Right, r.Bottom));
            Plots[i].Render(canvas, r);
            canvas.Restore();
        }

        if (legendHost.Legend.ManualItems.Count > 0)
        {
            legendHost.Legend.Render(canvas, paint, Layout.Legend, Alignment.UpperLeft);
        }

        if (note is not null && Layout.Note is { } n)
        {
            note.Render(canvas, new Pixel(n.Left, n.Top), paint);
        }
    }

    public void Dispose()
    {
        foreach (var plot in Plots)
        {
            plot.Dispose();
        }

        legendHost.Dispose();
    }
}
