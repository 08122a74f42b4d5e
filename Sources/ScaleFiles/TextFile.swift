import Foundation

/// Reads the text files users hand to scaletop (presets, scripts), refusing what is not
/// one: a missing path, a directory or device, a file too large, or text that is not UTF-8.
enum TextFile {
    /// The text of the regular file at `path`, of at most `maxBytes` bytes of UTF-8; `kind`
    /// names it in messages, such as "preset file".
    static func read(_ path: String, maxBytes: Int, kind: String) throws(PresetError) -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PresetError(file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw PresetError(file: path, message: "this is a directory, not a \(kind)") }
        // Attributes describe a symbolic link itself, so look at what it points to.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let attributes = try? manager.attributesOfItem(atPath: target)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw PresetError(file: path, message: "not a regular file")
        }
        if let size = attributes?[.size] as? Int, size > maxBytes {
            throw PresetError(file: path, message: "the file is \(size) bytes, more than the limit of \(maxBytes >> 20) MiB")
        }
        guard manager.isReadableFile(atPath: path), let data = manager.contents(atPath: path) else {
            throw PresetError(file: path, message: "cannot read the file (permission denied?)")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw PresetError(file: path, line: firstBadLine(data), message: "the file is not UTF-8 text")
        }
        return text
    }

    /// The line (from 1) holding the first byte that is not valid UTF-8.
    private static func firstBadLine(_ data: Data) -> Int {
        var line = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            if scalar == "\n" { line += 1 }
        }
        return line
    }
}
