import Foundation

/// A `Chart` drawn as inline SVG, for the HTML reports (docs/reports.md, "HTML reports").
///
/// The picture: the title; the plot with its axes, round-numbered ticks (linear or
/// logarithmic, as each axis asks) and the axis titles; one line per series in a colour a
/// colour-blind reader can tell apart (Okabe and Ito's palette, then dashed); the marks as
/// dashed lines with their labels; and the legend under the plot. Points that cannot be
/// drawn (not finite, or not positive on a log axis) are left out and break the line there;
/// a point alone is a dot. The SVG has no namespace declaration or external reference: it is
/// meant to sit inside an HTML page.
public enum SVGChart {
    /// Line colours, from Okabe and Ito's colour-blind safe set (its yellow is too pale on
    /// white, so it is left out); after them the colours repeat dashed.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
    /// Dash patterns of the second, third and fourth rounds through the palette.
    static let dashes = ["", "7 4", "2 3", "9 3 2 3"]

    /// The colour and dash pattern (empty when solid) of the series at `index`.
    public static func style(ofSeries index: Int) -> (color: String, dash: String) {
        (palette[index % palette.count], dashes[(index / palette.count) % dashes.count])
    }

    /// Room around the plot, in pixels.
    static let left = 76.0
    static let right = 24.0
    static let top = 44.0
    static let legendRow = 20.0

    /// `chart` as an `<svg>` element `width` pixels wide whose plot is `plotHeight` high;
    /// the legend adds rows below as it needs them.
    public static func render(_ chart: Chart, width: Int = 760, plotHeight: Int = 300) -> String {
        let layout = Layout(chart: chart, width: Double(max(width, 200)), plotHeight: Double(max(plotHeight, 60)))
        var svg = ""
        svg += "<svg class=\"chart\" viewBox=\"0 0 \(layout.width.svg) \(layout.height.svg)\" "
        svg += "width=\"\(layout.width.svg)\" height=\"\(layout.height.svg)\" role=\"img\" "
        svg += "font-family=\"sans-serif\" font-size=\"12\" aria-label=\"\(XMLText.escaped(chart.title))\">\n"
        svg += "<title>\(XMLText.escaped(chart.title))</title>\n"
        svg +=
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(layout.width.svg)\" height=\"\(layout.height.svg)\" fill=\"#ffffff\"/>\n"
        svg += "<text class=\"chart-title\" x=\"\(left.svg)\" y=\"24\" font-size=\"15\" font-weight=\"bold\">"
        svg += "\(XMLText.escaped(chart.title))</text>\n"
        svg += axes(chart, layout)
        svg += marks(chart, layout)
        svg += series(chart, layout)
        svg += legend(chart, layout)
        if !chart.series.contains(where: { !layout.segments(of: $0).isEmpty }) {
            let x = (layout.plotLeft + layout.plotRight) / 2
            let y = (layout.plotTop + layout.plotBottom) / 2
            svg +=
                "<text class=\"no-data\" x=\"\(x.svg)\" y=\"\(y.svg)\" text-anchor=\"middle\" fill=\"#666666\">no data</text>\n"
        }
        svg += "</svg>"
        return svg
    }

    /// The frame, grid lines, ticks, tick labels and axis titles.
    private static func axes(_ chart: Chart, _ layout: Layout) -> String {
        var svg = "<g class=\"x-axis\" data-scale=\"\(chart.xAxis.logarithmic ? "log" : "linear")\">\n"
        for (tick, label) in zip(layout.x.ticks, layout.x.labels) {
            guard let x = layout.pixelX(tick) else { continue }
            svg += "<line class=\"grid\" x1=\"\(x.svg)\" y1=\"\(layout.plotTop.svg)\" x2=\"\(x.svg)\" "
            svg += "y2=\"\(layout.plotBottom.svg)\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text class=\"tick\" x=\"\(x.svg)\" y=\"\((layout.plotBottom + 16).svg)\" text-anchor=\"middle\">"
            svg += "\(XMLText.escaped(label))</text>\n"
        }
        svg += "<text class=\"axis-title\" x=\"\(((layout.plotLeft + layout.plotRight) / 2).svg)\" "
        svg += "y=\"\((layout.plotBottom + 36).svg)\" text-anchor=\"middle\">\(XMLText.escaped(chart.xAxis.title))</text>\n"
        svg += "</g>\n"
        svg += "<g class=\"y-axis\" data-scale=\"\(chart.yAxis.logarithmic ? "log" : "linear")\">\n"
        for (tick, label) in zip(layout.y.ticks, layout.y.labels) {
            guard let y = layout.pixelY(tick) else { continue }
            svg += "<line class=\"grid\" x1=\"\(layout.plotLeft.svg)\" y1=\"\(y.svg)\" x2=\"\(layout.plotRight.svg)\" "
            svg += "y2=\"\(y.svg)\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text class=\"tick\" x=\"\((layout.plotLeft - 6).svg)\" y=\"\((y + 4).svg)\" text-anchor=\"end\">"
            svg += "\(XMLText.escaped(label))</text>\n"
        }
        let middle = (layout.plotTop + layout.plotBottom) / 2
        svg += "<text class=\"axis-title\" x=\"16\" y=\"\(middle.svg)\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 16 \(middle.svg))\">\(XMLText.escaped(chart.yAxis.title))</text>\n"
        svg += "</g>\n"
        svg += "<rect class=\"frame\" x=\"\(layout.plotLeft.svg)\" y=\"\(layout.plotTop.svg)\" "
        svg += "width=\"\((layout.plotRight - layout.plotLeft).svg)\" height=\"\((layout.plotBottom - layout.plotTop).svg)\" "
        svg += "fill=\"none\" stroke=\"#888888\"/>\n"
        return svg
    }

    /// Each mark as a dashed grey line across the plot with its label: a vertical mark's
    /// label runs up along its line, so marks close together stay readable.
    private static func marks(_ chart: Chart, _ layout: Layout) -> String {
        var svg = ""
        for mark in chart.marks {
            let label = XMLText.escaped(mark.label)
            switch mark.axis {
            case .x:
                guard let x = layout.pixelX(mark.value) else { continue }
                svg += "<g class=\"mark\" data-axis=\"x\">\n"
                svg += "<line x1=\"\(x.svg)\" y1=\"\(layout.plotTop.svg)\" x2=\"\(x.svg)\" y2=\"\(layout.plotBottom.svg)\" "
                svg += "stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n"
                let labelX = x - 4
                let labelY = layout.plotTop + 4
                svg += "<text x=\"\(labelX.svg)\" y=\"\(labelY.svg)\" text-anchor=\"end\" font-size=\"11\" fill=\"#333333\" "
                svg += "transform=\"rotate(-90 \(labelX.svg) \(labelY.svg))\">\(label)</text>\n"
            case .y:
                guard let y = layout.pixelY(mark.value) else { continue }
                svg += "<g class=\"mark\" data-axis=\"y\">\n"
                svg += "<line x1=\"\(layout.plotLeft.svg)\" y1=\"\(y.svg)\" x2=\"\(layout.plotRight.svg)\" y2=\"\(y.svg)\" "
                svg += "stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n"
                svg += "<text x=\"\((layout.plotRight - 4).svg)\" y=\"\((y - 4).svg)\" text-anchor=\"end\" font-size=\"11\" "
                svg += "fill=\"#333333\">\(label)</text>\n"
            }
            svg += "</g>\n"
        }
        return svg
    }

    /// One group per series: a polyline per unbroken run of points, a dot for a lone point.
    private static func series(_ chart: Chart, _ layout: Layout) -> String {
        var svg = ""
        for (index, line) in chart.series.enumerated() {
            let (color, dash) = style(ofSeries: index)
            let dashing = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
            svg += "<g class=\"series\" data-name=\"\(XMLText.escaped(line.name))\">\n"
            for segment in layout.segments(of: line) {
                if segment.count == 1 {
                    svg += "<circle cx=\"\(segment[0].x.svg)\" cy=\"\(segment[0].y.svg)\" r=\"3\" fill=\"\(color)\"/>\n"
                } else {
                    let points = segment.map { "\($0.x.svg),\($0.y.svg)" }.joined(separator: " ")
                    svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" "
                    svg += "stroke-linejoin=\"round\"\(dashing)/>\n"
                }
            }
            svg += "</g>\n"
        }
        return svg
    }

    /// The legend: a short line in each series' style and its name, in rows under the plot.
    private static func legend(_ chart: Chart, _ layout: Layout) -> String {
        guard !chart.series.isEmpty else { return "" }
        var svg = "<g class=\"legend\">\n"
        for (index, place) in layout.legendPlaces.enumerated() {
            let (color, dash) = style(ofSeries: index)
            let line = chart.series[index]
            let empty = layout.segments(of: line).isEmpty
            svg += "<g class=\"legend-item\">\n"
            svg += "<line x1=\"\(place.x.svg)\" y1=\"\((place.y - 4).svg)\" x2=\"\((place.x + 22).svg)\" "
            svg += "y2=\"\((place.y - 4).svg)\" stroke=\"\(color)\" stroke-width=\"2\""
            svg += (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>\n"
            svg += "<text x=\"\((place.x + 28).svg)\" y=\"\(place.y.svg)\">\(XMLText.escaped(line.name))"
            svg += (empty ? " (no data)" : "") + "</text>\n"
            svg += "</g>\n"
        }
        svg += "</g>\n"
        return svg
    }

    /// Where everything goes: the scales, the plot's edges and the legend's places.
    struct Layout {
        var width: Double
        var height: Double
        var plotLeft: Double
        var plotRight: Double
        var plotTop: Double
        var plotBottom: Double
        var x: ChartScale
        var y: ChartScale
        var legendPlaces: [(x: Double, y: Double)]

        init(chart: Chart, width: Double, plotHeight: Double) {
            self.width = width
            plotLeft = SVGChart.left
            plotRight = width - SVGChart.right
            plotTop = SVGChart.top
            plotBottom = SVGChart.top + plotHeight
            (x, y) = ChartScale.scales(of: chart)
            // Legend items flow left to right and wrap, at an estimated 7 pixels a character.
            var places: [(x: Double, y: Double)] = []
            var cursor = plotLeft
            var row = plotBottom + 62
            for line in chart.series {
                let itemWidth = 28 + Double(min(line.name.count, 80) + 10) * 7
                if cursor > plotLeft && cursor + itemWidth > plotRight {
                    cursor = plotLeft
                    row += SVGChart.legendRow
                }
                places.append((cursor, row))
                cursor += itemWidth
            }
            legendPlaces = places
            height = (places.last?.y ?? plotBottom + 44) + 12
        }

        func pixelX(_ value: Double) -> Double? { x.fraction(value).map { plotLeft + $0 * (plotRight - plotLeft) } }
        func pixelY(_ value: Double) -> Double? { y.fraction(value).map { plotBottom - $0 * (plotBottom - plotTop) } }

        /// The series' runs of drawable points, in pixels, in the series' order.
        func segments(of line: Chart.Series) -> [[(x: Double, y: Double)]] {
            var runs: [[(x: Double, y: Double)]] = []
            var current: [(x: Double, y: Double)] = []
            for point in line.points {
                if let px = pixelX(point.x), let py = pixelY(point.y) {
                    current.append((px, py))
                } else if !current.isEmpty {
                    runs.append(current)
                    current = []
                }
            }
            if !current.isEmpty { runs.append(current) }
            return runs
        }
    }
}

extension Double {
    /// A pixel coordinate as SVG attributes take it: one decimal, never -0.
    fileprivate var svg: String {
        // Clamped, so a value far off the plot (a log axis cut at 1e-300) still prints.
        let tenths = (Swift.min(Swift.max(self, -1e6), 1e6) * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0
            ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10 + 0)
    }
}
