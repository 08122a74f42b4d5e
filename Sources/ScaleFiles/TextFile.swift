import Foundation

/// Reads the text files users hand to scaletop (presets, scripts), refusing what is not
/// one: a missing path, a directory, FIFO, device or socket, a file too large, or text that
/// is not UTF-8.
enum TextFile {
    /// The text of the regular file at `path`, of at most `maxBytes` bytes of UTF-8; `kind`
    /// names it in messages, such as "preset file".
    ///
    /// Reads at most `maxBytes` + 1 bytes, whatever the size said when the file was opened,
    /// so a file that grows while it is read is refused at the limit rather than read on.
    static func read(_ path: String, maxBytes: Int, kind: String) throws(PresetError) -> String {
        let file = try InputFile.openRegular(path, kind: kind)
        defer { close(file.descriptor) }
        if file.size > maxBytes {
            throw PresetError(file: path, message: "the file is \(file.size) bytes, more than the limit of \(maxBytes >> 20) MiB")
        }
        var data = Data(count: maxBytes + 1)
        var filled = 0
        while filled <= maxBytes {
            let got = data.withUnsafeMutableBytes {
                InputFile.readSome(file.descriptor, into: $0.baseAddress! + filled, count: maxBytes + 1 - filled)
            }
            if got < 0 { throw PresetError(file: path, message: "cannot read the file: \(InputFile.systemError())") }
            if got == 0 { break }
            filled += got
        }
        guard filled <= maxBytes else {
            throw PresetError(file: path, message: "the file grew past the limit of \(maxBytes >> 20) MiB while it was read")
        }
        data.count = filled
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

/// Opens the files scaletop reads so that none can hang it: only what the caller accepts
/// is ever opened, and a FIFO is never opened by a caller that wants a regular file.
///
/// A path is looked at with `stat` first (a FIFO, device, socket or directory is refused
/// before any `open`), then opened with `O_NONBLOCK`, so a FIFO swapped in between cannot
/// block the open, and the descriptor is checked again with `fstat`: what is read is what
/// was checked. A symlink loop fails `stat` with its own message.
enum InputFile {
    /// The descriptor of the regular file at `path`, opened for reading, and its size then.
    /// `kind` names what the file should be in messages, such as "key trace".
    static func openRegular(_ path: String, kind: String) throws(PresetError) -> (descriptor: Int32, size: Int) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw cannotOpen(path, kind: kind) }
        guard isRegular(info.st_mode) else { throw notRegular(path, mode: info.st_mode, kind: kind) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotOpen(path, kind: kind) }
        guard fstat(descriptor, &info) == 0, isRegular(info.st_mode) else {
            let mode = info.st_mode
            close(descriptor)
            throw notRegular(path, mode: mode, kind: kind)
        }
        // Regular files ignore O_NONBLOCK, but clear it all the same: reads must block.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return (descriptor, Int(info.st_size))
    }

    /// The descriptor of `path` opened for reading as a stream: a regular file, a FIFO or
    /// pipe (`/dev/stdin`, `<(zcat trace.gz)`), or a character device. A FIFO is opened as
    /// `cat` opens it, waiting for a writer. A directory, socket or block device is refused.
    static func openStream(_ path: String, kind: String) throws(PresetError) -> Int32 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw cannotOpen(path, kind: kind) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFIFO || type == S_IFCHR else {
            throw PresetError(file: path, message: "this is \(describe(info.st_mode)), not a \(kind) (a file, FIFO or pipe)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotOpen(path, kind: kind) }
        return descriptor
    }

    /// `read(2)`, retried when a signal interrupts it; negative on an error.
    static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let got = read(descriptor, buffer, count)
            if got < 0 && errno == EINTR { continue }
            return got
        }
    }

    /// The message of the last system error.
    static func systemError() -> String {
        String(cString: strerror(errno))
    }

    /// What a file of mode `mode` is, with its article, for messages.
    static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO or pipe"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    private static func isRegular(_ mode: mode_t) -> Bool {
        mode & S_IFMT == S_IFREG
    }

    private static func notRegular(_ path: String, mode: mode_t, kind: String) -> PresetError {
        if mode & S_IFMT == S_IFDIR { return PresetError(file: path, message: "this is a directory, not a \(kind)") }
        return PresetError(file: path, message: "this is \(describe(mode)), not a \(kind): it must be a regular file")
    }

    private static func cannotOpen(_ path: String, kind: String) -> PresetError {
        if errno == ENOENT { return PresetError(file: path, message: "no such file") }
        if errno == ELOOP {
            return PresetError(
                file: path, message: "cannot open the \(kind): too many levels of symbolic links (a symlink loop?)")
        }
        return PresetError(file: path, message: "cannot open the \(kind): \(systemError())")
    }
}
