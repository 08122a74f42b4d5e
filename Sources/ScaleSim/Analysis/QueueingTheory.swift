import Foundation

/// Closed-form results of queueing theory, used to check the engine and in benchmarks.
public enum QueueingTheory {
    /// Erlang C: the probability that an arrival waits at an M/M/c queue with offered load
    /// `a` = λ/μ; requires a < c.
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        precondition(a < Double(c), "unstable queue")
        // Summing a^k/k! incrementally avoids factorial overflow.
        var term = 1.0
        var sum = 0.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        let top = term * a / Double(c) / (1 - a / Double(c))
        return top / (sum + top)
    }

    /// Erlang B: the probability that an arrival finds all `c` servers busy at an M/M/c/c
    /// loss system with offered load `a` = λ/μ, by the stable recurrence
    /// B(k) = a·B(k-1) / (k + a·B(k-1)), B(0) = 1.
    public static func erlangB(servers c: Int, offeredLoad a: Double) -> Double {
        var b = 1.0
        for k in stride(from: 1, through: c, by: 1) { b = a * b / (Double(k) + a * b) }
        return b
    }

    /// Mean response time (wait plus service) of an M/M/c queue, in seconds.
    public static func mmcResponse(arrivalRate lambda: Double, serviceRate mu: Double, servers c: Int) -> Double {
        let wait = erlangC(servers: c, offeredLoad: lambda / mu) / (Double(c) * mu - lambda)
        return wait + 1 / mu
    }

    /// The expected end-to-end response time of a spec read as an open Jackson network, in
    /// seconds, or nil when the spec is not one (non-exponential service, a non-random
    /// balancing policy, finite queues, timeouts, a shaped workload) or is unstable.
    ///
    /// Each pool of s servers with random balancing is s independent M/M/c queues fed λ/s;
    /// link latencies add once per traversal; pass-through nodes add nothing.
    public static func jacksonResponse(_ spec: SystemSpec) -> Double? {
        let ids = spec.nodes.map(\.id)
        guard spec.workload.shape == .steady, let entry = ids.firstIndex(of: spec.workload.entry) else { return nil }
        let mix = spec.workload.mix.filter { $0.value > 0 }
        let totalWeight = mix.values.reduce(0, +)
        guard totalWeight > 0 else { return nil }
        let gamma = spec.workload.baseRate
        var lambda = [Double](repeating: 0, count: ids.count)
        var latencyTime = 0.0

        for (requestClass, weight) in mix {
            // Visit rates of this class: v = e + vP, solved by Gauss-Seidel sweeps.
            let routes = spec.nodes.map { node -> [(Int, Double, Double)] in
                let named = node.routes.filter { $0.classes?.contains(requestClass) == true }
                let applicable = named.isEmpty ? node.routes.filter { $0.classes == nil } : named
                return applicable.compactMap { route in
                    ids.firstIndex(of: route.to).map { ($0, route.probability ?? 1, Nanos.seconds(route.latency)) }
                }
            }
            var visits = [Double](repeating: 0, count: ids.count)
            for _ in 0..<10_000 {
                var next = [Double](repeating: 0, count: ids.count)
                next[entry] = 1
                for (from, out) in routes.enumerated() {
                    for (to, p, _) in out { next[to] += visits[from] * p }
                }
                let change = zip(next, visits).map { abs($0 - $1) }.max() ?? 0
                visits = next
                if change < 1e-13 { break }
            }
            let share = weight / totalWeight
            for n in ids.indices {
                lambda[n] += gamma * share * visits[n]
                for (_, p, latency) in routes[n] { latencyTime += share * visits[n] * p * latency }
            }
        }

        var occupancy = 0.0  // Little's law: total mean number in system
        for (n, node) in spec.nodes.enumerated() where lambda[n] > 0 {
            if case .none = node.service { continue }
            guard case .exponential(let mean) = node.service, node.queueCapacity == nil,
                node.timeout == nil
            else { return nil }
            if node.servers > 1 {
                // Clients reach an entry pool at random; other senders must balance at random.
                let feeders = spec.nodes.filter { $0.routes.contains { $0.to == node.id } }
                guard feeders.allSatisfy({ $0.policy == .random }) else { return nil }
            }
            let mu = 1 / Nanos.seconds(mean)
            let perServer = lambda[n] / Double(node.servers)
            guard perServer < mu * Double(node.workers) else { return nil }
            occupancy += lambda[n] * mmcResponse(arrivalRate: perServer, serviceRate: mu, servers: node.workers)
        }
        return occupancy / gamma + latencyTime
    }
}
