// LineEditor: reads one line from the terminal with readline's Emacs keys and the history, for the
// SQL shell. The line scrolls sideways when it is wider than the terminal.
//
//   ←/→ Ctrl-B/F  move        Alt-B/F Ctrl-←/→  by word     Home/End Ctrl-A/E  line start/end
//   ↑/↓ Ctrl-P/N  history     Backspace/Delete  erase        Ctrl-K/U/W  kill to end/start/word
//   Ctrl-Y  yank the killed text    Ctrl-L  clear the screen    Ctrl-C  drop the line
//   Ctrl-D  end of input on an empty line (else delete)   Enter  the line
//
// Reading happens in raw mode (Terminal.raw), restored before the line is returned. Redrawing is
// skipped while more input is already waiting (a paste is drawn once).

import Foundation
@_spi(EmberInternal) import Planner

final class LineEditor {
    enum Result: Equatable {
        case line(String)
        /// Ctrl-C: the line (and the statement being typed) is dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal closed.
        case endOfInput
    }

    enum Key: Equatable {
        case character(Unicode.Scalar)
        case enter, interrupt, endOfFile, backspace, delete, left, right, home, end, up, down
        case wordLeft, wordRight, killToEnd, killToStart, killWordBack, yank, clearScreen, ignored
    }

    /// The longest line kept (characters); further input is refused with a bell.
    static let maxLineLength = 1 << 20

    let terminal: Terminal
    let history: LineHistory
    private var buffer: [Unicode.Scalar] = []
    private var cursor = 0
    private var scroll = 0
    private var killed: [Unicode.Scalar] = []
    private var historyIndex = 0
    private var editedLine: [Unicode.Scalar] = []
    private var prompt = ""

    init(terminal: Terminal, history: LineHistory) {
        self.terminal = terminal
        self.history = history
    }

    func readLine(prompt: String) -> Result {
        fflush(nil)
        self.prompt = prompt
        buffer = []
        cursor = 0
        scroll = 0
        historyIndex = history.entries.count
        terminal.raw()
        defer { terminal.restore() }
        render()
        while true {
            guard let key = readKey() else {
                output("\r\n")
                return .endOfInput
            }
            switch key {
            case .enter:
                cursor = buffer.count
                render()
                output("\r\n")
                let line = String(String.UnicodeScalarView(buffer))
                history.add(line)
                return .line(line)
            case .interrupt:
                cursor = buffer.count
                render()
                output("^C\r\n")
                return .interrupted
            case .endOfFile where buffer.isEmpty:
                output("\r\n")
                return .endOfInput
            default:
                apply(key)
            }
            if !inputWaiting() { render() }
        }
    }

    /// Applies an editing key to the buffer (everything but enter, Ctrl-C and an ending Ctrl-D).
    func apply(_ key: Key) {
        switch key {
        case .character(let c):
            guard buffer.count < Self.maxLineLength else { output("\u{7}"); return }
            buffer.insert(c, at: cursor)
            cursor += 1
        case .backspace where cursor > 0:
            cursor -= 1
            buffer.remove(at: cursor)
        case .delete where cursor < buffer.count, .endOfFile where cursor < buffer.count:
            buffer.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(buffer.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = buffer.count
        case .wordLeft: cursor = wordStart(before: cursor)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .killToEnd:
            killed = Array(buffer[cursor...])
            buffer.removeSubrange(cursor...)
        case .killToStart:
            killed = Array(buffer[..<cursor])
            buffer.removeSubrange(..<cursor)
            cursor = 0
        case .killWordBack:
            let start = wordStart(before: cursor)
            killed = Array(buffer[start..<cursor])
            buffer.removeSubrange(start..<cursor)
            cursor = start
        case .yank:
            let room = Self.maxLineLength - buffer.count
            let text = killed.prefix(max(0, room))
            buffer.insert(contentsOf: text, at: cursor)
            cursor += text.count
        case .up where historyIndex > 0:
            if historyIndex == history.entries.count { editedLine = buffer }
            historyIndex -= 1
            buffer = Array(history.entries[historyIndex].unicodeScalars)
            cursor = buffer.count
        case .down where historyIndex < history.entries.count:
            historyIndex += 1
            buffer = historyIndex == history.entries.count ? editedLine : Array(history.entries[historyIndex].unicodeScalars)
            cursor = buffer.count
        case .clearScreen:
            output("\u{1b}[H\u{1b}[2J")
        default:
            break
        }
    }

    var text: String { String(String.UnicodeScalarView(buffer)) }
    var cursorPosition: Int { cursor }

    private func isWordCharacter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" }

    private func wordStart(before position: Int) -> Int {
        var i = position
        while i > 0 && !isWordCharacter(buffer[i - 1]) { i -= 1 }
        while i > 0 && isWordCharacter(buffer[i - 1]) { i -= 1 }
        return i
    }

    private func wordEnd(after position: Int) -> Int {
        var i = position
        while i < buffer.count && !isWordCharacter(buffer[i]) { i += 1 }
        while i < buffer.count && isWordCharacter(buffer[i]) { i += 1 }
        return i
    }

    // MARK: drawing

    /// Columns a character takes: 0 for combining marks, 2 for wide East Asian ones and emoji.
    static func width(_ c: Unicode.Scalar) -> Int {
        switch c.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        switch c.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return 2
        default: return 1
        }
    }

    /// The first character shown: `scroll` moved just enough that the text before the cursor fits
    /// in `room` columns. Found from the cursor back, so a jump to the end of a long line (End, a
    /// paste, a history entry) costs the room, not the line's length times itself.
    static func scrollStart(_ buffer: [Unicode.Scalar], cursor: Int, scroll: Int, room: Int) -> Int {
        var start = cursor, used = 0
        while start > 0 && used + width(buffer[start - 1]) < room {
            used += width(buffer[start - 1])
            start -= 1
        }
        return max(min(scroll, cursor), start)
    }

    private func width<S: Sequence>(_ text: S) -> Int where S.Element == Unicode.Scalar { text.reduce(0) { $0 + Self.width($1) } }

    /// Redraws the prompt and the part of the line around the cursor.
    private func render() {
        let promptWidth = width(prompt.unicodeScalars)
        let room = max(1, Terminal.columns - promptWidth - 1)
        scroll = Self.scrollStart(buffer, cursor: cursor, scroll: scroll, room: room)
        var end = scroll, used = 0
        while end < buffer.count && used + Self.width(buffer[end]) <= room {
            used += Self.width(buffer[end])
            end += 1
        }
        var line = "\r" + prompt.escapingControlCharacters
        line += String(String.UnicodeScalarView(buffer[scroll..<end].map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        line += "\u{1b}[K\r"
        let column = promptWidth + width(buffer[scroll..<cursor])
        if column > 0 { line += "\u{1b}[\(column)C" }
        output(line)
    }

    private func output(_ text: String) { _ = FileDescriptorWriter.writeAll(1, Array(text.utf8)) }

    // MARK: reading keys

    private func inputWaiting(timeoutMilliseconds: Int32 = 0) -> Bool {
        var descriptor = pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, timeoutMilliseconds) > 0
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let n = read(terminal.input, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// The next key, or nil when the terminal is closed.
    private func readKey() -> Key? {
        guard let byte = readByte() else { return nil }
        switch byte {
        case 1: return .home
        case 2: return .left
        case 3: return .interrupt
        case 4: return .endOfFile
        case 5: return .end
        case 6: return .right
        case 8, 127: return .backspace
        case 9: return .character(" ")
        case 10, 13: return .enter
        case 11: return .killToEnd
        case 12: return .clearScreen
        case 14: return .down
        case 16: return .up
        case 21: return .killToStart
        case 23: return .killWordBack
        case 25: return .yank
        case 27: return readEscape()
        case 0x20..<0x7F: return .character(Unicode.Scalar(byte))
        case 0xC0...0xF7: return readUTF8(lead: byte)
        default: return .ignored
        }
    }

    /// An escape sequence (arrows, Home/End, Delete, Alt-B/F), or a lone Esc.
    private func readEscape() -> Key? {
        guard inputWaiting(timeoutMilliseconds: 50), let next = readByte() else { return .ignored }
        switch next {
        case UInt8(ascii: "["):
            var parameters = ""
            while parameters.count < 16, let b = readByte() {
                guard (0x40...0x7E).contains(b) else { parameters.append(Character(Unicode.Scalar(b))); continue }
                let modified = parameters.hasSuffix(";5") || parameters.hasSuffix(";3")
                switch b {
                case UInt8(ascii: "A"): return .up
                case UInt8(ascii: "B"): return .down
                case UInt8(ascii: "C"): return modified ? .wordRight : .right
                case UInt8(ascii: "D"): return modified ? .wordLeft : .left
                case UInt8(ascii: "H"): return .home
                case UInt8(ascii: "F"): return .end
                case UInt8(ascii: "~"):
                    switch parameters {
                    case "1", "7": return .home
                    case "4", "8": return .end
                    case "3": return .delete
                    default: return .ignored   // bracketed paste marks, function keys
                    }
                default: return .ignored
                }
            }
            return .ignored
        case UInt8(ascii: "O"):
            switch readByte() {
            case UInt8(ascii: "A"): return .up
            case UInt8(ascii: "B"): return .down
            case UInt8(ascii: "C"): return .right
            case UInt8(ascii: "D"): return .left
            case UInt8(ascii: "H"): return .home
            case UInt8(ascii: "F"): return .end
            default: return .ignored
            }
        case UInt8(ascii: "b"): return .wordLeft
        case UInt8(ascii: "f"): return .wordRight
        case 127: return .killWordBack
        default: return .ignored
        }
    }

    private func readUTF8(lead: UInt8) -> Key {
        let count = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1
        var bytes = [lead]
        for _ in 0..<count {
            guard let b = readByte(), b & 0xC0 == 0x80 else { return .ignored }
            bytes.append(b)
        }
        guard let scalar = String(validating: bytes, as: UTF8.self)?.unicodeScalars.first else { return .ignored }
        return .character(scalar)
    }
}
