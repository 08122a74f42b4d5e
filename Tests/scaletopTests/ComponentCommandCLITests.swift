import Foundation
import Testing

/// A script line that adds or takes away a component and does not parse stops the run
/// before it starts: one line naming the file, line and column, and exit 2.
@Suite struct ComponentCommandCLITests {
    /// (the bad line, its column, words the message must contain), one of each class.
    static let cases: [(String, Int, String)] = [
        ("at 5s   add queue app", 22, "add queue NODE static|read|write|job [WORKERS]: expected a request class"),
        ("at 5s   add queue app jobs", 23, "got \"jobs\" (did you mean job?)"),
        ("at 5s   add dc eu-west like us-east near eu -5ms", 45, "expected a one-way latency from 0s to 10s"),
        (
            "at 5s   add dc eu-west like us-east near eu 11s", 45,
            "expected a one-way latency from 0s to 10s, such as 80ms, got \"11s\""
        ),
        ("at 5s   add dc eu-west like us-east near eu soon", 45, "expected a one-way latency from 0s to 10s"),
        ("at 5s   add dc eu-west lke us-east near eu 10ms", 24, "got \"lke\" (did you mean like?)"),
        ("at 5s   add dc eu-west like us-east eu 10ms", 37, "expected near, then the user region"),
        ("at 5s   add dc eu-west like us-east near eu 10ms eu 20ms", 50, "region \"eu\" is given twice"),
        ("at 5s   remove cdn eu!", 20, "remove cdn REGION: expected a region name of 1 to 64 letters, digits, - or _"),
        ("at 5s   remove lb lb app", 22, "remove lb LB: expected the end of the command, got \"app\""),
        ("at 5s   remove session-store", 29, "remove session-store STORE: expected a node id, got nothing"),
    ]

    @Test(arguments: cases)
    func aBadLineStopsTheRunAtItsLineAndColumn(line: String, column: Int, words: String) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("grow.script")
        try "at 1s   add db app\n\(line)\nat 9s   remove db db\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "00", "--duration", "10s", "--script", script.path], timeout: 60)
        #expect(result.status == 2, "\(line): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("scaletop: \(script.path):2:\(column): "), "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
