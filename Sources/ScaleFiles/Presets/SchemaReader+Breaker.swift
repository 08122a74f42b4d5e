import ScaleSim

/// Reading a route's circuit breaker (docs/presets.md, Circuit breakers).
extension SchemaReader {
    static let breakerFields = ["threshold", "window", "min_requests", "open_for", "probes"]
    static let breakerExpected = "a mapping with threshold, window, min_requests, open_for and probes (each optional)"

    /// A breaker: each field checked against the limits of `BreakerSpec`, as the live
    /// command's are; a field left out takes the standard breaker's value.
    func breaker(_ node: YAMLValue, _ path: String) throws(PresetError) -> BreakerSpec {
        let map = try fields(node, path, expected: Self.breakerExpected)
        try checkKeys(map, Self.breakerFields)
        var breaker = BreakerSpec.standard
        if let node = map.optional("threshold") {
            breaker.threshold = try number(node, path + ".threshold", expected: BreakerSpec.thresholdExpected) {
                BreakerSpec.allows(threshold: $0)
            }
        }
        if let node = map.optional("window") {
            breaker.window = try integer(
                node, path + ".window", in: 1...BreakerSpec.maxWindow, expected: BreakerSpec.windowExpected)
        }
        let minimumNode = map.optional("min_requests")
        if let minimumNode {
            breaker.minRequests = try integer(
                minimumNode, path + ".min_requests", in: 1...BreakerSpec.maxWindow,
                expected: BreakerSpec.minRequestsExpected)
        }
        guard BreakerSpec.allows(minRequests: breaker.minRequests, window: breaker.window) else {
            let site = minimumNode ?? map.optional("window") ?? node
            throw fail(
                site, path + (minimumNode == nil ? ".window" : ".min_requests"),
                "expected min_requests (\(breaker.minRequests)) at most the window (\(breaker.window)): "
                    + "the window must be able to hold the minimum")
        }
        if let node = map.optional("open_for") {
            breaker.openFor = try duration(node, path + ".open_for", allowZero: false)
        }
        if let node = map.optional("probes") {
            breaker.probes = try integer(
                node, path + ".probes", in: 1...BreakerSpec.maxProbes, expected: BreakerSpec.probesExpected)
        }
        return breaker
    }

    /// One breaker guards all of a node's routes to one target: a second route to the same
    /// target carrying one is an error.
    func checkOneBreakerPerLink(_ routes: [RouteSpec], _ sites: [RouteSite]) throws(PresetError) {
        var guarded = Set<String>()
        for (route, site) in zip(routes, sites) where route.breaker != nil {
            guard guarded.insert(route.to).inserted else {
                throw fail(
                    site.origin, site.path + ".breaker",
                    "a second breaker on the link to \(TerminalSafe.quoted(route.to)): one breaker guards all of a node's "
                        + "routes to one target, so give it on one of them")
            }
        }
    }
}
