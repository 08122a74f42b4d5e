import Foundation

/// A terminal in memory: keeps the last frame presented and replays queued or scripted
/// input, so tests and benchmarks drive the dashboard exactly as ncurses would, without a
/// terminal (ratatui's TestBackend).
public final class MemoryTerminal: TerminalBackend {
    public var size: (width: Int, height: Int)
    public let hasUnicode: Bool
    /// The last frame presented.
    public private(set) var screen: ScreenBuffer
    /// Input waiting to be read, oldest first.
    public var pendingInput: [InputEvent] = []
    /// Asked for the next input when none is queued, with the screen as it stands: a
    /// scripted session reacts to what it sees. Nil means no input.
    public var script: ((MemoryTerminal) -> InputEvent?)?
    /// Sees every frame presented.
    public var onPresent: ((ScreenBuffer) -> Void)?

    public init(width: Int, height: Int, hasUnicode: Bool = true) {
        size = (width, height)
        self.hasUnicode = hasUnicode
        screen = ScreenBuffer(width: width, height: height)
    }

    public func present(_ buffer: ScreenBuffer) {
        screen = buffer
        onPresent?(buffer)
    }

    /// Queued input first, then the script's; with neither, waits up to 5 ms of the
    /// timeout, as a terminal with no keys pressed would, so a loop polling it stays idle.
    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        if !pendingInput.isEmpty { return pendingInput.removeFirst() }
        if let event = script?(self) { return event }
        if timeoutMilliseconds > 0 { usleep(UInt32(min(timeoutMilliseconds, 5)) * 1000) }
        return nil
    }

    /// Changes the size and queues the resize event a real terminal would send.
    public func resize(width: Int, height: Int) {
        size = (width, height)
        pendingInput.append(.resize)
    }
}
