import ScaleSim

/// A mapping being read by `SchemaReader`: its entries, and where it is for messages.
struct Fields {
    let reader: SchemaReader
    let node: YAMLValue
    let entries: [YAMLValue.Entry]
    let path: String

    /// The value of `key`, or `nil` when it is absent or null (an optional field left at its default).
    func optional(_ key: String) -> YAMLValue? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// The entry of `key` when it holds a value, to point an error at the key itself.
    func present(_ key: String) -> YAMLValue.Entry? {
        entries.first { $0.key == key && !$0.value.isNull }
    }

    /// The value of `key`; a missing key is an error at the mapping, saying what was `expected`.
    func required(_ key: String, expected: String) throws(PresetError) -> YAMLValue {
        guard let value = entries.first(where: { $0.key == key })?.value else {
            throw reader.fail(node, SchemaReader.join(path, key), "missing required field; expected \(expected)")
        }
        return value
    }
}

/// Typed reading of single values, each failing with what was expected and what was found.
extension SchemaReader {
    enum Lines { case one, many }

    func fail(_ node: YAMLValue, _ path: String, _ message: String) -> PresetError {
        fail(node.origin, path, message)
    }

    /// An error at `origin`; a value from `--set` is reported against the override as given.
    func fail(_ origin: ValueOrigin, _ path: String, _ message: String) -> PresetError {
        switch origin {
        case .file(let line, let column):
            PresetError(file: file, line: line, column: column, path: path.isEmpty ? nil : path, message: message)
        case .override(let overridePath):
            PresetError(file: "--set", path: overridePath, message: message)
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func fields(_ node: YAMLValue, _ path: String, expected: String) throws(PresetError) -> Fields {
        guard case .mapping(let entries) = node.value else {
            throw fail(node, path, "expected \(expected), got \(node.found)")
        }
        return Fields(reader: self, node: node, entries: entries, path: path)
    }

    /// Rejects keys outside `allowed`: a typo must not pass silently.
    func checkKeys(_ fields: Fields, _ allowed: [String]) throws(PresetError) {
        if let entry = fields.entries.first(where: { !allowed.contains($0.key) }) {
            throw unknownName(entry, path: Self.join(fields.path, entry.key), kind: "field", allowed: allowed)
        }
    }

    func unknownName(_ entry: YAMLValue.Entry, path: String, kind: String, allowed: [String]) -> PresetError {
        var message = "unknown \(kind) \(TerminalSafe.quoted(entry.key)); expected one of: \(allowed.joined(separator: ", "))"
        if let guess = Self.closest(to: entry.key, in: allowed) { message += " (did you mean \(guess)?)" }
        return fail(entry.keyOrigin, path, message)
    }

    /// The text of a scalar that can stand for a string: anything but null or an unknown tag.
    /// `name: 2024` is the name "2024"; the text is taken as written.
    static func scalarText(_ node: YAMLValue) -> String? {
        guard case .scalar(let scalar) = node.value else { return nil }
        switch scalar.type {
        case .string, .integer, .float, .bool, .timestamp: return scalar.text
        case .null, .tagged: return nil
        }
    }

    func string(_ node: YAMLValue, _ path: String, expected: String) throws(PresetError) -> String {
        guard let text = Self.scalarText(node) else { throw fail(node, path, "expected \(expected), got \(node.found)") }
        return text
    }

    static let nameExpected = "a name of 1 to 64 letters, digits, - or _"

    /// A data center or region name: the characters of a node id, so commands can name it.
    func name(_ node: YAMLValue, _ path: String) throws(PresetError) -> String {
        let text = try string(node, path, expected: Self.nameExpected)
        guard Self.isValidID(text) else { throw fail(node, path, "expected \(Self.nameExpected), got \(node.found)") }
        return text
    }

    /// A text field shown to users: no control characters, one line unless `lines` is `.many`.
    func text(_ node: YAMLValue, _ path: String, lines: Lines) throws(PresetError) -> String {
        var text = try string(node, path, expected: "a string")
        // Block scalars (`|`, `>`) end with a line break that is not part of the text.
        while text.last?.isNewline == true { text.removeLast() }
        for scalar in text.unicodeScalars where TerminalSafe.isUnsafe(scalar) {
            if scalar == "\n" {
                if lines == .many { continue }
                throw fail(node, path, "expected one line of text, got several lines")
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            throw fail(node, path, "the text contains the control character \(code); only printable text is allowed")
        }
        return text
    }

    func choice<T>(_ node: YAMLValue, _ path: String, _ options: [(name: String, value: T)]) throws(PresetError) -> T {
        let text = Self.scalarText(node)
        if let match = options.first(where: { $0.name == text }) { return match.value }
        let names = options.map(\.name)
        var message = "expected one of \(names.joined(separator: ", ")), got \(node.found)"
        if let text, let guess = Self.closest(to: text, in: names) { message += " (did you mean \(guess)?)" }
        throw fail(node, path, message)
    }

    /// A YAML integer within `range`; `expected` defaults to "a positive integer" and the like.
    func integer(
        _ node: YAMLValue, _ path: String, in range: ClosedRange<Int>, expected: String? = nil
    ) throws(PresetError) -> Int {
        let expected = expected ?? (range.lowerBound == 1 ? "a positive integer" : "a non-negative integer")
        let wrong = fail(node, path, "expected \(expected), got \(node.found)")
        guard case .scalar(let scalar) = node.value, scalar.type == .integer else { throw wrong }
        switch Self.decimal(scalar.text) {
        case .malformed:
            throw fail(node, path, "expected \(expected) written in decimal, got \(node.found)")
        case .tooSmall:
            throw wrong
        case .tooLarge:
            throw fail(node, path, "expected at most \(Self.grouped(range.upperBound)), got \(node.found)")
        case .value(let value):
            if value < range.lowerBound { throw wrong }
            if value > range.upperBound {
                throw fail(node, path, "expected at most \(Self.grouped(range.upperBound)), got \(node.found)")
            }
            return value
        }
    }

    /// A non-negative YAML integer up to `UInt64.max`, for seeds.
    func unsigned(_ node: YAMLValue, _ path: String) throws(PresetError) -> UInt64 {
        let wrong = fail(node, path, "expected a non-negative integer, got \(node.found)")
        guard case .scalar(let scalar) = node.value, scalar.type == .integer else { throw wrong }
        switch Self.decimal(scalar.text) {
        case .malformed:
            throw fail(node, path, "expected a non-negative integer written in decimal, got \(node.found)")
        case .tooSmall:
            throw wrong
        case .value(let value):
            guard value >= 0 else { throw wrong }
            return UInt64(value)
        case .tooLarge:
            guard let value = UInt64(scalar.text.filter { $0 != "_" && $0 != "+" }) else {
                throw fail(node, path, "expected at most \(Self.grouped(UInt64.max)), got \(node.found)")
            }
            return value
        }
    }

    /// A finite YAML number (integer or float) for which `valid` holds.
    func number(
        _ node: YAMLValue, _ path: String, expected: String, valid: (Double) -> Bool
    ) throws(PresetError) -> Double {
        guard case .scalar(let scalar) = node.value, let value = Self.real(scalar), value.isFinite, valid(value) else {
            throw fail(node, path, "expected \(expected), got \(node.found)")
        }
        return value
    }

    /// A duration such as `250ms`; zero only when `allowZero`.
    func duration(_ node: YAMLValue, _ path: String, allowZero: Bool) throws(PresetError) -> SimTime {
        guard let text = Self.scalarText(node) else {
            throw fail(node, path, "expected \(DurationParser.expected), got \(node.found)")
        }
        switch DurationParser.read(text) {
        case .failure(let problem):
            throw fail(node, path, problem.message)
        case .success(let t):
            guard allowZero || t > 0 else { throw fail(node, path, "expected a duration greater than 0, got \(node.found)") }
            return t
        }
    }

    // MARK: - Number syntax

    enum IntegerText: Equatable {
        case value(Int)
        case tooSmall, tooLarge, malformed
    }

    /// A decimal integer as YAML writes one: a sign, then `0` or digits not starting with `0`,
    /// with `_` allowed as a separator. Octal, hex and base-60 forms are refused rather than
    /// read in a way the writer may not have meant (`010` is 8 in YAML 1.1).
    static func decimal(_ text: String) -> IntegerText {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, isDigit(first), first != "0" || digits.count == 1,
            digits.allSatisfy({ isDigit($0) || $0 == "_" })
        else { return .malformed }
        let clean = (negative ? "-" : "") + digits.filter { $0 != "_" }
        guard let value = Int(clean) else { return negative ? .tooSmall : .tooLarge }
        return .value(value)
    }

    /// The value of a YAML integer or float scalar written in decimal, or `nil`.
    static func real(_ scalar: YAMLValue.Scalar) -> Double? {
        switch scalar.type {
        case .integer:
            guard case .value(let value) = decimal(scalar.text) else { return nil }
            return Double(value)
        case .float:
            return real(scalar.text)
        default:
            return nil
        }
    }

    /// A number in plain decimal notation (`0.5`, `1e-3`, `1_000.5`), or `nil`; not `.inf`,
    /// `.nan`, base 60, or Swift's hex floats. The value may be infinite when it overflows.
    static func real(_ text: String) -> Double? {
        let clean = text.filter { $0 != "_" }
        guard clean.allSatisfy({ isDigit($0) || "+-.eE".contains($0) }) else { return nil }
        return Double(clean)
    }

    private static func isDigit(_ character: Character) -> Bool { ("0"..."9").contains(character) }

    /// `n` with `_` between groups of three digits, as YAML accepts it back: `100_000_000`.
    static func grouped(_ n: some BinaryInteger) -> String {
        var out = ""
        for (index, digit) in String(n).reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append("_") }
            out.append(digit)
        }
        return String(out.reversed())
    }

    // MARK: - Suggestions

    /// The allowed word closest to a misspelt `word`, if it is within two edits; when two
    /// or three are as close, all of them ("east or west"), as picking one would be a coin
    /// toss the user cannot see.
    static func closest(to word: String, in candidates: [String]) -> String? {
        guard word.count <= 64 else { return nil }
        var seen = Set<String>()
        let scored = candidates.filter { seen.insert($0).inserted }
            .map { (candidate: $0, distance: editDistance(Array(word.unicodeScalars), Array($0.unicodeScalars))) }
        guard let least = scored.map(\.distance).min(), least <= 2, least < word.count else { return nil }
        let tied = scored.filter { $0.distance == least }.map(\.candidate)
        switch tied.count {
        case 1: return tied[0]
        case 2, 3: return tied.dropLast().joined(separator: ", ") + " or " + tied[tied.count - 1]
        default: return nil
        }
    }

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
