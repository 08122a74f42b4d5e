/// Drawing primitives shared by the views: frames, bars, sparklines.
extension ScreenBuffer {
    /// A frame around `rect` with `title` set into its top edge, cut to end in the
    /// ellipsis when it is longer than the edge.
    public mutating func frame(_ rect: Rect, title: String = "", style: Style, titleStyle: Style? = nil, glyphs: Glyphs) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1, bottom = rect.maxY - 1
        for x in (rect.x + 1)..<right {
            put(glyphs.horizontal, x: x, y: rect.y, style: style)
            put(glyphs.horizontal, x: x, y: bottom, style: style)
        }
        for y in (rect.y + 1)..<bottom {
            put(glyphs.vertical, x: rect.x, y: y, style: style)
            put(glyphs.vertical, x: right, y: y, style: style)
        }
        put(glyphs.topLeft, x: rect.x, y: rect.y, style: style)
        put(glyphs.topRight, x: right, y: rect.y, style: style)
        put(glyphs.bottomLeft, x: rect.x, y: bottom, style: style)
        put(glyphs.bottomRight, x: right, y: bottom, style: style)
        if !title.isEmpty, rect.width > 4 {
            let clip = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
            let shown = Format.cut(title, width: rect.width - 3, ellipsis: String(glyphs.ellipsis))
            write(" \(shown) ", x: rect.x + 1, y: rect.y, style: titleStyle ?? style, clip: clip)
        }
    }

    /// Writes `text` at (x, y) only if all of it fits before `limit`; returns the column
    /// after it, or `x` unchanged when it did not fit, so no figure is ever shown cut.
    @discardableResult
    public mutating func writeWhole(_ text: String, x: Int, y: Int, limit: Int, style: Style = .normal) -> Int {
        guard x + text.unicodeScalars.count <= limit else { return x }
        return write(text, x: x, y: y, style: style)
    }

    /// A horizontal bar `width` cells long, filled in proportion to `ratio` (0...1).
    public mutating func bar(ratio: Double, x: Int, y: Int, width: Int, style: Style, glyphs: Glyphs) {
        guard width > 0 else { return }
        let clamped = ratio.isFinite ? min(1, max(0, ratio)) : 0
        let filled = Int((clamped * Double(width)).rounded())
        for i in 0..<width {
            put(i < filled ? glyphs.barFull : glyphs.barEmpty, x: x + i, y: y, style: i < filled ? style : Style(.dim))
        }
    }

    /// The newest `width` values as a one-row sparkline scaled to `maximum` (default: the
    /// largest shown); missing values are blank.
    public mutating func sparkline(
        _ values: [Double?], x: Int, y: Int, width: Int, maximum: Double? = nil, style: Style, glyphs: Glyphs
    ) {
        guard width > 0 else { return }
        let shown = values.suffix(width)
        let top = maximum ?? shown.compactMap { $0 }.max() ?? 0
        var column = x + width - shown.count
        for value in shown {
            if let value, value.isFinite {
                let level = top > 0 ? Int((min(1, max(0, value / top)) * Double(glyphs.levels.count - 1)).rounded()) : 0
                put(glyphs.levels[level], x: column, y: y, style: style)
            }
            column += 1
        }
    }
}
