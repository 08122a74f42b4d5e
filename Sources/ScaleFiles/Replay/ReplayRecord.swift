import Foundation
import ScaleSim

/// The first line of a replay file: what was run, from which preset and seed.
public struct ReplayHeader: Sendable, Equatable {
    /// The `format` every replay file names.
    public static let format = "scaletop-replay"
    /// The version of the format this scaletop writes and reads.
    public static let version = 1

    /// The scaletop that recorded the file.
    public var scaletopVersion: UntrustedText
    /// The `Engine.revision` that recorded the file; 1 for a file from before headers gave
    /// it. Only a file of this build's revision can be verified.
    public var engineRevision: Int
    public var seed: UInt64
    /// When recording began, ISO 8601.
    public var created: UntrustedText
    /// The preset as PresetEncoder writes it: the system as run, overrides applied.
    public var preset: String
    /// The preset's name for reports, such as `03-load-balancer`; from the file, so untrusted.
    public var presetName: UntrustedText
    /// The dashboard's size, `WxH`, when it was recorded there.
    public var terminal: UntrustedText?
    /// Statistics left out at the start (`run --warmup`), in whole microseconds.
    public var warmupMicroseconds: Int64

    public init(
        seed: UInt64, preset: String, presetName: UntrustedText, terminal: UntrustedText? = nil, warmupMicroseconds: Int64 = 0,
        created: UntrustedText = UntrustedText(Date().ISO8601Format()),
        scaletopVersion: UntrustedText = UntrustedText(ScaleFiles.scaletopVersion),
        engineRevision: Int = Engine.revision
    ) {
        self.scaletopVersion = scaletopVersion
        self.engineRevision = engineRevision
        self.seed = seed
        self.created = created
        self.preset = preset
        self.presetName = presetName
        self.terminal = terminal
        self.warmupMicroseconds = warmupMicroseconds
    }

    /// The header for running `spec` with `seed`, in the engine of `engineRevision`: its
    /// preset written inline.
    public init(
        spec: SystemSpec, presetName: UntrustedText, seed: UInt64, warmup: SimTime = 0, terminal: UntrustedText? = nil,
        engineRevision: Int = Engine.revision
    ) {
        self.init(
            seed: seed, preset: PresetEncoder.yaml(spec), presetName: presetName, terminal: terminal,
            warmupMicroseconds: warmup / Nanos.perMicrosecond, engineRevision: engineRevision)
    }
}

/// What a `command` line of a replay file does.
public enum ReplayAction: Sendable, Equatable {
    /// A change to the simulation, applied after every event up to its time.
    case simulation(SimCommand)
    /// `load NAME`: a stage load; the engine starts over at time zero from `preset` (preset
    /// YAML), with `seed`, or the preset's own seed when nil.
    case load(name: UntrustedText, preset: String, seed: UInt64?)
    /// `pause`, `resume` and `speed X` (X a factor or `max`): pacing for playback only; they
    /// never change the simulation.
    case pause
    case resume
    case speed(Double)

    /// The text of the line's `command` field.
    public var text: String {
        switch self {
        case .simulation(let command): CommandGrammar.encode(command)
        case .load(let name, _, _): "load " + name.verbatim
        case .pause: "pause"
        case .resume: "resume"
        case .speed(let factor): "speed " + (factor.isInfinite ? "max" : JSONValue.format(factor))
        }
    }

    /// The action `text` spells; `preset` and `seed` are the line's fields of the same names.
    static func parse(_ text: String, preset: String?, seed: UInt64?) throws(ReplayLineProblem) -> ReplayAction {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        switch (words.first, words.count) {
        case ("pause", 1): return .pause
        case ("resume", 1): return .resume
        case ("speed", 2):
            if words[1] == "max" { return .speed(.infinity) }
            guard let factor = Double(words[1]), ReplayReader.speedRange.contains(factor) else {
                let range = ReplayReader.speedRange
                throw ReplayLineProblem(
                    "speed X: expected a factor from \(JSONValue.format(range.lowerBound)) to \(JSONValue.format(range.upperBound)) or max, got \(TerminalSafe.quoted(String(words[1])))"
                )
            }
            return .speed(factor)
        case ("load", 2):
            guard let preset else { throw ReplayLineProblem("load NAME: the line has no preset (the stage's preset YAML)") }
            return .load(name: UntrustedText(String(words[1])), preset: preset, seed: seed)
        case ("load", _):
            throw ReplayLineProblem("load NAME: expected one preset name, got \(TerminalSafe.quoted(text))")
        default:
            do throws(CommandSyntaxError) {
                return .simulation(try CommandGrammar.parse(text))
            } catch {
                throw ReplayLineProblem("command (column \(error.column)): \(error.message)")
            }
        }
    }
}

/// One line of a replay file.
///
/// Times are whole microseconds of simulated time (`t_us`) since the start of the current
/// stage: a `load` starts the clock over.
public enum ReplayRecord: Sendable, Equatable {
    case header(ReplayHeader)
    /// An action applied at `microseconds`; `wallMilliseconds` since recording began paces
    /// playback.
    case command(microseconds: Int64, action: ReplayAction, wallMilliseconds: Int64)
    /// The engine's `digest()` at a whole simulated second.
    case checkpoint(microseconds: Int64, digest: UInt64)
    /// The last line: when recording stopped and the final digest.
    case end(microseconds: Int64, digest: UInt64)

    /// A checkpoint of `engine` now (a whole microsecond).
    public static func checkpoint(of engine: Engine) -> ReplayRecord {
        .checkpoint(microseconds: engine.now / Nanos.perMicrosecond, digest: engine.digest())
    }

    /// The end line for `engine` now (a whole microsecond).
    public static func end(of engine: Engine) -> ReplayRecord {
        .end(microseconds: engine.now / Nanos.perMicrosecond, digest: engine.digest())
    }

    /// A checkpoint of `run` now (a whole microsecond).
    public static func checkpoint(of run: SystemRun) -> ReplayRecord {
        .checkpoint(microseconds: run.now / Nanos.perMicrosecond, digest: run.digest())
    }

    /// The end line for `run` now (a whole microsecond).
    public static func end(of run: SystemRun) -> ReplayRecord {
        .end(microseconds: run.now / Nanos.perMicrosecond, digest: run.digest())
    }

    /// The line's simulated time in nanoseconds; nil for the header.
    public var time: SimTime? {
        switch self {
        case .header: nil
        case .command(let t, _, _), .checkpoint(let t, _), .end(let t, _): t * Nanos.perMicrosecond
        }
    }

    /// The line as compact JSON with sorted keys, without its newline.
    public var jsonLine: String {
        var fields: [String: JSONValue]
        switch self {
        case .header(let h):
            fields = [
                "type": .string("header"), "format": .string(ReplayHeader.format), "version": .int(ReplayHeader.version),
                "scaletop_version": .string(h.scaletopVersion.verbatim), "engine_revision": .int(h.engineRevision),
                "seed": .unsigned(h.seed), "created": .string(h.created.verbatim),
                "preset": .string(h.preset), "preset_name": .string(h.presetName.verbatim),
                "warmup_us": .int(Int(h.warmupMicroseconds)),
            ]
            if let terminal = h.terminal { fields["terminal"] = .string(terminal.verbatim) }
        case .command(let t, let action, let wall):
            fields = [
                "type": .string("command"), "t_us": .int(Int(t)), "command": .string(action.text), "wall_ms": .int(Int(wall)),
            ]
            if case .load(_, let preset, let seed) = action {
                fields["preset"] = .string(preset)
                if let seed { fields["seed"] = .unsigned(seed) }
            }
        case .checkpoint(let t, let digest):
            fields = ["type": .string("checkpoint"), "t_us": .int(Int(t)), "digest": .string(Self.hex(digest))]
        case .end(let t, let digest):
            fields = ["type": .string("end"), "t_us": .int(Int(t)), "digest": .string(Self.hex(digest))]
        }
        return JSONValue.object(fields).encoded()
    }

    /// A digest as 16 lowercase hex digits: JSON numbers lose precision beyond 2^53 in many
    /// readers.
    public static func hex(_ digest: UInt64) -> String {
        let digits = String(digest, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What is wrong with one line, before the reader adds the file and line number.
struct ReplayLineProblem: Error {
    let message: String
    /// The line is not JSON at all, as a write cut short leaves it.
    let notJSON: Bool

    init(_ message: String) {
        self.message = message
        notJSON = false
    }

    init(notJSON message: String) {
        self.message = message
        notJSON = true
    }
}
