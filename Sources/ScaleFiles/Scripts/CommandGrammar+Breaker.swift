import ScaleSim

/// The `breaker` command (docs/scripts.md, Circuit breakers).
extension CommandGrammar {
    static let breakerForm = Form(
        "breaker FROM TO on|off|THRESHOLD WINDOW MIN_REQUESTS OPEN_FOR PROBES",
        "a circuit breaker on FROM's calls to TO: on puts the standard one (0.5 20 10 5s 3), off takes it away; it opens when the share of failures among the last WINDOW calls (once MIN_REQUESTS) reaches THRESHOLD, fails calls at once for OPEN_FOR, then lets PROBES through"
    ) { r throws(CommandSyntaxError) in
        let from = try r.node()
        let to = try r.node()
        switch r.peek()?.text {
        case "on":
            r.skip()
            return .setBreaker(from: from, to: to, breaker: .standard)
        case "off":
            r.skip()
            return .setBreaker(from: from, to: to, breaker: nil)
        default:
            let threshold = try r.number("on, off, or a failure rate above 0 and at most 1, such as 0.5") {
                BreakerSpec.allows(threshold: $0)
            }
            let window = try r.integer(BreakerSpec.windowExpected, in: 1...BreakerSpec.maxWindow)
            let minimum = try r.integer("a minimum of 1 to the window (\(window)) requests", in: 1...window)
            let openFor = try r.duration(allowZero: false)
            let probes = try r.integer(BreakerSpec.probesExpected, in: 1...BreakerSpec.maxProbes)
            return .setBreaker(
                from: from, to: to,
                breaker: BreakerSpec(threshold: threshold, window: window, minRequests: minimum, openFor: openFor, probes: probes)
            )
        }
    }

    /// `on`, `off`, or the five settings, as `breakerForm` reads them.
    static func breakerSettings(_ breaker: BreakerSpec?) -> String {
        guard let breaker else { return "off" }
        if breaker == .standard { return "on" }
        return
            "\(number(breaker.threshold)) \(breaker.window) \(breaker.minRequests) \(DurationParser.format(breaker.openFor)) \(breaker.probes)"
    }
}
