import Foundation
import Testing

/// Whatever scaletop writes fails loudly: a full device ends every writing command with
/// one message and status 74, a closed pipe ends it quietly, and a failed run removes only
/// a file it created itself (docs/reports.md, "Where output goes").
@Suite struct WriteFailureTests {
    /// Runs `scaletop` with standard output going to `stdoutPath` (a file or device) or, with
    /// `closedPipe`, into a pipe whose reading end is already closed.
    static func run(_ arguments: [String], stdoutPath: String? = nil, closedPipe: Bool = false, in directory: URL? = nil) throws
        -> (
            status: Int32, signal: Int32?, stderr: String
        )
    {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let err = Pipe()
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        var pipeEnds: [Int32] = [0, 0]
        if closedPipe {
            #expect(pipe(&pipeEnds) == 0)
            // Close-on-exec, so no other test's child holds the reading end open; the child's
            // copy on its standard output is made without the flag.
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            close(pipeEnds[0])
            process.standardOutput = FileHandle(fileDescriptor: pipeEnds[1], closeOnDealloc: false)
        } else if let stdoutPath {
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        if closedPipe { close(pipeEnds[1]) }
        let pid = process.processIdentifier
        // A hang guard only: every case here ends in well under a second in a release build.
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let signalled = process.terminationReason == .uncaughtSignal
        return (
            signalled ? CLI.signalled : process.terminationStatus, signalled ? process.terminationStatus : nil,
            String(decoding: stderr, as: UTF8.self)
        )
    }

    /// A short recording of stage 00 in `directory`, for the replay commands.
    static func recording(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("rec.jsonl").path
        let result = try CLI.run(["run", "00", "--duration", "3s", "--record", path, "--report", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    static var isRoot: Bool { getuid() == 0 }

    /// Every command that writes to standard output, each of its output forms.
    static let stdoutCommands: [[String]] = [
        ["run", "00", "--duration", "2s"],
        ["run", "00", "--duration", "2s", "--report", "json"],
        ["run", "00", "--duration", "2s", "--report", "csv"],
        ["run", "00", "--duration", "2s", "--seeds", "2"],
        ["replay", "REC", "--headless"],
        ["replay", "REC", "--headless", "--report", "json"],
        ["replay", "REC", "--headless", "--report", "csv", "--verify"],
        ["cache", "--trace", "TRACE", "--policy", "lru", "--capacity", "2"],
        ["presets"],
        ["presets", "--path"],
        ["check", "00", "03"],
        ["--help"],
        ["run", "--help"],
        ["--version"],
    ]

    /// Every file a command writes, onto the full device.
    static let fileCommands: [[String]] = [
        ["run", "00", "--duration", "2s", "--out", "/dev/full"],
        ["run", "00", "--duration", "2s", "--report", "json", "--out", "/dev/full"],
        ["run", "00", "--duration", "2s", "--report", "csv", "--out", "/dev/full", "--force"],
        ["run", "00", "--duration", "2s", "--seeds", "3", "--out", "/dev/full"],
        ["run", "00", "--duration", "2s", "--record", "/dev/full"],
        ["run", "00", "--duration", "2s", "--record", "/dev/null", "--out", "/dev/full"],
        ["replay", "REC", "--export-cast", "/dev/full"],
    ]

    /// Fills in the recording and trace that `arguments` name.
    static func resolve(_ arguments: [String], in directory: URL) throws -> [String] {
        let trace = directory.appendingPathComponent("keys.txt")
        try "a\nb\na\nc\n".write(to: trace, atomically: true, encoding: .utf8)
        let replay = arguments.contains("REC") ? try recording(in: directory) : ""
        return arguments.map { $0 == "REC" ? replay : $0 == "TRACE" ? trace.path : $0 }
    }

    /// (`BenchCommand` writes through the same `Output`; its scenarios take minutes, so no
    /// test runs it.)
    @Test(arguments: stdoutCommands)
    func standardOutputOntoAFullDevice(_ arguments: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let result = try Self.run(try Self.resolve(arguments, in: dir), stdoutPath: "/dev/full")
        Self.expectWriteFailure(result, naming: "standard output", arguments)
    }

    @Test(arguments: fileCommands)
    func fileOntoAFullDevice(_ arguments: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let result = try Self.run(try Self.resolve(arguments, in: dir))
        Self.expectWriteFailure(result, naming: "/dev/full", arguments)
    }

    static func expectWriteFailure(
        _ result: (status: Int32, signal: Int32?, stderr: String), naming name: String, _ arguments: [String]
    ) {
        #expect(result.status == 74, "\(arguments): status \(result.status), \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): one line, got \(result.stderr)")
        #expect(lines.last?.hasPrefix("scaletop: \(name): cannot write") == true, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    /// A reader that went away (`scaletop presets | head -1`) ends the command quietly: by
    /// SIGPIPE, as other tools do, or with status 141 where SIGPIPE is ignored.
    @Test(arguments: [
        ["presets"], ["run", "09", "--duration", "5s", "--report", "csv"], ["run", "00", "--duration", "2s"],
        ["check", "00"], ["replay", "REC", "--headless", "--report", "csv"],
    ])
    func closedPipeEndsQuietly(_ arguments: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let result = try Self.run(try Self.resolve(arguments, in: dir), closedPipe: true)
        #expect(
            result.signal == SIGPIPE || result.status == 141,
            "\(arguments): status \(result.status), signal \(String(describing: result.signal))")
        #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
    }

    /// A character device is written as it is, without `--force`; no output removes it.
    @Test func devicesAreWrittenAndNeverRemoved() throws {
        let plain = try CLI.run(["run", "00", "--duration", "2s", "--out", "/dev/null", "--record", "/dev/null"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.isEmpty)
        guard Self.isRoot else { return }
        let dir = try CLI.temporaryDirectory()
        let null = dir.appendingPathComponent("null").path
        let full = dir.appendingPathComponent("full").path
        // Private copies of /dev/null (1, 3) and /dev/full (1, 7), Linux numbering.
        #expect(mknod(null, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
        #expect(mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
        let replay = try Self.recording(in: dir)
        // The case: the report's folder is missing, so the run fails after the
        // recording was opened.
        let failures: [([String], Int32)] = [
            (["run", "00", "--record", null, "--force", "--out", dir.appendingPathComponent("missing/x").path], 2),
            (["run", "00", "--duration", "2s", "--record", full], 74),
            (["run", "00", "--duration", "2s", "--record", null, "--out", full, "--force"], 74),
            (["replay", replay, "--export-cast", full, "--force"], 74),
        ]
        for (arguments, status) in failures {
            let result = try CLI.run(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            for node in [null, full] {
                var info = stat()
                #expect(lstat(node, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "\(arguments) removed \(node)")
            }
        }
    }

    /// A FIFO is written when a process reads it, and refused at once, not waited on, when
    /// none does; it is never removed.
    @Test func fifosNeverHangAndStay() throws {
        let dir = try CLI.temporaryDirectory()
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        for option in ["--out", "--record"] {
            let result = try CLI.run(["run", "00", "--duration", "2s", option, fifo], timeout: 60)
            #expect(result.status == 2, "\(option): \(result.stderr)")
            #expect(result.stderr.contains("no process is reading"), "\(result.stderr)")
        }
        let replay = try Self.recording(in: dir)
        let cast = try CLI.run(["replay", replay, "--export-cast", fifo, "--force"], timeout: 60)
        #expect(cast.status == 2, "\(cast.stderr)")
        // With a reader, the report goes through it.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let written = try CLI.run(["run", "00", "--duration", "2s", "--report", "json", "--out", fifo], timeout: 60)
        #expect(written.status == 0, "\(written.stderr)")
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let count = read(reader, &bytes, bytes.count)
        #expect(count > 0 && bytes[0] == UInt8(ascii: "{"))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    /// Symlinks, their targets and folders stay whatever fails; a dangling link is not
    /// followed to create a file.
    @Test func linksAndFoldersNeverRemoved() throws {
        let dir = try CLI.temporaryDirectory()
        let target = dir.appendingPathComponent("target").path
        let link = dir.appendingPathComponent("link").path
        let dangling = dir.appendingPathComponent("dangling").path
        let folder = dir.appendingPathComponent("folder").path
        try "keep me".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try FileManager.default.createSymbolicLink(
            atPath: dangling, withDestinationPath: dir.appendingPathComponent("nowhere").path)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let missing = dir.appendingPathComponent("missing/x").path
        for arguments in [
            ["run", "00", "--duration", "2s", "--out", link, "--record", missing],
            ["run", "00", "--duration", "2s", "--out", link, "--force", "--record", missing],
            ["run", "00", "--duration", "2s", "--record", link, "--out", missing],
            ["run", "00", "--duration", "2s", "--out", dangling, "--force"],
            ["run", "00", "--duration", "2s", "--record", dangling, "--force"],
            ["run", "00", "--duration", "2s", "--out", folder, "--force"],
            ["run", "00", "--duration", "2s", "--record", folder, "--force"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me", "\(arguments)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling).hasSuffix("nowhere"))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nowhere").path), "\(arguments)")
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
        }
    }

    /// A file the failed run created itself is removed; one that was there before stays.
    @Test func aFailedRunRemovesOnlyWhatItCreated() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
        let dir = try CLI.temporaryDirectory()
        let new = dir.appendingPathComponent("new.jsonl").path
        let created = try CLI.run(["run", "00", "--duration", "2s", "--record", new, "--out", "/dev/full"])
        #expect(created.status == 74, "\(created.stderr)")
        #expect(!FileManager.default.fileExists(atPath: new))
        let old = dir.appendingPathComponent("old.jsonl").path
        try "old".write(toFile: old, atomically: true, encoding: .utf8)
        let forced = try CLI.run(["run", "00", "--duration", "2s", "--record", old, "--force", "--out", "/dev/full"])
        #expect(forced.status == 74, "\(forced.stderr)")
        // Emptied by --force and written up to the failure, but not removed (docs/reports.md).
        #expect(FileManager.default.fileExists(atPath: old))
    }

    /// The same file under two names, through a symlink or a hard link, is refused before
    /// anything is written to it.
    @Test func sameFileIsRefusedThroughLinks() throws {
        let dir = try CLI.temporaryDirectory()
        let replay = try Self.recording(in: dir)
        let original = try String(contentsOfFile: replay, encoding: .utf8)
        let symlink = dir.appendingPathComponent("sym.jsonl").path
        let hardlink = dir.appendingPathComponent("hard.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: replay)
        #expect(link(replay, hardlink) == 0)
        let preset = dir.appendingPathComponent("p.yaml").path
        try BadInputTests.valid.write(toFile: preset, atomically: true, encoding: .utf8)
        let script = dir.appendingPathComponent("s.script").path
        try "at 1s set users 10\n".write(toFile: script, atomically: true, encoding: .utf8)
        for other in [replay, symlink, hardlink] {
            for arguments in [
                ["run", "00", "--duration", "2s", "--record", replay, "--out", other, "--force"],
                ["run", "00", "--duration", "2s", "--record", other, "--out", replay, "--force"],
                ["replay", replay, "--export-cast", other, "--force"],
                ["replay", other, "--export-cast", replay, "--force"],
            ] {
                let result = try CLI.run(arguments)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("same file"), "\(arguments): \(result.stderr)")
                #expect(try String(contentsOfFile: replay, encoding: .utf8) == original, "\(arguments) changed the file")
            }
        }
        let presetText = try String(contentsOfFile: preset, encoding: .utf8)
        for arguments in [
            ["run", preset, "--duration", "2s", "--out", preset, "--force"],
            ["run", preset, "--duration", "2s", "--record", preset, "--force"],
            ["run", "00", "--duration", "2s", "--script", script, "--out", script, "--force"],
        ] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("same file"), "\(arguments): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: preset, encoding: .utf8) == presetText)
        #expect(try String(contentsOfFile: script, encoding: .utf8) == "at 1s set users 10\n")
        // The recording onto the file the report is redirected to (`--record X > X`).
        let redirected = dir.appendingPathComponent("redirected").path
        #expect(FileManager.default.createFile(atPath: redirected, contents: nil))
        let shared = try Self.run(["run", "00", "--duration", "2s", "--record", redirected, "--force"], stdoutPath: redirected)
        #expect(shared.status == 2, "\(shared.stderr)")
        #expect(shared.stderr.contains("same file as standard output"), "\(shared.stderr)")
        // Two names of a file that does not exist yet: the second finds the first's file.
        let fresh = dir.appendingPathComponent("fresh").path
        let aliased = try CLI.run(["run", "00", "--duration", "2s", "--record", fresh, "--out", dir.path + "/./fresh", "--force"])
        #expect(aliased.status == 2, "\(aliased.stderr)")
        #expect(aliased.stderr.contains("same file"), "\(aliased.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }
}
