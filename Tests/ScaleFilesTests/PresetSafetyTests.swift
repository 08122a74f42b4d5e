@testable import ScaleFiles
import Testing

/// Hostile documents fail fast with a clear message: no crash, no hang, no terminal escapes.
@Suite struct PresetSafetyTests {
    /// The "billion laughs" document: ten levels of ten aliases each.
    static func laughs(levels: Int = 9) -> String {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...levels {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        return text
    }

    /// Runs `body` and checks it took less than `limit`.
    func quickly<T>(_ limit: Duration = .seconds(5), _ body: () -> T) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        #expect(clock.now - start < limit)
        return result
    }

    @Test func billionLaughsFailsFast() throws {
        let error = try #require(quickly { decodeError(Self.laughs()) })
        #expect(error.message.contains("more than 100000 values"))
        #expect(error.line != nil)
    }

    @Test func billionLaughsAsAKeyFailsFast() throws {
        // Yams hashes keys to find duplicates; an aliased key would be hashed in full.
        for key in ["{*a9 : x}", "[*a9]: x", "? *a9\n: x", "*a9 : x", "&k *a9 : x"] {
            let error = try #require(
                quickly { decodeError(Self.laughs() + "bomb:\n  " + key.replacingOccurrences(of: "\n", with: "\n  ") + "\n") })
            #expect(
                error.message.contains("mapping key must be a plain name") || error.message.hasPrefix("invalid YAML"), "\(key)")
        }
    }

    @Test(arguments: [100_000, 1_500, 65])
    func deepFlowNestingIsRefused(depth: Int) throws {
        let open = String(repeating: "[", count: depth)
        let balanced = open + String(repeating: "]", count: depth)
        // Past libyaml's own limit even unclosed brackets report the depth; below it, the
        // missing brackets are a syntax error first.
        let texts = depth > 1_000 ? [open, balanced, "name: " + open] : [balanced, "name: " + balanced]
        for text in texts {
            let error = try #require(quickly { decodeError(text) })
            #expect(error.message == "the document nests deeper than 64 levels")
            #expect(error.line == 1)
        }
    }

    @Test func nestingOf64IsAllowedByTheReader() throws {
        let text = "a: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        let error = try #require(decodeError(text))
        // It gets past the reader and fails on the schema instead.
        #expect(error.path == "version")
    }

    @Test func deepBlockMappingIsRefusedAtItsLine() throws {
        let text = (0..<70).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " v\n"
        let error = try #require(decodeError(text))
        #expect(error.message == "the document nests deeper than 64 levels")
        #expect(error.line == 65)
    }

    @Test func veryDeepBlockNestingDoesNotCrash() throws {
        // 1,200 levels of one-space indentation (about 700 KiB), and 100,000 compact levels.
        let mapping = (0..<1_200).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
        let sequence = String(repeating: "- ", count: 100_000) + "x\n"
        for text in [mapping, sequence] {
            let error = try #require(quickly { decodeError(text) })
            #expect(error.message == "the document nests deeper than 64 levels")
        }
    }

    @Test func oversizeTextIsRefusedBeforeParsing() throws {
        let text = "name: \"" + String(repeating: "x", count: 1 << 20) + "\"\n"
        let error = try #require(decodeError(text))
        #expect(error.message == "the text is \(text.utf8.count) bytes, more than the limit of 1 MiB")
        #expect(error.line == nil)
    }

    @Test func controlCharactersNeverReachMessages() throws {
        // A key and a value carrying ESC sequences (a colour change and a title change).
        let key = try #require(decodeError(basePreset(line: 10, "    \"\\e[31mworkers\\e]0;pwned\\a\": 2")))
        #expect(!key.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(key.message.contains("\\u{1b}[31mworkers"))
        let value = try #require(decodeError(basePreset(line: 9, "    kind: \"\\x9b2J\\u202Eapp\"")))
        #expect(value.message == "expected one of \(kindList), got \"\\u{9b}2J\\u{202e}app\"")
        let error = PresetError(file: "a\u{1B}b", line: 1, path: "p\u{7F}", message: "m\r\n")
        #expect(error.description == "a\\u{1b}b:1: p\\u{7f}: m\\u{d}\\u{a}")
    }

    @Test func longValuesAreCutInMessages() throws {
        let error = try #require(decodeError(basePreset(line: 9, "    kind: " + String(repeating: "z", count: 500))))
        #expect(error.message.count < 200)
        #expect(error.message.hasSuffix("…\""))
    }
}
