import Foundation
import Testing

@testable import ScaleFiles
import TestSupport

@Suite struct SVGChartTests {
    /// The chart drawn and parsed back.
    func parsed(_ chart: Chart) throws -> XMLTree {
        try XMLTree.parse(SVGChart.render(chart))
    }

    /// A polyline's points as pixel pairs.
    func pixels(_ polyline: XMLTree) -> [(x: Double, y: Double)] {
        (polyline.attributes["points"] ?? "").split(separator: " ").map { pair in
            let parts = pair.split(separator: ",").map { Double($0)! }
            return (parts[0], parts[1])
        }
    }

    func tickLabels(_ svg: XMLTree, axis: String) -> [String] {
        svg.all("g", class: axis).flatMap { $0.all("text", class: "tick") }.map(\.text)
    }

    @Test func eachSeriesIsOnePolylineWithItsPointsInOrderAndALegendEntry() throws {
        let rising = (0...4).map { Chart.Point(x: Double($0) * 10, y: Double($0 * $0)) }
        let falling = (0...4).map { Chart.Point(x: Double($0) * 10, y: 16 - Double($0 * $0)) }
        let svg = try parsed(
            Chart(
                title: "Two lines", xAxis: Chart.Axis(title: "time (s)"), yAxis: Chart.Axis(title: "requests per second"),
                series: [Chart.Series(name: "rising", points: rising), Chart.Series(name: "falling", points: falling)]))
        #expect(svg.name == "svg")
        let groups = svg.all("g", class: "series")
        #expect(groups.map { $0.attributes["data-name"] } == ["rising", "falling"])
        let lines = groups.map { $0.all("polyline") }
        #expect(lines.map(\.count) == [1, 1])
        let up = pixels(lines[0][0])
        let down = pixels(lines[1][0])
        #expect(up.count == 5 && down.count == 5)
        // Left to right in the order given; SVG's y grows downwards.
        #expect(up.map(\.x) == up.map(\.x).sorted() && Set(up.map(\.x)).count == 5)
        #expect(zip(up, up.dropFirst()).allSatisfy { $0.y > $1.y })
        #expect(zip(down, down.dropFirst()).allSatisfy { $0.y < $1.y })
        #expect(up.map(\.x) == down.map(\.x))
        // Where they cross in value they meet in pixels: 0 and 16 swap ends.
        #expect(up[0].y == down[4].y && up[4].y == down[0].y)
        let colors = lines.map { $0[0].attributes["stroke"] }
        #expect(colors == [SVGChart.palette[0], SVGChart.palette[1]])
        let legend = svg.all("g", class: "legend-item")
        #expect(legend.map { $0.all("text").map(\.text).joined() } == ["rising", "falling"])
        #expect(legend.map { $0.all("line").first?.attributes["stroke"] } == colors)
        #expect(svg.all("text", class: "chart-title").map(\.text) == ["Two lines"])
        #expect(svg.all("text", class: "axis-title").map(\.text) == ["time (s)", "requests per second"])
    }

    @Test func linearTicksAreRoundAndTheYAxisStartsAtZero() throws {
        let svg = try parsed(
            Chart(
                title: "t", xAxis: Chart.Axis(title: "s"), yAxis: Chart.Axis(title: "req/s"),
                series: [Chart.Series(name: "a", points: [.init(x: 3, y: 120), .init(x: 57, y: 237)])]))
        #expect(tickLabels(svg, axis: "x-axis") == ["0", "20", "40", "60"])
        #expect(tickLabels(svg, axis: "y-axis") == ["0", "50", "100", "150", "200", "250"])
        #expect(svg.all("g", class: "y-axis").first?.attributes["data-scale"] == "linear")
        // The ticks stand evenly spaced, the first at the plot's left edge.
        let xs = svg.all("g", class: "x-axis")[0].all("text", class: "tick").map { Double($0.attributes["x"]!)! }
        let gaps = zip(xs, xs.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 0.11 })
        #expect(xs[0] == SVGChart.left)
    }

    @Test func largeAndFractionalTicksGetSuffixesAndDecimals() {
        #expect(ChartScale.covering([0, 95_000], logarithmic: false).labels == ["0", "20k", "40k", "60k", "80k", "100k"])
        #expect(ChartScale.covering([0, 2_500_000], logarithmic: false).labels == ["0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M"])
        #expect(
            ChartScale.covering([0.02, 0.13], logarithmic: false, includeZero: true).labels
                == ["0", "0.05", "0.10", "0.15"])
        #expect(ChartScale.covering([-7, 3], logarithmic: false).labels == ["-8", "-6", "-4", "-2", "0", "2", "4"])
    }

    @Test func logarithmicAxesTickAtDecades() throws {
        let curve = [1_000.0, 3_000, 10_000, 30_000, 100_000].map { Chart.Point(x: $0, y: $0 / 100) }
        let svg = try parsed(
            Chart(
                title: "capacity", xAxis: Chart.Axis(title: "users", logarithmic: true),
                yAxis: Chart.Axis(title: "p99 (ms)", logarithmic: true),
                series: [Chart.Series(name: "p99", points: curve)]))
        #expect(svg.all("g", class: "x-axis").first?.attributes["data-scale"] == "log")
        #expect(tickLabels(svg, axis: "x-axis") == ["1k", "2k", "5k", "10k", "20k", "50k", "100k"])
        #expect(tickLabels(svg, axis: "y-axis") == ["10", "20", "50", "100", "200", "500", "1k"])
        // Equal ratios are equal distances on a log axis.
        let points = pixels(svg.all("polyline")[0])
        #expect(abs((points[2].x - points[0].x) - (points[4].x - points[2].x)) < 0.2)
        // Many decades: one tick a decade at most every few, never a crowd.
        let wide = ChartScale.covering([1e-3, 1e9], logarithmic: true)
        #expect(wide.labels == ["0.001", "0.1", "10", "1k", "100k", "10M", "1G"])
    }

    @Test func marksAreLinesAcrossThePlotWithTheirLabels() throws {
        let svg = try parsed(
            Chart(
                title: "t", xAxis: Chart.Axis(title: "s"), yAxis: Chart.Axis(title: "ms"),
                series: [Chart.Series(name: "p99", points: [.init(x: 0, y: 10), .init(x: 60, y: 50)])],
                marks: [
                    Chart.Mark(axis: .x, value: 30, label: "30s: kill app"),
                    Chart.Mark(axis: .y, value: 200, label: "objective p99<200ms"),
                ]))
        let marks = svg.all("g", class: "mark")
        #expect(marks.map { $0.attributes["data-axis"] } == ["x", "y"])
        #expect(marks.map { $0.all("text")[0].text } == ["30s: kill app", "objective p99<200ms"])
        let vertical = marks[0].all("line")[0].attributes
        #expect(vertical["x1"] == vertical["x2"] && vertical["y1"] != vertical["y2"])
        // Halfway along 0 to 60.
        let x = Double(vertical["x1"]!)!
        #expect(abs(x - (SVGChart.left + (760 - SVGChart.left - SVGChart.right) / 2)) < 0.1)
        let horizontal = marks[1].all("line")[0].attributes
        #expect(horizontal["y1"] == horizontal["y2"] && horizontal["x1"] != horizontal["x2"])
        // The y axis reaches the objective, above every point.
        #expect(tickLabels(svg, axis: "y-axis").last == "200")
        #expect(Double(horizontal["y1"]!)! == SVGChart.top)
    }

    @Test func textFromPresetsIsEscaped() throws {
        let hostile = "<script>alert(\"x\")</script> & 'q' \u{7}\u{1B}[31m\u{9B}"
        let chart = Chart(
            title: hostile, xAxis: Chart.Axis(title: "a&b"), yAxis: Chart.Axis(title: "\"y\""),
            series: [Chart.Series(name: hostile, points: [.init(x: 0, y: 1), .init(x: 1, y: 2)])],
            marks: [Chart.Mark(axis: .x, value: 0.5, label: hostile)])
        let markup = SVGChart.render(chart)
        #expect(!markup.contains("<script"))
        #expect(!markup.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        let svg = try XMLTree.parse(markup)
        let shown = "<script>alert(\"x\")</script> & 'q' \u{FFFD}\u{FFFD}[31m\u{FFFD}"
        #expect(svg.all("text", class: "chart-title")[0].text == shown)
        #expect(svg.all("g", class: "series")[0].attributes["data-name"] == shown)
        #expect(svg.all("g", class: "legend-item")[0].allText == shown)
        #expect(svg.all("g", class: "mark")[0].allText == shown)
        #expect(svg.all("text", class: "axis-title").map(\.text) == ["a&b", "\"y\""])
        #expect(svg.all("script").isEmpty)
    }

    @Test func emptySeriesAndNoDataStillDrawAxes() throws {
        let svg = try parsed(
            Chart(
                title: "nothing", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"),
                series: [Chart.Series(name: "empty", points: [])]))
        #expect(svg.all("polyline").isEmpty)
        #expect(svg.all("text", class: "no-data").count == 1)
        #expect(svg.all("g", class: "legend-item")[0].allText == "empty (no data)")
        #expect(tickLabels(svg, axis: "x-axis") == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let bare = try parsed(Chart(title: "bare", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"), series: []))
        #expect(bare.all("g", class: "legend").isEmpty && bare.all("text", class: "no-data").count == 1)
    }

    @Test func aLonePointIsADotAndUndrawablePointsBreakTheLine() throws {
        let svg = try parsed(
            Chart(
                title: "gaps", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"),
                series: [
                    Chart.Series(name: "one", points: [.init(x: 5, y: 5)]),
                    Chart.Series(
                        name: "broken",
                        points: [
                            .init(x: 0, y: 1), .init(x: 1, y: 2), .init(x: 2, y: .nan), .init(x: 3, y: 4),
                            .init(x: .infinity, y: 1), .init(x: 5, y: 6), .init(x: 6, y: 7), .init(x: 7, y: -.infinity),
                        ]),
                ]))
        let groups = svg.all("g", class: "series")
        #expect(groups[0].all("circle").count == 1 && groups[0].all("polyline").isEmpty)
        #expect(groups[1].all("polyline").map { pixels($0).count } == [2, 2])
        #expect(groups[1].all("circle").count == 1)
        #expect(tickLabels(svg, axis: "x-axis").last == "6")
    }

    @Test func equalValuesGetRoomAroundThem() throws {
        let flat = (0..<5).map { _ in Chart.Point(x: 7, y: 42) }
        let svg = try parsed(
            Chart(
                title: "flat", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"),
                series: [Chart.Series(name: "flat", points: flat)]))
        let points = pixels(svg.all("polyline")[0])
        #expect(points.count == 5 && Set(points.map { $0.y }).count == 1 && Set(points.map { $0.x }).count == 1)
        #expect(tickLabels(svg, axis: "y-axis").count >= 2)
        #expect(tickLabels(svg, axis: "x-axis").count >= 2)
        #expect(points[0].x > SVGChart.left && points[0].x < 760 - SVGChart.right)
        // Zero on a log axis cannot be drawn: it is left out, the rest is drawn.
        let log = try parsed(
            Chart(
                title: "log", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y", logarithmic: true),
                series: [Chart.Series(name: "a", points: [.init(x: 0, y: 0), .init(x: 1, y: 10), .init(x: 2, y: 100)])]))
        #expect(log.all("polyline").map { pixels($0).count } == [2])
        #expect(tickLabels(log, axis: "y-axis") == ["10", "20", "50", "100"])
    }

    @Test func manySeriesStayDistinguishable() {
        let styles = (0..<SVGChart.palette.count * 2).map { SVGChart.style(ofSeries: $0) }
        #expect(Set(styles.map { "\($0.color) \($0.dash)" }).count == styles.count)
        #expect(Set(SVGChart.palette).count == SVGChart.palette.count)
    }
}
