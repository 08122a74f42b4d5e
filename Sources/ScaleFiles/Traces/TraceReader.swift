import Foundation
import ScaleSim

/// A key trace: one request per line, as `TraceReader` reads it.
public struct KeyTrace: Sendable, Equatable {
    /// Each request's key as an id: keys are numbered 0, 1, 2, ... in order of first appearance.
    public var keys: [UInt32]
    /// Each request's time, from a CSV `time` column; `nil` when the trace has none.
    public var times: [SimTime]?
    /// Whether each request is a write, from a CSV `op` column; `nil` when the trace has none.
    public var writes: [Bool]?
    /// How many different keys: the ids are `0..<distinctKeys`.
    public var distinctKeys: Int

    public init(keys: [UInt32], times: [SimTime]? = nil, writes: [Bool]? = nil, distinctKeys: Int) {
        self.keys = keys
        self.times = times
        self.writes = writes
        self.distinctKeys = distinctKeys
    }
}

/// The most a key trace may hold, so that an endless or hostile stream (`/dev/urandom`,
/// `/dev/zero`, `yes`) ends with an error naming its line, in bounded memory and time.
/// docs/presets.md (`keys.trace`) and docs/reports.md (`scaletop cache`) give them.
public struct TraceLimits: Sendable, Equatable {
    /// The longest line, in bytes.
    public var maxLineLength: Int
    /// The most distinct keys.
    public var maxDistinctKeys: Int
    /// The most bytes the distinct keys take together (each is kept once).
    public var maxKeyBytes: Int
    /// The most requests (non-blank lines, CSV rows).
    public var maxRequests: Int

    public init(maxLineLength: Int, maxDistinctKeys: Int, maxKeyBytes: Int, maxRequests: Int) {
        self.maxLineLength = maxLineLength
        self.maxDistinctKeys = maxDistinctKeys
        self.maxKeyBytes = maxKeyBytes
        self.maxRequests = maxRequests
    }

    /// `scaletop cache`, which streams the trace and keeps only its distinct keys: about
    /// 2 GiB at most for them (table, ends and bytes), and a billion requests (minutes of
    /// reading). docs/reports.md gives these.
    public static let cache = TraceLimits(
        maxLineLength: TraceReader.maxLineLength, maxDistinctKeys: 1 << 25, maxKeyBytes: 1 << 29, maxRequests: 1 << 30)
    /// A preset's `keys.trace`, which the engine keeps whole: 4 bytes per request, 256 MiB
    /// at most.
    public static let preset = TraceLimits(
        maxLineLength: TraceReader.maxLineLength, maxDistinctKeys: 1 << 25, maxKeyBytes: 1 << 29, maxRequests: 1 << 26)
}

/// Reads key traces for `scaletop cache` (docs/reports.md, "`scaletop cache`").
///
/// - A trace is CSV when its first line holds a comma and a field named `key` (in any
///   case); then `time` (seconds, a decimal such as `12.5`) and `op` (`read` or `get`,
///   `write` or `set`) columns are optional and other columns are ignored. Every row has as
///   many fields as the header. A field may be quoted (`"a,b"`, with `""` for a quote) but
///   cannot span lines.
/// - Otherwise every line is one key, a line reading `key` included.
/// - Keys are byte strings, compared exactly once the spaces and tabs around them are
///   removed. Blank lines are skipped, line ends may be LF or CRLF, and a UTF-8 byte order
///   mark is ignored.
/// - Times must not go backwards (a cache's TTL needs them in order); they are kept to the
///   nearest nanosecond.
/// - A trace past its `TraceLimits` is an error naming the line that went past.
///
/// The file is streamed in 1 MiB chunks and no `String` is made per line: ten million
/// requests cost their ids (4 bytes each, 13 with times and ops) and the distinct keys.
public enum TraceReader {
    /// The longest line accepted, in bytes.
    public static let maxLineLength = 1 << 20

    /// Reads the trace at `path`, which must be a regular file (a preset's `keys.trace`):
    /// a FIFO, device, socket or directory is refused without being opened for reading.
    /// Errors name the file and, for bad content, the line.
    public static func read(path: String, limits: TraceLimits = .preset) throws(PresetError) -> KeyTrace {
        let descriptor = try InputFile.openRegular(path, kind: "key trace").descriptor
        let stream = TraceStream(descriptor: descriptor, file: path, limits: limits, batchSize: .max)
        return try stream.next() ?? KeyTrace(keys: [], distinctKeys: 0)
    }

    /// Parses a trace held in memory; `file` names it in errors.
    public static func parse(_ text: String, file: String, limits: TraceLimits = .preset) throws(PresetError) -> KeyTrace {
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        defer { bytes.deallocate() }
        _ = bytes.initialize(from: text.utf8)
        var parser = TraceParser(file: file, limits: limits)
        let consumed = try parser.consumeLines(bytes)
        if consumed < bytes.count { try parser.consume(line: UnsafeMutableBufferPointer(rebasing: bytes[consumed...])) }
        return parser.batch()
    }
}

/// A key trace read as a stream, batch by batch, so that only its distinct keys and one
/// batch of requests are ever held: a regular file, a FIFO or pipe (`<(zcat trace.gz)`,
/// `/dev/stdin`) or a character device alike. Key ids run on across batches.
public final class TraceStream {
    /// What the trace may hold.
    public let limits: TraceLimits
    /// True once the end of the input is read: the last batch is out, or is the one just given.
    public private(set) var isFinished = false

    private let descriptor: Int32
    private let file: String
    private let batchSize: Int
    private var parser: TraceParser
    /// Room for a whole chunk after the longest partial line carried over.
    private let buffer: UnsafeMutablePointer<UInt8>
    private let bufferSize: Int
    private var filled = 0

    /// Opens the trace at `path` as a stream; batches hold about `batchSize` requests
    /// (whole chunks of the file, so a few more). A FIFO waits for its writer, as `cat` does.
    ///
    /// The default, 2^24 requests (208 MiB at most, with times and ops), reads most traces
    /// in one batch, so that `scaletop cache` knows their key space before it makes the
    /// cache and can give it the fast dense index, as when traces were read whole.
    public convenience init(path: String, limits: TraceLimits = .cache, batchSize: Int = 1 << 24) throws(PresetError) {
        let descriptor = try InputFile.openStream(path, kind: "key trace")
        self.init(descriptor: descriptor, file: path, limits: limits, batchSize: batchSize)
    }

    /// Takes `descriptor` over: it is closed with the stream.
    init(descriptor: Int32, file: String, limits: TraceLimits, batchSize: Int) {
        self.descriptor = descriptor
        self.file = file
        self.limits = limits
        self.batchSize = batchSize
        parser = TraceParser(file: file, limits: limits)
        bufferSize = 2 * limits.maxLineLength
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bufferSize)
    }

    deinit {
        buffer.deallocate()
        close(descriptor)
    }

    /// The next batch of requests: at least one batch, empty for an empty trace, then nil
    /// once the input is read. `distinctKeys` counts the keys seen so far.
    public func next() throws(PresetError) -> KeyTrace? {
        if isFinished { return nil }
        while parser.requestsHeld < batchSize {
            let got = InputFile.readSome(descriptor, into: buffer + filled, count: bufferSize - filled)
            if got < 0 { throw PresetError(file: file, message: "cannot read the trace: \(InputFile.systemError())") }
            if got == 0 {
                if filled > 0 { try parser.consume(line: UnsafeMutableBufferPointer(start: buffer, count: filled)) }
                filled = 0
                isFinished = true
                break
            }
            filled += got
            let consumed = try parser.consumeLines(UnsafeMutableBufferPointer(start: buffer, count: filled))
            filled -= consumed
            memmove(buffer, buffer + consumed, filled)
            if filled > limits.maxLineLength { throw parser.nextLineTooLong() }
        }
        return parser.batch()
    }
}

/// Turns lines into a `KeyTrace`, deciding the format on the first line.
private struct TraceParser {
    enum Format {
        case plain
        /// Field counts and the positions of the columns that matter.
        case csv(columns: Int, key: Int, time: Int?, op: Int?)
    }

    let file: String
    let limits: TraceLimits
    private var lineNumber = 0
    private var format: Format?
    private var interner: KeyInterner
    /// Requests in the batches given out before the one being held.
    private var requestsBefore = 0
    private var keys: [UInt32] = []
    private var times: [SimTime] = []
    private var writes: [Bool] = []
    /// The current CSV row's fields, as ranges of its line; reused from row to row.
    private var fields: [Range<Int>] = []
    private var lastTime: SimTime = 0

    init(file: String, limits: TraceLimits) {
        self.file = file
        self.limits = limits
        interner = KeyInterner(maxKeys: limits.maxDistinctKeys, maxBytes: limits.maxKeyBytes)
    }

    /// Requests read and not yet given out in a batch.
    var requestsHeld: Int { keys.count }

    /// Consumes every complete line in `chunk`; returns how many bytes that took.
    mutating func consumeLines(_ chunk: UnsafeMutableBufferPointer<UInt8>) throws(PresetError) -> Int {
        guard let base = chunk.baseAddress else { return 0 }
        var start = 0
        while start < chunk.count, let newline = memchr(base + start, Int32(ASCII.newline), chunk.count - start) {
            let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline))
            try consume(line: UnsafeMutableBufferPointer(rebasing: chunk[start..<end]))
            start = end + 1
        }
        return start
    }

    /// Consumes one line, without its line feed. CSV fields are unquoted in place.
    mutating func consume(line raw: UnsafeMutableBufferPointer<UInt8>) throws(PresetError) {
        lineNumber += 1
        guard raw.count <= limits.maxLineLength else { throw error(tooLongMessage) }
        var line = raw
        if line.last == ASCII.carriageReturn { line = UnsafeMutableBufferPointer(rebasing: line.dropLast()) }
        if lineNumber == 1, line.starts(with: ASCII.byteOrderMark) {
            line = UnsafeMutableBufferPointer(rebasing: line.dropFirst(ASCII.byteOrderMark.count))
        }
        if format == nil {
            format = try Self.format(ofFirstLine: line, file: file)
            if case .csv = format { return }
        }
        let trimmed = Self.trimmed(0..<line.count, of: line)
        guard !trimmed.isEmpty else { return }
        switch format {
        case .csv(let columns, let key, let time, let op):
            try consumeRow(line, columns: columns, key: key, time: time, op: op)
        case .plain, nil:
            try append(key: UnsafeBufferPointer(rebasing: line[trimmed]))
        }
    }

    /// The requests held, given out and forgotten; the distinct keys stay.
    mutating func batch() -> KeyTrace {
        var trace = KeyTrace(keys: keys, distinctKeys: interner.count)
        if case .csv(_, _, let time, let op) = format {
            if time != nil { trace.times = times }
            if op != nil { trace.writes = writes }
        }
        requestsBefore += keys.count
        keys.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        writes.removeAll(keepingCapacity: true)
        return trace
    }

    /// What a line longer than the limit is told.
    private var tooLongMessage: String { "line longer than \(limits.maxLineLength) bytes" }

    /// The error for the next line, still unfinished, when it is already too long.
    func nextLineTooLong() -> PresetError {
        PresetError(file: file, line: lineNumber + 1, message: tooLongMessage)
    }

    // MARK: - Rows

    private mutating func consumeRow(_ line: UnsafeMutableBufferPointer<UInt8>, columns: Int, key: Int, time: Int?, op: Int?)
        throws(PresetError)
    {
        if let problem = Self.split(line, into: &fields) { throw error(problem) }
        guard fields.count == columns else {
            throw error("expected \(columns) fields as in the header, found \(fields.count)")
        }
        var now: SimTime?
        if let time {
            let text = UnsafeBufferPointer(rebasing: line[fields[time]])
            guard let value = Self.nanoseconds(fromSeconds: text) else {
                throw error("expected a time in seconds such as 12.5, got \(Self.quoted(text))", path: "time")
            }
            guard value >= lastTime else {
                throw error(
                    "\(Self.seconds(value)) s is earlier than the request before (\(Self.seconds(lastTime)) s): the trace must be in time order",
                    path: "time")
            }
            now = value
        }
        var isWrite: Bool?
        if let op {
            let text = UnsafeBufferPointer(rebasing: line[fields[op]])
            if Self.isWord(text, oneOf: Self.readOps) {
                isWrite = false
            } else if Self.isWord(text, oneOf: Self.writeOps) {
                isWrite = true
            } else {
                throw error("expected read, get, write or set, got \(Self.quoted(text))", path: "op")
            }
        }
        guard !fields[key].isEmpty else { throw error("empty key", path: "key") }
        try append(key: UnsafeBufferPointer(rebasing: line[fields[key]]))
        if let now {
            times.append(now)
            lastTime = now
        }
        if let isWrite { writes.append(isWrite) }
    }

    private mutating func append(key: UnsafeBufferPointer<UInt8>) throws(PresetError) {
        guard requestsBefore + keys.count < limits.maxRequests else {
            throw error("more than \(limits.maxRequests) requests, the most a trace may hold")
        }
        guard let id = interner.id(for: key) else {
            throw error(
                interner.count >= limits.maxDistinctKeys
                    ? "more than \(limits.maxDistinctKeys) distinct keys, the most a trace may hold"
                    : "the distinct keys take more than \(limits.maxKeyBytes >> 20) MiB, the most a trace may hold")
        }
        keys.append(id)
    }

    private func error(_ message: String, path: String? = nil) -> PresetError {
        PresetError(file: file, line: lineNumber, path: path, message: message)
    }

    // MARK: - Header

    /// CSV if the line holds a comma and a field named `key`; plain otherwise.
    private static func format(ofFirstLine line: UnsafeMutableBufferPointer<UInt8>, file: String) throws(PresetError) -> Format {
        guard line.contains(ASCII.comma) else { return .plain }
        // Split a copy: if this is a plain key, it must stay as it is.
        var copy = Array(line)
        var fields: [Range<Int>] = []
        let names: [String] = copy.withUnsafeMutableBufferPointer { header in
            guard split(header, into: &fields) == nil else { return [] }
            return fields.map { String(decoding: header[$0], as: UTF8.self).lowercased() }
        }
        guard names.contains("key") else { return .plain }
        for name in ["key", "time", "op"] where names.filter({ $0 == name }).count > 1 {
            throw PresetError(file: file, line: 1, message: "the header names the column \"\(name)\" twice")
        }
        return .csv(
            columns: names.count, key: names.firstIndex(of: "key")!,
            time: names.firstIndex(of: "time"), op: names.firstIndex(of: "op"))
    }

    // MARK: - Fields

    /// Splits a CSV line into fields, unquoting quoted ones in place; returns what is wrong
    /// with the line, or `nil`. Unquoted fields lose the spaces and tabs around them.
    private static func split(_ line: UnsafeMutableBufferPointer<UInt8>, into fields: inout [Range<Int>]) -> String? {
        fields.removeAll(keepingCapacity: true)
        let end = line.count
        var i = 0
        while true {
            while i < end && isBlank(line[i]) { i += 1 }
            if i < end && line[i] == ASCII.quote {
                i += 1
                let start = i
                var write = i
                var closed = false
                while i < end {
                    if line[i] == ASCII.quote {
                        if i + 1 < end && line[i + 1] == ASCII.quote {
                            line[write] = ASCII.quote
                            write += 1
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    line[write] = line[i]
                    write += 1
                    i += 1
                }
                guard closed else { return "a quoted field is not closed (a field cannot span lines)" }
                while i < end && isBlank(line[i]) { i += 1 }
                guard i == end || line[i] == ASCII.comma else { return "unexpected text after a closing quote" }
                fields.append(start..<write)
            } else {
                let start = i
                while i < end && line[i] != ASCII.comma { i += 1 }
                fields.append(trimmed(start..<i, of: line))
            }
            if i == end { return nil }
            i += 1
        }
    }

    /// `range` of `line` without the spaces and tabs at either end.
    private static func trimmed(_ range: Range<Int>, of line: UnsafeMutableBufferPointer<UInt8>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && isBlank(line[start]) { start += 1 }
        while end > start && isBlank(line[end - 1]) { end -= 1 }
        return start..<end
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.tab
    }

    /// A decimal number of seconds (`12`, `12.5`, `.5`) in nanoseconds, rounded to the
    /// nearest; `nil` if malformed or beyond `SimTime`.
    private static func nanoseconds(fromSeconds text: UnsafeBufferPointer<UInt8>) -> SimTime? {
        var whole: SimTime = 0
        var fraction: SimTime = 0
        var fractionDigits = 0
        var digits = 0
        var seenPoint = false
        var roundUp = false
        for byte in text {
            if byte == ASCII.point {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= ASCII.zero && byte <= ASCII.nine else { return nil }
            let digit = SimTime(byte - ASCII.zero)
            digits += 1
            if !seenPoint {
                let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1 && !overflow2 else { return nil }
                whole = sum
            } else if fractionDigits < 9 {
                fraction = fraction * 10 + digit
                fractionDigits += 1
            } else if fractionDigits == 9 {
                roundUp = digit >= 5
                fractionDigits += 1
            }
        }
        guard digits > 0 else { return nil }
        for _ in min(fractionDigits, 9)..<9 { fraction *= 10 }
        let (wholeNanos, overflow1) = whole.multipliedReportingOverflow(by: Nanos.perSecond)
        let (total, overflow2) = wholeNanos.addingReportingOverflow(fraction + (roundUp ? 1 : 0))
        return overflow1 || overflow2 ? nil : total
    }

    private static let readOps = ["read", "get"].map { Array($0.utf8) }
    private static let writeOps = ["write", "set"].map { Array($0.utf8) }

    /// Whether `text` is one of `words` (lowercase ASCII), in any case; no `String` per row.
    private static func isWord(_ text: UnsafeBufferPointer<UInt8>, oneOf words: [[UInt8]]) -> Bool {
        words.contains { word in
            // Setting bit 5 lowercases an ASCII letter, and makes no other byte one.
            word.count == text.count && zip(word, text).allSatisfy { letter, byte in letter == byte | 0x20 }
        }
    }

    /// Nanoseconds as a decimal number of seconds without trailing zeros, for messages.
    private static func seconds(_ t: SimTime) -> String {
        let fraction = t % Nanos.perSecond
        guard fraction > 0 else { return String(t / Nanos.perSecond) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(t / Nanos.perSecond).\(digits)"
    }

    private static func quoted(_ text: UnsafeBufferPointer<UInt8>) -> String {
        TerminalSafe.quoted(String(decoding: text, as: UTF8.self))
    }
}

/// The bytes the trace format gives a meaning to.
private enum ASCII {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let point = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
