/// A semantic colour slot: views say what a cell means, the theme says how it looks.
public enum Tone: UInt8, Sendable, Hashable, CaseIterable {
    case normal
    case dim
    case title
    case healthy
    case warm
    case bottleneck
    case down
    case accent
    case error
    /// The status bar and other full-width bars.
    case bar
}

/// How one cell is drawn: its tone plus attributes, packed in one byte so a 200x60 frame's
/// styles fit in 12 KB.
public struct Style: Sendable, Hashable {
    public var tone: Tone
    public var bold: Bool
    public var reverse: Bool

    public init(_ tone: Tone = .normal, bold: Bool = false, reverse: Bool = false) {
        self.tone = tone
        self.bold = bold
        self.reverse = reverse
    }

    public static let normal = Style()

    /// The packed form kept in the buffer.
    var packed: UInt8 { tone.rawValue | (bold ? 0x40 : 0) | (reverse ? 0x80 : 0) }

    init(packed: UInt8) {
        tone = Tone(rawValue: packed & 0x3F) ?? .normal
        bold = packed & 0x40 != 0
        reverse = packed & 0x80 != 0
    }
}
