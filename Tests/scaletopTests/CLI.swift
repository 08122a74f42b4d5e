import Foundation
import TestSupport

/// Runs the built `scaletop` binary as a user would, in a separate process.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The status of a run killed by a signal: by its `timeout`, or a crash.
    static let signalled: Int32 = -1

    /// The `scaletop` executable beside the test bundle in the build folder.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("scaletop")
    }

    /// Runs `scaletop` (or another `program`) with `arguments`; with a `timeout` (seconds), a
    /// run still going then is killed and reported as status `signalled`.
    static func run(
        _ arguments: [String], program: URL = executable, environment: [String: String] = [:], in directory: URL? = nil,
        timeout: Double? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // Never the real user's pricing file: a test that wants one passes XDG_CONFIG_HOME.
        env["XDG_CONFIG_HOME"] = noConfigHome
        env.merge(environment) { $1 }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog) }
        // Read both pipes while the process runs so a full pipe cannot stall it.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data()
        nonisolated(unsafe) var stderr = Data()
        group.enter()
        DispatchQueue.global().async {
            stdout = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        stderr = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Result(
            status: process.terminationReason == .uncaughtSignal ? signalled : process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// An XDG_CONFIG_HOME with nothing in it, so no test reads the user's pricing file.
    static let noConfigHome = "/nonexistent/scaletop-tests-config"

    /// A fresh temporary folder, removed when the tests end.
    static func temporaryDirectory() throws -> URL { try TemporaryFolder.make() }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}
