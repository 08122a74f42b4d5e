/// Text made safe for HTML and SVG, as element content and as a quoted attribute value.
enum XMLText {
    /// `text` with `& < > " '` written as entities and every character XML 1.0 cannot carry
    /// (C0 controls but tab, line feed and carriage return; DEL and C1, which no page means)
    /// written as U+FFFD, so names from presets never become markup.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _
            where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
