// The interactive `ember sql` shell in a real terminal (tmux: keys in with send-keys, the screen out
// with capture-pane), on real executor processes: multi-line statements, line editing, history
// (also in the history file), Ctrl-C dropping a typed statement, Ctrl-C cancelling a running query
// while the progress bar shows and the shell going on, `quit;`, and the terminal's modes restored.

import Foundation
import Testing

@Suite(.serialized) struct SQLShellTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server of its own (its own socket), with one window running a command.
    struct Terminal {
        let tmux: String
        let socket = "ember-shell-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        /// Runs a tmux client through bash with every descriptor above 2 closed and its output in a
        /// file: the server a client starts keeps what it inherited open while it runs (Foundation's
        /// Process, and other tests, would wait for those to close).
        func run(_ arguments: [String]) throws -> String {
            let out = NSTemporaryDirectory() + "\(socket)-\(UUID().uuidString).out"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let quoted = ([tmux, "-L", socket, "-f", "/dev/null"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let script = out + ".sh"
            defer { try? FileManager.default.removeItem(atPath: script) }
            try ("exec " + quoted.joined(separator: " ") + "\n").write(toFile: script, atomically: true, encoding: .utf8)
            let status = SparkHistoryServerProcess.run(script, environment: [:], output: out)
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            guard status == 0 else { throw ShellTestError("tmux \(arguments.first ?? ""): status \(status): \(text)") }
            return text
        }

        func start(_ command: String) throws {
            _ = try run(["new-session", "-d", "-x", "120", "-y", "50", command])
        }

        /// Types text literally (tmux would read a trailing `;` as its own command separator).
        func type(_ text: String) throws {
            _ = try run(["send-keys", "-l", text.hasSuffix(";") ? String(text.dropLast()) + "\\;" : text])
        }

        func keys(_ names: String...) throws { _ = try run(["send-keys"] + names) }

        func line(_ text: String) throws {
            try type(text)
            try keys("Enter")
        }

        /// The screen and its scrollback.
        func screen() throws -> String { try run(["capture-pane", "-p", "-S", "-3000"]) }

        /// Waits until the screen shows `text` (after `occurrence - 1` earlier ones).
        func waitFor(_ text: String, occurrence: Int = 1, seconds: Double = 120) throws -> String {
            var last = ""
            let found = waitUntil(seconds: seconds) {
                last = (try? screen()) ?? last
                return last.components(separatedBy: text).count - 1 >= occurrence
            }
            guard found else { throw ShellTestError("the terminal never showed \(text.debugDescription); it shows:\n\(last)") }
            return last
        }

        func stop() { _ = try? run(["kill-server"]) }
    }

    struct ShellTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test(.enabled(if: tmux != nil, "needs tmux (scripts/test installs it)"))
    func shellInARealTerminal() throws {
        let dir = ScratchDir("sql-shell")
        defer { dir.cleanup() }
        let csv = dir.write("people.csv", "name,age,city\nann,31,Oslo\nbob,,Rome\ncy,25,Oslo\ndee,40,Rome\n")
        let ember = productsDirectory().appendingPathComponent("ember").path
        let terminal = Terminal(tmux: Self.tmux!)
        defer { terminal.stop() }
        let command = "cd '\(dir.path)' && before=$(stty -g) && HOME='\(dir.path)' EMBER_LOG_LEVEL=error '\(ember)' sql "
            + "--view 'p=\(csv),header=true,inferSchema=true' --executors 2 --cores 1 --no-ui --no-event-log; "
            + "echo EXIT=$?; if [ \"$(stty -g)\" = \"$before\" ]; then echo TTY=restored; else echo TTY=changed; fi; sleep 600"
        try terminal.start(command)
        _ = try terminal.waitFor("ember-sql>")

        // A statement over three lines; the continuation prompt shows it is open.
        try terminal.line("SELECT city, count(*) AS n")
        try terminal.line("FROM p GROUP BY city")
        _ = try terminal.waitFor("         > FROM p GROUP BY city")
        try terminal.line("ORDER BY city;")
        var screen = try terminal.waitFor("Fetched 2 row(s)")
        #expect(screen.contains("|Oslo|  2|") && screen.contains("|Rome|  2|"))

        // Editing: the start of the line is typed last (Ctrl-A), then the end (Ctrl-E).
        try terminal.type("ELECT name FROM p ORDER BY name")
        try terminal.keys("C-a")
        try terminal.type("S")
        try terminal.keys("C-e")
        try terminal.line(";")
        screen = try terminal.waitFor("Fetched 4 row(s)")
        #expect(screen.contains("| ann|\n| bob|\n|  cy|\n| dee|"))

        // History: Up brings the last line back; it is edited (Backspace, more text) and run.
        try terminal.keys("Up")
        _ = try terminal.waitFor("ember-sql> SELECT name FROM p ORDER BY name;", occurrence: 2)
        try terminal.keys("BSpace", "Left", "Left", "Left", "Left")
        try terminal.type("p.")
        try terminal.keys("End")
        try terminal.line(" DESC;")
        screen = try terminal.waitFor("Fetched 4 row(s)", occurrence: 2)
        #expect(screen.contains("| dee|\n|  cy|\n| bob|\n| ann|"), "\(screen)")

        // Ctrl-C at the prompt drops what was typed of a statement, even over several lines.
        try terminal.line("SELECT no_such_column")
        try terminal.type("FROM nowhere")
        try terminal.keys("C-c")
        _ = try terminal.waitFor("FROM nowhere^C")
        try terminal.line("SELECT 7 AS seven;")
        screen = try terminal.waitFor("|    7|")
        #expect(!screen.contains("no_such_column` cannot be resolved"))

        // Ctrl-C while a query runs cancels it (after the progress bar shows); the shell goes on.
        try terminal.line("SELECT count(*) FROM range(0, 4000000000) WHERE id % 7 = 3;")
        _ = try terminal.waitFor("[Stage ")
        try terminal.keys("C-c")
        _ = try terminal.waitFor("Query cancelled.")
        try terminal.line("SELECT sum(age) AS total FROM p;")
        screen = try terminal.waitFor("|   96|")

        try terminal.line("quit;")
        screen = try terminal.waitFor("TTY=")   // printed after EXIT=: waiting for EXIT= alone raced the stty check
        #expect(screen.contains("EXIT=0"), "\(screen)")
        #expect(screen.contains("TTY=restored"), "the terminal's modes were not restored:\n\(screen)")

        let history = try String(contentsOfFile: dir.file(".ember_sql_history"), encoding: .utf8)
        #expect(history.contains("FROM p GROUP BY city\n") && history.contains("SELECT name FROM p ORDER BY p.name DESC;\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file(".ember_sql_history"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
