import Foundation
import ScaleSim

/// A preset's text and where it was found.
public struct PresetSource: Sendable, Equatable {
    /// The name to show and type: the file name without `.yaml`, such as `03-load-balancer`.
    public let name: UntrustedText
    /// `shipped`, or the path of the file it was read from.
    public let origin: String
    /// True for a preset built into the binary from the package's Presets/ folder.
    public let isShipped: Bool
    public let text: String

    /// A preset built into the binary.
    public init(shipped name: String, text: String) {
        self.name = UntrustedText(name)
        origin = "shipped"
        isShipped = true
        self.text = text
    }

    /// A preset read from the file at `path`.
    public init(name: UntrustedText, path: String, text: String) {
        self.name = name
        origin = path
        isShipped = false
        self.text = text
    }

    /// What errors in this preset name as their file: the shipped file name, or the path.
    public var file: String { isShipped ? name.verbatim + ".yaml" : origin }

    /// Decodes the preset, after applying `overrides`; errors name `file`.
    public func decode(overrides: [PresetOverride] = []) throws(PresetError) -> SystemSpec {
        try PresetDecoder.decode(text, file: file, overrides: overrides)
    }
}

/// The presets a user can name: shipped ones, built in, and user ones, under the XDG data
/// directory (`$XDG_DATA_HOME/scaletop/presets`, by default `~/.local/share/scaletop/presets`).
public struct PresetCatalog: Sendable {
    /// One line of `scaletop presets`.
    public struct Entry: Sendable, Equatable {
        /// The name to type, such as `03-load-balancer`.
        public let name: UntrustedText
        /// `shipped`, or the file's path.
        public let origin: UntrustedText
        /// The preset's own `name` field; empty if it failed to load.
        public let title: String
        /// The preset's one-line description; empty if it failed to load.
        public let description: String
        /// Why the preset could not be read or decoded, if it could not.
        public let error: PresetError?
    }

    /// Shipped presets in catalogue order: stages `NN-name`, then variants `NNx-name`, then the rest.
    public let shipped: [PresetSource]
    /// Where user presets live, or `nil` when neither `XDG_DATA_HOME` nor `HOME` says.
    public let userDirectory: String?
    /// The user's pricing file, whose prices every loaded preset starts from (docs/cost.md),
    /// or `nil` when neither `XDG_CONFIG_HOME` nor `HOME` says.
    public let pricingFile: String?

    /// A catalogue of the presets built into this binary and the user's presets, with the
    /// user directory taken from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(environment: environment, shippedFiles: shippedPresetFiles)
    }

    init(environment: [String: String], shippedFiles: [(name: String, text: String)]) {
        shipped =
            shippedFiles
            .sorted { Self.precedes($0.name, $1.name) }
            .map { PresetSource(shipped: Self.stem($0.name), text: $0.text) }
        // The XDG base directory spec says to ignore a relative XDG_DATA_HOME.
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            userDirectory = data + "/scaletop/presets"
        } else if let home = environment["HOME"], !home.isEmpty {
            userDirectory = home + "/.local/share/scaletop/presets"
        } else {
            userDirectory = nil
        }
        pricingFile = PricingFile.path(environment: environment)
    }

    /// The directories searched for user presets, for `scaletop presets --path`.
    public var searchPaths: [String] { userDirectory.map { [$0] } ?? [] }

    /// The preset `name` refers to: a path if such a file exists; else a shipped preset by
    /// stage number (`03` for `03-*.yaml`, `05v` for the variant `05v-*.yaml`) or by name
    /// (`03-load-balancer`, with or without `.yaml`); else a user preset by name. A name that
    /// fits more than one preset is an error listing them all.
    public func resolve(_ name: String) throws(PresetError) -> PresetSource {
        if Self.isFile(name) {
            return PresetSource(
                name: UntrustedText(Self.stem(Self.lastComponent(name))), path: name, text: try Self.read(file: name))
        }
        let wanted = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
        let shippedMatches = shipped.filter { Self.fits($0.name.verbatim, wanted) }
        let userMatches =
            userDirectory.map { directory in
                userFiles().filter { Self.stem($0) == wanted }.map { directory + "/" + $0 }
            } ?? []
        switch shippedMatches.count + userMatches.count {
        case 1:
            if let path = userMatches.first {
                return PresetSource(name: UntrustedText(wanted), path: path, text: try Self.read(file: path))
            }
            return shippedMatches[0]
        case 0:
            let userNames = userFiles().map(Self.stem)
            let users = userDirectory.map {
                "user presets (\($0)): " + (userNames.isEmpty ? "none" : userNames.joined(separator: ", "))
            }
            throw PresetError(
                file: name,
                message: "no such file, and no preset has that name; shipped presets: "
                    + shipped.map(\.name.verbatim).joined(separator: ", ") + (users.map { "; " + $0 } ?? ""))
        default:
            let listed = shippedMatches.map { "\($0.name) (shipped)" } + userMatches.map { "\(wanted) (\($0))" }
            throw PresetError(
                file: name,
                message: "the name fits more than one preset: \(listed.joined(separator: ", ")); give a full name or a path")
        }
    }

    /// Every preset, shipped then user, each with its description or why it failed to load.
    public func list() -> [Entry] {
        var entries = shipped.map(Self.entry)
        guard let userDirectory else { return entries }
        for fileName in userFiles() {
            let path = userDirectory + "/" + fileName
            do throws(PresetError) {
                entries.append(
                    Self.entry(
                        PresetSource(name: UntrustedText(Self.stem(fileName)), path: path, text: try Self.read(file: path))))
            } catch {
                entries.append(
                    Entry(
                        name: UntrustedText(Self.stem(fileName)), origin: UntrustedText(path), title: "", description: "",
                        error: error))
            }
        }
        return entries
    }

    /// The text of the preset file at `path`: a regular file of at most 1 MiB of UTF-8.
    public static func read(file path: String) throws(PresetError) -> String {
        try TextFile.read(path, maxBytes: PresetDecoder.maxTextBytes, kind: "preset file")
    }

    // MARK: - Private

    private static func entry(_ source: PresetSource) -> Entry {
        do throws(PresetError) {
            let spec = try source.decode()
            return Entry(
                name: source.name, origin: UntrustedText(source.origin), title: spec.name, description: spec.description,
                error: nil)
        } catch {
            return Entry(name: source.name, origin: UntrustedText(source.origin), title: "", description: "", error: error)
        }
    }

    /// The `.yaml` file names in the user directory, in catalogue order; none if it is missing.
    private func userFiles() -> [String] {
        guard let userDirectory, let names = try? FileManager.default.contentsOfDirectory(atPath: userDirectory) else {
            return []
        }
        return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted(by: Self.precedes)
    }

    /// True when `name`, a shipped preset's, is what `wanted` names: the same name, or the
    /// stage number that starts it (`03` for `03-load-balancer`, `05v` for `05v-vertical`).
    static func fits(_ name: String, _ wanted: String) -> Bool {
        name == wanted || (isStageNumber(wanted) && name.hasPrefix(wanted + "-"))
    }

    /// A stage number: two digits, then the letters of a variant if any, such as `03` or `05v`.
    static func isStageNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
        return bytes.count >= 2 && isDigit(bytes[0]) && isDigit(bytes[1]) && bytes.dropFirst(2).allSatisfy(isLetter)
    }

    /// Catalogue order: stages (`05-x.yaml`), then variants (`05v-x.yaml`), then the rest,
    /// each group by file name.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let (rankA, rankB) = (group(a), group(b))
        return rankA != rankB ? rankA < rankB : a < b
    }

    private static func group(_ fileName: String) -> Int {
        let bytes = Array(fileName.utf8)
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        let isLetter = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
        guard bytes.count > 3, isDigit(bytes[0]), isDigit(bytes[1]) else { return 2 }
        if bytes[2] == UInt8(ascii: "-") { return 0 }
        let letters = bytes[2...].prefix(while: isLetter)
        let afterLetters = bytes.index(2, offsetBy: letters.count)
        return !letters.isEmpty && afterLetters < bytes.count && bytes[afterLetters] == UInt8(ascii: "-") ? 1 : 2
    }

    private static func stem(_ fileName: String) -> String {
        fileName.hasSuffix(".yaml") ? String(fileName.dropLast(5)) : fileName
    }

    private static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// True when `path` names something other than a folder, a link that leads nowhere (a
    /// loop) included: reading it then says what is wrong, rather than "no preset has that name".
    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return !isDirectory.boolValue }
        var link = stat()
        return lstat(path, &link) == 0
    }
}
