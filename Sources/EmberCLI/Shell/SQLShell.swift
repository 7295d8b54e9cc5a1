// SQLShell: the interactive `ember sql`, like Spark's `spark-sql`. Statements end with `;` and may
// span lines (the prompt changes to show a statement is open); several on one line run in order.
// `quit;` / `exit;` or Ctrl-D on an empty line leave. Ctrl-C at the prompt drops what was typed
// of the statement; Ctrl-C while a statement runs cancels it (InterruptCanceller) and the shell
// goes on. Errors are printed and the shell goes on. The progress bar is the session's.

import Engine
import Foundation
@_spi(EmberInternal) import Planner

struct SQLShell {
    let session: Session
    let printer: SQLResultPrinter

    static let prompt = "ember-sql> "
    static let continuation = "         > "

    func run() throws {
        guard let terminal = Terminal() else {
            throw EmberError(.configuration, "the interactive shell needs a terminal", hint: "give statements as an argument, with -f or on stdin")
        }
        let editor = LineEditor(terminal: terminal, history: LineHistory(path: LineHistory.defaultPath))
        let interrupts = try InterruptCanceller(session: session)
        defer { interrupts.uninstall() }
        StandardError.write("Ember SQL shell: statements end with ';'. quit; or Ctrl-D leaves, Ctrl-C cancels a running statement.\n")
        var pending = ""
        while true {
            switch editor.readLine(prompt: pending.isEmpty ? Self.prompt : Self.continuation) {
            case .endOfInput:
                return
            case .interrupted:
                pending = ""
            case .line(let line):
                pending += pending.isEmpty ? line : "\n" + line
                guard pending.utf8.count <= SQLSource.maxBytes else {
                    StandardError.write("Error: the statement is longer than \(SQLSource.maxBytes >> 20) MiB; it was dropped\n")
                    pending = ""
                    continue
                }
                var rest = ""
                for piece in SQLScriptSplitter.split(pending) {
                    guard piece.isTerminated else { rest = piece.text; continue }
                    let command = piece.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                    if command == "quit" || command == "exit" { return }
                    runStatement(piece.text, interrupts)
                }
                pending = rest
            }
        }
    }

    private func runStatement(_ text: String, _ interrupts: InterruptCanceller) {
        do {
            try interrupts.running { try printer.run(text) }
        } catch let error as EmberError where error.code == .cancelled {
            StandardError.write("Query cancelled.\n")
        } catch {
            StandardError.write("Error: \(error)\n")
        }
    }
}
