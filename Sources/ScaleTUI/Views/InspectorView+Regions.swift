import ScaleSim

/// The inspector's region section: each user region's requests/s, p50, p99 and error rate
/// over the last second, for the selected node's data center (see docs/dashboard.md).
extension InspectorView {
    /// One user region's figures over the last second.
    struct RegionRow: Equatable {
        var name: String
        var window: RegionWindow?
    }

    /// What the section shows: whose requests (a data center's, or every one's) and a row per region.
    struct RegionTable: Equatable {
        var title: String
        var rows: [RegionRow]
    }

    /// The regions' figures for `node`: the requests geo-DNS sent to its data center, or every
    /// request when there are no data centers or the node is in none (a CDN edge). Nil when
    /// the workload names no regions.
    static func regionTable(_ state: DashboardState, node: NodeSnapshot) -> RegionTable? {
        guard let snapshot = state.snapshot, !snapshot.regions.isEmpty else { return nil }
        let dataCenter = snapshot.datacenters.isEmpty ? nil : node.spec.dc
        return RegionTable(
            title: dataCenter.map { "to \($0)" } ?? "regions",
            rows: snapshot.regions.map { region in
                RegionRow(name: region.name, window: dataCenter.map { region.byDataCenter[$0] } ?? region.window)
            })
    }

    /// Draws `table` from row `y` of `inner` and moves `y` past it.
    static func drawRegions(_ table: RegionTable?, in inner: Rect, y: inout Int, into buffer: inout ScreenBuffer) {
        guard let table else { return }
        let widths = [7, 6, 6, 5]
        func row(_ label: String, _ cells: [String], labelStyle: Style, style: Style) {
            guard y < inner.maxY else { return }
            var x = buffer.write(
                String(label.prefix(11)).padding(toLength: 12, withPad: " ", startingAt: 0),
                x: inner.x + 1, y: y, style: labelStyle, clip: inner)
            for (cell, width) in zip(cells, widths) {
                x = buffer.write(
                    String(repeating: " ", count: max(0, width - cell.count)) + cell, x: x, y: y, style: style, clip: inner)
            }
            y += 1
        }
        row(table.title, ["req/s", "p50", "p99", "err"], labelStyle: Style(.dim), style: Style(.dim))
        for region in table.rows {
            let w = region.window
            let errorRate = w?.errorRate ?? 0
            row(
                region.name,
                [
                    Format.count(Double(w?.arrivals ?? 0)), w?.p50.map(Format.duration) ?? "-",
                    w?.p99.map(Format.duration) ?? "-", Format.percent(errorRate),
                ], labelStyle: .normal, style: errorRate > 0.01 ? Style(.bottleneck, bold: true) : .normal)
        }
    }
}
