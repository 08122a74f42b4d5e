import CNCurses
import Testing
@testable import ScaleTUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The curses backend's pure parts: key decoding, the theme, and the error messages.
@Suite struct TerminalKeysTests {
    @Test func printableCharactersIncludingUnicode() {
        #expect(CursesKeyDecoder.decode(character: 0x61) == .key(.character("a")))
        #expect(CursesKeyDecoder.decode(character: 0x20) == .key(.character(" ")))
        #expect(CursesKeyDecoder.decode(character: 0x3F) == .key(.character("?")))
        #expect(CursesKeyDecoder.decode(character: 0xE9) == .key(.character("é")))
        #expect(CursesKeyDecoder.decode(character: 0x28FF) == .key(.character("⣿")))
    }

    @Test func controlCharactersWithTheirOwnKeys() {
        #expect(CursesKeyDecoder.decode(character: 27) == .key(.escape))
        #expect(CursesKeyDecoder.decode(character: 9) == .key(.tab))
        #expect(CursesKeyDecoder.decode(character: 10) == .key(.enter))
        #expect(CursesKeyDecoder.decode(character: 13) == .key(.enter))
        #expect(CursesKeyDecoder.decode(character: 8) == .key(.backspace))
        #expect(CursesKeyDecoder.decode(character: 127) == .key(.backspace))
    }

    @Test func otherControlLettersAreControlKeys() {
        #expect(CursesKeyDecoder.decode(character: 1) == .key(.control("a")))
        #expect(CursesKeyDecoder.decode(character: 3) == .key(.control("c")))
        #expect(CursesKeyDecoder.decode(character: 12) == .key(.control("l")))
        #expect(CursesKeyDecoder.decode(character: 26) == .key(.control("z")))
    }

    @Test func unprintableCharactersAreIgnored() {
        for code: UInt32 in [0, 28, 31, 0x80, 0x9B, 0xD800, 0x11_0000] {
            #expect(CursesKeyDecoder.decode(character: code) == .ignored, "code \(code)")
        }
    }

    @Test func keyCodes() {
        let expected: [(Int32, Key)] = [
            (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
            (KEY_HOME, .home), (KEY_END, .end), (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown),
            (KEY_BACKSPACE, .backspace), (KEY_DC, .delete), (KEY_ENTER, .enter), (KEY_BTAB, .backTab),
        ]
        for (code, key) in expected {
            #expect(CursesKeyDecoder.decode(keyCode: code) == .key(key), "\(key)")
        }
        #expect(CursesKeyDecoder.decode(keyCode: KEY_RESIZE) == .resize)
        #expect(CursesKeyDecoder.decode(keyCode: KEY_MOUSE) == .mouse)
        #expect(CursesKeyDecoder.decode(keyCode: KEY_IC) == .ignored)
    }

    @Test func functionKeysOneToTwelve() {
        for n in 1...12 {
            #expect(CursesKeyDecoder.decode(keyCode: scaletop_key_f(Int32(n))) == .key(.function(n)))
        }
        // Shift-F1 and beyond arrive as F13 and up: not bound.
        #expect(CursesKeyDecoder.decode(keyCode: scaletop_key_f(0)) == .ignored)
        #expect(CursesKeyDecoder.decode(keyCode: scaletop_key_f(13)) == .ignored)
    }

    static let states: [Tone] = [.healthy, .warm, .bottleneck, .down]

    @Test func monochromeUsesAttributesOnlyAndKeepsStatesApart() {
        for tone in Tone.allCases {
            let look = CursesTheme.look(for: tone, color: false, colorCount: 256)
            #expect(look.foreground == nil && look.background == nil, "\(tone)")
        }
        let looks = Self.states.map { CursesTheme.look(for: $0, color: false, colorCount: 0) }
        #expect(Set(looks.map { "\($0)" }).count == Self.states.count)
        #expect(looks[0] == CursesLook())
        #expect(CursesTheme.look(for: .bar, color: false, colorCount: 0).reverse)
        #expect(CursesTheme.look(for: .dim, color: false, colorCount: 0).dim)
        #expect(CursesTheme.look(for: .title, color: false, colorCount: 0).bold)
    }

    @Test func colourTheme() {
        func look(_ tone: Tone) -> CursesLook { CursesTheme.look(for: tone, color: true, colorCount: 256) }
        #expect(look(.normal) == CursesLook())
        #expect(look(.healthy).foreground == .green)
        #expect(look(.warm).foreground == .yellow)
        #expect(look(.bottleneck).foreground == .red)
        #expect(look(.down).foreground == .magenta)
        #expect(look(.accent).foreground == .cyan)
        #expect(look(.error).foreground == .red)
        #expect(look(.bar).background == .blue)
        #expect(look(.title).bold)
        #expect(Set(Self.states.map { "\(look($0))" }).count == Self.states.count)
    }

    @Test func dimIsGreyWithSixteenColoursAndFaintWithEight() {
        #expect(CursesTheme.look(for: .dim, color: true, colorCount: 256) == CursesLook(foreground: .brightBlack))
        #expect(CursesTheme.look(for: .dim, color: true, colorCount: 8) == CursesLook(dim: true))
    }

    @Test func colourNumbersComeFromCurses() {
        #expect(CursesColor.red.curses == Int16(COLOR_RED))
        #expect(CursesColor.blue.curses == Int16(COLOR_BLUE))
        #expect(CursesColor.brightBlack.curses == Int16(COLOR_BLACK) + 8)
    }

    @Test func unavailableTerminalMessagesPointToTheHeadlessRun() {
        let messages = [
            TerminalUnavailable.notATerminal(stream: "stdout"),
            .unusableTerminal(term: "nonexistent"),
            .unusableTerminal(term: nil),
        ].map(\.description)
        for message in messages {
            // The command line puts the program's name in front, once.
            #expect(message.hasPrefix("the dashboard"))
            #expect(message.contains("`scaletop run PRESET`"))
        }
        #expect(messages[0].contains("stdout is not a terminal"))
        #expect(messages[1].contains("TERM=nonexistent"))
        #expect(messages[2].contains("not set"))
    }

    /// Under `swift test` with output piped, as in CI; on a terminal the check cannot run.
    @Test(.enabled(if: isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0))
    func openingWithoutATerminalThrowsAndCanBeTriedAgain() {
        // The second try would trap if the first had left its signal handlers installed.
        for _ in 0..<2 {
            #expect(throws: TerminalUnavailable.self) { try TerminalSession.open(colorAllowed: true) }
        }
    }
}
