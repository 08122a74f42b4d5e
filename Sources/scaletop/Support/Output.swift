import ArgumentParser
import Foundation
import ScaleFiles

/// Where a command writes: standard output, or a file opened under the rules of
/// docs/reports.md ("Where output goes"). Every command writes through one of these, never
/// through `print` or `FileHandle`, so no write goes unchecked.
///
/// Text is gathered and written in large pieces. A failed write, flush or close ends the
/// command with one message naming the file and the system's reason, and exit status 74; a
/// closed pipe ends it quietly (SIGPIPE, or status 141 where SIGPIPE is ignored).
final class Output {
    /// The path, or `standard output`, for messages.
    let name: String
    /// What is written, for messages: `the report`, `the output`.
    let what: String
    private let descriptor: Int32
    /// The file as opened; nil for standard output, which is neither closed nor removed.
    private let opened: FileDescriptorIO.Opened?
    private var buffer: [UInt8] = []
    private var isClosed = false
    /// Bytes gathered before one `write` call.
    static let chunk = 1 << 16

    /// Standard output, carrying `what`.
    init(standardOutputFor what: String = "the output") {
        name = "standard output"
        self.what = what
        descriptor = STDOUT_FILENO
        opened = nil
    }

    /// Opens `path` for `what` (standard output when nil): a new file, a character device
    /// (`/dev/null`) or a FIFO with a reader; an existing regular file only with `force`. A
    /// file that is one of `avoiding` (an input, or another output) is refused. A target
    /// that cannot be opened is bad input: one message and exit status 2.
    convenience init(
        path: String?, force: Bool, what: String = "the report", avoiding: [(FileDescriptorIO.FileIdentity, String)] = []
    ) throws {
        guard let path else {
            self.init(standardOutputFor: what)
            return
        }
        switch FileDescriptorIO.openOutput(path, existing: force ? .overwrite : .streams, avoiding: avoiding) {
        case .success(let opened): self.init(path: path, what: what, opened: opened)
        case .failure(let failure):
            let reason = failure.isFileExists ? "file exists (use --force to overwrite)" : failure.reason
            throw badInput("\(TerminalSafe.text(path)): cannot write \(what): \(reason)")
        }
    }

    private init(path: String, what: String, opened: FileDescriptorIO.Opened) {
        name = path
        self.what = what
        descriptor = opened.descriptor
        self.opened = opened
    }

    deinit {
        if opened != nil, !isClosed { _ = FileDescriptorIO.close(descriptor) }
    }

    /// The file, for other outputs to refuse to be the same one; nil for standard output
    /// and for a character device, which outputs may share (`/dev/null`).
    var identity: FileDescriptorIO.FileIdentity? {
        guard let opened, !opened.isCharacterDevice else { return nil }
        return opened.identity
    }

    /// Adds `text`, writing once a chunk has gathered.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunk { try flush() }
    }

    /// Adds `text` and a newline.
    func line(_ text: String) throws {
        try write(text + "\n")
    }

    /// Writes what is gathered now: before a message on standard error, so the two keep
    /// their order on a terminal.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if let failure = FileDescriptorIO.writeAll(descriptor, buffer) { throw writeFailed(name, what: what, failure) }
    }

    /// Writes the rest and closes a file, checking the close too: some file systems report a
    /// full disk only then.
    func finish() throws {
        try flush()
        guard opened != nil, !isClosed else { return }
        isClosed = true
        if let failure = FileDescriptorIO.close(descriptor) { throw writeFailed(name, what: what, failure) }
    }

    /// After a failed command: closes the file and removes it if this run created it; a
    /// file that was there before (`--force`), a device or a FIFO stays as it is.
    func discard() {
        buffer.removeAll()
        guard let opened else { return }
        if !isClosed {
            isClosed = true
            _ = FileDescriptorIO.close(descriptor)
        }
        FileDescriptorIO.removeCreated(opened, at: name)
    }
}

/// The identities of the input files at `paths` that exist, each with what it is, so an
/// output can refuse to overwrite one of them (docs/reports.md).
func inputIdentities(_ paths: [(String?, String)]) -> [(FileDescriptorIO.FileIdentity, String)] {
    paths.compactMap { path, what in
        guard let path, let identity = FileDescriptorIO.FileIdentity(path: path) else { return nil }
        return (identity, what)
    }
}

/// Standard output's file when it is a regular file (`> report.txt`), which no other output
/// may be: the two would write over each other.
func standardOutputIdentity() -> [(FileDescriptorIO.FileIdentity, String)] {
    var status = stat()
    guard fstat(STDOUT_FILENO, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return [] }
    return [(FileDescriptorIO.FileIdentity(status), "standard output")]
}

/// Fails with exit status 2 when two of `outputs` (path and option) name the same existing
/// file, through any link or spelling, or one names an input of `inputs`: checked before
/// anything is opened, so nothing is written. Character devices may be shared.
func refuseSameFiles(outputs: [(String?, String)], inputs: [(FileDescriptorIO.FileIdentity, String)]) throws {
    var seen = inputs
    for (path, option) in outputs {
        guard let path else { continue }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFCHR else { continue }
        let identity = FileDescriptorIO.FileIdentity(status)
        if let (_, other) = seen.first(where: { $0.0 == identity }) {
            throw badInput("\(TerminalSafe.text(path)): \(option) names the same file as \(other); nothing was written")
        }
        seen.append((identity, "the \(option) file \(TerminalSafe.text(path))"))
    }
}
