@testable import ScaleFiles
import Testing

/// The "did you mean" of every message about a misspelt name: the nearest allowed word
/// within two edits, or every one of two or three that are as near.
@Suite struct SuggestionTests {
    @Test func theNearestWordWithinTwoEdits() {
        #expect(SchemaReader.closest(to: "workrs", in: ["servers", "workers", "queue"]) == "workers")
        #expect(SchemaReader.closest(to: "eu-wets", in: ["us-east", "eu-west"]) == "eu-west")
        #expect(SchemaReader.closest(to: "lb", in: ["lb", "app"]) == "lb")
    }

    @Test func nothingFartherThanTwoEditsOrAsLongAsTheWordItself() {
        #expect(SchemaReader.closest(to: "database", in: ["db", "cache"]) == nil)
        #expect(SchemaReader.closest(to: "x", in: ["y"]) == nil)
        #expect(SchemaReader.closest(to: "east", in: []) == nil)
        #expect(SchemaReader.closest(to: String(repeating: "a", count: 65), in: [String(repeating: "a", count: 64)]) == nil)
    }

    /// "wast" is one edit from both "east" and "west": naming one would pick at random
    /// (the first declared) and could send the user to the wrong one.
    @Test func wordsAsNearAreAllNamed() {
        #expect(SchemaReader.closest(to: "wast", in: ["east", "west"]) == "east or west")
        #expect(SchemaReader.closest(to: "wast", in: ["west", "east"]) == "west or east")
        #expect(SchemaReader.closest(to: "cat", in: ["bat", "cut", "car", "dog"]) == "bat, cut or car")
        #expect(SchemaReader.closest(to: "cat", in: ["bat", "cut", "car", "cab"]) == nil)
    }

    @Test func aNameGivenTwiceIsNamedOnce() {
        #expect(SchemaReader.closest(to: "wast", in: ["west", "west"]) == "west")
    }
}
