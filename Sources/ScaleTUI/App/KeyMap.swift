/// What a key asks the dashboard to do.
public enum KeyAction: Sendable, Hashable {
    case quit
    case toggleHelp
    case toggleExplanation
    case togglePause
    case doubleUsers
    case halveUsers
    case slower
    case faster
    case selectNext
    case selectPrevious
    case selectUp
    case selectDown
    case selectLeft
    case selectRight
    case toggleInspector
    case back
    case scrollUp
    case scrollDown
    case scrollLogBack
    case scrollLogForward
    case toggleLogFilter
    case openPrompt
    case savePreset
    case toggleRecording
    /// The stage is the digit pressed.
    case loadStage
    // Topology edits: each becomes one engine command (see `CommandTargets.command(for:)`).
    case addAppServer
    case removeAppServer
    case addReplica
    case addCache
    case addLoadBalancer
    case cycleBalancePolicy
    case addCDN
    case addSessionStore
    case toggleAutoscale
    case addShard
    case scaleUp
    case scaleDown
    case toggleDataCenter
    /// Cuts the network between the selected node's data center and another, or heals it.
    case togglePartition
    case addWorkers
    case toggleKill
    case toggleSlow
    case cycleEviction
    case cycleTTL
    case flushCache
    /// Request coalescing at the selected cache, on or off.
    case toggleCoalescing
    case toggleRetries
    /// Opens the prompt with the rate-limit command for the selected node: the user types the rate.
    case editRateLimit
    /// Defended retries (a 10% retry budget and full jitter) on, or the retry policy from before.
    case toggleDefendedRetries
    /// Opens the prompt with the concurrency-limit command for the selected node: the user types the limit.
    case editConcurrencyLimit
    /// Moves the app pool's database onto a server of its own (`add db`).
    case addDatabase
    /// A standard circuit breaker on, or off, the selected node's calls (`breaker FROM TO on|off`).
    case toggleBreaker
    // Prompt keys: each opens the `:` prompt on one command, to edit what the key cannot
    // guess or to confirm a removal (see `CommandTargets+Components.swift`).
    /// `add queue NODE job `, for the user to change the class or give the workers.
    case editQueue
    /// `add dc NAME like DC near REGION LATENCY`, a guess for the user to edit.
    case editDataCenter
    /// The command removing the selected component, to confirm.
    case confirmRemoval
    /// `remove dc DC` for the selected node's data center, to confirm.
    case confirmDataCenterRemoval
    case seekBack
    case seekForward
    case takeOver
}

/// One binding: the keys, how the help overlay names them, and what they do.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    /// How the help overlay and the hint bar spell the keys, such as `+ -` or `Tab`.
    public var label: String
    public var help: String
    public var action: KeyAction
    public var group: Group

    /// The first key of the label, as the hint bar and the advisor name it: `+` of `+ -`.
    public var primaryLabel: String { label.split(separator: " ").first.map(String.init) ?? label }

    public enum Group: String, Sendable, CaseIterable {
        case general = "General"
        case view = "Select and view"
        case build = "Build"
        case data = "Data tier"
        case failures = "Failures"
        case stages = "Stages"
        case replay = "Replay"
    }
}

/// The dashboard's keys, as data: the reducer looks keys up here and the help overlay is
/// drawn from it, so the two cannot disagree.
public struct KeyMap: Sendable, Hashable {
    public var bindings: [KeyBinding]

    public func action(for key: Key) -> KeyAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    public func binding(for action: KeyAction) -> KeyBinding? {
        bindings.first { $0.action == action }
    }

    public static let standard = KeyMap(bindings: [
        bind([.character("q"), .control("c")], "q ^C", "quit", .quit, .general),
        bind([.character("?"), .function(1)], "? F1", "this help", .toggleHelp, .general),
        bind([.character(" ")], "Space", "pause / resume", .togglePause, .general),
        bind([.character("+"), .character("=")], "+", "double the users", .doubleUsers, .general),
        bind([.character("-"), .character("_")], "-", "halve the users", .halveUsers, .general),
        bind([.character("[")], "[", "slower (halve the speed)", .slower, .general),
        bind([.character("]")], "]", "faster (double the speed)", .faster, .general),
        bind([.character(":")], ":", "command prompt (script grammar)", .openPrompt, .general),
        bind([.character("w")], "w", "save the live topology as a user preset", .savePreset, .general),
        bind([.character("R")], "R", "start / stop recording (a replay file)", .toggleRecording, .general),
        bind([.character("e")], "e", "this stage's explanation", .toggleExplanation, .general),

        bind([.tab], "Tab", "select the next node", .selectNext, .view),
        bind([.backTab], "S-Tab", "select the previous node", .selectPrevious, .view),
        bind([.up], "Up", "select the node above", .selectUp, .view),
        bind([.down], "Down", "select the node below", .selectDown, .view),
        bind([.left], "Left", "select the node to the left", .selectLeft, .view),
        bind([.right], "Right", "select the node to the right", .selectRight, .view),
        bind([.enter], "Enter", "open / close the inspector", .toggleInspector, .view),
        bind([.escape], "Esc", "back: close the overlay, prompt or inspector", .back, .view),
        bind([.pageUp], "PgUp", "scroll the topology up", .scrollUp, .view),
        bind([.pageDown], "PgDn", "scroll the topology down", .scrollDown, .view),
        bind([.character("{")], "{", "scroll the event log back (older)", .scrollLogBack, .view),
        bind([.character("}")], "}", "scroll the event log forward (newer)", .scrollLogForward, .view),
        bind([.character("/")], "/", "event log: only the selected node / all", .toggleLogFilter, .view),

        bind([.character("a")], "a", "add an app server", .addAppServer, .build),
        bind([.character("A")], "A", "remove a server from the selected app pool", .removeAppServer, .build),
        bind([.character("l")], "l", "put a load balancer in front of the app pool", .addLoadBalancer, .build),
        bind([.character("p")], "p", "next policy of the selected load balancer", .cycleBalancePolicy, .build),
        bind([.character("n")], "n", "add a CDN edge for a region without one", .addCDN, .build),
        bind([.character("s")], "s", "move sessions to a shared session store", .addSessionStore, .build),
        bind([.character("o")], "o", "autoscaler on / off for the app pool", .toggleAutoscale, .build),
        bind([.character("W")], "W", "add a server to the selected pool or queue", .addWorkers, .build),
        bind([.character("t")], "t", "retries on / off (3, 100 ms backoff)", .toggleRetries, .build),
        bind([.character("g")], "g", "rate-limit the selected node (asks the rate)", .editRateLimit, .build),
        bind([.character("j")], "j", "defended retries on / off (10% budget, full jitter)", .toggleDefendedRetries, .build),
        bind([.character("O")], "O", "concurrency limit on the selected node (asks it)", .editConcurrencyLimit, .build),
        bind([.character("m")], "m", "message queue behind the app pool (prompt)", .editQueue, .build),
        bind([.character("D")], "D", "add a data center near far users (prompt)", .editDataCenter, .build),
        bind([.character("X")], "X", "remove the selected component (confirm)", .confirmRemoval, .build),
        bind([.character("Z")], "Z", "remove the selected data center (confirm)", .confirmDataCenterRemoval, .build),

        bind([.character("b")], "b", "move the database to a server of its own", .addDatabase, .data),
        bind([.character("r")], "r", "add a read replica to the database", .addReplica, .data),
        bind([.character("c")], "c", "add a cache in front of the database's reads", .addCache, .data),
        bind([.character("h")], "h", "one more shard of the database", .addShard, .data),
        bind([.character("u")], "u", "scale the selected node up one size", .scaleUp, .data),
        bind([.character("U")], "U", "scale the selected node down one size", .scaleDown, .data),
        bind([.character("v")], "v", "next eviction policy of the selected cache", .cycleEviction, .data),
        bind([.character("T")], "T", "next TTL of the selected cache", .cycleTTL, .data),
        bind([.character("f")], "f", "flush the selected cache", .flushCache, .data),
        bind([.character("C")], "C", "request coalescing at the selected cache on / off", .toggleCoalescing, .data),

        bind([.character("k")], "k", "kill / restore the selected node", .toggleKill, .failures),
        bind([.character("d")], "d", "kill / restore the selected data center", .toggleDataCenter, .failures),
        bind(
            [.character("P")], "P", "partition the selected data center from the primary's / heal it", .togglePartition,
            .failures),
        bind([.character("x")], "x", "slow the selected node 4x / back to normal", .toggleSlow, .failures),
        bind([.character("B")], "B", "circuit breaker on / off the selected node's first route", .toggleBreaker, .failures),
        bind([.character(",")], ",", "back 30 s (re-simulates from the start)", .seekBack, .replay),
        bind([.character(".")], ".", "forward 30 s", .seekForward, .replay),
        bind([.character("L")], "L", "take over: live from here (R records it)", .takeOver, .replay),
        bind(
            (0...9).map { .character(Character(String($0))) }, "0-9", "load stage 00 to 09 (shows what changed)", .loadStage,
            .stages),
    ])

    private static func bind(
        _ keys: [Key], _ label: String, _ help: String, _ action: KeyAction, _ group: KeyBinding.Group
    ) -> KeyBinding {
        KeyBinding(keys: keys, label: label, help: help, action: action, group: group)
    }
}
