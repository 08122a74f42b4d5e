import Foundation
import Testing

/// Every path scaletop reads, handed what is not a regular file: it is refused at once with
/// the file named and exit status 2, or streamed in bounded memory (`cache --trace`), and
/// never hangs. Every run has a timeout, so a hang fails the test instead of stalling CI.
@Suite struct NonRegularInputTests {
    /// Far beyond any of these runs: only a hang reaches it.
    static let hangGuard = 120.0

    /// A valid preset whose workload reads `trace`, as its `keys.trace`.
    static func tracePreset(_ trace: String) -> String {
        KeyTraceWorkloadTests.preset(keys: "{trace: \"\(trace)\"}")
    }

    /// The non-regular things a path can be, made in `dir`: (name, path).
    static func hostilePaths(in dir: URL) throws -> [(String, String)] {
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let loop = dir.appendingPathComponent("loop-a").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: dir.appendingPathComponent("loop-b").path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop-b").path, withDestinationPath: loop)
        let socketPath = dir.appendingPathComponent("socket").path
        try makeSocket(at: socketPath)
        let directory = dir.appendingPathComponent("folder").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return [
            ("a FIFO without a writer", fifo), ("a directory", directory), ("/dev/zero", "/dev/zero"),
            ("/dev/urandom", "/dev/urandom"), ("a socket", socketPath), ("a symlink loop", loop),
        ]
    }

    /// Binds a Unix socket at `path`, left there for the test.
    static func makeSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }

    /// The commands that read a file at `path` that must be regular: (what, arguments).
    static func readers(of path: String, dir: URL) throws -> [(String, [String])] {
        let preset = dir.appendingPathComponent("trace-\(UUID().uuidString).yaml")
        try tracePreset(path).write(to: preset, atomically: true, encoding: .utf8)
        return [
            ("run PRESET", ["run", path, "--duration", "1s"]),
            ("check PRESET", ["check", path]),
            ("run --script", ["run", "00", "--duration", "1s", "--script", path]),
            ("replay", ["replay", path, "--headless"]),
            ("check, keys.trace", ["check", preset.path]),
            ("run, keys.trace", ["run", preset.path, "--duration", "1s"]),
        ]
    }

    @Test func everyReaderRefusesWhatIsNotARegularFile() throws {
        let dir = try CLI.temporaryDirectory()
        for (kind, path) in try Self.hostilePaths(in: dir) {
            for (what, arguments) in try Self.readers(of: path, dir: dir) {
                let result = try CLI.run(arguments, timeout: Self.hangGuard)
                #expect(result.status == 2, "\(what) on \(kind): status \(result.status), \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(what) on \(kind)")
                let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(!message.contains("\n"), "\(what) on \(kind): one line, got \(message)")
                #expect(message.contains(path), "\(what) on \(kind): the file is named, got \(message)")
                #expect(!message.contains("Fatal error"), "\(what) on \(kind)")
                if kind == "a symlink loop" {
                    #expect(message.contains("symbolic links"), "\(what): the loop is named, got \(message)")
                }
            }
        }
    }

    @Test func aKeyTraceThatIsNotRegularNamesThePresetAndItsField() throws {
        let dir = try CLI.temporaryDirectory()
        let fifo = dir.appendingPathComponent("keys.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let preset = dir.appendingPathComponent("trace.yaml")
        try Self.tracePreset("keys.fifo").write(to: preset, atomically: true, encoding: .utf8)
        for command in [["check", preset.path], ["run", preset.path, "--duration", "1s"]] {
            let result = try CLI.run(command, timeout: Self.hangGuard)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("trace.yaml: workload.keys.trace: \(fifo): this is a FIFO"), "\(result.stderr)")
        }
    }

    @Test func aFileThatGrowsWhileReadEndsInBoundedTime() throws {
        let dir = try CLI.temporaryDirectory()
        let path = dir.appendingPathComponent("growing.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("# grows\n".utf8)))
        let writer = try #require(FileHandle(forWritingAtPath: path))
        let stop = Stopper()
        // Appends a comment line at a time, past the preset and script limits, until told to stop.
        let thread = Thread {
            let line = Data(String(repeating: "#", count: 4095).utf8 + [0x0A])
            var written = 0
            while !stop.isSet && written < 64 << 20 {
                writer.write(line)
                written += line.count
            }
            try? writer.close()
        }
        thread.start()
        defer { stop.set() }
        for arguments in [
            ["check", path], ["run", "00", "--duration", "1s", "--script", path], ["replay", path, "--headless"],
        ] {
            let result = try CLI.run(arguments, timeout: Self.hangGuard)
            #expect(result.status == 2, "\(arguments): status \(result.status), \(result.stderr)")
            #expect(result.stderr.contains(path), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aUserPresetsFolderWithAFIFOListsItAsBroken() throws {
        let data = try CLI.temporaryDirectory()
        let folder = data.appendingPathComponent("scaletop/presets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(mkfifo(folder.appendingPathComponent("fifo.yaml").path, 0o600) == 0)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("folder.yaml"), withIntermediateDirectories: true)
        let result = try CLI.run(["presets"], environment: ["XDG_DATA_HOME": data.path], timeout: Self.hangGuard)
        #expect(result.status != CLI.signalled, "\(result.stderr)")
        let listed = result.stdout + result.stderr
        #expect(listed.contains("fifo"), "\(listed)")
        #expect(listed.contains("FIFO"), "the entry says why it is broken: \(listed)")
        let check = try CLI.run(["check", "fifo"], environment: ["XDG_DATA_HOME": data.path], timeout: Self.hangGuard)
        #expect(check.status == 2, "\(check.stderr)")
    }

    // MARK: - cache --trace streams

    /// A trace of `count` requests over a few hundred keys, with repeats so the cache hits.
    static func traceText(count: Int) -> String {
        (0..<count).map { "user:\(($0 * 7919) % 701 + ($0 % 3 == 0 ? 0 : 5000))" }.joined(separator: "\n") + "\n"
    }

    static let cacheOptions = ["--policy", "lru", "--capacity", "300"]

    @Test func aFIFOFedByAWriterGivesTheFiguresOfTheRegularFile() throws {
        let dir = try CLI.temporaryDirectory()
        let text = Self.traceText(count: 200_000)
        let file = dir.appendingPathComponent("trace.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let regular = try CLI.run(["cache", "--trace", file.path] + Self.cacheOptions, timeout: Self.hangGuard)
        #expect(regular.status == 0, "\(regular.stderr)")
        #expect((try CLI.json(regular.stdout)["requests"] as? Int) == 200_000)

        let fifo = dir.appendingPathComponent("trace.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = Data(text.utf8)
        // The writer opens when scaletop does, writes in pieces, and closes: the end of the trace.
        let thread = Thread {
            guard let writer = FileHandle(forWritingAtPath: fifo) else { return }
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 4099)
                writer.write(bytes[offset..<end])
                offset = end
            }
            try? writer.close()
        }
        thread.start()
        let streamed = try CLI.run(["cache", "--trace", fifo] + Self.cacheOptions, timeout: Self.hangGuard)
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(streamed.stdout == regular.stdout)
    }

    @Test func aPipeOnStandardInputIsStreamed() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("trace.txt")
        try Self.traceText(count: 50_000).write(to: file, atomically: true, encoding: .utf8)
        let regular = try CLI.run(["cache", "--trace", file.path] + Self.cacheOptions, timeout: Self.hangGuard)
        let shell =
            "cat '\(file.path)' | '\(CLI.executable.path)' cache --trace /dev/stdin " + Self.cacheOptions.joined(separator: " ")
        let piped = try Self.shell(shell)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == regular.stdout)
        #expect((try CLI.json(piped.stdout)["requests"] as? Int) == 50_000)
    }

    @Test func anEndlessLineEndsWithTheLineNamed() throws {
        let result = try CLI.run(["cache", "--trace", "/dev/zero"] + Self.cacheOptions, timeout: Self.hangGuard)
        #expect(result.status == 2)
        #expect(result.stderr.contains("/dev/zero:1: line longer than 1048576 bytes"), "\(result.stderr)")
    }

    @Test func aDirectoryOrSocketIsNoTrace() throws {
        let dir = try CLI.temporaryDirectory()
        let socketPath = dir.appendingPathComponent("socket").path
        try Self.makeSocket(at: socketPath)
        for path in [dir.path, socketPath] {
            let result = try CLI.run(["cache", "--trace", path] + Self.cacheOptions, timeout: Self.hangGuard)
            #expect(result.status == 2, "\(path): \(result.stderr)")
            #expect(result.stderr.contains("\(path): this is a"), "\(result.stderr)")
        }
    }

    /// Runs `command` with `sh -c`, with the hang guard.
    static func shell(_ command: String) throws -> CLI.Result {
        try CLI.run(["-c", command], program: URL(fileURLWithPath: "/bin/sh"), timeout: hangGuard)
    }
}

/// A flag one thread sets and another reads.
final class Stopper: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    var isSet: Bool { lock.withLock { flag } }

    func set() { lock.withLock { flag = true } }
}
