import ScaleSim

/// Reading where things are: the data centers, the latency from each user region to each,
/// and the latency between them.
extension SchemaReader {
    static let datacenterFields = ["name", "entry"]
    static let latencyExample = "{us: {us-east: 10ms, eu-west: 80ms}}"
    static let datacenterLatencyExample = "{us-east: {eu-west: 40ms}}"

    /// Where one data center was written, for the checks against its entry node.
    struct DataCenterSite {
        let path: String
        let entryOrigin: ValueOrigin
    }

    /// The data centers in the order written; each entry must be a node that can take users.
    func datacenters(
        _ node: YAMLValue, _ path: String, nodes: [NodeSpec], indexByID: [String: Int]
    ) throws(PresetError) -> ([DataCenterSpec], [DataCenterSite]) {
        guard case .sequence(let items) = node.value else {
            throw fail(node, path, "expected a list of data centers such as [{name: us-east, entry: web-us}], got \(node.found)")
        }
        var datacenters: [DataCenterSpec] = []
        var sites: [DataCenterSite] = []
        for (index, item) in items.enumerated() {
            let itemPath = path + "[\(index)]"
            let map = try fields(item, itemPath, expected: "a mapping with name and entry")
            try checkKeys(map, Self.datacenterFields)
            let nameNode = try map.required("name", expected: Self.nameExpected)
            let name = try self.name(nameNode, itemPath + ".name")
            if let first = datacenters.firstIndex(where: { $0.name == name }) {
                throw fail(
                    nameNode, itemPath + ".name",
                    "duplicate data center name \(TerminalSafe.quoted(name)); \(path)[\(first)] has it already")
            }
            let entryNode = try map.required("entry", expected: "a node id")
            let entry = try string(entryNode, itemPath + ".entry", expected: "a node id")
            try checkEntry(entryNode, itemPath + ".entry", id: entry, nodes: nodes, indexByID: indexByID)
            datacenters.append(DataCenterSpec(name: name, entry: entry))
            sites.append(DataCenterSite(path: itemPath, entryOrigin: entryNode.origin))
        }
        return (datacenters, sites)
    }

    /// The top-level `latency` mapping, region to data center to one-way latency, as a list
    /// in a fixed order: regions as the workload declares them, then data centers as declared.
    ///
    /// It needs declared regions (the implicit single region has no name to write) and data
    /// centers; with both declared, every pair needs a latency, so geo-DNS never picks a data
    /// center by a latency nobody wrote.
    func latencies(
        _ top: Fields, regions: [RegionShare], datacenters: [DataCenterSpec]
    ) throws(PresetError) -> [RegionLatency] {
        let path = "latency"
        guard let node = top.optional(path) else {
            guard regions.isEmpty || datacenters.isEmpty else {
                throw fail(
                    top.node, path,
                    "missing required field; with both workload.regions and datacenters, expected the latency from "
                        + "each region to each data center, such as \(Self.latencyExample)")
            }
            return []
        }
        guard !regions.isEmpty else {
            throw fail(
                node, path, "latency is given per user region, but workload.regions declares none; declare the regions first")
        }
        guard !datacenters.isEmpty else {
            throw fail(node, path, "latency leads to data centers, but none are declared; declare them in datacenters first")
        }
        let map = try fields(
            node, path, expected: "a mapping of each region to its latency to each data center, such as \(Self.latencyExample)")
        let regionNames = regions.map(\.name)
        let datacenterNames = datacenters.map(\.name)
        if let entry = map.entries.first(where: { !regionNames.contains($0.key) }) {
            throw unknownName(entry, path: Self.join(path, entry.key), kind: "region", allowed: regionNames)
        }
        var latencies: [RegionLatency] = []
        for region in regions {
            let regionPath = Self.join(path, region.name)
            let rowExpected = "a mapping of data center to latency, such as {\(datacenters[0].name): 10ms}"
            let row = try fields(map.required(region.name, expected: rowExpected), regionPath, expected: rowExpected)
            if let entry = row.entries.first(where: { !datacenterNames.contains($0.key) }) {
                throw unknownName(entry, path: Self.join(regionPath, entry.key), kind: "data center", allowed: datacenterNames)
            }
            for datacenter in datacenters {
                let value = try row.required(
                    datacenter.name, expected: "\(DurationParser.expected); every region needs a latency to every data center")
                let latency = try duration(value, Self.join(regionPath, datacenter.name), allowZero: true)
                latencies.append(RegionLatency(region: region.name, dc: datacenter.name, latency: latency))
            }
        }
        return latencies
    }

    /// The top-level `dc_latency` mapping, data center to data center to one-way latency, as
    /// a list in the order written.
    ///
    /// Any pair may be left out: one given one way is as long both ways, and one given
    /// neither way is 0 (`SystemSpec.datacenterLatency(from:to:)`). A pair cannot be given
    /// twice the same way: YAML refuses a key given twice in a mapping.
    func datacenterLatencies(_ top: Fields, datacenters: [DataCenterSpec]) throws(PresetError) -> [DataCenterLatency] {
        let path = "dc_latency"
        guard let node = top.optional(path) else { return [] }
        guard !datacenters.isEmpty else {
            throw fail(
                node, path, "dc_latency is given between data centers, but none are declared; declare them in datacenters first")
        }
        let map = try fields(
            node, path,
            expected: "a mapping of data center to its one-way latency to others, such as \(Self.datacenterLatencyExample)")
        let names = datacenters.map(\.name)
        var latencies: [DataCenterLatency] = []
        for row in map.entries {
            let rowPath = Self.join(path, row.key)
            guard names.contains(row.key) else {
                throw unknownName(row, path: rowPath, kind: "data center", allowed: names)
            }
            let others = names.filter { $0 != row.key }
            let rowExpected = "a mapping of data center to latency, such as {\(others.first ?? "other-dc"): 40ms}"
            for entry in try fields(row.value, rowPath, expected: rowExpected).entries {
                let entryPath = Self.join(rowPath, entry.key)
                guard names.contains(entry.key) else {
                    throw unknownName(entry, path: entryPath, kind: "data center", allowed: names)
                }
                guard entry.key != row.key else {
                    let expected = others.isEmpty ? "no other is declared" : "expected one of: " + others.joined(separator: ", ")
                    throw fail(
                        entry.keyOrigin, entryPath,
                        "\(TerminalSafe.quoted(entry.key)) has no latency to itself, only to another data center; \(expected)")
                }
                let latency = try datacenterLatency(entry.value, entryPath)
                latencies.append(DataCenterLatency(from: row.key, to: entry.key, latency: latency))
            }
        }
        return latencies
    }

    /// A one-way latency from 0 to `DataCenterCopy.maxLatency`, the range `add dc` takes.
    private func datacenterLatency(_ node: YAMLValue, _ path: String) throws(PresetError) -> SimTime {
        let wrong = fail(node, path, "expected \(CommandReader.latencyExpected), got \(node.found)")
        guard let text = Self.scalarText(node) else { throw wrong }
        switch DurationParser.read(text) {
        case .success(let latency):
            guard latency <= DataCenterCopy.maxLatency else { throw wrong }
            return latency
        case .failure(let problem):
            // Finer than a nanosecond is worth saying when the rest would do; past ten
            // years (too long for any duration) is simply out of range.
            guard let wholePart = CommandReader.wholePart(ofDuration: text), wholePart <= DataCenterCopy.maxLatency else {
                throw wrong
            }
            throw fail(node, path, problem.message)
        }
    }
}
