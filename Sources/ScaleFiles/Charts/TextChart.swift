/// A `Chart` as lines of text for a terminal: `compare` and `capacity` print one under their
/// table (docs/reports.md, "HTML reports").
///
/// The lines: the title and the y axis title; the plot, `height` rows of `width` cells,
/// with the y axis' top, middle and bottom values on its left; the x axis with a tick where
/// each vertical mark stands, its lowest and highest values and its title; then the legend
/// and the marks' labels. Braille draws each cell as 2 x 4 dots, four times finer than
/// one character a cell; ASCII draws each series with its own symbol, for terminals and
/// fonts without braille. Marks are drawn in cells no series uses. Every name is made safe
/// for a terminal first.
public enum TextChart {
    public enum Style: Sendable {
        /// Braille dots (U+2800 to U+28FF), all series alike; colour tells them apart.
        case braille
        /// Plain ASCII: one symbol per series (`*`, `+`, `o`, ...).
        case ascii
    }

    /// Symbols of the series in ASCII, in order; they repeat after the last.
    static let symbols: [Character] = ["*", "+", "o", "x", "#", "@", "%", "="]
    /// ANSI foreground colours of the series when `colored`, near the SVG palette.
    static let colors = ["34", "33", "32", "31", "35", "36", "37"]

    /// `chart` in `width` x `height` cells of plot, plus the labels around it. `colored`
    /// paints each series' cells in an ANSI colour (only for a terminal).
    public static func render(
        _ chart: Chart, width: Int = 60, height: Int = 12, style: Style = .braille, colored: Bool = false
    ) -> [String] {
        let width = max(width, 8)
        let height = max(height, 3)
        let (x, y) = ChartScale.scales(of: chart)
        var canvas = Canvas(width: width, height: height, style: style)
        for (index, line) in chart.series.enumerated() {
            canvas.draw(line, index: index, x: x, y: y)
        }
        let ascii = style == .ascii
        var markColumns: [Int] = []
        for mark in chart.marks {
            switch mark.axis {
            case .x:
                guard let f = x.fraction(mark.value) else { continue }
                let column = cell(f, count: width)
                markColumns.append(column)
                for row in 0..<height { canvas.mark(column: column, row: row, with: ascii ? "|" : "│") }
            case .y:
                guard let f = y.fraction(mark.value) else { continue }
                let row = height - 1 - cell(f, count: height)
                for column in 0..<width { canvas.mark(column: column, row: row, with: ascii ? "-" : "─") }
            }
        }

        let yLabels = [y.upper, middle(of: y), y.lower].map { label($0, on: y) }
        let labelWidth = yLabels.map(\.count).max() ?? 1
        var lines = [TerminalSafe.text(chart.title), TerminalSafe.text(chart.yAxis.title)]
        // The middle label stands on the row where a point of that value is drawn.
        let middleRow = height - 1 - cell(0.5, count: height)
        for row in 0..<height {
            let label: String
            switch row {
            case 0: label = yLabels[0]
            case middleRow where height >= 5: label = yLabels[1]
            case height - 1: label = yLabels[2]
            default: label = ""
            }
            let padded = String(repeating: " ", count: labelWidth - label.count) + label
            lines.append(padded + (ascii ? " |" : " ┤") + canvas.line(row: row, colored: colored))
        }
        var axis = Array(repeating: ascii ? "-" : "─", count: width)
        for column in markColumns { axis[column] = ascii ? "+" : "┴" }
        let margin = String(repeating: " ", count: labelWidth)
        lines.append(margin + (ascii ? " +" : " └") + axis.joined())
        let low = label(x.lower, on: x)
        let high = label(x.upper, on: x)
        let title = TerminalSafe.text(chart.xAxis.title)
        let room = width - low.count - high.count
        let xLine =
            room >= title.count + 2
            ? low + centred(title, in: room) + high
            : low + String(repeating: " ", count: max(room, 1)) + high + "  " + title
        lines.append(margin + "  " + xLine)
        for (index, line) in chart.series.enumerated() {
            let key =
                ascii
                ? String(symbols[index % symbols.count])
                : (colored ? "\u{1B}[\(colors[index % colors.count])m⣿\u{1B}[0m" : "⣿")
            lines.append(margin + "  " + key + " " + TerminalSafe.text(line.name))
        }
        for mark in chart.marks {
            let axisSymbol = mark.axis == .x ? (ascii ? "|" : "│") : (ascii ? "-" : "─")
            let scale = mark.axis == .x ? x : y
            let value =
                ChartScale.isDrawable(mark.value, logarithmic: scale.logarithmic) ? label(mark.value, on: scale) : "off the axis"
            lines.append(margin + "  " + axisSymbol + " " + TerminalSafe.text(mark.label) + " (\(value))")
        }
        return lines
    }

    /// The cell a fraction of the axis falls in, of `count` cells.
    static func cell(_ fraction: Double, count: Int) -> Int {
        min(max(Int((fraction * Double(count - 1)).rounded()), 0), count - 1)
    }

    /// The value halfway up an axis: the geometric mean on a log axis.
    static func middle(of scale: ChartScale) -> Double {
        scale.logarithmic ? (scale.lower * scale.upper).squareRoot() : (scale.lower + scale.upper) / 2
    }

    /// `value` labelled as the axis labels its ticks.
    static func label(_ value: Double, on scale: ChartScale) -> String {
        guard value.isFinite else { return "" }
        let magnitude = max(abs(scale.lower), abs(scale.upper))
        let unit = ChartScale.linearUnit(magnitude)
        let step = (scale.ticks.count > 1 ? abs(scale.ticks[1] - scale.ticks[0]) : magnitude) / unit.divisor
        let decimals = scale.logarithmic ? ChartScale.decimals(abs(value) / unit.divisor) : ChartScale.decimals(step)
        return ChartScale.format(value, unit: unit, decimals: min(decimals, 3))
    }

    static func centred(_ text: String, in width: Int) -> String {
        let before = (width - text.count) / 2
        return String(repeating: " ", count: before) + text + String(repeating: " ", count: width - before - text.count)
    }

    /// The plot's cells: braille dot bits or ASCII symbols, the series that last drew in
    /// each cell, and the marks drawn where no series is.
    struct Canvas {
        let width: Int
        let height: Int
        let style: Style
        var dots: [UInt8]
        var symbols: [Character?]
        var owners: [Int?]
        var markings: [Character?]

        init(width: Int, height: Int, style: Style) {
            self.width = width
            self.height = height
            self.style = style
            dots = Array(repeating: 0, count: width * height)
            symbols = Array(repeating: nil, count: width * height)
            owners = Array(repeating: nil, count: width * height)
            markings = Array(repeating: nil, count: width * height)
        }

        /// Dots or cells per cell across and down.
        var across: Int { style == .braille ? 2 : 1 }
        var down: Int { style == .braille ? 4 : 1 }

        /// Draws `line` as straight strokes between its drawable points.
        mutating func draw(_ line: Chart.Series, index: Int, x: ChartScale, y: ChartScale) {
            let columns = width * across
            let rows = height * down
            var previous: (Int, Int)?
            for point in line.points {
                guard let fx = x.fraction(point.x), let fy = y.fraction(point.y) else {
                    previous = nil
                    continue
                }
                let dot = (TextChart.cell(fx, count: columns), rows - 1 - TextChart.cell(fy, count: rows))
                if let previous {
                    stroke(from: previous, to: dot, index: index)
                } else {
                    plot(dot, index: index)
                }
                previous = dot
            }
        }

        /// The dots of a straight line from `a` to `b` (Bresenham's).
        mutating func stroke(from a: (Int, Int), to b: (Int, Int), index: Int) {
            var (x0, y0) = a
            let dx = abs(b.0 - x0)
            let dy = -abs(b.1 - y0)
            let sx = x0 < b.0 ? 1 : -1
            let sy = y0 < b.1 ? 1 : -1
            var error = dx + dy
            while true {
                plot((x0, y0), index: index)
                if x0 == b.0 && y0 == b.1 { break }
                let doubled = 2 * error
                if doubled >= dy {
                    error += dy
                    x0 += sx
                }
                if doubled <= dx {
                    error += dx
                    y0 += sy
                }
            }
        }

        mutating func plot(_ dot: (Int, Int), index: Int) {
            let cell = (dot.1 / down) * width + dot.0 / across
            owners[cell] = index
            switch style {
            case .ascii: symbols[cell] = TextChart.symbols[index % TextChart.symbols.count]
            case .braille:
                // Bits of the braille dots: left column 1, 2, 3, 7; right column 4, 5, 6, 8.
                let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
                dots[cell] |= bits[dot.0 % 2][dot.1 % 4]
            }
        }

        /// Draws a mark's `symbol` in the cell, unless a series is there; where two marks
        /// cross, a cross.
        mutating func mark(column: Int, row: Int, with symbol: Character) {
            let cell = row * width + column
            guard owners[cell] == nil else { return }
            let crossing: Character = style == .ascii ? "+" : "┼"
            markings[cell] = markings[cell].map { $0 == symbol ? symbol : crossing } ?? symbol
        }

        func line(row: Int, colored: Bool) -> String {
            var text = ""
            for column in 0..<width {
                let cell = row * width + column
                guard let owner = owners[cell] else {
                    text.append(markings[cell] ?? " ")
                    continue
                }
                let glyph: Character =
                    style == .braille
                    ? Character(Unicode.Scalar(0x2800 + UInt32(dots[cell]))!) : symbols[cell] ?? " "
                text += colored ? "\u{1B}[\(TextChart.colors[owner % TextChart.colors.count])m\(glyph)\u{1B}[0m" : String(glyph)
            }
            return text
        }
    }
}
