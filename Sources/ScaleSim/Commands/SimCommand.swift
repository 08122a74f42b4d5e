/// A change to a running simulation, from the user, a script, the dashboard or a replay.
///
/// Each case has one spelling in the script grammar (ScaleFiles' `CommandGrammar`), given
/// beside it; the dashboard's keys issue these same commands.
public enum SimCommand: Sendable, Hashable, Codable {
    // MARK: Workload

    /// `set users N`: concurrent users; the arrival rate follows at once.
    case setUsers(Int)
    /// `set rate R`: requests per user per second.
    case setRatePerUser(Double)
    /// `set retries N BACKOFF` / `set retries off`: clients retry failed or timed-out
    /// requests up to N times, waiting BACKOFF, then twice that, and so on.
    case setRetries(limit: Int, backoff: SimTime)
    /// `set retry-policy BUDGET JITTER`: retries may add at most BUDGET (0 to 1, or `none`)
    /// of the first attempts, waiting with JITTER (`none`, `full`, `decorrelated`, `half`).
    case setRetryPolicy(budget: Double?, jitter: RetryJitter)

    // MARK: Pools

    /// `set servers NODE N`: grows or shrinks a pool to N servers.
    case setServers(node: String, count: Int)
    /// `add server NODE [N]`: adds N servers (default 1).
    case addServers(node: String, count: Int)
    /// `remove server NODE [N]`: removes the N newest servers (default 1).
    case removeServers(node: String, count: Int)
    /// `set workers NODE N`: workers per server.
    case setWorkers(node: String, count: Int)
    /// `set size NODE N`: instance size on the vertical ladder (0 is the smallest).
    case setSize(node: String, size: Int)
    /// `scale up NODE` / `scale down NODE`: one step up or down the ladder.
    case resize(node: String, steps: Int)
    /// `set policy NODE POLICY`: how NODE balances over the pool it forwards to.
    case setPolicy(node: String, policy: BalancePolicy)
    /// `set health-check NODE D`: NODE notices a dead server of the pool it balances over
    /// D after it dies (and a server back up D after it returns).
    case setHealthCheck(node: String, interval: SimTime)
    /// `add lb POOL`: puts a load balancer in front of a pool that has none.
    case addLoadBalancer(pool: String)
    /// `autoscale POOL TARGET MIN MAX [WARMUP [COOLDOWN]]` / `autoscale POOL off`.
    case setAutoscale(node: String, policy: AutoscaleSpec?)
    /// `set sessions POOL sticky|none`: sessions in each server's memory, or not modelled.
    case setSessions(node: String, mode: SessionMode)
    /// `add session-store POOL`: moves POOL's sessions into a shared store it calls on every
    /// request, so losing a server loses no session.
    case addSessionStore(pool: String)
    /// `set rate-limit NODE RATE [BURST]`: a token bucket admits at most RATE requests per
    /// second to NODE, in bursts of up to BURST (default one second's worth).
    case setRateLimit(node: String, rate: Double, burst: Double?)
    /// `remove rate-limit NODE`.
    case removeRateLimit(node: String)
    /// `set concurrency-limit NODE N` / `... off`: each server of NODE holds at most N
    /// requests (in service plus queued) and rejects one more at once.
    case setConcurrencyLimit(node: String, limit: Int?)
    /// `set queue-deadline NODE D` / `... off`: a request that waited longer than D in a
    /// queue of NODE is dropped instead of served.
    case setQueueDeadline(node: String, deadline: SimTime?)
    /// `breaker FROM TO on|off|THRESHOLD WINDOW MIN_REQUESTS OPEN_FOR PROBES`: puts a
    /// circuit breaker on FROM's calls to TO (`on`: the standard one), or takes it away.
    case setBreaker(from: String, to: String, breaker: BreakerSpec?)

    // MARK: Data tier

    /// `add replica DB [N]`: adds N read replicas (default 1) to DB's replica pool, creating
    /// the pool and sending reads to it if DB has none.
    case addReplicas(primary: String, count: Int)
    /// `remove replica DB [N]`: removes N replicas (default 1).
    case removeReplicas(primary: String, count: Int)
    /// `set shards DB N`: splits DB into N shards by key hash.
    case setShards(node: String, count: Int)

    // MARK: Caches

    /// `add cache NODE [ENTRIES]`: puts a key-level cache in front of NODE for reads.
    case addCache(front: String, entries: Int)
    /// `set capacity CACHE N`: entries the cache holds.
    case setCacheCapacity(node: String, entries: Int)
    /// `set eviction CACHE lru|lfu|fifo`.
    case setEviction(node: String, policy: EvictionPolicy)
    /// `set ttl CACHE D` / `set ttl CACHE none`.
    case setTTL(node: String, ttl: SimTime?)
    /// `set write-policy CACHE invalidate|write_through|ttl_only`.
    case setWritePolicy(node: String, policy: WritePolicy)
    /// `set coalesce CACHE on|off`: request coalescing at a cache.
    case setCoalescing(node: String, on: Bool)
    /// `flush CACHE`: empties the cache at once.
    case flush(node: String)

    // MARK: Failures

    /// `kill NODE [SERVER]`: the whole node, or one server (0-based) of its pool, goes down.
    case kill(node: String, server: Int?)
    /// `restore NODE [SERVER]`.
    case restore(node: String, server: Int?)
    /// `slow NODE FACTOR`: service takes FACTOR times longer (1 restores).
    case slow(node: String, factor: Double)
    /// `kill dc DC`: every node of data center DC goes down; geo-DNS moves its users.
    case killDataCenter(String)
    /// `restore dc DC`.
    case restoreDataCenter(String)
    /// `partition DC1 DC2`: the network link between two data centers is cut; requests
    /// routed across it fail after the connect timeout, writes shipped across it wait.
    case partition(String, String)
    /// `heal DC1 DC2`: the cut link works again; what waited crosses, in order.
    case heal(String, String)

    // MARK: Edges

    /// `add cdn REGION [ENTRIES]`: a CDN edge serving REGION's static requests.
    case addCDN(region: String, entries: Int)

    // MARK: Components, added and taken away (docs/scripts.md, Components)

    /// `add db NODE`: moves NODE's database onto a server of its own; NODE's reads and
    /// writes go on to it.
    case addDatabase(node: String)
    /// `remove db DB`: DB's work goes back into the nodes that send it reads and writes.
    case removeDatabase(String)
    /// `add queue NODE CLASS [WORKERS]`: a message queue behind NODE for CLASS; NODE answers
    /// once the job is queued, and the queue's consumers do the work NODE's route for CLASS
    /// led to.
    case addQueue(node: String, requestClass: RequestClass, workers: Int)
    /// `remove queue QUEUE`: its producers send CLASS where the queue's consumers did.
    case removeQueue(String)
    /// `add dc NAME like DC near REGION LATENCY [REGION LATENCY]...`: a copy of data center
    /// DC's nodes, reached by geo-DNS.
    case addDataCenter(DataCenterCopy)
    /// `remove dc DC`: data center DC and its nodes go; geo-DNS sends its users elsewhere.
    case removeDataCenter(String)
    /// `remove lb LB`: the pool behind LB is reached directly again.
    case removeLoadBalancer(String)
    /// `remove cache CACHE`: reads go to what the cache's misses went to.
    case removeCache(String)
    /// `remove cdn REGION`: REGION's static requests go to the data center again.
    case removeCDN(region: String)
    /// `remove session-store STORE`: the pools that called it keep sessions in server
    /// memory (sticky) again.
    case removeSessionStore(String)
}

/// What `add dc` copies and where the copy is (docs/scripts.md, Components).
public struct DataCenterCopy: Sendable, Hashable, Codable {
    /// The new data center's name.
    public var name: String
    /// The data center whose nodes are copied.
    public var model: String
    /// The user region the new data center is near.
    public var region: String
    /// One-way latency from `region`'s users to the new data center.
    public var latency: SimTime
    /// Latencies given for other regions; the others are derived.
    public var otherLatencies: [RegionDistance]

    public init(name: String, model: String, region: String, latency: SimTime, otherLatencies: [RegionDistance] = []) {
        self.name = name
        self.model = model
        self.region = region
        self.latency = latency
        self.otherLatencies = otherLatencies
    }

    /// The longest one-way latency a command may give: further than any two places on
    /// Earth, even by geostationary satellite.
    public static let maxLatency: SimTime = 10 * Nanos.perSecond
}

/// A user region and its one-way latency to a data center.
public struct RegionDistance: Sendable, Hashable, Codable {
    public var region: String
    public var latency: SimTime

    public init(region: String, latency: SimTime) {
        self.region = region
        self.latency = latency
    }
}

/// What the engine made of a command.
public enum CommandResult: Sendable, Hashable {
    case applied
    /// Well formed but not possible now; the reason says why.
    case refused(String)
}
