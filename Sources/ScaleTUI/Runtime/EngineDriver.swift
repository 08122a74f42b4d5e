import Foundation
import ScaleFiles
import ScaleSim

/// The one owner of the engine behind the dashboard, live or replayed: it takes the
/// reducer's effects as they are and answers with actions named after what happened.
///
/// The loop calls it on its own thread, the terminal's, once per tick: the effects given
/// since the last tick apply in order (at most `commandsPerTick` commands), then the
/// engine moves on by the wall time since the last tick, in slices, for at most
/// `tickBudget`. Nothing is shared with another thread, so nothing waits or locks. A replay
/// plays until the viewer takes it over; the same driver then runs its engine live.
final class EngineDriver {
    /// What runs the engine now.
    enum Mode {
        case live(SimulationDriver)
        case replay(ReplayPlayback)
    }

    /// How often the loop ticks the engine and takes a snapshot.
    static let tickInterval: Duration = .milliseconds(33)
    /// Longest wall time one tick may spend simulating, so the loop stays responsive.
    static let tickBudget: Duration = .milliseconds(50)
    /// Commands applied per tick at most: a pasted burst is applied in slices, so snapshots
    /// keep coming and `q` is never stuck behind it.
    static let commandsPerTick = 100

    private(set) var mode: Mode
    private let clock: any LoopClock
    private let catalog: PresetCatalog
    /// Where `R` starts recordings, or nil when no directory is known.
    private let recordingsDirectory: String?
    /// Where the running preset came from: saving resolves its relative trace path.
    private var source: PresetSource
    /// The running preset's name, which names saved presets and recordings.
    private var presetName: UntrustedText
    /// Effects not applied yet, oldest first.
    private var pending: [DashboardEffect] = []
    /// What happened since the last tick, oldest first.
    private var actions: [DashboardAction] = []
    private var lastTick: ContinuousClock.Instant?
    /// The last snapshot and replay progress posted: an unchanged one is not posted again.
    private var lastSnapshot: SimulationSnapshot?
    private var lastProgress: ReplayProgress?

    /// A live session over `preset`; with `recording`, recorded from its start, the
    /// screen's `terminal` size in its header; with `threads`, in partitions when it can.
    init(
        preset: LoadedPreset, seed: UInt64?, recording: ReplayWriter?, terminal: String, catalog: PresetCatalog,
        recordingsDirectory: String?, threads: Int? = nil, clock: any LoopClock
    ) {
        let engine = Engine(spec: preset.spec, seed: seed, keyTrace: preset.keyTrace)
        let live = SimulationDriver(
            engine: engine, header: ReplayHeader(spec: engine.spec, presetName: preset.name, seed: engine.seed), clock: clock,
            threads: threads)
        mode = .live(live)
        self.clock = clock
        self.catalog = catalog
        self.recordingsDirectory = recordingsDirectory
        source = preset.source
        presetName = preset.name
        if let recording { live.startRecording(into: recording, terminal: terminal, into: &actions) }
    }

    /// A replay of `file` at its recorded pace times `factor`; a file of the partitioned
    /// revision on `threads` threads (nil: one per core).
    init(
        replay file: ReplayFile, factor: Double, threads: Int? = nil, catalog: PresetCatalog, recordingsDirectory: String?,
        clock: any LoopClock
    ) {
        mode = .replay(ReplayPlayback(file: file, factor: factor, threads: threads))
        self.clock = clock
        self.catalog = catalog
        self.recordingsDirectory = recordingsDirectory
        source = PresetSource(name: file.header.presetName, path: file.path, text: file.header.preset)
        presetName = file.header.presetName
    }

    /// Takes an effect for the next tick.
    func perform(_ effect: DashboardEffect) {
        pending.append(effect)
    }

    /// Applies the effects given since the last tick, moves the engine on by the wall time
    /// since then (none at the first tick), and returns what happened, the new snapshot last.
    func tick(at now: ContinuousClock.Instant) -> [DashboardAction] {
        let wall = lastTick.map { now - $0 } ?? .zero
        lastTick = now
        applyPending()
        let deadline = clock.now + Self.tickBudget
        let overBudget = { self.clock.now > deadline }
        switch mode {
        case .live(let live):
            live.advance(by: wall, clock: clock, overBudget: overBudget, into: &actions)
            post(live.snapshot())
        case .replay(let playback):
            let behind = playback.play(for: wall, into: &actions, overBudget: overBudget)
            post(playback.snapshot(behind: behind))
            // After the snapshot it goes with, so "replay finished" has the time it finished at.
            if playback.progress != lastProgress {
                lastProgress = playback.progress
                actions.append(.replayProgressed(playback.progress))
            }
        }
        defer { actions = [] }
        return actions
    }

    /// Applies the effects given since the last tick at once, without moving the engine
    /// on, and returns what happened, a snapshot of the result last: a key's answer reaches
    /// the screen without waiting for the next tick. The commands apply at the same
    /// simulated time as at the tick (the engine moves only in ticks), so a recording is
    /// the same. A replay's effects wait for the tick, which paces its playback.
    func respond() -> [DashboardAction] {
        guard case .live(let live) = mode, !pending.isEmpty else { return [] }
        applyPending()
        post(live.snapshot())
        defer { actions = [] }
        return actions
    }

    /// Ends the session as the loop ends: commands not applied yet are dropped (they never
    /// ran, so nothing records them, and quitting never waits for a burst), the rest apply,
    /// and a recording gets its end line.
    func finish() {
        pending.removeAll { if case .send = $0 { true } else { false } }
        applyPending()
        if case .live(let live) = mode { live.stopRecording(into: &actions) }
    }

    private func post(_ snapshot: SimulationSnapshot) {
        guard snapshot != lastSnapshot else { return }
        lastSnapshot = snapshot
        actions.append(.snapshotArrived(snapshot))
    }

    /// Applies the pending effects in order, up to `commandsPerTick` commands; the rest wait
    /// for the next tick.
    private func applyPending() {
        var commands = 0
        var applied = 0
        defer { pending.removeFirst(applied) }
        for effect in pending {
            if case .send = effect {
                guard commands < Self.commandsPerTick else { break }
                commands += 1
            }
            applied += 1
            switch mode {
            case .live(let live): apply(effect, to: live)
            case .replay(let playback):
                if effect == .takeOver {
                    takeOver(playback)
                } else {
                    playback.perform(effect, into: &actions)
                }
            }
        }
    }

    /// An effect in a live session.
    private func apply(_ effect: DashboardEffect, to live: SimulationDriver) {
        switch effect {
        case .send(let command): live.apply(command, into: &actions)
        case .pause: live.setPaused(true, into: &actions)
        case .resume: live.setPaused(false, into: &actions)
        case .setSpeed(let factor): live.setSpeed(factor, into: &actions)
        case .loadPreset(let name): loadPreset(name, into: live)
        case .savePreset: save(live.spec)
        case .startRecording(let width, let height): startRecording(live, terminal: "\(width)x\(height)")
        case .stopRecording: live.stopRecording(into: &actions)
        case .seek, .takeOver, .quit:
            // Only a replay seeks or is taken over; quitting is the loop's.
            break
        }
    }

    /// Starts over from the preset `name` (a stage number, a name or a path), saying what
    /// changed from the stage before. A preset that fails to load leaves the simulation
    /// running as it was.
    private func loadPreset(_ name: String, into live: SimulationDriver) {
        let preset: LoadedPreset
        do throws(PresetError) {
            preset = try catalog.load(name)
        } catch {
            actions.append(.presetFailed("cannot load \(name): \(error.description)"))
            return
        }
        // What a stage adds to the one before (a variant, to the one before its number):
        // the step it teaches.
        let number = preset.source.isShipped ? preset.name.prefix(2) : ""
        let previous = Int(number).flatMap { $0 > 0 ? try? catalog.load(String(format: "%02d", $0 - 1)) : nil }
        let changes = previous.map { PresetDiff.changes(from: $0.spec, to: preset.spec) } ?? []
        live.load(preset.spec, keyTrace: preset.keyTrace, name: preset.name, into: &actions)
        source = preset.source
        presetName = preset.name
        actions.append(.presetLoaded(PresetInfo(preset), changes: changes))
    }

    /// Saves the live topology as a user preset named after the current one and the time.
    private func save(_ spec: SystemSpec) {
        do throws(PresetError) {
            // The live topology already holds what the timeline did: saving the timeline
            // too would run its commands twice.
            var live = spec
            live.script = []
            let path = try catalog.save(
                live, stem: PresetCatalog.fileStem(for: presetName.verbatim + "-live"), loadedFrom: source)
            actions.append(.presetSaved(path: path))
        } catch {
            actions.append(.saveFailed(error.description))
        }
    }

    /// Starts a recording in a new file named after the preset and the time.
    private func startRecording(_ live: SimulationDriver, terminal: String) {
        guard let directory = recordingsDirectory else {
            actions.append(.recording(.refused("no place for recordings: set XDG_STATE_HOME or HOME")))
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let stamp = Date().ISO8601Format(
                .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.omitted)
            )
            let writer = try ReplayWriter(
                creating: "\(directory)/\(PresetCatalog.fileStem(for: presetName.verbatim))-\(stamp).jsonl", force: false)
            live.startRecording(into: writer, terminal: terminal, into: &actions)
        } catch {
            actions.append(.recording(.failed("\(error)")))
        }
    }

    /// The viewer takes the replay over: its engine goes on live from here, with the
    /// replay's history, so a recording of what follows replays from the start.
    private func takeOver(_ playback: ReplayPlayback) {
        let header = playback.file.header
        let replayer = playback.replayer
        mode = .live(
            SimulationDriver(
                run: replayer.run, header: header, history: playback.history, clock: clock, threads: replayer.threads))
        actions.append(.tookOver)
    }
}
