import ScaleSim

/// Reading prices (a preset's `pricing:` section, the user's pricing file) and response
/// sizes (`workload.response_kb`); docs/cost.md.
extension SchemaReader {
    static let pricingFields = [
        "server_hour", "size_factor", "lb_per_million_requests", "queue_per_million_requests", "cdn_per_gb",
        "cdn_per_10k_requests", "cross_dc_per_gb",
    ]
    static let kindNames = NodeKind.allCases.map(\.rawValue)
    /// The highest price accepted: far above any real one, low enough that no cost overflows.
    static let maxPrice = 1_000_000.0
    static let priceExpected = "a price from 0 to 1,000,000"
    /// The largest response accepted, in kilobytes: a terabyte.
    static let maxResponseKB = 1_000_000_000.0

    /// The prices `node` sets, at `path` (`pricing`, or empty for a pricing file's top).
    func pricing(_ node: YAMLValue, _ path: String) throws(PresetError) -> PricingSpec {
        let map = try fields(node, path, expected: "a mapping of prices such as {server_hour: {app: 0.1}}")
        try checkKeys(map, Self.pricingFields)
        var spec = PricingSpec()
        if let node = map.optional("server_hour") {
            let hourPath = Self.join(path, "server_hour")
            let kinds = try fields(node, hourPath, expected: "a mapping of node kind to price per hour, such as {app: 0.1}")
            for entry in kinds.entries {
                guard let kind = NodeKind(rawValue: entry.key) else {
                    throw unknownName(entry, path: Self.join(hourPath, entry.key), kind: "node kind", allowed: Self.kindNames)
                }
                spec.serverHour[kind] = try price(entry.value, Self.join(hourPath, entry.key))
            }
        }
        if let node = map.optional("size_factor") {
            spec.sizeFactor = try number(
                node, Self.join(path, "size_factor"), expected: "a number greater than 0 and at most 16"
            ) { $0 > 0 && $0 <= 16 }
        }
        let prices: [(String, WritableKeyPath<PricingSpec, Double?>)] = [
            ("lb_per_million_requests", \.lbPerMillionRequests),
            ("queue_per_million_requests", \.queuePerMillionRequests),
            ("cdn_per_gb", \.cdnPerGB),
            ("cdn_per_10k_requests", \.cdnPer10kRequests),
            ("cross_dc_per_gb", \.crossDCPerGB),
        ]
        for (key, field) in prices {
            if let node = map.optional(key) { spec[keyPath: field] = try price(node, Self.join(path, key)) }
        }
        return spec
    }

    private func price(_ node: YAMLValue, _ path: String) throws(PresetError) -> Double {
        try number(node, path, expected: Self.priceExpected) { (0...Self.maxPrice).contains($0) }
    }

    /// Each request class's response size in kilobytes, the defaults for classes left out.
    func responseKB(_ node: YAMLValue, _ path: String) throws(PresetError) -> [RequestClass: Double] {
        let map = try fields(node, path, expected: "a mapping of request class to kilobytes, such as {static: 200, read: 4}")
        var sizes = WorkloadSpec.defaultResponseKB
        for entry in map.entries {
            guard let requestClass = RequestClass(name: entry.key) else {
                throw unknownName(entry, path: Self.join(path, entry.key), kind: "request class", allowed: Self.classNames)
            }
            sizes[requestClass] = try number(
                entry.value, Self.join(path, entry.key), expected: "kilobytes from 0 to 1,000,000,000"
            ) { (0...Self.maxResponseKB).contains($0) }
        }
        return sizes
    }
}
