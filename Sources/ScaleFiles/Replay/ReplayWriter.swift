import Foundation
import Synchronization

/// Writes replay records, one JSON line each, flushed as it is written.
///
/// Each line goes out in one unbuffered `write` call, so a crash leaves every line written
/// before it whole and at most the last one cut short, which `ReplayReader` skips.
public final class ReplayWriter: Sendable {
    private let opened: FileDescriptorIO.Opened
    /// The path, for messages.
    public let name: String
    /// The first write that failed, and whether the file is closed.
    private let state = Mutex<(failure: ReplayError?, closed: Bool)>((nil, false))

    /// Opens `path` for a new recording under the rules of docs/replay.md: a new file, a
    /// character device or a FIFO with a reader; an existing regular file is an error
    /// unless `force`, so a recording is never silently overwritten. A file that is one of
    /// `avoiding` (an input, or another output) is refused before anything is written.
    public init(creating path: String, force: Bool, avoiding: [(FileDescriptorIO.FileIdentity, String)] = []) throws(ReplayError)
    {
        switch FileDescriptorIO.openOutput(path, existing: force ? .overwrite : .streams, avoiding: avoiding) {
        case .success(let opened): self.opened = opened
        case .failure(let failure):
            let reason = failure.isFileExists ? "file exists (use --force to overwrite)" : failure.reason
            throw ReplayError(file: path, message: "cannot write the recording: \(reason)")
        }
        name = path
    }

    deinit {
        if !state.withLock({ $0.closed }) { _ = FileDescriptorIO.close(opened.descriptor) }
    }

    /// The file as the system knows it, so other outputs can refuse to be the same file.
    public var identity: FileDescriptorIO.FileIdentity { opened.identity }

    /// True for a character device, which other outputs may share (`/dev/null`).
    public var isCharacterDevice: Bool { opened.isCharacterDevice }

    /// The first write or close that failed, if any: the recording is cut short there.
    public var failure: ReplayError? { state.withLock { $0.failure } }

    /// Writes `record` as one line.
    public func write(_ record: ReplayRecord) throws(ReplayError) {
        if let failure = FileDescriptorIO.writeAll(opened.descriptor, Array((record.jsonLine + "\n").utf8)) {
            throw remember(ReplayError(file: name, message: "cannot write the recording: \(failure.reason)"))
        }
    }

    /// Closes the file; throws if the system reports a failed write only now.
    public func close() throws(ReplayError) {
        let wasClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        if let failure = FileDescriptorIO.close(opened.descriptor) {
            throw remember(ReplayError(file: name, message: "cannot write the recording: \(failure.reason)"))
        }
    }

    /// Closes and removes the file if this writer created it, after a run that failed; a
    /// file that was there before (`--force`), a device or a FIFO stays.
    public func discard() {
        try? close()
        FileDescriptorIO.removeCreated(opened, at: name)
    }

    /// Keeps `error` as the first failure, and returns it.
    private func remember(_ error: ReplayError) -> ReplayError {
        state.withLock { if $0.failure == nil { $0.failure = error } }
        return error
    }
}
