import Foundation
@testable import ScaleFiles
import ScaleSim
import Testing

/// Prices in presets and in the user's pricing file, response sizes in the workload, and
/// the cost figures reports carry (docs/cost.md).
@Suite struct PricingPresetTests {
    /// `basePreset` (17 lines) with a `pricing:` section from line 18, its first price on line 19.
    static func withPricing(_ lines: String) -> String { basePreset + "\npricing:\n" + lines }

    @Test func aPricingSectionOverridesTheShippedPrices() throws {
        let spec = try #require(
            decoded(
                Self.withPricing(
                    """
                      server_hour: {app: 0.2, cdn: 0.01}
                      size_factor: 1.5
                      lb_per_million_requests: 0
                      cross_dc_per_gb: 0.05
                    """)))
        #expect(spec.prices.serverHour[.app] == 0.2)
        #expect(spec.prices.serverHour[.cdn] == 0.01)
        #expect(spec.prices.serverHour[.db] == 0.40)
        #expect(spec.prices.sizeFactor == 1.5)
        #expect(spec.prices.lbPerMillionRequests == 0)
        #expect(spec.prices.crossDCPerGB == 0.05)
        #expect(spec.prices.cdnPerGB == 0.085)
        #expect(try #require(decoded(basePreset)).prices == Pricing.shipped)
    }

    @Test func pricesAndResponseSizesRoundTrip() throws {
        var spec = try #require(decoded(basePreset))
        spec.pricing = PricingSpec(
            serverHour: [.app: 0.125, .queue: 0], sizeFactor: 1.8, lbPerMillionRequests: 0.3, queuePerMillionRequests: 0.35,
            cdnPerGB: 0.07, cdnPer10kRequests: 0.0075, crossDCPerGB: 0.01)
        spec.workload.responseKB[.static] = 150
        spec.workload.responseKB[.job] = 0.5
        let yaml = PresetEncoder.yaml(spec)
        #expect(yaml.contains("response_kb: {static: 150, job: 0.5}"))
        #expect(yaml.contains("pricing:\n  server_hour: {app: 0.125, queue: 0}\n  size_factor: 1.8\n"))
        #expect(try PresetDecoder.decode(yaml, file: "saved.yaml") == spec)
        // A preset without either writes neither.
        let plain = PresetEncoder.yaml(try #require(decoded(basePreset)))
        #expect(!plain.contains("pricing") && !plain.contains("response_kb"))
    }

    @Test func responseSizesDefaultPerClass() throws {
        let spec = try #require(decoded(basePreset(line: 6, "  entry: web\n  response_kb: {read: 8}")))
        #expect(spec.workload.responseKB == [.static: 200, .read: 8, .write: 2, .job: 1])
        #expect(try #require(decoded(basePreset)).workload.responseKB == WorkloadSpec.defaultResponseKB)
    }

    /// Each bad price: the line, the field and what was expected.
    @Test(arguments: [
        ("  size_factor: -2", "pricing.size_factor", "expected a number greater than 0 and at most 16, got -2"),
        ("  cdn_per_gb: -0.01", "pricing.cdn_per_gb", "expected a price from 0 to 1,000,000, got -0.01"),
        ("  cdn_per_gb: .nan", "pricing.cdn_per_gb", "expected a price from 0 to 1,000,000, got .nan"),
        ("  cross_dc_per_gb: .inf", "pricing.cross_dc_per_gb", "expected a price from 0 to 1,000,000, got .inf"),
        ("  cross_dc_per_gb: 1e999", "pricing.cross_dc_per_gb", "expected a price from 0 to 1,000,000, got 1e999"),
        ("  lb_per_million_requests: cheap", "pricing.lb_per_million_requests", "expected a price from 0 to 1,000,000, got"),
        ("  lb_per_million_requests: \"0.4\"", "pricing.lb_per_million_requests", "expected a price from 0 to 1,000,000, got"),
        ("  server_hour: {app: -0.1}", "pricing.server_hour.app", "expected a price from 0 to 1,000,000, got -0.1"),
        ("  server_hour: {app: [1]}", "pricing.server_hour.app", "expected a price from 0 to 1,000,000, got"),
        ("  server_hour: {web: 0.1}", "pricing.server_hour.web", "unknown node kind \"web\"; expected one of: lb, app"),
        ("  server_hour: 0.1", "pricing.server_hour", "expected a mapping of node kind to price per hour"),
        ("  cdn_per_tb: 1", "pricing.cdn_per_tb", "unknown field \"cdn_per_tb\"; expected one of: server_hour"),
    ])
    func badPricesAreErrorsAtTheirLine(line: String, path: String, message: String) throws {
        let error = try #require(decodeError(Self.withPricing(line)))
        #expect(error.file == "test.yaml")
        #expect(error.line == 19)
        #expect(error.path == path)
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test(arguments: [
        ("  response_kb: {read: -1}", "workload.response_kb.read", "expected kilobytes from 0 to 1,000,000,000, got -1"),
        ("  response_kb: {read: .nan}", "workload.response_kb.read", "expected kilobytes from 0 to 1,000,000,000, got .nan"),
        ("  response_kb: {read: big}", "workload.response_kb.read", "expected kilobytes from 0 to 1,000,000,000, got"),
        ("  response_kb: {reads: 4}", "workload.response_kb.reads", "unknown request class \"reads\""),
        ("  response_kb: 4", "workload.response_kb", "expected a mapping of request class to kilobytes"),
    ])
    func badResponseSizesAreErrorsAtTheirLine(line: String, path: String, message: String) throws {
        let error = try #require(decodeError(basePreset(line: 6, "  entry: web\n" + line)))
        #expect(error.line == 7)
        #expect(error.path == path)
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test func thePricingFileFollowsXDG() {
        #expect(PricingFile.path(environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]) == "/c/scaletop/pricing.yaml")
        #expect(PricingFile.path(environment: ["HOME": "/h"]) == "/h/.config/scaletop/pricing.yaml")
        #expect(PricingFile.path(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"]) == "/h/.config/scaletop/pricing.yaml")
        #expect(PricingFile.path(environment: [:]) == nil)
        #expect(PresetCatalog(environment: ["XDG_CONFIG_HOME": "/c"]).pricingFile == "/c/scaletop/pricing.yaml")
    }

    @Test func theUserFileGoesOverTheShippedPricesAndUnderThePresets() throws {
        let directory = try PresetCatalogTests.TempDirectory()
        try directory.write(
            "config/scaletop/pricing.yaml", "server_hour: {app: 0.3, db: 1}\ncdn_per_gb: 0.05\n")
        let preset = try directory.write("mine.yaml", Self.withPricing("  server_hour: {db: 2}\n"))
        let catalog = PresetCatalog(environment: ["XDG_CONFIG_HOME": directory.path + "/config"])
        let prices = try catalog.load(preset).spec.prices
        #expect(prices.serverHour[.app] == 0.3)
        #expect(prices.serverHour[.db] == 2)
        #expect(prices.serverHour[.cache] == 0.15)
        #expect(prices.cdnPerGB == 0.05)
        #expect(prices.lbPerMillionRequests == 0.40)
        // A shipped preset takes the user's prices too; without a file, the shipped ones.
        #expect(try catalog.load("03").spec.prices.serverHour[.app] == 0.3)
        let none = PresetCatalog(environment: ["XDG_CONFIG_HOME": directory.path + "/nothing-here"])
        #expect(try none.load("03").spec.prices == Pricing.shipped)
    }

    @Test func aBadUserFileNamesItselfAndTheLine() throws {
        let directory = try PresetCatalogTests.TempDirectory()
        let file = try directory.write("config/scaletop/pricing.yaml", "cdn_per_gb: 0.05\nserver_hour: {app: -1}\n")
        let catalog = PresetCatalog(environment: ["XDG_CONFIG_HOME": directory.path + "/config"])
        #expect(
            throws: PresetError(
                file: file, line: 2, column: 20, path: "server_hour.app", message: "expected a price from 0 to 1,000,000, got -1")
        ) {
            try catalog.load("03")
        }
        try directory.write("config/scaletop/pricing.yaml", "version: 1\n")
        do throws(PresetError) {
            _ = try catalog.load("03")
            Issue.record("a pricing file with a preset's field loaded")
        } catch {
            #expect(error.file == file && error.line == 1 && error.path == "version", "\(error)")
        }
    }

    /// docs/cost.md's worked example: stage 03's 24 app servers, its database and its load
    /// balancer, as `scaletop run 03 --duration 2m --warmup 20s` runs them (seed 42).
    @Test func stageThreesCostIsTheWorkedExampleOfTheDocs() throws {
        let summary = Stage.run(try Stage.spec("03"), seconds: 120, warmup: 20, seed: 42).summary()
        #expect(abs((try summary.node("app").cost.perMonth ?? 0) - 1_752) < 1e-6)
        #expect(abs((try summary.node("db").cost.perMonth ?? 0) - 292) < 1e-6)
        let lb = try summary.node("lb")
        #expect(lb.arrivals == 180_571)
        // 1,805.71 requests/s over 2,628,000 s a month at $0.40 a million, and $0.025 an hour.
        let lbRequests = 1_805.71 * Pricing.secondsPerMonth * 0.40 / 1e6
        #expect(abs(lbRequests - 1_898.16) < 0.01)
        #expect(abs((lb.cost.perMonth ?? 0) - (18.25 + lbRequests)) < 1e-6)
        #expect(abs((summary.cost.perMonth ?? 0) - 3_960.41) < 0.005)
        #expect(abs((summary.cost.perMillionRequests ?? 0) - 0.84) < 0.005)
        let text = TextReport.render(RunReport(summary: summary, preset: UntrustedText("03-load-balancer")).json)
        #expect(text.contains("cost $3960.41/month  $0.84 per million requests"))
    }

    @Test func cdnTrafficIsBilledByTheGigabyteAndTheRequest() throws {
        let summary = Stage.run(try Stage.spec("06"), seconds: 60).summary()
        let edges = summary.nodes.filter { $0.kind == .cdn }
        #expect(!edges.isEmpty)
        for edge in edges {
            // Each response a static asset of 200 KB: 0.0002 GB at $0.085, and $0.01 per 10,000 requests.
            #expect(edge.completions > 10_000)
            #expect(abs(edge.cost.transfer - Double(edge.completions) * 0.0002 * 0.085) < 1e-9)
            #expect(abs(edge.cost.requests - Double(edge.arrivals) * 0.01 / 10_000) < 1e-9)
            #expect(edge.cost.servers == 0)
        }
    }

    @Test func writesCrossingDataCentersAreBilledToTheSender() throws {
        let summary = Stage.run(try Stage.spec("08"), seconds: 30).summary()
        let crossing = summary.nodes.filter { $0.cost.transfer > 0 }.map(\.id)
        // Europe's writes go to the primary in us-east; the primary ships them to eu-west's replicas.
        #expect(crossing.contains("app-eu"))
        #expect(crossing.contains("db"))
        let single = Stage.run(try Stage.spec("05"), seconds: 30).summary()
        #expect(single.nodes.allSatisfy { $0.cost.transfer == 0 })
    }

    @Test func reportsCarryTheCost() throws {
        let summary = Stage.run(try Stage.spec("03"), seconds: 30).summary()
        let report = RunReport(summary: summary, preset: UntrustedText("03-load-balancer"))
        guard case .object(let top) = report.json, case .object(let cost)? = top["cost"],
            case .array(let nodes)? = top["nodes"]
        else {
            Issue.record("no cost in \(report.json)")
            return
        }
        #expect(cost["per_month"]?.numberValue == RunReport.money(summary.cost.perMonth).numberValue)
        #expect(cost["per_million_requests"]?.numberValue != nil)
        #expect(cost["measured"]?.numberValue != nil)
        for case .object(let node) in nodes { #expect(node["cost_per_month"]?.numberValue != nil) }
        let text = TextReport.render(report.json)
        #expect(text.contains("cost $\(String(format: "%.2f", summary.cost.perMonth ?? 0))/month"))
        #expect(text.contains("$/month"))
        // The app pool's 24 servers at $0.10 an hour, 730 hours: whole dollars in the node table.
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("app ") && ($0.contains(" 1752 ") || $0.hasSuffix(" 1752")) })
        // Seeds merge into a mean and an interval, as every figure does.
        let merged = SeedAggregate.merge([report.json, report.json])
        guard case .object(let mergedTop) = merged, case .object(let mergedCost)? = mergedTop["cost"],
            case .object(let perMonth)? = mergedCost["per_month"]
        else {
            Issue.record("no merged cost")
            return
        }
        #expect(perMonth["mean"]?.numberValue == cost["per_month"]?.numberValue)
        #expect(CSVReport.header.hasSuffix(",rejected,cost_per_month"))
        let rows = CSVReport.rows(for: Stage.run(try Stage.spec("03"), seconds: 5).simulationSnapshot())
        #expect(rows[2].hasSuffix(",292"))
    }
}
