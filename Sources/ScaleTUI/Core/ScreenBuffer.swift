/// A grid of cells that views draw into; terminals copy it to the screen.
///
/// Every cell holds one Unicode scalar of display width one (views never write wide or
/// control characters: `ScreenBuffer.write` replaces them), so column arithmetic is plain.
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    private(set) var scalars: [Unicode.Scalar]
    private(set) var styles: [UInt8]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        scalars = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: Style.normal.packed, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> (scalar: Unicode.Scalar, style: Style) {
        let i = y * width + x
        return (scalars[i], Style(packed: styles[i]))
    }

    /// Sets one cell; positions outside the buffer, or outside `clip`, are ignored.
    @inlinable
    public mutating func put(_ scalar: Unicode.Scalar, x: Int, y: Int, style: Style, clip: Rect? = nil) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        if let clip, !clip.contains(x: x, y: y) { return }
        setCell(scalar, at: y * width + x, style: style)
    }

    @usableFromInline
    mutating func setCell(_ scalar: Unicode.Scalar, at index: Int, style: Style) {
        scalars[index] = scalar
        styles[index] = style.packed
    }

    /// Writes `text` from (x, y) to the right, cut at `clip` (default: the buffer's edge);
    /// returns the column after the last cell written. Control, combining and wide
    /// characters become `?`, so text from files cannot move the cursor or break alignment.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: Style = .normal, clip: Rect? = nil) -> Int {
        let area = clip ?? bounds
        guard y >= area.y, y < area.maxY, y >= 0, y < height else { return x }
        var column = x
        let limit = min(area.maxX, width)
        for scalar in text.unicodeScalars {
            if column >= limit { break }
            if column >= max(area.x, 0) {
                setCell(Self.displayable(scalar), at: y * width + column, style: style)
            }
            column += 1
        }
        return column
    }

    /// Fills `rect` with `scalar`.
    public mutating func fill(_ rect: Rect, with scalar: Unicode.Scalar = " ", style: Style = .normal) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { setCell(scalar, at: y * width + x, style: style) }
        }
    }

    /// Row `y` as text, trailing spaces kept.
    public func line(_ y: Int) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[(y * width)..<((y + 1) * width)])
        return String(text)
    }

    /// The column and row where `text` first appears within one row, scanning rows top
    /// down; nil if no row holds it (or `text` is empty).
    public func firstCell(showing text: String) -> (x: Int, y: Int)? {
        let wanted = Array(text.unicodeScalars)
        guard !wanted.isEmpty, wanted.count <= width else { return nil }
        for y in 0..<height {
            let row = y * width
            for x in 0...(width - wanted.count) where scalars[row + x] == wanted[0] {
                if scalars[(row + x)..<(row + x + wanted.count)].elementsEqual(wanted) { return (x, y) }
            }
        }
        return nil
    }

    /// The whole screen as text, one line per row, trailing spaces removed.
    public var text: String {
        (0..<height).map { y in
            var line = line(y)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// `scalar` if it is safe to print in one column, else `?`.
    public static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return "?" }
        if v < 0x300 { return scalar }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control, .surrogate,
            .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
            return "?"
        default:
            break
        }
        // East Asian wide and fullwidth ranges, and emoji, take two columns.
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || v >= 0x1F000
        {
            return "?"
        }
        return scalar
    }
}
