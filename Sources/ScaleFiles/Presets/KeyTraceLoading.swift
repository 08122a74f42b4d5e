import Foundation
import ScaleSim

extension SystemSpec {
    /// Reads the key trace the workload names, if any, at `source.tracePath(_:)`; sets the
    /// key count to the trace's distinct keys and returns the keys in order (empty without one).
    ///
    /// The trace must be a regular file within `TraceLimits.preset`: a FIFO, device, socket
    /// or directory is refused, naming the preset and its field, without being opened.
    public mutating func loadKeyTrace(from source: PresetSource) throws(PresetError) -> [UInt32] {
        guard let path = workload.keys.trace else { return [] }
        let resolved = source.tracePath(path)
        let trace: KeyTrace
        do {
            trace = try TraceReader.read(path: resolved)
        } catch  where error.line == nil {
            // Not about a line of the trace: the file itself, named by the preset's field.
            throw PresetError(file: source.file, path: "workload.keys.trace", message: "\(resolved): \(error.message)")
        }
        guard !trace.keys.isEmpty else {
            throw PresetError(file: resolved, message: "the key trace is empty; a workload needs at least one key")
        }
        workload.keys.count = trace.distinctKeys
        return trace.keys
    }
}

extension PresetSource {
    /// Where the key trace `path` named in this preset is: an absolute path, or any path in a
    /// shipped preset (read from the working folder), as given; otherwise relative to the
    /// folder of the preset file.
    public func tracePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), !isShipped else { return path }
        return URL(fileURLWithPath: origin).deletingLastPathComponent().appendingPathComponent(path).path
    }
}
