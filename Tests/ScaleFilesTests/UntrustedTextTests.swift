import Testing
@testable import ScaleFiles

/// `UntrustedText` prints only made safe: every way a program turns it into a string for
/// output (interpolation, `print`, `description`, `quoted`, `prefix`) escapes every character
/// a terminal acts on, while `verbatim` keeps the text as it came.
@Suite struct UntrustedTextTests {
    /// One character of each class a terminal acts on or that rewrites what a line says:
    /// C0 (NUL, BEL, BS, TAB, LF, CR, ESC), DEL, C1 (CSI, OSC, ST), line separators and
    /// bidirectional controls.
    static let hostile: [Unicode.Scalar] = [
        "\u{00}", "\u{07}", "\u{08}", "\u{09}", "\u{0A}", "\u{0D}", "\u{1B}", "\u{7F}", "\u{9B}", "\u{9D}", "\u{9C}",
        "\u{85}", "\u{2028}", "\u{2029}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}",
    ]

    static func containsHostile(_ text: String) -> Bool {
        text.unicodeScalars.contains { hostile.contains($0) }
    }

    @Test(arguments: hostile)
    func everyWayToPrintItIsSafe(_ scalar: Unicode.Scalar) {
        let raw = "a" + String(Character(scalar)) + "]0;title" + String(Character(scalar)) + "b"
        let text = UntrustedText(raw)
        var printed = ""
        print(text, terminator: "", to: &printed)
        for output in [
            "\(text)", text.description, String(describing: text), text.quoted, text.prefix(4), printed, "\(text + "-live")",
        ] {
            #expect(!Self.containsHostile(output), "\(output.debugDescription) for U+\(String(scalar.value, radix: 16))")
        }
        #expect(text.verbatim == raw, "verbatim keeps the text as it came")
        #expect(text.description.contains("\\u{\(String(scalar.value, radix: 16))}"), "the character is shown, escaped")
    }

    @Test func printableTextIsUnchanged() {
        for raw in ["03-load-balancer", "my shop (v2)", "Zürich ⇄ 東京", ""] {
            #expect("\(UntrustedText(raw))" == raw)
            #expect(UntrustedText(raw).verbatim == raw)
        }
    }

    @Test func namesFromReplayHeadersAndCatalogsAreUntrusted() throws {
        let header = ReplayHeader(
            seed: 1, preset: "", presetName: UntrustedText("x\u{1B}[2J"), terminal: UntrustedText("\u{1B}]0;t\u{07}"))
        #expect(!Self.containsHostile("\(header.presetName) \(header.terminal!) \(header.created) \(header.scaletopVersion)"))
        let source = PresetSource(name: UntrustedText("evil\u{1B}]0;x\u{07}"), path: "/tmp/evil.yaml", text: "")
        #expect(!Self.containsHostile("\(source.name)"))
    }
}
