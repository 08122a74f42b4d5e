import Foundation
import Testing

@Suite struct PresetsCommandTests {
    /// Every stage 00 to 09, the variants and the big presets, in catalogue order.
    static let shipped = [
        "00-single-server", "01-web-db-split", "02-dns-round-robin", "03-load-balancer", "04-read-replicas",
        "05-cache", "06-cdn", "07-stateless-web", "08-multi-dc", "09-message-queue", "05s-sharding",
        "05v-vertical", "bench-network", "cache-stampede", "global", "metastable-retry-storm-defended", "metastable-retry-storm",
        "million-users", "partition", "ten-million-users", "twenty-million-users",
    ]

    @Test func listsEveryShippedPresetWithItsDescription() throws {
        let result = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": try CLI.temporaryDirectory().path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" } == Self.shipped)
        // Each line has a description after the name.
        #expect(lines.allSatisfy { $0.split(separator: " ", omittingEmptySubsequences: true).count > 2 })
    }

    @Test func malformedUserPresetsAreListedWithTheirErrorWithoutHidingOthers() throws {
        let data = try CLI.temporaryDirectory()
        let folder = data.appendingPathComponent("scaletop/presets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = """
            version: 1
            name: Mine
            description: My own shop.
            workload: {users: 10, rate_per_user: 1, entry: web}
            nodes:
              - {id: web, kind: app, service: {distribution: exponential, mean: 10ms}}
            """
        try good.write(to: folder.appendingPathComponent("a-good.yaml"), atomically: true, encoding: .utf8)
        // An unknown field on line 6, and a file that is not YAML at all.
        try good.replacingOccurrences(of: "kind: app", with: "kind: app, wrokers: 2")
            .write(to: folder.appendingPathComponent("b-typo.yaml"), atomically: true, encoding: .utf8)
        try "version: 1\nname: [unclosed\n".write(
            to: folder.appendingPathComponent("c-broken.yaml"), atomically: true, encoding: .utf8)
        try good.write(to: folder.appendingPathComponent("d-also-good.yaml"), atomically: true, encoding: .utf8)

        let result = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": data.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == Self.shipped.count + 4)
        let user = Array(lines.suffix(4))
        #expect(user[0].hasPrefix("a-good ") && user[0].hasSuffix("My own shop."))
        #expect(user[1].hasPrefix("b-typo ") && user[1].contains("cannot load") && user[1].contains("b-typo.yaml:6:"))
        #expect(user[1].contains("wrokers"))
        #expect(user[2].hasPrefix("c-broken ") && user[2].contains("cannot load"))
        #expect(user[3].hasPrefix("d-also-good ") && user[3].hasSuffix("My own shop."))
        // The shipped presets are all still there, first.
        #expect(lines.prefix(Self.shipped.count).map { $0.split(separator: " ").first.map(String.init) ?? "" } == Self.shipped)
    }
}
