import Foundation
import RooftopSync
import Synchronization

/// A one-line progress bar on standard error for long pulls (a bootstrap): redrawn in place on a
/// terminal, one line per 10% otherwise. Silent for pulls under 5,000 changes.
final class ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    let state = Mutex<(shown: Bool, lastDecile: Int)>((false, -1))

    init(label: String) { self.label = label }

    func show(_ progress: SyncProgress) {
        guard progress.pulled + progress.remaining >= 5_000 else { return }
        let percent = Int(progress.fraction * 100)
        let total = progress.pulled + progress.remaining
        let line = "\(label) [\(String(repeating: "#", count: percent / 5))\(String(repeating: ".", count: 20 - percent / 5))] \(percent)% (\(progress.pulled)/\(total) changes)"
        state.withLock { state in
            if isTerminal {
                FileHandle.standardError.write(Data(("\r" + line).utf8))
            } else if percent / 10 > state.lastDecile {
                state.lastDecile = percent / 10
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            state.shown = true
        }
    }

    func finish() {
        state.withLock { if $0.shown && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }
    }
}
