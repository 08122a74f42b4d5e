import Testing

@testable import ScaleTUI

/// The explanation overlay reflows a preset's text to the screen.
@Suite struct ExplanationOverlayTests {
    @Test func linesOfOneParagraphJoinAndBlankLinesAndListItemsSeparate() {
        let text = "Stage 8: a second data center\nwith its own web tier.\n\nWhat broke before:\n- one\n- two\n  and more\n\n"
        #expect(
            ExplanationOverlay.paragraphs(text) == [
                "Stage 8: a second data center with its own web tier.", "", "What broke before:", "- one",
                "- two and more",
            ])
        #expect(ExplanationOverlay.paragraphs("") == [])
    }

    /// Wrapped by paragraph, no line but a paragraph's last ends far short of the width,
    /// as lines of the file wrapped one by one did (`live` alone on a line).
    @Test func aPresetsExplanationWrapsWithoutOrphans() throws {
        let explanation = try Fixtures.preset("08").spec.explanation
        let width = 70
        for paragraph in ExplanationOverlay.paragraphs(explanation) where !paragraph.isEmpty {
            let lines = Format.wrap(paragraph, width: width)
            for line in lines.dropLast() { #expect(line.count > width - 15, "\(line)") }
        }
    }
}
