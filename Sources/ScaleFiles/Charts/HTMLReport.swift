/// A report as one self-contained HTML page: a title, then headings, paragraphs, tables and
/// charts (inline SVG) in order, styled by an inline style sheet. The page loads nothing:
/// no script, font, style sheet or image from anywhere (docs/reports.md, "HTML reports").
///
/// The markup is also well-formed XML (every element closed, every text escaped), so tests
/// can parse the whole page.
///
///     var report = HTMLReport(title: "compare 03 04")
///     report.add(.paragraph("Both designs saw the same traffic."))
///     report.add(.table(headers: ["figure", "A", "B"], rows: [["p99 ms", "12.1", "9.8"]]))
///     report.add(.chart(chart))
///     let page = report.document
public struct HTMLReport: Sendable, Equatable {
    /// One part of the page.
    public enum Section: Sendable, Equatable {
        /// A heading over the sections after it.
        case heading(String)
        /// A paragraph of text.
        case paragraph(String)
        /// A table: a header row, then rows; cells that read as numbers are right-aligned.
        case table(headers: [String], rows: [[String]])
        /// A chart, drawn as inline SVG.
        case chart(Chart)
        /// Text shown as it is, in a fixed-width font (a text report, a command line).
        case preformatted(String)
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section] = []) {
        self.title = title
        self.sections = sections
    }

    /// Adds `section` at the end of the page.
    public mutating func add(_ section: Section) {
        sections.append(section)
    }

    /// The style sheet: readable type, tables with lines between rows, charts that shrink to
    /// a narrow window.
    static let style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; background: #ffffff;
          margin: 2em auto; max-width: 1000px; padding: 0 1em; line-height: 1.4; }
        h1 { font-size: 1.5em; margin-bottom: 0.3em; }
        h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #dddddd; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
        th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: left; }
        th { background: #f3f3f3; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1em 0; }
        svg.chart { max-width: 100%; height: auto; display: block; }
        pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
        """

    /// The whole page.
    public var document: String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        html += "<title>\(XMLText.escaped(title))</title>\n<style>\n\(Self.style)\n</style>\n</head>\n<body>\n"
        html += "<h1>\(XMLText.escaped(title))</h1>\n"
        for section in sections {
            html += Self.render(section) + "\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    static func render(_ section: Section) -> String {
        switch section {
        case .heading(let text): return "<h2>\(XMLText.escaped(text))</h2>"
        case .paragraph(let text): return "<p>\(XMLText.escaped(text))</p>"
        case .preformatted(let text): return "<pre>\(XMLText.escaped(text))</pre>"
        case .chart(let chart): return "<figure>\n\(SVGChart.render(chart))\n</figure>"
        case .table(let headers, let rows):
            var html = "<table>\n"
            if !headers.isEmpty {
                html += "<thead><tr>" + headers.map { "<th>\(XMLText.escaped($0))</th>" }.joined() + "</tr></thead>\n"
            }
            html += "<tbody>\n"
            for row in rows {
                html += "<tr>"
                for cell in row {
                    html += (looksNumeric(cell) ? "<td class=\"number\">" : "<td>") + XMLText.escaped(cell) + "</td>"
                }
                html += "</tr>\n"
            }
            return html + "</tbody>\n</table>"
        }
    }

    /// Whether `cell` reads as a figure (`12`, `-3.5`, `0.2%`, `1,024`, `12.1±0.3`), to
    /// right-align it.
    static func looksNumeric(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first(where: { $0 != "-" && $0 != "+" }) else { return false }
        return ("0"..."9").contains(first)
    }
}
