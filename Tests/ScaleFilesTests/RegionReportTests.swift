@testable import ScaleFiles
import ScaleSim
import Testing

/// Stage 08 with us-east killed at 5 s: US users fail until geo-DNS notices, 10 s later.
private func outageRun(seconds: Int = 30) throws -> Engine {
    Stage.run(try Stage.spec("08"), seconds: seconds, commands: [(5, .killDataCenter("us-east"))])
}

/// Per-region figures the engine keeps: they add up to the system's and tell the regions apart.
@Suite struct RegionMetricsTests {
    @Test func regionFiguresAddUpToTheSystem() throws {
        let engine = try outageRun()
        let summary = engine.summary()
        #expect(summary.regions.map(\.name) == ["us", "eu"])
        let e = summary.endToEnd.counts
        let regions = summary.regions.map(\.counts)
        #expect(regions.reduce(0) { $0 + $1.requests } == e.requests)
        #expect(regions.reduce(0) { $0 + $1.completed } == e.completed)
        #expect(regions.reduce(0) { $0 + $1.failed } == e.failed)
        #expect(summary.regions.reduce(0) { $0 + $1.inFlight } == summary.endToEnd.inFlight)
        #expect(e.failed > 0)
        #expect(abs(summary.regions.reduce(0) { $0 + $1.share } - 1) < 1e-9)

        let snapshot = engine.simulationSnapshot()
        let system = try #require(snapshot.system)
        let windows = snapshot.regions.compactMap(\.window)
        #expect(windows.count == 2)
        #expect(windows.reduce(0) { $0 + $1.arrivals } == system.arrivals)
        #expect(windows.reduce(0) { $0 + $1.completed } == system.completed)
        #expect(windows.reduce(0) { $0 + $1.failed } == system.failed)
        #expect(snapshot.regions.allSatisfy { $0.history.count == 30 })
    }

    @Test func theOutageShowsPerDataCenter() throws {
        // At 8 s geo-DNS still sends US users to the dead us-east: they fail there.
        let during = try outageRun(seconds: 8).simulationSnapshot()
        let usDuring = try #require(during.regions.first { $0.name == "us" })
        let failedInUSEast = try #require(usDuring.byDataCenter["us-east"]).failed
        #expect(failedInUSEast > 0)
        #expect(failedInUSEast == usDuring.window?.failed)
        // From 15 s it sends them to eu-west, where they are served.
        let after = try outageRun(seconds: 20).simulationSnapshot()
        let usAfter = try #require(after.regions.first { $0.name == "us" })
        let servedInEUWest = try #require(usAfter.byDataCenter["eu-west"])
        #expect(servedInEUWest.arrivals > 0 && servedInEUWest.completed > 0)
        #expect(usAfter.byDataCenter["us-east"]?.arrivals == 0)
    }

    @Test func europeansWaitWithOneDataCenterAndCatchUpWithTheSecond() throws {
        func regions(_ stage: String) throws -> (us: RegionSummary, eu: RegionSummary) {
            let summary = Stage.run(try Stage.spec(stage), seconds: 30).summary()
            return (
                try #require(summary.regions.first { $0.name == "us" }), try #require(summary.regions.first { $0.name == "eu" })
            )
        }
        let five = try regions("05")
        // Europe is 80 ms one way from us-east, the US 10 ms: 140 ms more per round trip.
        #expect(try #require(five.eu.p50) > #require(five.us.p50) + 100 * Nanos.perMillisecond)
        #expect(try #require(five.eu.p99) > #require(five.us.p99))
        let seven = try regions("07")
        let eight = try regions("08")
        #expect(try #require(eight.eu.p50) + 100 * Nanos.perMillisecond < #require(seven.eu.p50))
        #expect(try #require(eight.eu.p99) + 50 * Nanos.perMillisecond < #require(seven.eu.p99))
        let gap = try #require(eight.eu.p50) - #require(eight.us.p50)
        #expect(abs(gap) < 20 * Nanos.perMillisecond, "eu and us p50 differ by \(gap) ns with a data center each")
    }
}

/// The reports show what the engine computed.
@Suite struct ReportFigureTests {
    /// The cells of the text report's row for node `id` (in the section of data center `dc`).
    func row(_ text: String, node id: String, dc: String? = nil) throws -> [Substring] {
        var inSection = dc == nil
        for line in text.split(separator: "\n") {
            if let dc, line.hasPrefix("[") { inSection = line == "[\(dc)]" }
            let cells = line.split(separator: " ")
            if inSection, cells.first.map(String.init) == id { return cells }
        }
        Issue.record("no row for \(id) in \(dc ?? "the report")")
        return []
    }

    @Test func textFailedColumnMatchesTheJSONInAnOutage() throws {
        let summary = try outageRun().summary()
        let json = RunReport(summary: summary, preset: "08").json
        let text = TextReport.render(json)
        let app = try summary.node("app")
        #expect(app.dc == "us-east" && app.failed > 0)
        // node kind size util req/s mean p99 dropped timed-out failed
        let cells = try row(text, node: "app", dc: "us-east")
        #expect(cells.count >= 10)
        #expect(cells.count >= 10 && cells[9] == Substring(String(app.failed)), "\(cells)")
        #expect(cells.count >= 10 && cells[7] == Substring(String(app.dropped)))
        #expect(text.contains("failed \(summary.endToEnd.counts.failed)"))
    }

    @Test func textCarriesKindFigures() throws {
        let summary = Stage.run(try Stage.spec("08"), seconds: 20).summary()
        let text = TextReport.render(RunReport(summary: summary, preset: "08").json)
        let cache = try summary.node("cache")
        let hitRatio = try #require(cache.cache?.hitRatio)
        #expect(text.contains("hit ratio \(String(format: "%.2f%%", hitRatio * 100))"))
        #expect(text.contains("entries \(cache.cacheEntries ?? -1) of 30000"))
        let replica = try summary.node("db-replica-eu")
        let lag = try #require(replica.replicationLag)
        #expect(text.contains("replication lag \(String(format: "%.2f", lag / 1e6)) ms  stale reads \(replica.staleReads)"))
        #expect(
            text.contains("sessions lost \(summary.nodes.reduce(0) { $0 + $1.sessionsLost })  writes lost \(summary.writesLost)"))
        // A CDN edge's size is its capacity in entries, not 1 server of 10,000 workers.
        let cdn = try row(text, node: "cdn-eu")
        #expect(cdn.count > 3 && cdn[2] == "10k" && cdn[3] == "entries", "\(cdn)")
        for region in summary.regions {
            let cells = try row(text, node: region.name)
            #expect(cells.count == 8)
            #expect(cells.count == 8 && cells[2] == Substring(String(region.counts.requests)))
            #expect(cells.count == 8 && cells[6] == Substring(String(format: "%.2f", Nanos.milliseconds(region.p50 ?? 0))))
            #expect(cells.count == 8 && cells[7] == Substring(String(format: "%.2f", Nanos.milliseconds(region.p99 ?? 0))))
        }
        let width = text.split(separator: "\n").map(\.count).max() ?? 0
        // The node table's widest row: stage 08's ids and CDN sizes, and each node's cost.
        #expect(width <= 110, "the widest line has \(width) columns")
    }

    /// Every node sits under its own data center's heading, and each heading appears once,
    /// however the nodes are ordered (ten-million-users lists a CDN edge before the first
    /// data center and another between them).
    @Test func eachDataCenterGetsOneHeadingWithAllItsNodes() throws {
        for preset in ["08", "ten-million-users"] {
            let summary = Stage.run(try Stage.spec(preset), seconds: 2).summary()
            let lines = TextReport.render(RunReport(summary: summary, preset: UntrustedText(preset)).json).split(separator: "\n")
            let headings = lines.filter { $0.hasPrefix("[") }
            #expect(Set(headings).count == headings.count, "\(preset): \(headings)")
            #expect(headings.contains("[no data center]"), "\(preset): \(headings)")
            var heading: Substring?
            // The node table: from its header on, each row starts with a node's id (the
            // indented lines under a row carry its kind's figures).
            let table = try #require(lines.firstIndex { $0.hasPrefix("node ") })
            for line in lines[table...].dropFirst() where !line.hasPrefix(" ") {
                if line.hasPrefix("[") { heading = line; continue }
                guard let id = line.split(separator: " ").first,
                    let node = summary.nodes.first(where: { $0.id == String(id) })
                else { continue }
                #expect(heading == "[\(node.dc ?? "no data center")]", "\(preset): \(id) under \(heading ?? "nothing")")
            }
            #expect(summary.nodes.allSatisfy { node in lines.contains { $0.hasPrefix(node.id + " ") } })
        }
        // Without data centers, no headings at all.
        let reference = Stage.run(try Stage.spec("bench-network"), seconds: 2).summary()
        let plain = TextReport.render(RunReport(summary: reference, preset: "bench-network").json)
        #expect(!plain.split(separator: "\n").contains { $0.hasPrefix("[") })
    }

    @Test func constantsPrintOnceUnderSeeds() throws {
        let spec = try Stage.spec("00")
        let reports = [7, 8, 9].map { seed in
            RunReport(summary: Stage.run(spec, seconds: 5, seed: UInt64(seed)).summary(), preset: "00").json
        }
        let merged = SeedAggregate.merge(reports)
        let text = TextReport.render(merged)
        let first = try #require(text.split(separator: "\n").first)
        #expect(first.hasSuffix("5.0 s simulated, warm-up 0.0 s"), "\(first)")
        #expect(try row(text, node: "app").dropFirst(2).first == "1x8")
        #expect(!text.contains("±0.0 "))
        // What varies still carries its interval.
        let requests = try #require(text.split(separator: "\n").first { $0.hasPrefix("requests ") })
        #expect(requests.contains("±"), "\(requests)")
        let interval = SeedAggregate.interval([0.1, 0.1, 0.1])
        #expect(interval.mean == 0.1 && interval.halfWidth == 0)
    }

    @Test func csvRowsCarryFailedTheSystemAndTheRegions() throws {
        let engine = try outageRun(seconds: 8)
        let snapshot = engine.simulationSnapshot(historyLimit: 0)
        let rows = CSVReport.rows(for: snapshot).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let columns = CSVReport.header.split(separator: ",")
        let failed = try #require(columns.firstIndex(of: "failed"))
        let app = try #require(rows.first { $0[1] == "app" })
        #expect(app[failed] == Substring(String(try #require(snapshot.nodes.first { $0.id == "app" }?.window).failed)))
        let system = try #require(rows.first { $0[2] == "system" })
        #expect(system[failed] == Substring(String(try #require(snapshot.system).failed)))
        #expect(Int(system[failed]) ?? 0 > 0)
        let regions = rows.filter { $0[2] == "region" }
        #expect(regions.map { String($0[1]) } == ["us", "eu"])
        #expect(regions.reduce(0) { $0 + (Int($1[failed]) ?? 0) } == Int(system[failed]))
        #expect(rows.allSatisfy { $0.count == columns.count })
    }
}
