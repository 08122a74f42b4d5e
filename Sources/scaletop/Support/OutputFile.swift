import Foundation

/// Where a report goes: standard output, or a file that is never silently overwritten.
struct OutputFile {
    private let handle: FileHandle

    /// Opens `path` for writing (stdout when nil); an existing file is an error unless `force`.
    init(path: String?, force: Bool) throws {
        guard let path else {
            handle = FileHandle.standardOutput
            return
        }
        let flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "file exists (use --force to overwrite)" : String(cString: strerror(errno))
            throw badInput("\(path): cannot write the report: \(reason)")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}
