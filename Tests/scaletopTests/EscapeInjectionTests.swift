import Foundation
import Testing

/// Text from files and the environment reaches the terminal without control characters:
/// a hostile preset cannot retitle the window, clear the screen or recolour the output.
@Suite struct EscapeInjectionTests {
    static let escape = "\u{1B}"

    func expectClean(_ result: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(Self.escape) && !result.stdout.contains("\u{07}"), "stdout: \(result.stdout.debugDescription)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(Self.escape) && !result.stderr.contains("\u{07}"), "stderr: \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func hostileUserPresetsAreListedSafely() throws {
        let home = try CLI.temporaryDirectory()
        let presets = home.appendingPathComponent("scaletop/presets")
        try FileManager.default.createDirectory(at: presets, withIntermediateDirectories: true)
        let hostileName = "ev\u{1B}[31mil\u{1B}]0;pwned\u{07}"
        let hostile = presets.appendingPathComponent(hostileName + ".yaml")
        try "version: 1\nname: \"evil \\e]0;pwned\\a name\"\ndescription: \"d \\e[2J\"\n".write(to: hostile, atomically: true, encoding: .utf8)
        let listed = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": home.path])
        #expect(listed.status == 0)
        expectClean(listed)
        #expect(listed.stdout.contains("cannot load"))
        #expect(listed.stdout.contains("00-single-server"))

        let run = try CLI.run(["run", hostile.path], environment: ["XDG_DATA_HOME": home.path])
        #expect(run.status == 2)
        expectClean(run)
        #expect(run.stderr.contains("control character"))

        let paths = try CLI.run(["presets", "--path"], environment: ["XDG_DATA_HOME": home.path + "/\u{1B}[2J"])
        expectClean(paths)
    }

    @Test func hostileArgumentsAreQuotedSafely() throws {
        for arguments in [["run", "no\u{1B}]0;such\u{07}preset"], ["run", "00", "--duration", "\u{1B}[2J"], ["replay", "\u{1B}[31m.jsonl", "--headless"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments.debugDescription)")
            expectClean(result)
        }
    }
}
