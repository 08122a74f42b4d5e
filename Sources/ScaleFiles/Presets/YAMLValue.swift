/// Where a value came from: a place in a preset file, or a `--set` override.
enum ValueOrigin: Sendable, Equatable {
    case file(line: Int, column: Int)
    /// The override, by the path it was given as.
    case override(path: String)
}

/// A YAML value lifted out of Yams: plain sendable data that remembers where it came from,
/// with aliases already expanded, so overrides can edit it and the schema can read it.
struct YAMLValue: Sendable {
    enum Value: Sendable {
        case scalar(Scalar)
        case mapping([Entry])
        case sequence([YAMLValue])
    }

    /// A scalar as written, with the type YAML resolves it to.
    struct Scalar: Sendable {
        var text: String
        var type: ScalarType
        /// Written without quotes or a block indicator: on one line, as such values nearly
        /// always are, character N of `text` then sits N - 1 columns right of the origin.
        var isPlain = false
    }

    enum ScalarType: Sendable, Equatable {
        case string, integer, float, bool, null, timestamp
        /// A scalar with an explicit tag this schema has no use for, such as `!!binary`.
        case tagged(String)
    }

    /// One key of a mapping; keys are always plain scalars (the reader rejects others).
    struct Entry: Sendable {
        var key: String
        var keyOrigin: ValueOrigin
        var value: YAMLValue
    }

    var value: Value
    var origin: ValueOrigin

    /// True for an explicit null (`~`, `null`, or nothing after the colon).
    var isNull: Bool {
        if case .scalar(let scalar) = value { scalar.type == .null } else { false }
    }

    /// How the value reads in a message: `got -3`, `got "abc"`, `got a mapping`.
    var found: String {
        switch value {
        case .mapping(let entries): return entries.isEmpty ? "an empty mapping" : "a mapping"
        case .sequence(let items): return items.isEmpty ? "an empty list" : "a list"
        case .scalar(let scalar):
            switch scalar.type {
            case .string: return TerminalSafe.quoted(scalar.text)
            case .integer, .float: return TerminalSafe.excerpt(scalar.text)
            case .bool: return "\(TerminalSafe.excerpt(scalar.text)) (a boolean)"
            case .timestamp: return "\(TerminalSafe.excerpt(scalar.text)) (a date)"
            case .null: return "nothing"
            case .tagged(let tag): return "a value tagged \(TerminalSafe.quoted(tag))"
            }
        }
    }
}
