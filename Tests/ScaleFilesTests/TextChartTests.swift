import Testing

@testable import ScaleFiles

@Suite struct TextChartTests {
    /// The plot's rows of `lines` (after the title and y title), without the y labels.
    func plotRows(_ lines: [String], height: Int) -> [[Character]] {
        lines[2..<(2 + height)].map { line in
            let afterAxis = line.firstIndex(where: { $0 == "┤" || $0 == "|" })!
            return Array(line[line.index(after: afterAxis)...])
        }
    }

    func line(_ points: [(Double, Double)], name: String = "line") -> Chart.Series {
        Chart.Series(name: name, points: points.map { Chart.Point(x: $0.0, y: $0.1) })
    }

    @Test func aStraightLineLightsTheDiagonalCells() {
        let chart = Chart(
            title: "diagonal", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"),
            series: [line([(0, 0), (8, 8)])])
        for style in [TextChart.Style.braille, .ascii] {
            let rows = plotRows(TextChart.render(chart, width: 8, height: 8, style: style), height: 8)
            #expect(rows.count == 8 && rows.allSatisfy { $0.count == 8 })
            for (r, row) in rows.enumerated() {
                let lit = row.indices.filter { row[$0] != " " && row[$0] != "⠀" }
                // Row 0 is the top: the line rises from bottom left to top right.
                #expect(lit.contains(7 - r), "row \(r): \(String(row))")
                #expect(lit.allSatisfy { abs($0 - (7 - r)) <= 1 }, "row \(r): \(String(row))")
                if style == .braille {
                    #expect(row.allSatisfy { $0 == " " || ("\u{2801}"..."\u{28FF}").contains($0) })
                }
            }
        }
    }

    @Test func aMarkAppearsAtItsColumnAndItsLabelUnderThePlot() {
        let chart = Chart(
            title: "flat", xAxis: Chart.Axis(title: "seconds"), yAxis: Chart.Axis(title: "req/s"),
            series: [line([(0, 10), (10, 10)], name: "completed")],
            marks: [Chart.Mark(axis: .x, value: 5, label: "kill app"), Chart.Mark(axis: .y, value: 20, label: "target")])
        let lines = TextChart.render(chart, width: 11, height: 5, style: .ascii)
        let rows = plotRows(lines, height: 5)
        // x from 0 to 10 over 11 columns: column 5 is x = 5.
        for (r, row) in rows.enumerated() where !row.contains("*") {
            #expect(row[5] == "|" || row[5] == "+", "row \(r): \(String(row))")
        }
        // y from 0 to 20: the target is the top row, the line at 10 the middle one.
        #expect(String(rows[0]) == "-----+-----")
        #expect(String(rows[2]) == "***********")
        let axis = lines[2 + 5]
        let plotStart = lines[2].firstIndex(of: "|")!.utf16Offset(in: lines[2]) + 1
        #expect(Array(axis)[plotStart + 5] == "+")
        #expect(lines.contains { $0.hasSuffix("| kill app (5)") })
        #expect(lines.contains { $0.hasSuffix("- target (20)") })
        #expect(lines.contains { $0.hasSuffix("* completed") })
        #expect(lines[0] == "flat" && lines[1] == "req/s")
        // The y labels: top, middle and bottom of the axis.
        #expect(lines[2].hasPrefix("20 |") && lines[4].hasPrefix("10 |") && lines[6].hasPrefix(" 0 |"))
        // On an even height too, the middle label is on the row where its value is drawn.
        let tall = TextChart.render(chart, width: 11, height: 12, style: .ascii)
        #expect(tall.filter { $0.hasPrefix("10 |") }.map { $0.contains("*") } == [true])
        let xRange = lines[2 + 5 + 1]
        #expect(xRange.hasPrefix("    0") && xRange.contains("10") && xRange.hasSuffix("seconds"))
    }

    @Test func seriesGetTheirOwnSymbolsAndNamesAreMadeSafe() {
        let chart = Chart(
            title: "two\u{1B}[2J", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"),
            series: [line([(0, 0), (4, 0)], name: "low\u{1B}]0;owned\u{7}"), line([(0, 4), (4, 4)], name: "high")])
        let lines = TextChart.render(chart, width: 10, height: 4, style: .ascii)
        #expect(!lines.joined().unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        let rows = plotRows(lines, height: 4)
        #expect(String(rows[0]) == "++++++++++" && String(rows[3]) == "**********")
        #expect(lines.contains { $0.hasSuffix("* low\\u{1b}]0;owned\\u{7}") })
        #expect(lines.contains { $0.hasSuffix("+ high") })
        let colored = TextChart.render(chart, width: 10, height: 4, style: .braille, colored: true)
        #expect(colored.contains { $0.contains("\u{1B}[34m⣿\u{1B}[0m low") })
        #expect(colored[2].contains("\u{1B}[33m"))
    }

    @Test func gapsEmptyChartsAndFlatLinesDoNotBreakIt() {
        let empty = TextChart.render(
            Chart(title: "none", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y"), series: []),
            width: 10, height: 4)
        #expect(empty.count == 2 + 4 + 2)
        #expect(plotRows(empty, height: 4).allSatisfy { $0.allSatisfy { $0 == " " } })
        let broken = TextChart.render(
            Chart(
                title: "gaps", xAxis: Chart.Axis(title: "x"), yAxis: Chart.Axis(title: "y", logarithmic: true),
                series: [line([(0, 1), (1, .nan), (2, 0), (3, 100), (4, .infinity)])]),
            width: 5, height: 3, style: .ascii)
        let rows = plotRows(broken, height: 3)
        // Only (0, 1) and (3, 100) can be drawn on a log axis, and not joined across the gap.
        #expect(rows.flatMap { $0 }.filter { $0 == "*" }.count == 2)
    }
}
