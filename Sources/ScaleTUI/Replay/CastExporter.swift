import Foundation
import ScaleFiles
import ScaleSim

/// What an export wrote, for the caller to report on stderr.
public struct CastSummary: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    /// Output events written: frames left after merging those closer than 1/30 s.
    public var frames: Int
    /// Cast time of the last frame, in seconds: how long the cast plays.
    public var duration: Double
    /// Size of the cast file.
    public var bytes: Int

    /// For example `412 frames, 61.3 s, 120x40, 734 KiB`.
    public var description: String {
        "\(frames) frames, \(String(format: "%.1f", duration)) s, \(width)x\(height), \((bytes + 1023) / 1024) KiB"
    }
}

/// Why a cast could not be exported; the caller prints `description` (one line) and exits
/// with status 2, or 74 for `writeFailed`.
public enum CastExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `--size` is not `WxH` or lies outside what the dashboard can draw.
    case badSize(String)
    /// The output file exists and `force` was not given.
    case fileExists(path: String)
    /// The output file could not be created or opened.
    case cannotWrite(path: String, reason: String)
    /// A write to the output file, or its close, failed (a full disk).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .badSize(let message): message
        case .fileExists(let path): "\(TerminalSafe.text(path)): file exists (use --force to overwrite)"
        case .cannotWrite(let path, let reason), .writeFailed(let path, let reason):
            "\(TerminalSafe.text(path)): cannot write the cast: \(reason)"
        }
    }
}

/// Renders a replay through the dashboard's views into an asciicast v2 file, as a terminal
/// recording that plays at the recorded pace in asciinema and other players.
///
/// The replay runs from the start, as `Replayer` plays it. A frame is taken at every whole
/// simulated second (a window closes), after every command line (the event log shows the
/// command and the engine's answer) and after every stage load; frames closer than 1/30 s
/// of cast time merge, the last one kept, and a frame that changes nothing is left out.
/// Frames are ANSI diffs against the frame before (the first one full), from `ANSIRenderer`.
public enum CastExporter {
    /// The size used when neither the caller nor the recording gives one.
    public static let defaultSize = (width: 120, height: 40)
    /// The largest size accepted: beyond it a frame is more bytes than any screen shows.
    public static let maximumSize = (width: 1000, height: 500)
    /// The `TERM` the cast's header names, for players that emulate one.
    static let term = "xterm-256color"

    /// The size `text` spells as `WxH` (such as `120x40`), checked against the dashboard's
    /// minimum and `maximumSize`.
    public static func size(parsing text: String) throws(CastExportError) -> (width: Int, height: Int) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else {
            throw .badSize("--size: expected WxH, such as 120x40, got \(TerminalSafe.quoted(text))")
        }
        guard width >= DashboardState.minimumWidth, height >= DashboardState.minimumHeight else {
            throw .badSize(
                "--size \(width)x\(height): the dashboard needs at least \(DashboardState.minimumWidth)x\(DashboardState.minimumHeight)"
            )
        }
        guard width <= maximumSize.width, height <= maximumSize.height else {
            throw .badSize("--size \(width)x\(height): at most \(maximumSize.width)x\(maximumSize.height)")
        }
        return (width, height)
    }

    /// Writes `file` played back as an asciicast v2 file at `path`, `size` columns by rows
    /// (default: the recording's terminal when it is a size the dashboard can draw, else
    /// `defaultSize`).
    ///
    /// The file is created anew, or is a character device or a FIFO with a reader; an
    /// existing regular file is an error unless `force`, and one of `avoiding` (the replay
    /// file itself) is refused. A write that fails removes the file if this export created
    /// it, and nothing else (docs/replay.md). With `color` false, styles are bold, dim and reverse
    /// alone, as the dashboard draws them under `--no-color`.
    public static func export(
        _ file: ReplayFile, to path: String, size: (width: Int, height: Int)? = nil, force: Bool = false, color: Bool = true,
        avoiding: [(FileDescriptorIO.FileIdentity, String)] = []
    ) throws(CastExportError) -> CastSummary {
        let size = size ?? file.header.terminal.flatMap { try? Self.size(parsing: $0.verbatim) } ?? defaultSize
        let output = try CastOutput(creating: path, force: force, avoiding: avoiding)
        output.write(header(for: file, size: size).encoded() + "\n")
        var frames = CastFrames(renderer: ANSIRenderer(color: color), output: output)
        play(file, width: size.width, height: size.height, into: &frames)
        frames.finish()
        do throws(CastExportError) {
            try output.close()
        } catch {
            output.discard()
            throw error
        }
        return CastSummary(
            width: size.width, height: size.height, frames: frames.count, duration: frames.lastTime, bytes: output.bytesWritten)
    }

    /// The cast's first line: format version, size, when the recording began, a title.
    static func header(for file: ReplayFile, size: (width: Int, height: Int)) -> JSONValue {
        var fields: [String: JSONValue] = [
            "version": .int(2), "width": .int(size.width), "height": .int(size.height),
            // Players may print the title on a terminal: no control characters in it.
            "title": .string("scaletop replay: \(file.header.presetName)"),
            "env": .object(["TERM": .string(term)]),
        ]
        // The recording's own start, not now, so the same file always gives the same cast.
        if let created = try? Date(file.header.created.verbatim, strategy: .iso8601),
            let seconds = Int(exactly: created.timeIntervalSince1970.rounded(.down))
        {
            fields["timestamp"] = .int(seconds)
        }
        return .object(fields)
    }

    /// Replays `file` from the start into a dashboard of `width` by `height`, handing
    /// `frames` the screen at each moment it may change, with its cast time.
    static func play(_ file: ReplayFile, width: Int, height: Int, into frames: inout CastFrames) {
        var replayer = Replayer(file: file)
        var pacing = CastPacing(file)
        var stageSpec = file.spec
        var state = DashboardState(
            preset: PresetInfo(name: file.header.presetName, spec: stageSpec), width: width, height: height, unicode: true)
        _ = state.reduce(.snapshotArrived(snapshot(of: replayer.run, paused: false, speed: replayer.speed)))
        frames.offer(state, at: 0)

        while !replayer.isFinished {
            let entry = file.entries[replayer.position]
            let (paused, speed) = (replayer.paused, replayer.speed)
            // Without verification a step cannot throw.
            let answer = try? replayer.step(verify: false) { run in
                _ = state.reduce(.snapshotArrived(snapshot(of: run, paused: paused, speed: speed)))
                frames.offer(state, at: pacing.castTime(at: run.now, speed: speed))
            }
            let now = snapshot(of: replayer.run, paused: replayer.paused, speed: replayer.speed)
            switch entry.record {
            case .command(_, .simulation(let command), _):
                // The snapshot first: the engine's notices up to this time came before the command.
                _ = state.reduce(.snapshotArrived(now))
                if let answer { _ = state.reduce(.commandAnswered(command, answer, at: now.time)) }
            case .command(_, .load, _):
                // The reader decoded every load's preset.
                let spec = entry.loadedSpec ?? stageSpec
                let info = PresetInfo(name: replayer.presetName, spec: spec)
                _ = state.reduce(.presetLoaded(info, changes: PresetDiff.changes(from: stageSpec, to: spec)))
                _ = state.reduce(.snapshotArrived(now))
                stageSpec = spec
            default:
                _ = state.reduce(.snapshotArrived(now))
            }
            if case .command(let microseconds, let action, let wall) = entry.record {
                let startsStage = if case .load = action { true } else { false }
                pacing.pass(
                    anchorAt: SimTime(saturatingMicroseconds: microseconds), wallMilliseconds: wall, startsStage: startsStage)
                frames.offer(state, at: pacing.now)
            } else {
                frames.offer(state, at: pacing.castTime(at: replayer.run.now, speed: replayer.speed))
            }
        }
    }

    /// The run's picture as the dashboard would have received it.
    static func snapshot(of run: SystemRun, paused: Bool, speed: Double) -> SimulationSnapshot {
        run.simulationSnapshot(paused: paused, speed: speed, historyLimit: SimulationDriver.historyLimit)
    }
}

/// Maps simulated time onto cast time by the recorded pace.
///
/// Command lines are anchors: the line's simulated time was reached `wall_ms` after
/// recording began. Between two anchors simulated time maps linearly onto the wall time
/// recorded between them (the speed in force, or slower where the dashboard fell behind);
/// two anchors at one simulated time (a pause and its resume) make a jump. After the last
/// anchor the speed in force paces the rest. Cast time never goes backwards, and stops at
/// `longest` whatever a file's wall times and speeds make of it.
struct CastPacing {
    /// The latest cast time, in seconds: `Nanos.longest`, ten years. A file can ask for any
    /// (`speed 1e-300`, `wall_ms` near Int64's limits); frames it would put later come at it.
    static let longest = Nanos.seconds(Nanos.longest)

    /// Anchors not yet passed, in file order: each command line's simulated time and wall
    /// time in seconds.
    private var upcoming: ArraySlice<(time: SimTime, wall: Double)>
    /// The last anchor passed, its simulated time in the current stage.
    private var last: (time: SimTime, wall: Double) = (0, 0)
    /// The latest cast time handed out, in seconds.
    private(set) var now = 0.0

    /// Pacing for `file`, before its first line.
    init(_ file: ReplayFile) {
        upcoming =
            file.entries.compactMap { entry in
                guard case .command(let t, _, let wall) = entry.record else { return nil }
                return (SimTime(saturatingMicroseconds: t), Double(wall) / 1000)
            }[...]
    }

    /// The cast time of simulated time `time` of the current stage, played at `speed`
    /// (simulated seconds per wall second) where no anchor lies ahead.
    mutating func castTime(at time: SimTime, speed: Double) -> Double {
        let wall: Double
        if let next = upcoming.first {
            let span = next.time - last.time
            let fraction = span > 0 ? Double(min(time, next.time) - last.time) / Double(span) : 0
            wall = last.wall + fraction * (next.wall - last.wall)
        } else {
            // `speed max` plays the rest in no time.
            wall = speed.isInfinite ? last.wall : last.wall + Double(time - last.time) / Double(Nanos.perSecond) / speed
        }
        reach(wall)
        return now
    }

    /// Passes the next anchor, the command line just applied at simulated `time` and
    /// `wallMilliseconds`; a stage load starts the simulated clock over.
    mutating func pass(anchorAt time: SimTime, wallMilliseconds: Int64, startsStage: Bool) {
        let wall = Double(wallMilliseconds) / 1000
        last = (startsStage ? 0 : time, wall)
        upcoming = upcoming.dropFirst()
        reach(wall)
    }

    /// Moves `now` on to `wall` if later, no further than `longest` (NaN, from a speed the
    /// reader should have refused, leaves it).
    private mutating func reach(_ wall: Double) {
        if wall > now { now = min(wall, Self.longest) }
    }
}

/// Frames on their way into the cast: at most `framesPerSecond` a second of cast time.
///
/// Cast time is cut into slots of 1/`framesPerSecond` s; of the states offered in one slot
/// the last is drawn, at the slot's start, so events are at least a slot apart. A state
/// whose screen matches the frame before is left out.
struct CastFrames {
    static let framesPerSecond = 30

    let renderer: ANSIRenderer
    let output: CastOutput
    /// The latest state offered and its slot, not yet drawn.
    private var pending: (slot: Int, state: DashboardState)?
    /// The screen as the last event left it.
    private var shown: ScreenBuffer?
    /// Events written.
    private(set) var count = 0
    /// Cast time of the last event, in seconds.
    private(set) var lastTime = 0.0

    init(renderer: ANSIRenderer, output: CastOutput) {
        self.renderer = renderer
        self.output = output
    }

    /// Offers the dashboard as `state` shows it at cast time `seconds` (never earlier than
    /// the time offered before).
    mutating func offer(_ state: DashboardState, at seconds: Double) {
        let slot = Self.slot(at: seconds)
        if let pending, pending.slot != slot { emit(pending.state, slot: pending.slot) }
        pending = (slot, state)
    }

    /// The slot of cast time `seconds`, taken within 0...`CastPacing.longest` (NaN as 0), so
    /// the conversion to Int cannot trap.
    static func slot(at seconds: Double) -> Int {
        let bounded = min(Double.maximum(seconds, 0), CastPacing.longest)
        return Int((bounded * Double(framesPerSecond)).rounded(.down))
    }

    /// Draws the last state offered and shows the cursor again, so a player or `cat` leaves
    /// the terminal as it found it.
    mutating func finish() {
        guard let pending else { return }
        emit(pending.state, slot: pending.slot, then: ANSIRenderer.showCursor)
        self.pending = nil
    }

    private mutating func emit(_ state: DashboardState, slot: Int, then suffix: String = "") {
        let screen = DashboardView.render(state)
        let frame = shown == nil ? ANSIRenderer.hideCursor + renderer.fullFrame(screen) : renderer.diff(from: shown, to: screen)
        let data = frame + suffix
        guard !data.isEmpty else { return }
        let time = Double(slot) / Double(Self.framesPerSecond)
        output.write("[" + String(format: "%.6f", time) + ",\"o\"," + JSONValue.string(data).encoded() + "]\n")
        shown = screen
        count += 1
        lastTime = time
    }
}

/// The cast file, created anew and written in large pieces.
///
/// A failed write is kept, later writes are dropped, and `close` reports it: the replay
/// loop calls `write` from a callback that cannot throw.
final class CastOutput {
    let path: String
    private let opened: FileDescriptorIO.Opened
    private var descriptor: Int32 { opened.descriptor }
    private var buffer: [UInt8] = []
    private var failure: String?
    private var isClosed = false
    private(set) var bytesWritten = 0
    /// Bytes gathered before one `write` call.
    static let chunk = 1 << 16

    /// Opens `path` as `FileDescriptorIO.openOutput` does; an existing regular file is an
    /// error unless `force`, so a cast never silently replaces a file.
    init(creating path: String, force: Bool, avoiding: [(FileDescriptorIO.FileIdentity, String)]) throws(CastExportError) {
        switch FileDescriptorIO.openOutput(path, existing: force ? .overwrite : .streams, avoiding: avoiding) {
        case .success(let opened): self.opened = opened
        case .failure(let failure):
            if failure.isFileExists { throw .fileExists(path: path) }
            throw .cannotWrite(path: path, reason: failure.reason)
        }
        self.path = path
    }

    deinit {
        if !isClosed { _ = FileDescriptorIO.close(descriptor) }
    }

    /// Adds `text`, writing once a chunk has gathered.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        bytesWritten += text.utf8.count
        if buffer.count >= Self.chunk { flush() }
    }

    /// Writes what is gathered, unless a write failed before.
    private func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        failure = FileDescriptorIO.writeAll(descriptor, buffer)?.reason
    }

    /// Writes the rest and closes the file; throws if any write failed.
    func close() throws(CastExportError) {
        flush()
        isClosed = true
        if let closing = FileDescriptorIO.close(descriptor), failure == nil { failure = closing.reason }
        if let failure { throw .writeFailed(path: path, reason: failure) }
    }

    /// Removes the file after a failed write, if this export created it: never a file that
    /// was there before, a device or a FIFO.
    func discard() {
        FileDescriptorIO.removeCreated(opened, at: path)
    }
}
