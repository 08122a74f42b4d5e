import ScaleSim

/// Small specs for engine tests.
enum TestNetworks {
    /// One M/M/c station: Poisson arrivals at `rho × c / mean`, exponential service.
    static func mmc(rho: Double, workers: Int, mean: SimTime = Nanos.perMillisecond) -> SystemSpec {
        let rate = rho * Double(workers) / Nanos.seconds(mean)
        return SystemSpec(
            name: "M/M/\(workers) at \(rho)",
            workload: WorkloadSpec(users: 1000, ratePerUser: rate / 1000, entry: "q"),
            nodes: [NodeSpec(id: "q", kind: .station, workers: workers, service: .exponential(mean: mean), queueCapacity: nil)]
        )
    }

    /// The reference network of docs/benchmark.md with random routing.
    static var reference: SystemSpec {
        SystemSpec(
            name: "Reference network",
            workload: WorkloadSpec(users: 10_000, ratePerUser: 0.1, entry: "lb"),
            nodes: [
                NodeSpec(id: "lb", kind: .lb, service: .none, policy: .random, routes: [RouteSpec(to: "app")]),
                NodeSpec(
                    id: "app", kind: .app, servers: 4, service: .exponential(mean: 2_800_000), queueCapacity: nil,
                    routes: [RouteSpec(to: "cache", probability: 0.8), RouteSpec(to: "db", probability: 0.2)]
                ),
                NodeSpec(id: "cache", kind: .station, service: .exponential(mean: 875_000), queueCapacity: nil),
                NodeSpec(id: "db", kind: .db, workers: 4, service: .exponential(mean: 14_000_000), queueCapacity: nil),
            ]
        )
    }

    /// A Jackson network with a probabilistic split and a feedback loop:
    /// front → (0.6) pool of 2 servers × 1 worker, (0.4) db of 3 workers; db → front with
    /// probability 0.25 (feedback), else out; pool → out.
    static var feedback: SystemSpec {
        SystemSpec(
            name: "Jackson with feedback",
            workload: WorkloadSpec(users: 1000, ratePerUser: 0.3, entry: "front"),
            nodes: [
                NodeSpec(
                    id: "front", kind: .app, workers: 1, service: .exponential(mean: 2_000_000), queueCapacity: nil,
                    routes: [RouteSpec(to: "pool", probability: 0.6), RouteSpec(to: "db", probability: 0.4, latency: 500_000)]
                ),
                NodeSpec(id: "pool", kind: .app, servers: 2, service: .exponential(mean: 5_000_000), queueCapacity: nil),
                NodeSpec(
                    id: "db", kind: .db, workers: 3, service: .exponential(mean: 15_000_000), queueCapacity: nil,
                    routes: [RouteSpec(to: "front", probability: 0.25)]
                ),
            ]
        )
    }
}
