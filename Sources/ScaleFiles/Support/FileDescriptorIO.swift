import Foundation

/// Creating and writing files through descriptors, as replay recordings, saved presets and
/// casts are written: whole, and never over a file by accident.
public enum FileDescriptorIO {
    /// A failed system call's `errno`.
    public struct Failure: Error, Equatable, Sendable {
        public var code: Int32

        public init(code: Int32) {
            self.code = code
        }

        /// The `errno` of the call that just failed.
        static var current: Failure { Failure(code: errno) }

        /// True when the file was there already (`EEXIST`).
        public var isFileExists: Bool { code == EEXIST }

        /// The system's text for the error, such as `Permission denied`.
        public var reason: String { String(cString: strerror(code)) }
    }

    /// Creates `path` for writing (mode 0644, not inherited by child processes) and returns
    /// its descriptor. An existing file is an error (`EEXIST`) unless `force`, which
    /// empties it instead.
    public static func createFile(_ path: String, force: Bool) -> Result<Int32, Failure> {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0o644)
        return descriptor >= 0 ? .success(descriptor) : .failure(.current)
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
