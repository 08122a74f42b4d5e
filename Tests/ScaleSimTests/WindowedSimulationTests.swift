import Testing

@testable import ScaleSim

/// One station of a ring of partitions: its own Poisson jobs are served here, cross to the
/// next partition after `delay`, are served there and end. An open Kelly network: every
/// station is an M/M/1 queue fed at twice the birth rate, so a job's mean time from birth
/// to end is 2 / (μ − 2λ) + delay.
private struct RingStation: SimulationPartition {
    /// A job crossing over: when it was born.
    typealias Payload = SimTime

    private struct Job {
        var born: SimTime
        var isVisitor: Bool
    }

    private enum Target {
        static let arrival: Int32 = -1
        static let completion: Int32 = -2
    }

    let index: Int
    let stations: Int
    let birthMean: ServiceSampler
    let serviceMean: ServiceSampler
    let delay: SimTime
    private var births: Xoshiro256StarStar
    private var service: Xoshiro256StarStar
    private var events = EventQueue()
    private var now: SimTime = 0
    private var waiting: [Job] = []
    private var waitingHead = 0
    private var inService: Job?
    /// Jobs received and not yet arrived, by event target.
    private var crossing: [SimTime] = []
    private var freeCrossing: [Int32] = []

    private(set) var ended = 0
    private(set) var sojournTotal: SimTime = 0
    /// A hash of every job's end and birth, in order: equal only for equal runs.
    private(set) var digest: UInt64 = 0
    /// How far ahead of this partition's clock messages arrived: the least and the most.
    private(set) var leadTimes: ClosedRange<SimTime>?

    init(index: Int, of stations: Int, seed: UInt64, birthRate: Double, serviceRate: Double, delay: SimTime) {
        self.index = index
        self.stations = stations
        self.delay = delay
        birthMean = ServiceSampler(.exponential(mean: Nanos.from(seconds: 1 / birthRate)))
        serviceMean = ServiceSampler(.exponential(mean: Nanos.from(seconds: 1 / serviceRate)))
        births = Xoshiro256StarStar(seed: seed, purpose: .arrivals, index: UInt64(index))
        service = Xoshiro256StarStar(seed: seed, purpose: .service, index: UInt64(index))
        events.schedule(Target.arrival, at: birthMean.sample(&births))
    }

    mutating func run(through end: SimTime, outbox: inout Outbox<SimTime>) {
        while let t = events.nextTime, t <= end {
            let event = events.pop()!
            now = t
            switch event.target {
            case Target.arrival:
                join(Job(born: now, isVisitor: false))
                events.schedule(Target.arrival, at: now + birthMean.sample(&births))
            case Target.completion:
                let job = inService!
                inService = nil
                if job.isVisitor {
                    ended += 1
                    sojournTotal += now - job.born
                    digest = SplitMix64.mix(digest ^ UInt64(now) ^ UInt64(job.born) << 32)
                } else {
                    outbox.send(job.born, to: (index + 1) % stations, at: now + delay)
                }
                if waitingHead < waiting.count {
                    start(waiting[waitingHead])
                    waitingHead += 1
                    if waitingHead > 4096 {
                        waiting.removeFirst(waitingHead)
                        waitingHead = 0
                    }
                }
            default:
                let slot = Int(event.target)
                join(Job(born: crossing[slot], isVisitor: true))
                freeCrossing.append(event.target)
            }
        }
        now = max(now, end)
    }

    mutating func receive(_ messages: [PartitionMessage<SimTime>]) {
        for message in messages { receive(message) }
    }

    private mutating func receive(_ message: PartitionMessage<SimTime>) {
        let lead = message.time - now
        leadTimes = min(leadTimes?.lowerBound ?? lead, lead)...max(leadTimes?.upperBound ?? lead, lead)
        let slot: Int32
        if let free = freeCrossing.popLast() {
            slot = free
            crossing[Int(slot)] = message.payload
        } else {
            slot = Int32(crossing.count)
            crossing.append(message.payload)
        }
        events.schedule(slot, at: message.time)
    }

    private mutating func join(_ job: Job) {
        if inService == nil { start(job) } else { waiting.append(job) }
    }

    private mutating func start(_ job: Job) {
        inService = job
        events.schedule(Target.completion, at: now + serviceMean.sample(&service))
    }
}

private func ring(
    stations: Int, seed: UInt64 = 7, birthRate: Double = 300, serviceRate: Double = 1000,
    delay: SimTime = 10 * Nanos.perMillisecond, lookahead: SimTime? = nil, threads: Int
) -> WindowedSimulation<RingStation> {
    WindowedSimulation(
        partitions: (0..<stations).map {
            RingStation(
                index: $0, of: stations, seed: seed, birthRate: birthRate, serviceRate: serviceRate, delay: delay)
        },
        lookahead: lookahead ?? delay, threads: threads)
}

@Suite("Windows and messages between partitions")
struct WindowedSimulationTests {
    @Test("Every partition's run is the same bit for bit on 1, 2, 4 or 8 threads")
    func threadsDoNotChangeResults() {
        func outcome(threads: Int) -> [[UInt64]] {
            let simulation = ring(stations: 5, threads: threads)
            simulation.run(through: 20 * Nanos.perSecond)
            return simulation.partitions.map { [UInt64($0.ended), UInt64($0.sojournTotal), $0.digest] }
        }
        let single = outcome(threads: 1)
        #expect(single.allSatisfy { $0[0] > 5000 })
        for threads in [2, 4, 8] { #expect(outcome(threads: threads) == single, "\(threads) threads") }
    }

    @Test("Stopping anywhere, inside windows too, changes nothing: barriers stay on their grid")
    func barriersDoNotChangeResults() {
        let straight = ring(stations: 3, threads: 2)
        straight.run(through: 10 * Nanos.perSecond)
        let stopping = ring(stations: 3, threads: 2)
        // Whole seconds, and times that cut windows short, as ticks and commands do.
        for t in stride(from: SimTime(0), through: 10 * Nanos.perSecond, by: Int(333 * Nanos.perMillisecond + 17)) {
            stopping.run(through: t)
        }
        stopping.run(through: 10 * Nanos.perSecond)
        #expect(stopping.simulatedThrough == straight.simulatedThrough)
        #expect(stopping.windowsRun == straight.windowsRun)
        #expect(stopping.messagesSent == straight.messagesSent)
        #expect(stopping.partitions.map(\.digest) == straight.partitions.map(\.digest))
        #expect(stopping.partitions.map(\.ended) == straight.partitions.map(\.ended))
    }

    @Test("Aligned windows also end a nanosecond before each whole second")
    func alignedWindowsEndBeforeEachSecond() {
        let ms = Nanos.perMillisecond
        let simulation = WindowedSimulation(
            partitions: (0..<2).map {
                RingStation(index: $0, of: 2, seed: 3, birthRate: 300, serviceRate: 1000, delay: 300 * ms)
            },
            lookahead: 300 * ms, threads: 2, alignment: Nanos.perSecond)
        #expect(simulation.nextBarrier == 300 * ms - 1)
        // Barriers in each second: 0.3 s, 0.6 s and 0.9 s after the last, and 1 ns before the next.
        simulation.run(through: 2 * Nanos.perSecond - 1)
        #expect(simulation.windowsRun == 8)
        #expect(simulation.nextBarrier == 2 * Nanos.perSecond + 300 * ms - 1)
        // A stop inside a window runs the partitions there and leaves the barrier where it was.
        simulation.run(through: 2 * Nanos.perSecond + 50 * ms)
        #expect(simulation.simulatedThrough == 2 * Nanos.perSecond + 50 * ms)
        #expect(simulation.windowsRun == 8)
        #expect(simulation.nextBarrier == 2 * Nanos.perSecond + 300 * ms - 1)
    }

    @Test("Jobs crossing partitions take the time a Kelly network gives")
    func agreesWithQueueingTheory() {
        let (birthRate, serviceRate, delay) = (300.0, 1000.0, 10 * Nanos.perMillisecond)
        let simulation = ring(
            stations: 4, birthRate: birthRate, serviceRate: serviceRate, delay: delay, threads: 2)
        simulation.run(through: 120 * Nanos.perSecond)
        let ended = simulation.partitions.reduce(0) { $0 + $1.ended }
        let total = simulation.partitions.reduce(SimTime(0)) { $0 + $1.sojournTotal }
        let mean = Nanos.seconds(total) / Double(ended)
        let theory = 2 / (serviceRate - 2 * birthRate) + Nanos.seconds(delay)
        // 4 × 300 jobs/s for 120 s: the mean of 144,000 sojourns is within 2% at many sigmas.
        #expect(abs(mean - theory) / theory < 0.02, "mean \(mean) s, theory \(theory) s")
        #expect(abs(Double(ended) - 4 * birthRate * 120) / (4 * birthRate * 120) < 0.02)
    }

    @Test("Messages arrive ahead of their target's clock, and windows are at most the lookahead")
    func windowsAreBoundedByTheLookahead() {
        let delay = 10 * Nanos.perMillisecond
        for lookahead in [delay, 4 * Nanos.perMillisecond] {
            let simulation = ring(stations: 2, delay: delay, lookahead: lookahead, threads: 2)
            simulation.run(through: 2 * Nanos.perSecond - 1)
            #expect(simulation.windowsRun == Int(2 * Nanos.perSecond / lookahead))
            #expect(simulation.messagesSent > 1000)
            for station in simulation.partitions {
                // Received at the end of the window it was sent in: never in the target's past,
                // never more than the delay ahead.
                let leads = station.leadTimes!
                #expect(leads.lowerBound > 0 && leads.upperBound <= delay, "\(leads)")
            }
        }
    }

    @Test("A message taking effect inside a window already run stops the run")
    func aLookaheadLongerThanADelayIsCaught() async {
        await #expect(processExitsWith: .failure) {
            let simulation = ring(
                stations: 2, delay: Nanos.perMillisecond, lookahead: 5 * Nanos.perMillisecond, threads: 1)
            simulation.run(through: Nanos.perSecond)
        }
    }

    @Test("More partitions than threads: the busiest go first, each to the least loaded worker")
    func partitionsAreDealtOutByTheirWork() {
        let ms = { (n: Int) in Duration.milliseconds(n) }
        // global's shares: us-east 40, eu-west 30, ap-south 20, sa-east 10.
        #expect(WindowedSimulation<RingStation>.balanced([ms(40), ms(30), ms(20), ms(10)], threads: 2) == [[0, 3], [1, 2]])
        #expect(WindowedSimulation<RingStation>.balanced([ms(10), ms(10), ms(80)], threads: 2) == [[2], [0, 1]])
        #expect(WindowedSimulation<RingStation>.balanced([ms(5), ms(5), ms(5), ms(5)], threads: 3) == [[0, 3], [1], [2]])
        // Before any time is measured, in turn.
        #expect(WindowedSimulation<RingStation>.balanced(Array(repeating: .zero, count: 5), threads: 2) == [[0, 2, 4], [1, 3]])
    }
}
