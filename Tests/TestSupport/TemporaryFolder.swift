import Foundation
import Synchronization

/// Folders for a test's files, removed when the test process exits.
///
/// Tests write reports, recordings, FIFOs and files of tens of megabytes; left behind, a
/// run of the suite leaves about 60 MiB in the temporary folder, and repeated runs fill it.
public enum TemporaryFolder {
    private static let created = Mutex<[URL]>([])

    /// A new, empty folder under the system's temporary folder, named `prefix-UUID`.
    public static func make(prefix: String = "scaletop-tests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        created.withLock { folders in
            if folders.isEmpty { atexit { TemporaryFolder.removeAll() } }
            folders.append(url)
        }
        return url
    }

    /// Removes every folder `make` created.
    static func removeAll() {
        for url in created.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}
