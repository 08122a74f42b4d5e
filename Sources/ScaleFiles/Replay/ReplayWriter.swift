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
        switch FileDescriptorIO.createFile(path, force: force) {
        case .success(let fd): descriptor = fd
        case .failure(let failure):
            let reason = failure.isFileExists ? "file exists (use --force to overwrite)" : failure.reason
            throw ReplayError(file: path, message: "cannot write the recording: \(reason)")
        }
        name = path
    }

    deinit {
        close(descriptor)
    }

    /// Writes `record` as one line.
    public func write(_ record: ReplayRecord) throws(ReplayError) {
        if let failure = FileDescriptorIO.writeAll(descriptor, Array((record.jsonLine + "\n").utf8)) {
            throw ReplayError(file: name, message: "cannot write the recording: \(failure.reason)")
        }
    }
}
