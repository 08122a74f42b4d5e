/// A terminal in memory: keeps the last frame presented and replays queued input.
///
/// Tests drive the dashboard through it exactly as ncurses would, without a terminal
/// (ratatui's TestBackend).
public final class MemoryTerminal: TerminalBackend {
    public var size: (width: Int, height: Int)
    public let hasColor: Bool
    public let hasUnicode: Bool
    /// The last frame presented.
    public private(set) var screen: ScreenBuffer
    public private(set) var framesPresented = 0
    /// Input waiting to be read, oldest first.
    public var pendingInput: [InputEvent] = []

    public init(width: Int, height: Int, hasColor: Bool = true, hasUnicode: Bool = true) {
        size = (width, height)
        self.hasColor = hasColor
        self.hasUnicode = hasUnicode
        screen = ScreenBuffer(width: width, height: height)
    }

    public func present(_ buffer: ScreenBuffer) {
        screen = buffer
        framesPresented += 1
    }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        pendingInput.isEmpty ? nil : pendingInput.removeFirst()
    }

    /// Changes the size and queues the resize event a real terminal would send.
    public func resize(width: Int, height: Int) {
        size = (width, height)
        pendingInput.append(.resize)
    }
}
