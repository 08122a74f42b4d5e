import Testing

@testable import ScaleFiles
import TestSupport

@Suite struct HTMLReportTests {
    static let chart = Chart(
        title: "p99 against users", xAxis: Chart.Axis(title: "users", logarithmic: true),
        yAxis: Chart.Axis(title: "p99 (ms)"),
        series: [Chart.Series(name: "A", points: [.init(x: 1000, y: 20), .init(x: 10000, y: 80)])],
        marks: [Chart.Mark(axis: .y, value: 200, label: "p99<200ms")])

    @Test func aPageWithEverySectionParsesAndLoadsNothing() throws {
        var report = HTMLReport(title: "compare <A> & B")
        report.add(.heading("Result"))
        report.add(.paragraph("B is faster & \"cheaper\"."))
        report.add(.table(headers: ["figure", "A", "B"], rows: [["p99 ms", "12.1", "-9.8"], ["bottleneck", "db", "app"]]))
        report.add(.chart(Self.chart))
        report.add(.preformatted("a  b\n<c>"))
        let page = report.document
        for reference in ["http://", "https://", "src=", "href=", "<script", "<link", "@import", "url("] {
            #expect(!page.contains(reference), "\(reference)")
        }
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        let html = try XMLTree.parse(page)
        #expect(html.name == "html")
        #expect(html.all("head")[0].all("title").map(\.text) == ["compare <A> & B"])
        #expect(html.all("h1").map(\.text) == ["compare <A> & B"])
        #expect(html.all("h2").map(\.text) == ["Result"])
        #expect(html.all("p").map(\.text) == ["B is faster & \"cheaper\"."])
        #expect(html.all("th").map(\.text) == ["figure", "A", "B"])
        let cells = html.all("td")
        #expect(cells.map(\.text) == ["p99 ms", "12.1", "-9.8", "bottleneck", "db", "app"])
        #expect(cells.map { $0.attributes["class"] ?? "" } == ["", "number", "number", "", "", ""])
        #expect(html.all("pre").map(\.text) == ["a  b\n<c>"])
        let svgs = html.all("svg")
        #expect(svgs.count == 1)
        #expect(svgs[0].all("g", class: "series").map { $0.attributes["data-name"] } == ["A"])
        #expect(svgs[0].all("g", class: "mark").map(\.allText) == ["p99<200ms"])
        // Sections come in the order added.
        let order = html.all("body")[0].children.map(\.name)
        #expect(order == ["h1", "h2", "p", "table", "figure", "pre"])
    }

    @Test func anEmptyReportIsStillAPage() throws {
        let html = try XMLTree.parse(HTMLReport(title: "").document)
        #expect(html.all("body").count == 1 && html.all("h1").count == 1)
    }
}
