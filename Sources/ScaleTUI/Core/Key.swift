/// A key the dashboard understands, decoded from the terminal.
public enum Key: Sendable, Hashable {
    case character(Character)
    /// Ctrl with a letter, such as Ctrl-L (`.control("l")`).
    case control(Character)
    case enter
    case escape
    case tab
    case backTab
    case backspace
    case delete
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    /// F1 to F12.
    case function(Int)
}
