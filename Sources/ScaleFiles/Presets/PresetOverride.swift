/// One `--set KEY=VALUE`: a change to a preset, applied to its YAML before decoding.
///
/// KEY is a dotted path of mapping keys (`workload.users`), except that after `nodes` a
/// segment names a node by its id (`nodes.app.servers`). VALUE is read as YAML, so `8` is an
/// integer, `2.8ms` a string and `{read: 1}` a mapping. A missing last key is added, so
/// optional fields can be set; any other missing step is an error.
public struct PresetOverride: Sendable, Equatable {
    /// The path as given, such as `nodes.app.servers`.
    public let path: String
    /// The value text as given.
    public let value: String
    /// `value` read as YAML, marked as coming from this override.
    let node: YAMLValue

    /// Reads `KEY=VALUE`; the value may itself contain `=`.
    public init(parsing text: String) throws(PresetError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw PresetError(
                file: "--set", message: "expected KEY=VALUE, such as workload.users=2000000, got \(TerminalSafe.quoted(text))")
        }
        path = String(text[..<equals])
        value = String(text[text.index(after: equals)...])
        guard !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw PresetError(file: "--set", path: path, message: "a path is names joined by dots, such as nodes.app.servers")
        }
        do {
            node =
                try YAMLReader.read(value, file: "--set", overridePath: path)
                ?? YAMLValue(value: .scalar(.init(text: "", type: .null)), origin: .override(path: path))
        } catch {
            throw PresetError(file: "--set", path: path, message: error.message)
        }
    }

    public static func == (lhs: PresetOverride, rhs: PresetOverride) -> Bool {
        lhs.path == rhs.path && lhs.value == rhs.value
    }

    /// Puts the value into `root` at `path`.
    func apply(to root: inout YAMLValue) throws(PresetError) {
        let segments = path.split(separator: ".").map(String.init)
        try set(&root, segments[...], walked: [])
    }

    private func set(_ node: inout YAMLValue, _ segments: ArraySlice<String>, walked: [String]) throws(PresetError) {
        guard let segment = segments.first else {
            node = self.node
            return
        }
        let here = walked.isEmpty ? "the top level" : walked.joined(separator: ".")
        switch node.value {
        case .mapping(var entries):
            if let index = entries.firstIndex(where: { $0.key == segment }) {
                try set(&entries[index].value, segments.dropFirst(), walked: walked + [segment])
            } else if segments.count == 1 {
                entries.append(.init(key: segment, keyOrigin: .override(path: path), value: self.node))
            } else {
                throw fail("\(here) has no field \(TerminalSafe.quoted(segment))")
            }
            node.value = .mapping(entries)
        case .sequence(var items) where walked == ["nodes"]:
            let ids = items.map(Self.id(of:))
            guard let index = ids.firstIndex(of: segment) else {
                let known = ids.compactMap { $0 }.map(TerminalSafe.quoted).joined(separator: ", ")
                throw fail("no node has id \(TerminalSafe.quoted(segment)); the ids are \(known)")
            }
            try set(&items[index], segments.dropFirst(), walked: walked + [segment])
            node.value = .sequence(items)
        case .sequence:
            throw fail("\(here) is a list; only the nodes list can be entered, by node id")
        case .scalar:
            throw fail("\(here) is a single value, so it has no field \(TerminalSafe.quoted(segment))")
        }
    }

    /// The `id` of a node written as a mapping.
    private static func id(of node: YAMLValue) -> String? {
        guard case .mapping(let entries) = node.value,
            let id = entries.first(where: { $0.key == "id" }),
            case .scalar(let scalar) = id.value.value
        else { return nil }
        return scalar.text
    }

    private func fail(_ message: String) -> PresetError {
        PresetError(file: "--set", path: path, message: message)
    }
}
