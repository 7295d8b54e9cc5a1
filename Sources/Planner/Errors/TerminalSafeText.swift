// TerminalSafeText: text that came from data (a CSV header, a value, a file name) is escaped before
// it reaches a terminal or a log, so an ESC sequence in the input cannot recolour, retitle or
// rewrite the user's terminal. Control characters become visible escapes (`\x1B`, `\r`, `\u{9B}`);
// line feeds and tabs stay, because Ember's own messages use them for layout.

extension String {
    /// The text with every control character except `\n` and `\t` replaced by a visible escape:
    /// C0 controls and DEL as `\xHH` (`\r` as `\r`), C1 controls (U+0080–U+009F, which some
    /// terminals treat as CSI and OSC) as `\u{HH}`.
    @_spi(EmberInternal) public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            guard Self.needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let padded = hex.count < 2 ? "0" + hex : hex
            switch scalar.value {
            case 0x0D: out += "\\r"
            case 0x80...0x9F: out += "\\u{\(padded)}"
            default: out += "\\x\(padded)"
            }
        }
        return out
    }

    private static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }
}
