// Findings of the fresh-eyes review of the `ember sql` shell: the line editor's sideways scrolling
// on a long line, and a history path that is no regular file.

@testable import ember
import Foundation
import Testing

@Suite struct SQLShellReviewTests {
    /// The first character shown keeps the cursor inside the room, moving no more than it must;
    /// on a line of a million characters with the cursor jumping to the end (End, a paste, a
    /// history entry) it is found at once. It was found by re-measuring the whole text before
    /// the cursor once per step: quadratic, minutes of a frozen shell.
    @Test func scrollStartOnLongLines() {
        let ascii = [Unicode.Scalar](repeating: "x", count: LineEditor.maxLineLength)
        #expect(LineEditor.scrollStart(ascii, cursor: ascii.count, scroll: 0, room: 80) == ascii.count - 79)
        #expect(LineEditor.scrollStart(ascii, cursor: 10, scroll: 5, room: 80) == 5)
        #expect(LineEditor.scrollStart(ascii, cursor: 3, scroll: 500, room: 80) == 3)
        #expect(LineEditor.scrollStart(ascii, cursor: 1000, scroll: 990, room: 80) == 990)
        // Wide characters take two columns each: 39 of them fit before the cursor in 80.
        let wide = [Unicode.Scalar](repeating: "語", count: 1000)
        #expect(LineEditor.scrollStart(wide, cursor: 1000, scroll: 0, room: 80) == 1000 - 39)
        #expect(LineEditor.scrollStart([], cursor: 0, scroll: 0, room: 1) == 0)
    }

    /// A FIFO where the history file goes (e.g. planted in a shared HOME) is neither read nor
    /// written, and the shell does not hang opening it (open without O_NONBLOCK waited for a writer).
    @Test func historyPathThatIsAFIFODoesNotHang() throws {
        let dir = ScratchDir("sql-history-fifo")
        defer { dir.cleanup() }
        let path = dir.path + "/history"
        #expect(mkfifo(path, 0o600) == 0)
        let history = LineHistory(path: path)
        #expect(history.entries.isEmpty)
        history.add("SELECT 1")
        #expect(history.entries == ["SELECT 1"])
    }
}
