/// The characters views draw lines, bars and sparklines with: Unicode where the locale
/// allows it, ASCII otherwise.
public struct Glyphs: Sendable {
    public var horizontal: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var topLeft: Unicode.Scalar
    public var topRight: Unicode.Scalar
    public var bottomLeft: Unicode.Scalar
    public var bottomRight: Unicode.Scalar
    /// A bar's filled and empty cells.
    public var barFull: Unicode.Scalar
    public var barEmpty: Unicode.Scalar
    /// Sparkline levels, lowest first.
    public var levels: [Unicode.Scalar]
    /// Marks the flow of requests into a node.
    public var arrow: Unicode.Scalar
    /// Ends a name cut short.
    public var ellipsis: Unicode.Scalar

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        barFull: "█", barEmpty: "░",
        levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        arrow: "↓",
        ellipsis: "…"
    )

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        barFull: "#", barEmpty: ".",
        levels: ["_", ".", "-", "=", "+", "*", "#", "@"],
        arrow: "v",
        ellipsis: "~"
    )

    public static func forUnicode(_ unicode: Bool) -> Glyphs { unicode ? .unicode : .ascii }
}
