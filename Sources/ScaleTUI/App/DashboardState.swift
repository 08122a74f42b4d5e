import ScaleFiles
import ScaleSim

/// What the dashboard knows about the preset it runs.
public struct PresetInfo: Sendable, Hashable {
    /// The name to type, such as `03-load-balancer`; from a file or a command line.
    public var name: UntrustedText
    /// The preset's own title.
    public var title: String
    public var description: String
    /// The longer text of the explanation overlay.
    public var explanation: String

    public init(name: UntrustedText, title: String, description: String, explanation: String) {
        self.name = name
        self.title = title
        self.description = description
        self.explanation = explanation
    }

    /// What the status bar and the explanation overlay show of `spec`, running as `name`.
    public init(name: UntrustedText, spec: SystemSpec) {
        self.init(name: name, title: spec.name, description: spec.description, explanation: spec.explanation)
    }

    /// What the dashboard shows of a preset loaded from the catalog.
    init(_ preset: LoadedPreset) {
        self.init(name: preset.name, spec: preset.spec)
    }
}

/// One line of the event log.
public struct LogEntry: Sendable, Hashable {
    /// Simulated time when it happened.
    public var time: SimTime
    public var text: String
    public var tone: Tone
}

/// The command prompt opened by `:`.
public struct PromptState: Sendable, Hashable {
    public var text = ""
    /// Why the last line entered did not parse, shown in place until the next edit.
    public var error: String?
    /// What to do with a line a key wrote (confirm it, or edit it first), shown dim after
    /// it until the first edit.
    public var note: String?
}

/// A replay being played: how far, and the viewer's own pause and speed.
public struct ReplayStatus: Sendable, Hashable {
    public var progress: ReplayProgress?
    public var viewerPaused = false
    /// Multiplies the recorded speed.
    public var factor = 1.0

    public init(factor: Double = 1) {
        self.factor = factor
    }
}

/// Users asked for by `+` or `-` that no snapshot shows yet.
struct PendingUsers: Sendable, Hashable {
    var value: Int
    /// Whether the engine has answered the command (applied or refused).
    var answered = false
}

/// What covers the main screen, if anything.
public enum Overlay: Sendable, Hashable {
    case none
    case help
    case explanation
}

/// Everything the dashboard shows, as one value: views are pure functions of it and only
/// the reducer changes it.
public struct DashboardState: Sendable, Equatable {
    public var preset: PresetInfo
    /// The latest picture of the simulation; nil until the first one arrives.
    public var snapshot: SimulationSnapshot?
    /// The id of the selected node.
    public var selection: String?
    public var inspectorOpen = false
    public var overlay: Overlay = .none
    /// Lines of the help overlay scrolled past, where it needs to scroll.
    public var helpScroll = 0
    public var prompt: PromptState?
    /// Newest last.
    public private(set) var log: [LogEntry] = []
    /// The file being recorded into, shown in the status bar.
    public var recordingPath: String?
    /// Set while a replay plays instead of a live simulation.
    public var replay: ReplayStatus?
    /// Rows of the topology scrolled past.
    public var topologyScroll = 0
    /// Entries of the event log scrolled back past; 0 follows the newest.
    public var logScroll = 0
    /// The event log shows only the entries naming the selected node.
    public var logFollowsSelection = false
    /// The retry budget and jitter `j` replaced, restored when it is pressed again.
    public var retryPolicyBeforeDefence: RetrySpec?
    public var screenWidth: Int
    public var screenHeight: Int
    /// Box drawing, blocks and braille; ASCII when false.
    public var unicode: Bool
    public var keyMap: KeyMap
    /// The engine notices already logged: the sequence number of the last one. Sequence
    /// numbers count from 1 in each engine, so a preset load resets it.
    var lastNoticeSeen = 0
    /// Nodes flagged as bottlenecks in the last snapshot, to log only the change.
    var bottlenecks: Set<String> = []
    /// Users asked for by `+`/`-` that no snapshot shows yet: a second key pressed before
    /// then doubles the asked value, not the old one.
    var pendingUsers: PendingUsers?
    /// Speed asked for by `[`/`]` that no snapshot shows yet, likewise.
    var pendingSpeed: Double?
    /// Set once the user asked to quit.
    public private(set) var quitRequested = false

    public static let logLimit = 200
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public init(preset: PresetInfo, width: Int, height: Int, unicode: Bool = true, keyMap: KeyMap = .standard) {
        self.preset = preset
        screenWidth = width
        screenHeight = height
        self.unicode = unicode
        self.keyMap = keyMap
    }

    public var isTooSmall: Bool { screenWidth < Self.minimumWidth || screenHeight < Self.minimumHeight }

    /// The selected node's latest figures.
    public var selectedNode: NodeSnapshot? {
        guard let selection else { return nil }
        return snapshot?.nodes.first { $0.id == selection }
    }

    /// Adds a line stamped with simulated time `time`, by default the latest snapshot's.
    mutating func log(_ text: String, tone: Tone = .normal, at time: SimTime? = nil) {
        let entry = LogEntry(time: time ?? snapshot?.time ?? 0, text: text, tone: tone)
        log.append(entry)
        // A log scrolled back stays on the entries being read.
        if logScroll > 0, logFilterNode.map(entry.mentions) ?? true { logScroll += 1 }
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }

    mutating func requestQuit() { quitRequested = true }
}
