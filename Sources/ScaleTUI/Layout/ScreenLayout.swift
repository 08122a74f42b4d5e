/// How the screen splits into the dashboard's regions at a given size.
public struct ScreenLayout: Sendable, Equatable {
    public var status: Rect
    public var advisor: Rect
    public var topology: Rect
    /// The inspector's panel, when open.
    public var inspector: Rect?
    public var log: Rect
    /// The key hints, or the command prompt when it is open.
    public var bottom: Rect

    public static let inspectorWidth = 44

    /// The rows the event log gets at least: more on a tall screen.
    public static func minimumLogRows(height: Int) -> Int { height >= 40 ? 9 : 6 }

    /// Rows an open inspector can fill with figures, links and sparklines.
    public static let inspectorRows = 30

    /// Splits the screen; when `topologyHeight` (the rows the topology needs at the
    /// topology's width) leaves rows blank, the event log takes them.
    public init(width: Int, height: Int, inspectorOpen: Bool, topologyHeight: Int? = nil) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (statusRow, afterStatus) = screen.splitTop(1)
        let (advisorRow, afterAdvisor) = afterStatus.splitTop(1)
        let (aboveBottom, bottomRow) = afterAdvisor.splitBottom(1)
        var (middle, logArea) = aboveBottom.splitBottom(Self.minimumLogRows(height: height))
        if let topologyHeight {
            let needed = max(topologyHeight, inspectorOpen ? Self.inspectorRows : 0)
            let spare = middle.height - needed - 1
            if spare > 0 { (middle, logArea) = aboveBottom.splitBottom(logArea.height + spare) }
        }
        status = statusRow
        advisor = advisorRow
        bottom = bottomRow
        log = logArea
        if inspectorOpen {
            let (left, right) = middle.splitRight(min(Self.inspectorWidth, width / 2))
            topology = left
            inspector = right
        } else {
            topology = middle
            inspector = nil
        }
    }
}
