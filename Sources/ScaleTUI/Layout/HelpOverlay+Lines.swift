import Foundation

/// Every binding of the key map, grouped: generated from the map, so always complete.
///
/// The lines live here, apart from the drawing (Views/HelpOverlay.swift), because the
/// reducer needs their count to bound the overlay's scroll.
enum HelpOverlay {
    /// The overlay's lines: each group's title, then its bindings, key and help aligned.
    static func lines(_ keyMap: KeyMap) -> [(text: String, style: Style)] {
        var lines: [(text: String, style: Style)] = []
        for group in KeyBinding.Group.allCases {
            let bindings = keyMap.bindings.filter { $0.group == group }
            guard !bindings.isEmpty else { continue }
            lines.append((group.rawValue, Style(.title, bold: true)))
            for binding in bindings {
                lines.append(("  " + binding.label.padding(toLength: 7, withPad: " ", startingAt: 0) + binding.help, .normal))
            }
        }
        return lines
    }
}
