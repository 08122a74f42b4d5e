import ScaleSim

/// Reads presets: YAML text in schema version 1 (see docs/presets.md) into a `SystemSpec`.
public enum PresetDecoder {
    /// The largest preset text accepted, in bytes of UTF-8.
    public static let maxTextBytes = YAMLReader.maxBytes
    /// The deepest nesting of mappings and lists accepted.
    public static let maxDepth = YAMLReader.maxDepth
    /// The most values a document may hold once its aliases are expanded.
    public static let maxValues = YAMLReader.maxNodes

    /// Decodes `text`, read from `file` (used only in errors), after applying `overrides` in order.
    ///
    /// Unknown fields, fields that do not apply to a node's kind, values of the wrong type or
    /// out of range, names of nodes, data centers or regions that do not exist, inconsistent
    /// route probabilities and loops without an exit are all errors, located at their line;
    /// errors in an override's value are reported against the override.
    public static func decode(_ text: String, file: String, overrides: [PresetOverride] = []) throws(PresetError) -> SystemSpec {
        guard var root = try YAMLReader.read(text, file: file), !root.isNull else {
            throw PresetError(file: file, message: "the preset is empty; it needs at least version, name, workload and nodes")
        }
        for override in overrides { try override.apply(to: &root) }
        return try SchemaReader(file: file).system(root)
    }
}
