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

    public init(width: Int, height: Int, inspectorOpen: Bool) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (statusRow, afterStatus) = screen.splitTop(1)
        let (advisorRow, afterAdvisor) = afterStatus.splitTop(1)
        let (aboveBottom, bottomRow) = afterAdvisor.splitBottom(1)
        let (middle, logArea) = aboveBottom.splitBottom(height >= 40 ? 9 : 6)
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
