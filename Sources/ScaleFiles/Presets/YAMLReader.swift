import Foundation
import Yams

/// Turns YAML text into a `YAMLValue` tree without letting a hostile document crash or
/// stall the process.
///
/// Three hazards are fenced off:
/// - Size: text over `maxBytes` is refused before parsing.
/// - Depth: Yams builds its tree recursively (about 2 KiB of stack per level in debug
///   builds) and libyaml stops only at 1,000 levels, so parsing runs on a thread with a
///   stack large enough for that; the tree is then checked against `maxDepth`.
/// - Aliases: Yams shares aliased nodes, which is cheap, but hashes every mapping key to find
///   duplicates, and a key that aliases a "billion laughs" tree takes exponential time. So the
///   text is first parsed with every `*` turned into an inert character, proving that every
///   key is a plain scalar; only then is the real text parsed, and its aliases are expanded
///   into the lifted tree against a budget of `maxNodes`.
enum YAMLReader {
    static let maxBytes = 1 << 20
    static let maxDepth = 64
    static let maxNodes = 100_000

    /// The tree of `text`, or `nil` for a document with no content at all.
    ///
    /// Errors are located in `file`; with `overridePath`, the text is a `--set` value and every
    /// node is marked as coming from that override.
    static func read(_ text: String, file: String, overridePath: String? = nil) throws(PresetError) -> YAMLValue? {
        let size = text.utf8.count
        guard size <= maxBytes else {
            throw PresetError(file: file, message: "the text is \(size) bytes, more than the limit of 1 MiB")
        }
        let outcome = LargeStack.run {
            Result { () throws(PresetError) in try compose(text, file: file, overridePath: overridePath) }
        }
        return try outcome.get()
    }

    /// Stands in for `*` in the first pass: a private-use character, one character wide like
    /// `*` (so line and column numbers stay the same), that YAML reads as ordinary text.
    private static let inertAlias: Unicode.Scalar = "\u{E000}"

    private static func compose(_ text: String, file: String, overridePath: String?) throws(PresetError) -> YAMLValue? {
        var inert = String.UnicodeScalarView()
        inert.append(contentsOf: text.unicodeScalars.lazy.map { $0 == "*" ? inertAlias : $0 })
        guard let shape = try yams(String(inert), file: file) else { return nil }
        try checkShape(shape, depth: 1, file: file)

        guard let root = try yams(text, file: file) else { return nil }
        var lifter = Lifter(file: file, overridePath: overridePath)
        return try lifter.lift(root, depth: 1)
    }

    private static func yams(_ text: String, file: String) throws(PresetError) -> Node? {
        do {
            // An explicit encoding: the default one reads an environment variable and prints.
            return try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch {
            throw withinText(presetError(from: error, file: file), text)
        }
    }

    /// `error` moved onto the last line of `text` when libyaml places it past the end (at
    /// the end of input it points one line further), so the line named is one the file has.
    private static func withinText(_ error: PresetError, _ text: String) -> PresetError {
        // Line breaks as YAML counts them: LF, CR, CR LF, NEL, LS and PS.
        var breaks = 0
        var length = 0
        var lengthBeforeBreak = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                breaks += 1
                lengthBeforeBreak = length
                length = 0
            default:
                length += 1
            }
            previous = scalar
        }
        // A text ending in a line break has no line after that break.
        let endsWithBreak = breaks > 0 && length == 0
        let lines = endsWithBreak ? breaks : breaks + 1
        guard let line = error.line, line > lines else { return error }
        let column = (endsWithBreak ? lengthBeforeBreak : length) + 1
        return PresetError(file: error.file, line: lines, column: column, path: error.path, message: error.message)
    }

    /// Checks the alias-free first pass: nesting within `maxDepth`, keys plain scalars.
    private static func checkShape(_ node: Node, depth: Int, file: String) throws(PresetError) {
        guard depth <= maxDepth else { throw tooDeep(node.mark, file: file) }
        switch node {
        case .scalar, .alias:
            return
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key, !scalar.string.unicodeScalars.starts(with: [inertAlias]) else {
                    throw PresetError(
                        file: file, line: key.mark?.line, column: key.mark?.column,
                        message: "a mapping key must be a plain name, not a list, a mapping or an alias")
                }
                try checkShape(value, depth: depth + 1, file: file)
            }
        case .sequence(let sequence):
            for item in sequence { try checkShape(item, depth: depth + 1, file: file) }
        }
    }

    private static func tooDeep(_ mark: Mark?, file: String) -> PresetError {
        PresetError(
            file: file, line: mark?.line, column: mark?.column,
            message: "the document nests deeper than \(maxDepth) levels")
    }

    /// Converts what Yams throws into a located `PresetError`.
    private static func presetError(from error: any Error, file: String) -> PresetError {
        guard let error = error as? YamlError else {
            return PresetError(file: file, message: "cannot parse YAML: \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // libyaml's own last-resort depth limit (1,000 levels) reports this way.
            if problem.contains("nesting level") || context?.text.contains("nesting level") == true {
                return tooDeep(mark, file: file)
            }
            // Yams words this one as a context and a "but".
            if problem == "but found another document" {
                return PresetError(
                    file: file, line: mark.line, column: mark.column,
                    message: "a second YAML document starts here; a preset is a single document")
            }
            var message = "invalid YAML: \(problem)"
            if let context, context.mark.line != mark.line || context.mark.column != mark.column {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return PresetError(file: file, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, let yaml):
            let place = offset.map { lineAndColumn(ofCharacter: $0, in: yaml) }
            return PresetError(file: file, line: place?.line, column: place?.column, message: "unreadable text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map(TerminalSafe.quoted).joined(separator: ", ")
            return PresetError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "the key \(names) appears more than once in this mapping")
        default:
            return PresetError(file: file, message: "cannot parse YAML: \(error)")
        }
    }

    /// Line and column (from 1) of the character at `offset`, as Yams counts reader errors.
    private static func lineAndColumn(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// Copies a Yams tree into `YAMLValue`s, expanding aliases within a budget.
private struct Lifter {
    let file: String
    let overridePath: String?
    var budget = YAMLReader.maxNodes

    mutating func lift(_ node: Node, depth: Int) throws(PresetError) -> YAMLValue {
        budget -= 1
        guard budget >= 0 else {
            throw error(
                at: node, "the document expands to more than \(YAMLReader.maxNodes) values; are YAML aliases multiplying it?")
        }
        guard depth <= YAMLReader.maxDepth else {
            throw error(at: node, "the document nests deeper than \(YAMLReader.maxDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            let lifted = YAMLValue.Scalar(text: scalar.string, type: Self.type(of: node), isPlain: scalar.style == .plain)
            return YAMLValue(value: .scalar(lifted), origin: origin(of: node))
        case .mapping(let mapping):
            var entries: [YAMLValue.Entry] = []
            entries.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                // The first pass proved every key a scalar.
                entries.append(.init(key: key.string ?? "", keyOrigin: origin(of: key), value: try lift(value, depth: depth + 1)))
            }
            return YAMLValue(value: .mapping(entries), origin: origin(of: node))
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try lift(item, depth: depth + 1)) }
            return YAMLValue(value: .sequence(items), origin: origin(of: node))
        case .alias:
            // Yams's parser resolves aliases itself; an unresolved one means a Yams change.
            throw error(at: node, "unresolved YAML alias")
        }
    }

    private func origin(of node: Node) -> ValueOrigin {
        if let overridePath { return .override(path: overridePath) }
        return .file(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private func error(at node: Node, _ message: String) -> PresetError {
        if let overridePath { return PresetError(file: "--set", path: overridePath, message: message) }
        return PresetError(file: file, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    private static func type(of node: Node) -> YAMLValue.ScalarType {
        switch node.tag.rawValue {
        case Tag.Name.str.rawValue, Tag.Name.merge.rawValue, Tag.Name.value.rawValue: .string
        case Tag.Name.int.rawValue: .integer
        case Tag.Name.float.rawValue: .float
        case Tag.Name.bool.rawValue: .bool
        case Tag.Name.null.rawValue: .null
        case Tag.Name.timestamp.rawValue: .timestamp
        case let other: .tagged(other)
        }
    }
}

/// Runs work on a thread with a large stack, for recursion whose depth the input decides.
enum LargeStack {
    /// Room for libyaml's 1,000-level limit several times over; pages are committed lazily.
    static let stackSize = 16 << 20

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        // The semaphore orders the thread's write before this read.
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
