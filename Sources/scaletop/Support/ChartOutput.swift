import Foundation
import ScaleFiles

/// How `compare` and `capacity` show their charts: a page for `--report html`, and small
/// text charts under the table when the table goes to a terminal (docs/reports.md).
enum ChartOutput {
    /// The HTML page: the charts, then the text report as it is.
    static func page(title: String, text: String, charts: [Chart]) -> String {
        var page = HTMLReport(title: title)
        page.add(.heading("Charts"))
        for chart in charts { page.add(.chart(chart)) }
        page.add(.heading("Report"))
        page.add(.preformatted(text))
        return page.document
    }

    /// The text charts, each under its title, when standard output is a terminal and
    /// the report goes there; nothing otherwise, so pipes and files get the table only.
    static func terminalCharts(_ charts: [Chart], reportGoesToStandardOutput: Bool) -> String {
        guard reportGoesToStandardOutput, isatty(STDOUT_FILENO) == 1 else { return "" }
        return charts.map { chart in
            "\n" + chart.title + "\n" + TextChart.render(chart, width: 60, height: 10).joined(separator: "\n") + "\n"
        }.joined()
    }
}
