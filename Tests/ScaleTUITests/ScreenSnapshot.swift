import Foundation
import Testing
@testable import ScaleTUI

/// Golden screens: compares a buffer with `Snapshots/NAME.txt`, text then one letter per
/// cell for its tone. `SCALETOP_RECORD_SNAPSHOTS=1 swift test` re-records them on purpose.
enum ScreenSnapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static let toneLetters: [Tone: Character] = [
        .normal: " ", .dim: ".", .title: "T", .healthy: "g", .warm: "y", .bottleneck: "R", .down: "X",
        .accent: "c", .error: "E", .bar: "=",
    ]

    /// The buffer as golden-file text.
    static func encode(_ buffer: ScreenBuffer) -> String {
        var lines = (0..<buffer.height).map { buffer.line($0) }
        lines.append("~~~ tones ~~~")
        for y in 0..<buffer.height {
            lines.append(String((0..<buffer.width).map { toneLetters[buffer[$0, y].style.tone] ?? "?" }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func assertMatches(_ buffer: ScreenBuffer, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = encode(buffer)
        if ProcessInfo.processInfo.environment["SCALETOP_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record(
                "no golden screen \(name).txt; record it with SCALETOP_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first =
                Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
            Issue.record(
                """
                screen \(name) differs from its golden file at line \(first + 1):
                expected: \(first < expectedLines.count ? expectedLines[first] : "<end>")
                actual:   \(first < actualLines.count ? actualLines[first] : "<end>")
                (re-record on purpose with SCALETOP_RECORD_SNAPSHOTS=1)
                """, sourceLocation: sourceLocation)
        }
    }
}
