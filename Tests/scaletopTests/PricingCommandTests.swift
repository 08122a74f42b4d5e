import Foundation
import Testing

/// The user's pricing file as the command line meets it (docs/cost.md).
@Suite struct PricingCommandTests {
    /// A config folder holding `scaletop/pricing.yaml` with `text`.
    static func configHome(pricing text: String) throws -> URL {
        let home = try CLI.temporaryDirectory()
        let folder = home.appendingPathComponent("scaletop")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("pricing.yaml"), atomically: true, encoding: .utf8)
        return home
    }

    @Test func theUsersPricesReachTheReport() throws {
        let home = try Self.configHome(pricing: "server_hour: {app: 1, db: 0, lb: 0}\nlb_per_million_requests: 0\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try CLI.run(
            ["run", "03", "--duration", "10s", "--report", "json"], environment: ["XDG_CONFIG_HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result.stdout)
        // 24 app servers at $1 an hour, and nothing else.
        let cost = try #require(report["cost"] as? [String: Any])
        #expect((cost["per_month"] as? NSNumber)?.doubleValue == 17_520)
        // A preset's own prices go over the file's.
        let set = try CLI.run(
            ["run", "03", "--duration", "10s", "--report", "json", "--set", "pricing={server_hour: {app: 2}}"],
            environment: ["XDG_CONFIG_HOME": home.path])
        #expect(((try CLI.json(set.stdout)["cost"] as? [String: Any])?["per_month"] as? NSNumber)?.doubleValue == 35_040)
    }

    @Test func aBadPricingFileIsBadInputNamingItsPathAndLine() throws {
        let home = try Self.configHome(pricing: "cdn_per_gb: 0.05\nserver_hour: {app: -1}\n")
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.path + "/scaletop/pricing.yaml"
        for arguments in [["run", "03", "--duration", "1s"], ["check", "03"]] {
            let result = try CLI.run(arguments, environment: ["XDG_CONFIG_HOME": home.path])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains("\(file):2:20: server_hour.app: expected a price from 0 to 1,000,000, got -1"),
                "\(result.stderr)")
        }
    }
}
