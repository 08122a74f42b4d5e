import ScaleSim

extension SchemaReader {
    /// Checks the preset script's partitions in time order, as the engine would run them: each
    /// names two data centers the preset declares (or an earlier `add dc` creates), is not
    /// cut already, and each heal ends a cut an earlier `partition` made. The grammar has
    /// already refused a data center partitioned from itself.
    func checkPartitions(_ node: YAMLValue, _ path: String, datacenters: [DataCenterSpec]) throws(PresetError) {
        guard case .sequence(let items) = node.value else { return }
        var timed: [(at: SimTime, index: Int, command: SimCommand)] = []
        for (index, item) in items.enumerated() {
            guard let text = Self.scalarText(item), let parsed = try? ScriptFile.scheduledCommand(text) else { continue }
            timed.append((parsed.at, index, parsed.command))
        }
        var known = datacenters.map(\.name)
        var cut: [Set<String>] = []
        for (_, index, command) in timed.sorted(by: { ($0.at, $0.index) < ($1.at, $1.index) }) {
            let itemPath = path + "[\(index)]"
            switch command {
            case .addDataCenter(let copy):
                if !known.contains(copy.name) { known.append(copy.name) }
            case .partition(let a, let b), .heal(let a, let b):
                for name in [a, b] where !known.contains(name) {
                    let there = known.isEmpty ? "the preset declares none" : "there are \(known.joined(separator: ", "))"
                    throw fail(items[index], itemPath, "no data center named \(name); \(there)")
                }
                let link: Set = [a, b]
                if case .partition = command {
                    guard !cut.contains(link) else {
                        throw fail(items[index], itemPath, "\(a) and \(b) are partitioned already by an earlier command")
                    }
                    cut.append(link)
                } else {
                    guard let open = cut.firstIndex(of: link) else {
                        throw fail(
                            items[index], itemPath,
                            "\(a) and \(b) are not partitioned at that time: expected an earlier partition \(a) \(b)")
                    }
                    cut.remove(at: open)
                }
            default:
                break
            }
        }
    }
}
