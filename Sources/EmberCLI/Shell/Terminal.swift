// Terminal: the controlling terminal's modes for the shell's line editor. `raw()` turns off echo,
// line buffering and the signal keys (Ctrl-C arrives as a byte at the prompt); `restore()` puts the
// saved modes back before a statement runs, so Ctrl-C is SIGINT again while it runs. A SIGTERM
// (or SIGINT outside the shell) restores them too, through the termination cleanup.

import Foundation
@_spi(EmberInternal) import Executor

final class Terminal: @unchecked Sendable {
    /// The modes the terminal had when the shell started (set once, read from a signal's cleanup).
    private let saved: termios
    private var cleanup: Int?
    let input: Int32

    init?(input: Int32 = 0) {
        guard isatty(input) == 1 else { return nil }
        var modes = termios()
        guard tcgetattr(input, &modes) == 0 else { return nil }
        self.input = input
        saved = modes
        let restoreOnSignal = saved
        cleanup = TerminationCleanup.add { var m = restoreOnSignal; _ = tcsetattr(input, TCSADRAIN, &m) }
    }

    deinit {
        restore()
        if let cleanup { TerminationCleanup.remove(cleanup) }
    }

    /// Raw input for the line editor; output keeps its newline translation.
    func raw() {
        var modes = saved
        modes.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        modes.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &modes.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        _ = tcsetattr(input, TCSADRAIN, &modes)   // DRAIN keeps what was typed ahead
    }

    func restore() {
        var modes = saved
        _ = tcsetattr(input, TCSADRAIN, &modes)
    }

    /// Columns of the terminal on stdout (80 when unknown).
    static var columns: Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
