import ScaleSim

/// Writes a `SystemSpec` as preset YAML, schema version 1 (see docs/presets.md): the
/// inverse of `PresetDecoder`.
///
/// `PresetDecoder.decode(yaml(spec), file:)` gives back `spec` for every spec the decoder
/// makes. Fields equal to the default the decoder supplies are left out, durations are
/// written exactly (`250ms`, `1.5h`), and a string is written plain only where YAML reads
/// it back as the same text, else double-quoted with escapes.
///
/// Some states that engine commands leave in a spec have no spelling of their own, or
/// none at all; the encoder then writes the same system as the engine runs it:
/// - A CDN edge whose region is `""` (what `add cdn all` gives a workload without regions)
///   is written without `region`, which the decoder reads as `nil`.
/// - Retries with a limit of 0 (`set retries off` sets the backoff to 0, which no preset
///   can say) are left out: no retries.
/// - With data centers, users arrive at the entry of the data center geo-DNS picks, never at
///   `workload.entry` itself, so an entry that is no data center's (`add lb` in front of a
///   data center's entry makes one) is left out and reads back as the first data center's.
/// - A sharded database does not autoscale and runs one server per shard, so its
///   `autoscale` and `servers` are left out.
/// - Fields the schema allows only on some kinds are written only on those kinds, and `on`
///   only on a cache's routes: elsewhere the engine ignores them.
/// - At a cache, reads follow the `on` routes and nothing else does, so an `on` route keeps
///   only `read` of its classes and a route without `on` loses `read`; a route left with
///   no class carries nothing and is not written.
/// - A data center latency is written only between two of the spec's data centers, and
///   only the first time the spec gives its pair: the lookup never reads the others. The
///   pairs are written grouped by the data center they leave, so a spec that gives them in
///   another order reads back in that one, meaning the same.
///
/// Text fields are made acceptable to the decoder: `name` and `description` become one
/// line, and control characters, which no text field takes, become spaces (line breaks and
/// tabs) or are dropped; so does a leading byte order mark, which YAML reading drops; a
/// blank `name` becomes `Untitled`.
public enum PresetEncoder {
    /// `spec` as the text of a preset file.
    public static func yaml(_ spec: SystemSpec) -> String {
        var out = ["version: 1", "name: " + string(title(spec.name))]
        let description = oneLine(spec.description)
        if !description.isEmpty { out.append("description: " + string(description)) }
        let explanation = severalLines(spec.explanation)
        if !explanation.isEmpty { out.append("explanation: " + block(explanation, indent: "  ")) }
        if spec.seed != 1 { out.append("seed: \(spec.seed)") }
        out += [""] + workload(spec.workload, datacenters: spec.datacenters)
        if !spec.datacenters.isEmpty {
            out += ["", "datacenters:"]
            out += spec.datacenters.map { datacenter in
                "  - "
                    + flow([("name", string(datacenter.name, inFlow: true)), ("entry", string(datacenter.entry, inFlow: true))])
            }
        }
        if !spec.latencies.isEmpty { out += ["", "latency:"] + latency(spec.latencies) }
        let betweenDataCenters = datacenterLatency(spec.datacenterLatencies, datacenters: spec.datacenters.map(\.name))
        if !betweenDataCenters.isEmpty { out += ["", "dc_latency:"] + betweenDataCenters }
        if !spec.pricing.isEmpty { out += ["", "pricing:"] + pricing(spec.pricing) }
        out += ["", "nodes:"]
        for (index, node) in spec.nodes.enumerated() {
            if index > 0 { out.append("") }
            out += self.node(node)
        }
        if !spec.script.isEmpty {
            out += ["", "script:"]
            out += spec.script.map { "  - " + string("at \(DurationParser.format($0.at)) \(CommandGrammar.encode($0.command))") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - Workload

    private static func workload(_ workload: WorkloadSpec, datacenters: [DataCenterSpec]) -> [String] {
        let defaults = WorkloadSpec(users: workload.users, ratePerUser: workload.ratePerUser, entry: workload.entry)
        var out = ["workload:", "  users: \(workload.users)", "  rate_per_user: " + number(workload.ratePerUser)]
        if workload.mix != defaults.mix {
            let weights = RequestClass.allCases.compactMap { c in workload.mix[c].map { (c.description, number($0)) } }
            out.append("  mix: " + flow(weights))
        }
        if let trace = workload.keys.trace {
            // The trace decides the keys; its count is set when it is loaded.
            out.append("  keys: " + flow([("trace", string(trace, inFlow: true))]))
        } else if let keys = keySpace(workload.keys, defaults: defaults.keys) {
            out.append("  keys: " + keys)
        }
        if let shape = shape(workload.shape) { out.append("  shape: " + shape) }
        // With data centers the decoder's default entry is the first one's, and users only
        // ever arrive at a data center's entry.
        let entries = datacenters.map(\.entry)
        if entries.isEmpty || (workload.entry != entries[0] && entries.contains(workload.entry)) {
            out.append("  entry: " + string(workload.entry))
        }
        if let limit = workload.requestLimit { out.append("  requests: \(limit)") }
        var dns: [(String, String)] = []
        if workload.dns.ttl != defaults.dns.ttl { dns.append(("ttl", DurationParser.format(workload.dns.ttl))) }
        if workload.dns.resolvers != defaults.dns.resolvers { dns.append(("resolvers", "\(workload.dns.resolvers)")) }
        if !dns.isEmpty { out.append("  dns: " + flow(dns)) }
        let retries = workload.retries
        // Without retries the backoff is never used; `set retries off` leaves it at 0.
        if retries.limit > 0 || (retries.backoff > 0 && retries.backoff != defaults.retries.backoff)
            || retries.budget != nil || retries.jitter != defaults.retries.jitter
        {
            var fields = [("limit", "\(retries.limit)")]
            // A backoff of 0 (after `set retries off`) is no preset's to say.
            if retries.backoff != defaults.retries.backoff && retries.backoff > 0 {
                fields.append(("backoff", DurationParser.format(retries.backoff)))
            }
            if let budget = retries.budget { fields.append(("budget", number(budget))) }
            if retries.jitter != defaults.retries.jitter { fields.append(("jitter", retries.jitter.rawValue)) }
            out.append("  retries: " + flow(fields))
        }
        if let timeout = workload.clientTimeout { out.append("  client_timeout: " + DurationParser.format(timeout)) }
        if !workload.regions.isEmpty {
            out.append("  regions:")
            out += workload.regions.map {
                "    - " + flow([("name", string($0.name, inFlow: true)), ("share", number($0.share))])
            }
        }
        if let assets = keySpace(workload.staticAssets, defaults: defaults.staticAssets) {
            out.append("  static_assets: " + assets)
        }
        let sizes = RequestClass.allCases.compactMap { c -> (String, String)? in
            guard let size = workload.responseKB[c], size != WorkloadSpec.defaultResponseKB[c] else { return nil }
            return (c.description, number(size))
        }
        if !sizes.isEmpty { out.append("  response_kb: " + flow(sizes)) }
        return out
    }

    // MARK: - Pricing

    /// The lines of a `pricing:` section (or a pricing file, unindented): the prices set.
    public static func pricing(_ pricing: PricingSpec, indent: String = "  ") -> [String] {
        var out: [String] = []
        let kinds = NodeKind.allCases.compactMap { kind in pricing.serverHour[kind].map { (kind.rawValue, number($0)) } }
        if !kinds.isEmpty { out.append(indent + "server_hour: " + flow(kinds)) }
        let prices: [(String, Double?)] = [
            ("size_factor", pricing.sizeFactor),
            ("lb_per_million_requests", pricing.lbPerMillionRequests),
            ("queue_per_million_requests", pricing.queuePerMillionRequests),
            ("cdn_per_gb", pricing.cdnPerGB),
            ("cdn_per_10k_requests", pricing.cdnPer10kRequests),
            ("cross_dc_per_gb", pricing.crossDCPerGB),
        ]
        for (key, value) in prices {
            if let value { out.append(indent + key + ": " + number(value)) }
        }
        return out
    }

    /// `{count: N, zipf: S}` with the members that differ from `defaults`; `nil` if none does.
    private static func keySpace(_ keys: KeySpace, defaults: KeySpace) -> String? {
        var fields: [(String, String)] = []
        if keys.count != defaults.count { fields.append(("count", "\(keys.count)")) }
        if keys.zipf != defaults.zipf { fields.append(("zipf", number(keys.zipf))) }
        return fields.isEmpty ? nil : flow(fields)
    }

    private static func shape(_ shape: TrafficShape) -> String? {
        switch shape {
        case .steady:
            return nil
        case .ramp(let from, let over):
            return flow([("ramp", flow([("from", number(from)), ("over", DurationParser.format(over))]))])
        case .spike(let at, let duration, let factor):
            let fields = [
                ("at", DurationParser.format(at)), ("duration", DurationParser.format(duration)), ("factor", number(factor)),
            ]
            return flow([("spike", flow(fields))])
        case .diurnal(let period, let trough):
            return flow([("diurnal", flow([("period", DurationParser.format(period)), ("trough", number(trough))]))])
        }
    }

    /// The latency mapping, region by region in the order the spec first names them.
    private static func latency(_ latencies: [RegionLatency]) -> [String] {
        var regions: [String] = []
        for entry in latencies where !regions.contains(entry.region) { regions.append(entry.region) }
        return regions.map { region in
            let row = latencies.filter { $0.region == region }.map {
                (string($0.dc, inFlow: true), DurationParser.format($0.latency))
            }
            return "  " + string(region) + ": " + flow(row)
        }
    }

    /// The `dc_latency` mapping, by data center in the order the spec first names them: the
    /// pairs between two of `datacenters`, each the first time the spec gives it.
    private static func datacenterLatency(_ latencies: [DataCenterLatency], datacenters: [String]) -> [String] {
        var pairs: [DataCenterLatency] = []
        for entry in latencies
        where entry.from != entry.to && datacenters.contains(entry.from) && datacenters.contains(entry.to)
            && !pairs.contains(where: { $0.from == entry.from && $0.to == entry.to })
        {
            pairs.append(entry)
        }
        var sources: [String] = []
        for entry in pairs where !sources.contains(entry.from) { sources.append(entry.from) }
        return sources.map { source in
            let row = pairs.filter { $0.from == source }.map {
                (string($0.to, inFlow: true), DurationParser.format($0.latency))
            }
            return "  " + string(source) + ": " + flow(row)
        }
    }

    // MARK: - Nodes

    private static func node(_ node: NodeSpec) -> [String] {
        let defaults = NodeSpec(id: node.id, kind: node.kind, service: node.service)
        let takes = { (field: String) in
            SchemaReader.kindFields.first { $0.field == field }?.kinds.contains(node.kind) ?? true
        }
        let sharded = takes("shards") && node.shards > 1
        // A sharded database does not autoscale: the engine skips it.
        let autoscale = sharded ? nil : node.autoscale
        var out = ["  - id: " + string(node.id), "    kind: " + node.kind.rawValue]
        var fields: [(String, String)] = []
        if let dc = node.dc { fields.append(("dc", string(dc))) }
        if takes("region"), let region = node.region, !region.isEmpty { fields.append(("region", string(region))) }
        if takes("replica_of"), let primary = node.replicaOf { fields.append(("replica_of", string(primary))) }
        if !sharded {
            // The decoder starts an autoscaled pool at `min` unless `servers` says otherwise.
            if node.servers != (autoscale?.min ?? defaults.servers) { fields.append(("servers", "\(node.servers)")) }
        }
        if node.workers != defaults.workers { fields.append(("workers", "\(node.workers)")) }
        if node.size != defaults.size { fields.append(("size", "\(node.size)")) }
        if node.maxSize != defaults.maxSize { fields.append(("max_size", "\(node.maxSize)")) }
        fields.append(("service", service(node.service)))
        if takes("apply"), let apply = node.apply { fields.append(("apply", service(apply))) }
        if takes("replication_delay"), node.replicationDelay != defaults.replicationDelay {
            fields.append(("replication_delay", DurationParser.format(node.replicationDelay)))
        }
        if takes("failover"), node.failover != defaults.failover {
            fields.append(("failover", DurationParser.format(node.failover)))
        }
        if node.queueCapacity != defaults.queueCapacity {
            fields.append(("queue", node.queueCapacity.map { "\($0)" } ?? "unbounded"))
        }
        if let timeout = node.timeout { fields.append(("timeout", DurationParser.format(timeout))) }
        if node.policy != defaults.policy { fields.append(("policy", node.policy.rawValue)) }
        if node.healthCheck != defaults.healthCheck { fields.append(("health_check", DurationParser.format(node.healthCheck))) }
        if sharded { fields.append(("shards", "\(node.shards)")) }
        if takes("sessions"), node.sessions != defaults.sessions { fields.append(("sessions", node.sessions.rawValue)) }
        if takes("session_ttl"), node.sessionTTL != defaults.sessionTTL {
            fields.append(("session_ttl", DurationParser.format(node.sessionTTL)))
        }
        if takes("calls"), let callee = node.calls { fields.append(("calls", string(callee))) }
        if takes("cache"), let cache = node.cache { fields.append(("cache", self.cache(cache, at: node.kind))) }
        if let autoscale { fields.append(("autoscale", self.autoscale(autoscale))) }
        if let limit = node.rateLimit { fields.append(("rate_limit", rateLimit(limit))) }
        if let limit = node.concurrencyLimit { fields.append(("concurrency_limit", "\(limit)")) }
        if let deadline = node.queueDeadline { fields.append(("queue_deadline", DurationParser.format(deadline))) }
        out += fields.map { "    \($0.0): \($0.1)" }
        let routes = placingBreakers(node.routes.compactMap { cleaned($0, at: node.kind) }, from: node.routes).map(route)
        if !routes.isEmpty { out += ["    routes:"] + routes.map { "      - " + $0 } }
        return out
    }

    private static func service(_ service: ServiceTime) -> String {
        switch service {
        case .none: "none"
        case .exponential(let mean): flow([("distribution", "exponential"), ("mean", DurationParser.format(mean))])
        case .deterministic(let mean): flow([("distribution", "deterministic"), ("mean", DurationParser.format(mean))])
        case .lognormal(let mean, let cv):
            flow([("distribution", "lognormal"), ("mean", DurationParser.format(mean)), ("cv", number(cv))])
        case .gamma(let mean, let cv):
            flow([("distribution", "gamma"), ("mean", DurationParser.format(mean)), ("cv", number(cv))])
        }
    }

    private static func cache(_ cache: CacheSpec, at kind: NodeKind) -> String {
        let defaults = CacheSpec(entries: cache.entries)
        var fields = [("entries", "\(cache.entries)")]
        if cache.eviction != defaults.eviction { fields.append(("eviction", cache.eviction.rawValue)) }
        if let ttl = cache.ttl { fields.append(("ttl", DurationParser.format(ttl))) }
        // Nothing writes a CDN edge's static assets, so only a cache takes a write policy.
        if kind == .cache, cache.writePolicy != defaults.writePolicy {
            fields.append(("write_policy", cache.writePolicy.rawValue))
        }
        if kind == .cache, cache.coalesce { fields.append(("coalesce", "true")) }
        return flow(fields)
    }

    private static func autoscale(_ policy: AutoscaleSpec) -> String {
        let defaults = AutoscaleSpec()
        var fields = [("target", number(policy.target)), ("min", "\(policy.min)"), ("max", "\(policy.max)")]
        if policy.warmup != defaults.warmup { fields.append(("warmup", DurationParser.format(policy.warmup))) }
        if policy.cooldown != defaults.cooldown { fields.append(("cooldown", DurationParser.format(policy.cooldown))) }
        return flow(fields)
    }

    /// `{rate: R}`, with the burst when it is not the default of one second's worth.
    private static func rateLimit(_ limit: RateLimitSpec) -> String {
        var fields = [("rate", number(limit.rate))]
        if limit.burst != RateLimitSpec(rate: limit.rate).burst { fields.append(("burst", number(limit.burst))) }
        return flow(fields)
    }

    /// `route` as the node of `kind` can write it, or `nil` when it carries no class: a
    /// cache's `on` routes carry reads only and its other routes everything but reads.
    private static func cleaned(_ route: RouteSpec, at kind: NodeKind) -> RouteSpec? {
        var route = route
        if kind != .cache {
            route.outcome = nil
        } else if route.outcome != nil {
            route.classes = route.classes.map { $0.filter { $0 == .read } }
        } else {
            route.classes = route.classes.map { $0.filter { $0 != .read } }
        }
        return route.classes?.isEmpty == true ? nil : route
    }

    private static func route(_ route: RouteSpec) -> String {
        var fields = [("to", string(route.to, inFlow: true))]
        if let classes = route.classes {
            let names = classes.map(\.description)
            fields.append(("class", names.count == 1 ? names[0] : "[" + names.joined(separator: ", ") + "]"))
        }
        if let p = route.probability { fields.append(("p", number(p))) }
        if route.latency != 0 { fields.append(("latency", DurationParser.format(route.latency))) }
        if let outcome = route.outcome { fields.append(("on", outcome.rawValue)) }
        if let breaker = route.breaker { fields.append(("breaker", self.breaker(breaker))) }
        return flow(fields)
    }

    /// `written` with each link's breaker (the first on the node's routes to that target,
    /// the one the engine runs) on the first written route to the target and on no other.
    private static func placingBreakers(_ written: [RouteSpec], from routes: [RouteSpec]) -> [RouteSpec] {
        var placed = Set<String>()
        return written.map { route in
            var route = route
            route.breaker = placed.insert(route.to).inserted ? RouteSpec.breaker(of: routes, to: route.to) : nil
            return route
        }
    }

    /// Every field of a breaker, so a preset shows what it runs.
    private static func breaker(_ breaker: BreakerSpec) -> String {
        flow([
            ("threshold", number(breaker.threshold)), ("window", "\(breaker.window)"),
            ("min_requests", "\(breaker.minRequests)"), ("open_for", DurationParser.format(breaker.openFor)),
            ("probes", "\(breaker.probes)"),
        ])
    }

    // MARK: - Text

    /// A name the decoder takes: one line, not blank.
    private static func title(_ name: String) -> String {
        let line = oneLine(name)
        return line.contains { !$0.isWhitespace } ? line : "Untitled"
    }

    /// `text` on one line: line breaks and tabs become spaces, other control characters go.
    private static func oneLine(_ text: String) -> String {
        sanitized(text, lineBreak: " ")
    }

    /// `text` with its lines kept (any line break becomes `\n`, and trailing ones go, as the
    /// decoder drops them), tabs as spaces and other control characters dropped.
    private static func severalLines(_ text: String) -> String {
        var result = sanitized(text, lineBreak: "\n")
        while result.last == "\n" { result.removeLast() }
        return result
    }

    private static func sanitized(_ text: String, lineBreak: Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            if scalar == byteOrderMark, out.isEmpty { continue }
            guard TerminalSafe.isUnsafe(scalar) else {
                out.append(scalar)
                continue
            }
            switch scalar {
            case "\n" where afterCarriageReturn: continue
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out.append(lineBreak)
            case "\t": out.append(" ")
            default: continue
            }
        }
        return String(out)
    }

    /// `text` as a `|-` block indented by `indent` when it has several lines a block keeps
    /// exactly, else as a one-line scalar.
    private static func block(_ text: String, indent: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A block takes its indentation from its first non-empty line, keeps no escapes,
        // and trailing spaces are fragile in editors.
        guard lines.count > 1, lines.first(where: { !$0.isEmpty })?.first != " ",
            lines.allSatisfy({ $0.last != " " }), !text.unicodeScalars.contains(where: needsEscape)
        else { return string(text) }
        return "|-\n" + lines.map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
    }

    /// `text` as a YAML scalar that reads back as exactly `text`: plain when that is safe,
    /// else double-quoted. `inFlow` is for values inside `{…}` or `[…]`, where `,` ends one.
    private static func string(_ text: String, inFlow: Bool = false) -> String {
        isPlainSafe(text, inFlow: inFlow) ? text : quoted(text)
    }

    /// Words YAML 1.1 reads as null or a boolean, whatever their case.
    private static let reservedWords: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    /// Punctuation a plain scalar may hold after its first character.
    private static let plainPunctuation = Set(" .,;()'/+_-!?&%@=".unicodeScalars)

    /// True when `text` can be written as a plain scalar and read back as the same string:
    /// it starts with a letter (so no indicator, number or date), holds only letters,
    /// digits and harmless punctuation (no `:` or `#`), ends without a space, and is no
    /// word YAML reads as null or a boolean.
    private static func isPlainSafe(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic, text.last != " ",
            !reservedWords.contains(text.lowercased())
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII {
                return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || (plainPunctuation.contains(scalar) && !(inFlow && scalar == ","))
            }
            let category = scalar.properties.generalCategory
            return scalar.properties.isAlphabetic && category != .format || category == .decimalNumber
        }
    }

    /// `text` in double quotes, with `"` and `\` escaped, and every character YAML does not
    /// print or a terminal would act on written as an escape.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{1B}": out += "\\e"
            case _ where needsEscape(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out +=
                    scalar.value <= 0xFF
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Read as a byte order mark, and dropped, at the start of any scalar.
    private static let byteOrderMark: Unicode.Scalar = "\u{FEFF}"

    /// Characters written only as escapes: those a terminal acts on, and those YAML does
    /// not allow in a document (byte order mark, noncharacters).
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        TerminalSafe.isUnsafe(scalar) && scalar != "\n" || [byteOrderMark.value, 0xFFFE, 0xFFFF].contains(scalar.value)
    }

    private static func number(_ value: Double) -> String { CommandGrammar.number(value) }

    /// `{key: value, …}`.
    private static func flow(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
