import ArgumentParser
import CTerminalSafety
import Foundation
import ScaleFiles
import ScaleSim

#if canImport(Glibc)
import Glibc
#endif

/// The C baseline of the `reference` scenario: a program of the user's that simulates the
/// reference network (docs/benchmark.md, "The C baseline") and prints `events_per_s=N`, run
/// in turns with the engine so that both are timed in the same minutes of a noisy machine.
///
/// The program is someone else's file, so it is treated as hostile input (docs/security.md):
/// its path is looked at before anything runs, each run is stopped at `timeout` and after
/// `outputLimit` bytes, and every way it can fail ends the command with one message naming
/// the path and what was expected, exit status 2.
struct CBaseline {
    /// The arguments of each run: 2,000,000 requests, seed 1, random routing.
    static let arguments = ["2000000", "1", "rand"]
    /// The most output one run may print; a program past it is stopped.
    static let outputLimit = 65_536
    /// What the path must be, as messages say it.
    static let expected =
        "expected an executable that simulates the reference network and prints events_per_s=N (docs/benchmark.md)"

    /// The program's path, as given.
    let path: String
    /// How long one run may take, in milliseconds.
    let timeoutMilliseconds: Int

    /// Looks at `path` without running it: it must be an executable regular file.
    init(path: String, timeout: SimTime) throws {
        self.path = path
        timeoutMilliseconds = Int(min(timeout / Nanos.perMillisecond, SimTime(Int32.max)))
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Self.failure(path, errno == ENOENT ? "does not exist" : "cannot be looked at (\(Self.reason(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Self.failure(path, "is a directory")
        case S_IFIFO: throw Self.failure(path, "is a FIFO, not a regular file")
        case S_IFSOCK: throw Self.failure(path, "is a socket, not a regular file")
        case S_IFCHR, S_IFBLK: throw Self.failure(path, "is a device, not a regular file")
        default: throw Self.failure(path, "is not a regular file")
        }
        guard access(path, X_OK) == 0 else { throw Self.failure(path, "is not executable") }
    }

    /// Runs the program once and reads its `events_per_s`.
    func eventsPerSecond() throws -> Double {
        let run = try runOnce()
        switch run.ending {
        case .timedOut:
            throw Self.failure(path, "did not finish within \(Double(timeoutMilliseconds) / 1000) s and was stopped")
        case .overLimit:
            throw Self.failure(path, "printed more than \(Self.outputLimit) bytes and was stopped")
        case .exited(let status) where status != 0:
            throw Self.failure(path, "exited with status \(status)")
        case .signalled(let signal):
            throw Self.failure(path, "was ended by signal \(signal)")
        case .exited:
            let text = String(decoding: run.output, as: UTF8.self)
            if let rate = Self.eventsPerSecond(in: text) { return rate }
            let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init)
            guard let firstLine else { throw Self.failure(path, "printed nothing") }
            throw Self.failure(
                path, "printed no events_per_s=N with N a positive number (its output begins \(TerminalSafe.quoted(firstLine)))")
        }
    }

    /// The positive, finite number of the first `events_per_s=` word in `text`, if any.
    static func eventsPerSecond(in text: String) -> Double? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard let word = words.first(where: { $0.hasPrefix("events_per_s=") }),
            let rate = Double(word.dropFirst("events_per_s=".count)), rate.isFinite, rate > 0
        else { return nil }
        return rate
    }

    /// How one run ended.
    enum Ending {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case overLimit
    }

    /// Starts the program in its own process group with standard input and error on
    /// /dev/null, reads its output until it ends, and stops the group at the timeout or
    /// past the output limit.
    private func runOnce() throws -> (ending: Ending, output: [UInt8]) {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw Self.failure(path, "could not be started (\(Self.reason(errno)))") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Neither end may leak into the program but as its standard output.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group, so a timeout stops whatever it started too; with the default
        // actions and none blocked, whatever the guard below blocks while it spawns.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var guarded = sigset_t()
        scaletop_child_guard_signals(&guarded)
        posix_spawnattr_setsigdefault(&attributes, &guarded)

        let argv = ([path] + Self.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // A signal that ends scaletop ends the program's group too, or the program would
        // run on in a group no terminal or supervisor signals.
        var mask = sigset_t()
        scaletop_child_guard_block(&mask)
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        scaletop_child_guard_begin(spawned == 0 ? pid : 0, &mask)
        defer { scaletop_child_guard_end() }
        close(writeEnd)
        guard spawned == 0 else { throw Self.failure(path, "could not be started (\(Self.reason(spawned)))") }

        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(timeoutMilliseconds)
        /// Milliseconds to the deadline, rounded up; 0 once it has passed.
        func millisecondsLeft() -> Int32 {
            let (seconds, attoseconds) = (deadline - clock.now).components
            return seconds < 0 || (seconds == 0 && attoseconds <= 0)
                ? 0 : Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
        }
        func stop(_ ending: Ending, _ output: [UInt8]) -> (ending: Ending, output: [UInt8]) {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (ending, output)
        }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let left = millisecondsLeft()
            if left == 0 { return stop(.timedOut, output) }
            let ready = poll(&poller, 1, left)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { return stop(.timedOut, output) }
            let count = read(readEnd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[0..<count]
            if output.count > Self.outputLimit { return stop(.overLimit, output) }
        }
        // Its output is closed; it may still be running.
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw Self.failure(path, "could not be waited for (\(Self.reason(errno)))") }
            if millisecondsLeft() == 0 { return stop(.timedOut, output) }
            usleep(5_000)
        }
        // The wait status as <sys/wait.h> lays it out: the signal in the low 7 bits, else the
        // exit status in the next 8.
        let signal = status & 0x7F
        return (signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal), output)
    }

    /// Bad input naming the program's path, what is wrong with it, and what was expected.
    static func failure(_ path: String, _ problem: String) -> ExitCode {
        badInput("--c-baseline \(TerminalSafe.text(path)): \(problem); \(expected)")
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
