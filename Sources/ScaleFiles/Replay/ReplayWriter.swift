import Foundation

/// Writes replay records, one JSON line each, flushed as it is written.
///
/// Each line goes out in one unbuffered `write` call, so a crash leaves every line written
/// before it whole and at most the last one cut short, which `ReplayReader` skips.
public final class ReplayWriter: Sendable {
    private let descriptor: Int32
    /// The path, for messages.
    public let name: String

    /// Creates the file at `path` for a new recording; an existing file is an error unless
    /// `force`, so a recording is never silently overwritten.
    public init(creating path: String, force: Bool) throws(ReplayError) {
        let flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "file exists (use --force to overwrite)" : String(cString: strerror(errno))
            throw ReplayError(file: path, message: "cannot write the recording: \(reason)")
        }
        descriptor = fd
        name = path
    }

    deinit {
        close(descriptor)
    }

    /// Writes `record` as one line.
    public func write(_ record: ReplayRecord) throws(ReplayError) {
        let bytes = Array((record.jsonLine + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ReplayError(file: name, message: "cannot write the recording: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
