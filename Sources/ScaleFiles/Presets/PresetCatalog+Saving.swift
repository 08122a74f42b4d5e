import Foundation
import ScaleSim

/// Saving user presets: a system written as a new file in the user folder, never over another.
extension PresetCatalog {
    /// The longest file stem `fileStem(for:)` makes, before any `-2` suffix.
    public static let maxStemLength = 64

    /// Writes `spec` as a new user preset, `<stem>.yaml` in `userDirectory`, and returns its path.
    ///
    /// The folder is created if it is missing. `stem` is made safe by `fileStem(for:)`; if
    /// that name is taken, by a file or by a shipped preset (the name would then fit both),
    /// the file is `<stem>-2.yaml`, `<stem>-3.yaml` and so on: the file is created only if
    /// it does not exist, so nothing is ever overwritten, even by another process saving at
    /// the same moment. A relative key trace path is resolved against the folder of `source`,
    /// the preset the spec was loaded from, as `loadKeyTrace` resolves it, since the new file
    /// lives elsewhere.
    ///
    /// Errors name the path: no user folder is known, the folder cannot be created or the file
    /// written, or the spec does not encode to a valid preset (nothing is written then).
    public func save(_ spec: SystemSpec, stem: String, loadedFrom source: PresetSource? = nil) throws(PresetError) -> String {
        guard let directory = userDirectory else {
            throw PresetError(file: "user presets", message: "no folder for user presets: neither XDG_DATA_HOME nor HOME is set")
        }
        let base = Self.fileStem(for: stem)
        var spec = spec
        if let source, let trace = spec.workload.keys.trace { spec.workload.keys.trace = Self.absolute(trace, from: source) }
        let text = PresetEncoder.yaml(spec)
        do throws(PresetError) {
            _ = try PresetDecoder.decode(text, file: base + ".yaml")
        } catch {
            throw PresetError(
                file: directory + "/" + base + ".yaml",
                message: "the system does not make a valid preset, so it was not saved: "
                    + (error.path.map { $0 + ": " } ?? "") + error.message)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PresetError(
                file: directory, message: "cannot create the folder for user presets: \(error.localizedDescription)")
        }
        // Far more than anyone saves under one name; the bound keeps a broken folder from looping.
        for attempt in 1...10_000 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            guard !clashesWithShipped(candidate) else { continue }
            let path = directory + "/" + candidate + ".yaml"
            if try Self.createNew(path, text: text) { return path }
        }
        throw PresetError(file: directory, message: "every name from \(base).yaml to \(base)-10000.yaml is taken")
    }

    /// A safe file stem for a preset called `name`: lowercase letters, digits and single `-`,
    /// accents dropped, at most `maxStemLength` characters; `preset` if nothing is left.
    /// For example `My System (v2)` gives `my-system-v2`.
    public static func fileStem(for name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var stem = ""
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                stem.unicodeScalars.append(scalar)
            } else if !stem.isEmpty, stem.last != "-" {
                stem.append("-")
            }
        }
        stem = String(stem.prefix(maxStemLength))
        while stem.last == "-" { stem.removeLast() }
        return stem.isEmpty ? "preset" : stem
    }

    // MARK: - Private

    /// True when a user preset named `stem` would make a name fit a shipped preset too:
    /// the same name, or a stage number such as `03` or `05v`.
    private func clashesWithShipped(_ stem: String) -> Bool {
        shipped.contains { Self.fits($0.name.verbatim, stem) }
    }

    /// `trace` as an absolute path, resolved as `loadKeyTrace` resolves it for `source`.
    private static func absolute(_ trace: String, from source: PresetSource) -> String {
        guard !trace.hasPrefix("/") else { return trace }
        let resolved = source.tracePath(trace)
        // Still relative only in a shipped preset, which reads it from the working folder; not
        // URL(fileURLWithPath:) alone, which would expand a leading `~`.
        let working = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let url = resolved.hasPrefix("/") ? URL(fileURLWithPath: resolved) : working.appendingPathComponent(resolved)
        return url.standardizedFileURL.path
    }

    /// Creates the file at `path` holding `text`, only if no file is there: `false` if one is.
    private static func createNew(_ path: String, text: String) throws(PresetError) -> Bool {
        let opened: FileDescriptorIO.Opened
        switch FileDescriptorIO.openOutput(path, existing: .refuse) {
        case .success(let file): opened = file
        case .failure(let failure):
            if failure.isFileExists { return false }
            throw PresetError(file: path, message: "cannot create the file: \(failure.reason)")
        }
        let written = FileDescriptorIO.writeAll(opened.descriptor, Array(text.utf8))
        // The close's result too: a file system may report a full disk only then.
        let closed = FileDescriptorIO.close(opened.descriptor)
        if let failure = written ?? closed {
            // A half-written preset would be listed with a confusing error; remove it, as this
            // call created it (and nothing else).
            FileDescriptorIO.removeCreated(opened, at: path)
            throw PresetError(file: path, message: "cannot write the file: \(failure.reason)")
        }
        return true
    }
}
