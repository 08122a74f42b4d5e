import Foundation
import ScaleSim

/// A replay file read whole: its header, its lines in order, and what was skipped.
public struct ReplayFile: Sendable {
    /// One line after the header, with its line number (from 1).
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var record: ReplayRecord
        /// For a `load` line, its preset decoded.
        public var loadedSpec: SystemSpec? { loadedSpecBox?.spec }
        /// Boxed: a spec is large and only `load` lines have one, so that the entry of every
        /// other line stays small (a file may have `ReplayReader.maxLines` of them).
        private let loadedSpecBox: SpecBox?

        /// An entry as the reader makes it; tests build crafted files with it.
        public init(line: Int, record: ReplayRecord, loadedSpec: SystemSpec?) {
            self.line = line
            self.record = record
            loadedSpecBox = loadedSpec.map(SpecBox.init)
        }

        public static func == (a: Entry, b: Entry) -> Bool {
            a.line == b.line && a.record == b.record && a.loadedSpec == b.loadedSpec
        }
    }

    /// A spec behind a reference.
    private final class SpecBox: Sendable {
        let spec: SystemSpec

        init(_ spec: SystemSpec) { self.spec = spec }
    }

    /// The path (or name) the file was read from, for messages.
    public var path: String
    public var header: ReplayHeader
    /// The header's preset, decoded.
    public var spec: SystemSpec
    /// Every line after the header, in file order.
    public var entries: [Entry]
    /// Warnings for the caller to print, such as a last line cut short.
    public var warnings: [String]

    /// True when this build computes the revision that recorded the file (one engine or
    /// partitioned): only then do its digests mean anything to verify.
    public var isVerifiable: Bool { Engine.verifiableRevisions.contains(header.engineRevision) }

    /// What to tell the user about a file of another engine revision; nil for one of these.
    public var revisionNote: String? {
        isVerifiable
            ? nil
            : "recorded with engine revision \(header.engineRevision); this build simulates revisions "
                + "\(Self.listed(Engine.verifiableRevisions.sorted())): it plays, but cannot verify"
    }

    /// `[3, 4, 5, 6]` as `3, 4, 5 and 6`.
    static func listed(_ revisions: [Int]) -> String {
        let words = revisions.map(String.init)
        return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
    }

    /// True when the file ends with its `end` line, as a finished recording does.
    public var isComplete: Bool {
        if case .end = entries.last?.record { return true }
        return false
    }
}

/// Reads replay files (JSON Lines, see docs/replay.md), checking every line.
///
/// Errors name the file and line: a first line that is no scaletop replay header, an
/// unknown format version, a header without its preset, a line that is not JSON or not a
/// record, a number out of its range, a command that does not parse, time running
/// backwards, anything after the end line. A last line cut short (no newline at its end,
/// or not JSON), as a crash leaves it, is skipped with a warning instead, so the replay
/// runs up to the cut.
///
/// The file is streamed line by line from its descriptor: reading takes one line's memory
/// (at most `maxLineLength`) besides the records kept, at most `maxLines` of them, and a
/// file larger than `maxBytes`, or that grows past it while read, is refused.
public enum ReplayReader {
    /// The largest replay file accepted, in bytes (an hour of a recording takes well under 5 MiB).
    public static let maxBytes = 1 << 30
    /// The longest line accepted, in bytes, its newline left out: room for a header or a
    /// `load` line carrying the largest preset (`PresetDecoder.maxTextBytes`) escaped as JSON.
    public static let maxLineLength = 8 << 20
    /// The most lines a file may have: an hour of recording takes a few thousand (one
    /// checkpoint per simulated second, plus the commands), so this is years of them.
    public static let maxLines = 10_000_000
    /// The largest `wall_ms`: ten years, in milliseconds.
    public static let maxWallMilliseconds: Int64 = 10 * 365 * 86_400_000
    /// The slowest and fastest `speed X` besides `max`: the dashboard's fastest (1024), and
    /// a millionth, slower than any it offers, far from where a pace would overflow.
    public static let speedRange = 0.000_001...1024.0

    /// The replay file at `path`, which must be a regular file (a FIFO, device, socket or
    /// directory is refused without being opened for reading).
    public static func read(file path: String) throws(ReplayError) -> ReplayFile {
        let opened: (descriptor: Int32, size: Int)
        do {
            opened = try InputFile.openRegular(path, kind: "replay file")
        } catch {
            throw ReplayError(file: path, message: error.message)
        }
        defer { close(opened.descriptor) }
        guard opened.size <= maxBytes else {
            throw ReplayError(
                file: path, message: "the file is \(opened.size) bytes, more than the limit of \(maxBytes >> 20) MiB")
        }
        var lines = LineStream(file: path)
        let chunkSize = 1 << 20
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let got = InputFile.readSome(opened.descriptor, into: chunk.baseAddress!, count: chunkSize)
            if got < 0 { throw ReplayError(file: path, message: "cannot read the file: \(InputFile.systemError())") }
            if got == 0 { break }
            total += got
            guard total <= maxBytes else {
                throw ReplayError(file: path, message: "the file grew past the limit of \(maxBytes >> 20) MiB while it was read")
            }
            try lines.feed(UnsafeRawBufferPointer(rebasing: chunk[..<got]))
        }
        return try lines.finish()
    }

    /// The largest `engine_revision` accepted: far beyond any revision, so a garbled value
    /// is an error rather than a file from the future.
    static let maxEngineRevision = 1_000_000

    /// The largest time in a file, in microseconds: `Nanos.longest`, the longest duration
    /// anything may give (beyond `SimTime.max` the time in nanoseconds would overflow).
    static let maxMicroseconds = Nanos.longest / Nanos.perMicrosecond

    /// The replay file whose bytes are `data`, read from `file` (used only in messages).
    public static func parse(_ data: Data, file: String) throws(ReplayError) -> ReplayFile {
        var lines = LineStream(file: file)
        let fed: Result<Void, ReplayError> = data.withUnsafeBytes { bytes in
            do throws(ReplayError) {
                return .success(try lines.feed(bytes))
            } catch {
                return .failure(error)
            }
        }
        try fed.get()
        return try lines.finish()
    }

    /// Cuts bytes into lines as they come and reads each in turn, holding one line at most.
    private struct LineStream {
        let file: String
        /// The bytes of the line being read, without its newline.
        private var pending: [UInt8] = []
        private var lineNumber = 0
        private var header: ReplayHeader?
        private var spec: SystemSpec?
        private var reader: Reader
        /// A line that is not JSON: an error unless it turns out to be the last one.
        private var brokenLine: (line: Int, message: String)?

        init(file: String) {
            self.file = file
            reader = Reader(file: file)
        }

        mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(ReplayError) {
            var start = 0
            while start < bytes.count {
                guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                    try hold(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                    return
                }
                try hold(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
                try accept(Data(pending))
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 16)
                start = newline + 1
            }
        }

        /// Adds `bytes` to the line being read, refusing a line past `maxLineLength`.
        private mutating func hold(_ bytes: UnsafeRawBufferPointer) throws(ReplayError) {
            guard pending.count + bytes.count <= maxLineLength else {
                throw ReplayError(
                    file: file, line: lineNumber + 1,
                    message: "line longer than \(maxLineLength >> 20) MiB, the longest a replay file may have")
            }
            pending.append(contentsOf: bytes)
        }

        private mutating func accept(_ line: Data) throws(ReplayError) {
            lineNumber += 1
            guard lineNumber <= maxLines else {
                throw ReplayError(
                    file: file, line: lineNumber, message: "more than \(maxLines) lines, the most a replay file may have")
            }
            if let brokenLine { throw ReplayError(file: file, line: brokenLine.line, message: brokenLine.message) }
            guard lineNumber > 1 else {
                let header = try readHeader(line, file: file)
                spec = try decodePreset(header.preset, file: file, line: 1, what: "the header's preset")
                self.header = header
                return
            }
            do throws(ReplayLineProblem) {
                let fields = try Fields.decode(line)
                try reader.accept(fields, line: lineNumber)
            } catch let problem {
                guard problem.notJSON else { throw ReplayError(file: file, line: lineNumber, message: problem.message) }
                brokenLine = (lineNumber, problem.message)
            }
        }

        /// The file, once every byte is fed: what is left without a newline is a cut line.
        mutating func finish() throws(ReplayError) -> ReplayFile {
            let cut = !pending.isEmpty
            if cut, let brokenLine { throw ReplayError(file: file, line: brokenLine.line, message: brokenLine.message) }
            guard let header, let spec else {
                throw ReplayError(
                    file: file, line: 1,
                    message: cut
                        ? "the header line is cut short; nothing to replay"
                        : "the file is empty, not a scaletop replay file")
            }
            if cut {
                reader.warnings.append(
                    "\(TerminalSafe.text(file)):\(lineNumber + 1): the last line is cut short (no newline at its end); skipped, the replay stops before it"
                )
            } else if let brokenLine {
                reader.warnings.append(
                    "\(TerminalSafe.text(file)):\(brokenLine.line): the last line is not JSON (cut short?); skipped, the replay stops before it"
                )
            }
            return ReplayFile(path: file, header: header, spec: spec, entries: reader.entries, warnings: reader.warnings)
        }
    }

    /// Reads the first line, which must be a version 1 scaletop replay header with a preset.
    private static func readHeader(_ line: Data, file: String) throws(ReplayError) -> ReplayHeader {
        let notReplay = "not a scaletop replay file: the first line is no \"\(ReplayHeader.format)\" header"
        let fields: Fields
        do throws(ReplayLineProblem) {
            fields = try Fields.decode(line)
        } catch {
            throw ReplayError(file: file, line: 1, message: error.notJSON ? notReplay : "the header's " + error.message)
        }
        guard fields.type == "header", fields.format == ReplayHeader.format else {
            throw ReplayError(file: file, line: 1, message: notReplay)
        }
        guard let version = fields.version else { throw ReplayError(file: file, line: 1, message: "the header has no version") }
        guard version == ReplayHeader.version else {
            throw ReplayError(
                file: file, line: 1,
                message: "unknown replay format version \(version); this scaletop reads version \(ReplayHeader.version)")
        }
        guard let preset = fields.preset, !preset.isEmpty else {
            throw ReplayError(file: file, line: 1, message: "the header has no preset (the preset YAML inline)")
        }
        guard let seed = fields.seed else { throw ReplayError(file: file, line: 1, message: "the header has no seed") }
        let warmup = fields.warmupMicroseconds ?? 0
        guard warmup >= 0 else {
            throw ReplayError(file: file, line: 1, message: "warmup_us must not be negative, got \(warmup)")
        }
        guard warmup <= maxMicroseconds else {
            throw ReplayError(file: file, line: 1, message: "warmup_us must be at most \(maxMicroseconds), got \(warmup)")
        }
        return ReplayHeader(
            seed: seed, preset: preset, presetName: UntrustedText(fields.presetName ?? "replay"),
            terminal: fields.terminal.map { UntrustedText($0) },
            warmupMicroseconds: warmup, created: UntrustedText(fields.created ?? ""),
            scaletopVersion: UntrustedText(fields.scaletopVersion ?? ""),
            engineRevision: try engineRevision(line, file: file))
    }

    /// The `engine_revision` of header `line`: 1 when absent, as in files from before the field.
    private static func engineRevision(_ line: Data, file: String) throws(ReplayError) -> Int {
        // The line decoded as JSON already, with every other field.
        guard let value = (try? JSONDecoder().decode(RevisionField.self, from: line))?.value else { return 1 }
        guard case .integer(let revision) = value, (1...maxEngineRevision).contains(revision) else {
            throw ReplayError(
                file: file, line: 1,
                message: "engine_revision: expected a whole number from 1 to \(maxEngineRevision), got \(value)")
        }
        return revision
    }

    /// Decodes an inline preset; a key trace is refused, since the file does not carry it.
    static func decodePreset(_ text: String, file: String, line: Int, what: String) throws(ReplayError) -> SystemSpec {
        let spec: SystemSpec
        do {
            spec = try PresetDecoder.decode(text, file: "preset")
        } catch {
            throw ReplayError(file: file, line: line, message: "\(what) does not decode: \(error.description)")
        }
        guard spec.workload.keys.trace == nil else {
            throw ReplayError(file: file, line: line, message: "\(what) names a key trace, which replay files do not carry")
        }
        return spec
    }

    /// The checks that span lines: time order within a stage, nothing after the end.
    private struct Reader {
        let file: String
        var entries: [ReplayFile.Entry] = []
        var warnings: [String] = []
        /// Simulated time of the last line, in microseconds since the stage began.
        var clock: Int64 = 0
        var ended = false

        init(file: String) { self.file = file }

        mutating func accept(_ fields: Fields, line: Int) throws(ReplayLineProblem) {
            guard !ended else { throw ReplayLineProblem("a line after the end line") }
            let record = try fields.record()
            // `record()` never gives a header, so every record here has a time.
            let t = (record.time ?? 0) / Nanos.perMicrosecond
            guard t >= clock else {
                throw ReplayLineProblem("t_us \(t) is earlier than the line before (\(clock)); simulated time only moves forward")
            }
            clock = t
            var loadedSpec: SystemSpec?
            switch record {
            case .command(_, .load(_, let preset, _), _):
                do {
                    loadedSpec = try decodePreset(preset, file: file, line: line, what: "the loaded preset")
                } catch {
                    throw ReplayLineProblem(error.message)
                }
                // A stage load starts the clock over.
                clock = 0
            case .end: ended = true
            default: break
            }
            entries.append(ReplayFile.Entry(line: line, record: record, loadedSpec: loadedSpec))
        }
    }

    /// Every field any line may have; which are required depends on `type`. Unknown fields
    /// are ignored, so later versions can add some.
    private struct Fields: Decodable {
        var type: String?
        var format: String?
        private var versionNumber: Whole<Int>?
        var scaletopVersion: String?
        private var seedNumber: Whole<UInt64>?
        var created: String?
        var preset: String?
        var presetName: String?
        var terminal: String?
        private var warmupNumber: Whole<Int64>?
        private var timeNumber: Whole<Int64>?
        var command: String?
        private var wallNumber: Whole<Int64>?
        var digest: String?

        enum CodingKeys: String, CodingKey {
            case type, format, created, preset, terminal, command, digest
            case scaletopVersion = "scaletop_version"
            case presetName = "preset_name"
            case versionNumber = "version"
            case seedNumber = "seed"
            case warmupNumber = "warmup_us"
            case timeNumber = "t_us"
            case wallNumber = "wall_ms"
        }

        var version: Int? { versionNumber?.value }
        var seed: UInt64? { seedNumber?.value }
        var warmupMicroseconds: Int64? { warmupNumber?.value }
        var microseconds: Int64? { timeNumber?.value }
        var wallMilliseconds: Int64? { wallNumber?.value }

        /// Refuses an integer field whose number is no whole number of its type, naming it.
        func checkWholeNumbers() throws(ReplayLineProblem) {
            let fields: [(String, String?)] = [
                ("version", versionNumber?.problem), ("seed", seedNumber?.problem), ("warmup_us", warmupNumber?.problem),
                ("t_us", timeNumber?.problem), ("wall_ms", wallNumber?.problem),
            ]
            for (name, problem) in fields {
                if let problem {
                    throw ReplayLineProblem("field \(name): \(Self.expected[name] ?? "expected a whole number"), got \(problem)")
                }
            }
        }

        static func decode(_ line: Data) throws(ReplayLineProblem) -> Fields {
            do {
                let fields = try JSONDecoder().decode(Fields.self, from: line)
                try fields.checkWholeNumbers()
                return fields
            } catch let problem as ReplayLineProblem {
                throw problem
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                throw ReplayLineProblem(
                    "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type of value")
            } catch {
                throw ReplayLineProblem(notJSON: "not a JSON object (a broken line)")
            }
        }

        /// What each integer field holds, for a number that does not fit it.
        static let expected = [
            "version": "expected a whole number (\(ReplayHeader.version))",
            "seed": "expected a whole number from 0 to \(UInt64.max)",
            "warmup_us": "expected a whole number from 0 to \(maxMicroseconds)",
            "t_us": "expected a whole number from 0 to \(maxMicroseconds)",
            "wall_ms": "expected a whole number from 0 to \(maxWallMilliseconds)",
        ]

        func record() throws(ReplayLineProblem) -> ReplayRecord {
            guard let type else { throw ReplayLineProblem("the line has no type") }
            switch type {
            case "command":
                let t = try time()
                guard let command else { throw ReplayLineProblem("a command line without its command") }
                let wall = wallMilliseconds ?? 0
                guard (0...maxWallMilliseconds).contains(wall) else {
                    throw ReplayLineProblem("wall_ms must be from 0 to \(maxWallMilliseconds) (ten years), got \(wall)")
                }
                let action = try ReplayAction.parse(command, preset: preset, seed: seed)
                return .command(microseconds: t, action: action, wallMilliseconds: wall)
            case "checkpoint": return .checkpoint(microseconds: try time(), digest: try hexDigest())
            case "end": return .end(microseconds: try time(), digest: try hexDigest())
            case "header": throw ReplayLineProblem("a second header; a replay file has one, on its first line")
            default:
                throw ReplayLineProblem("unknown line type \(TerminalSafe.quoted(type)); expected command, checkpoint or end")
            }
        }

        func time() throws(ReplayLineProblem) -> Int64 {
            guard let microseconds else { throw ReplayLineProblem("a \(type ?? "") line without t_us") }
            guard microseconds >= 0 else { throw ReplayLineProblem("t_us must not be negative, got \(microseconds)") }
            guard microseconds <= maxMicroseconds else {
                throw ReplayLineProblem("t_us must be at most \(maxMicroseconds), got \(microseconds)")
            }
            return microseconds
        }

        func hexDigest() throws(ReplayLineProblem) -> UInt64 {
            guard let digest else { throw ReplayLineProblem("a \(type ?? "") line without its digest") }
            guard digest.count == 16, let value = UInt64(digest, radix: 16) else {
                throw ReplayLineProblem("digest: expected 16 hex digits, got \(TerminalSafe.quoted(digest))")
            }
            return value
        }
    }
}

/// An integer field read without failing the line when its number does not fit: the
/// value, or how the JSON value looks for the message that refuses it.
private struct Whole<Value: FixedWidthInteger & Decodable & Sendable>: Decodable {
    var value: Value?
    /// What the value is instead of a whole number of `Value`; nil when it is one.
    var problem: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Value.self) {
            self.value = value
        } else if let number = try? container.decode(Double.self) {
            problem = JSONValue.format(number)
        } else if let text = try? container.decode(String.self) {
            problem = TerminalSafe.quoted(text)
        } else if let flag = try? container.decode(Bool.self) {
            problem = String(flag)
        } else {
            // JSON numbers beyond a double's range (1e309) decode as nothing at all.
            problem = "a number beyond any double, or no number"
        }
    }
}

/// A header's `engine_revision` as it stands: nil when absent, any other value (null
/// among them) for `ReplayReader` to check.
private struct RevisionField: Decodable {
    var value: LooseJSONValue?

    enum CodingKeys: String, CodingKey {
        case value = "engine_revision"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.value) else { return }
        value = try container.decodeNil(forKey: .value) ? .other("null") : container.decode(LooseJSONValue.self, forKey: .value)
    }
}

/// Any JSON value, read without failing on its type, so a field of the wrong kind gets a
/// message that shows its value.
enum LooseJSONValue: Decodable, CustomStringConvertible {
    case integer(Int)
    /// Anything else, as the message shows it: a number too large or with a fraction, a
    /// quoted string, true or false, or what kind of value it is (an object, an array, a
    /// number beyond a double's range).
    case other(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .other(JSONValue.format(number))
        } else if let text = try? container.decode(String.self) {
            self = .other(TerminalSafe.quoted(text))
        } else if let flag = try? container.decode(Bool.self) {
            self = .other(String(flag))
        } else if (try? decoder.unkeyedContainer()) != nil {
            self = .other("an array")
        } else if (try? decoder.container(keyedBy: AnyKey.self)) != nil {
            self = .other("an object")
        } else {
            self = .other("a number beyond any revision")
        }
    }

    var description: String {
        switch self {
        case .integer(let integer): String(integer)
        case .other(let text): text
        }
    }

    /// Any key, to tell an object from a number.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
