import Foundation
import ScaleSim

extension SystemSpec {
    /// Reads the key trace the workload names, if any, resolving a relative path against
    /// the folder of the preset file (the working folder for a shipped preset); sets the key
    /// count to the trace's distinct keys and returns the keys in order (empty without one).
    public mutating func loadKeyTrace(from source: PresetSource) throws(PresetError) -> [UInt32] {
        guard let path = workload.keys.trace else { return [] }
        let resolved = path.hasPrefix("/") || source.isShipped
            ? path
            : URL(fileURLWithPath: source.origin).deletingLastPathComponent().appendingPathComponent(path).path
        let trace = try TraceReader.read(path: resolved)
        guard !trace.keys.isEmpty else {
            throw PresetError(file: resolved, message: "the key trace is empty; a workload needs at least one key")
        }
        workload.keys.count = trace.distinctKeys
        return trace.keys
    }
}
