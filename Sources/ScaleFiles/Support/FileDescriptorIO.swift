import CTerminalSafety
import Foundation

/// Creating and writing files through descriptors, as reports, replay recordings, saved
/// presets and casts are written: whole, never over a file by accident, and never removing
/// a file this process did not create (docs/reports.md, "Where output goes").
public enum FileDescriptorIO {
    /// A failed system call's `errno`, or a target refused before any call.
    public struct Failure: Error, Equatable, Sendable {
        public var code: Int32
        /// Why, when scaletop says it better than the system (a refused target).
        public var message: String?

        public init(code: Int32, message: String? = nil) {
            self.code = code
            self.message = message
        }

        /// The `errno` of the call that just failed.
        static var current: Failure { Failure(code: errno) }

        /// True when the file was there already (`EEXIST`).
        public var isFileExists: Bool { code == EEXIST && message == nil }

        /// True when the reader of a pipe went away (`EPIPE`).
        public var isBrokenPipe: Bool { code == EPIPE }

        /// The text for the error, such as `Permission denied`.
        public var reason: String { message ?? String(cString: strerror(code)) }
    }

    /// A file as the system knows it: the same through any spelling, symlink or hard link.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64

        /// The file `status` describes, as `stat` or `fstat` filled it in.
        public init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }

        /// The file at `path`, links followed; nil when there is none.
        public init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            self.init(status)
        }
    }

    /// What an output path may already be.
    public enum Existing: Sendable {
        /// Nothing: the file is created, as saved presets are.
        case refuse
        /// A character device (`/dev/null`) or a FIFO with a reader, written as they are; an
        /// existing regular file is an error (`EEXIST`).
        case streams
        /// As `streams`, and an existing regular file is emptied and written over (`--force`).
        case overwrite
    }

    /// A file opened for writing by `openOutput`.
    public struct Opened: Sendable {
        public let descriptor: Int32
        public let identity: FileIdentity
        /// True when this call created the file: the only file a failure may remove.
        public let created: Bool
        /// True for a character device, which any number of outputs may share (`/dev/null`).
        public let isCharacterDevice: Bool
    }

    /// Opens `path` for writing (not inherited by child processes) under the rules of
    /// docs/reports.md: a missing file is created (mode 0644, `O_EXCL`, so never through a
    /// symlink); an existing one is used only as `existing` allows, and only if it is a
    /// regular file, a character device or a FIFO that a process reads (opened without
    /// blocking, so a FIFO with no reader is an error, not a hang). A file that is one of
    /// `avoiding` (identity and what it is, for the message) is refused before anything is
    /// written to it; a regular file is emptied only after that check.
    public static func openOutput(
        _ path: String, existing: Existing, avoiding: [(FileIdentity, String)] = []
    ) -> Result<Opened, Failure> {
        // Two rounds: the file may vanish between the two opens of the first.
        for _ in 0..<2 {
            // Removed if a signal ends the process before the file is complete and closed.
            let fd = scaletop_create_removable(path, 0o644)
            if fd >= 0 {
                var status = stat()
                fstat(fd, &status)
                return .success(Opened(descriptor: fd, identity: FileIdentity(status), created: true, isCharacterDevice: false))
            }
            guard errno == EEXIST else { return .failure(.current) }
            if existing == .refuse { return .failure(Failure(code: EEXIST)) }
            let existingFD = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if existingFD < 0 {
                if errno == ENOENT { continue }
                if errno == ENXIO { return .failure(Failure(code: ENXIO, message: "a FIFO that no process is reading")) }
                return .failure(.current)
            }
            switch useExisting(existingFD, existing: existing, avoiding: avoiding) {
            case .success(let opened): return .success(opened)
            case .failure(let failure):
                Foundation.close(existingFD)
                return .failure(failure)
            }
        }
        // Still there for O_EXCL but missing when opened: a symlink to nothing.
        return .failure(
            Failure(code: ENOENT, message: "a symbolic link to a missing file (scaletop does not create files through links)"))
    }

    /// Checks the existing file open at `fd` and readies it for writing.
    private static func useExisting(_ fd: Int32, existing: Existing, avoiding: [(FileIdentity, String)]) -> Result<
        Opened, Failure
    > {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .failure(.current) }
        let identity = FileIdentity(status)
        let kind = status.st_mode & S_IFMT
        let isCharacterDevice = kind == S_IFCHR
        if !isCharacterDevice, let (_, what) = avoiding.first(where: { $0.0 == identity }) {
            return .failure(Failure(code: EINVAL, message: "it is the same file as \(what)"))
        }
        switch kind {
        case S_IFREG:
            guard existing == .overwrite else { return .failure(Failure(code: EEXIST)) }
            guard ftruncate(fd, 0) == 0 else { return .failure(.current) }
        case S_IFCHR, S_IFIFO:
            break
        default:
            return .failure(Failure(code: EINVAL, message: "not a regular file, character device or FIFO"))
        }
        // Opened without blocking for a FIFO's sake; writes wait as usual.
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else { return .failure(.current) }
        return .success(Opened(descriptor: fd, identity: identity, created: false, isCharacterDevice: isCharacterDevice))
    }

    /// Removes the file at `path` if it is still the regular file `opened` created; a file
    /// that was there before, or anything that has since taken its place, stays.
    public static func removeCreated(_ opened: Opened, at path: String) {
        guard opened.created else { return }
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, FileIdentity(status) == opened.identity else {
            return
        }
        unlink(path)
    }

    /// Closes `descriptor`; nil when it closed cleanly, else why the last writes failed (a
    /// file system may report a full disk only here). A file `openOutput` created is no
    /// longer removed by a signal from here on: it is complete, or a failure removes it.
    public static func close(_ descriptor: Int32) -> Failure? {
        scaletop_remove_on_signal_forget(descriptor)
        // On Linux the descriptor is gone even after EINTR; a retry could close another.
        guard Foundation.close(descriptor) != 0, errno != EINTR else { return nil }
        return .current
    }

    /// Writes all of `bytes` to `descriptor`, again after an interrupted or short write;
    /// nil when all went out, else why the write failed.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Failure? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return .current
            }
            offset += written
        }
        return nil
    }
}
