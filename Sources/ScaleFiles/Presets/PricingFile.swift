import Foundation
import ScaleSim

/// The user's pricing file, `$XDG_CONFIG_HOME/scaletop/pricing.yaml` (by default
/// `~/.config/scaletop/pricing.yaml`): prices over the shipped defaults for every preset,
/// written as a preset's `pricing:` section is (docs/cost.md).
public enum PricingFile {
    /// Where the user's pricing file is for `environment`, or `nil` when neither
    /// `XDG_CONFIG_HOME` nor `HOME` says.
    public static func path(environment: [String: String]) -> String? {
        // The XDG base directory spec says to ignore a relative XDG_CONFIG_HOME.
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/scaletop/pricing.yaml"
        }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/scaletop/pricing.yaml" }
        return nil
    }

    /// The prices the file at `path` sets; none when there is no file there. A file that
    /// cannot be read or holds anything but prices is an error naming it and the line.
    public static func read(path: String) throws(PresetError) -> PricingSpec {
        // Anything at the path, a dangling link included, is read, so that it can say what is wrong.
        var info = stat()
        guard lstat(path, &info) == 0 else { return PricingSpec() }
        let text = try TextFile.read(path, maxBytes: PresetDecoder.maxTextBytes, kind: "pricing file")
        return try decode(text, file: path)
    }

    /// The prices `text`, a pricing file's, sets; errors name `file`.
    public static func decode(_ text: String, file: String) throws(PresetError) -> PricingSpec {
        guard let root = try YAMLReader.read(text, file: file), !root.isNull else { return PricingSpec() }
        return try SchemaReader(file: file).pricing(root, "")
    }
}
