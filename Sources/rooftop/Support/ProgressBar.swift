import Foundation
import RooftopSync
import Synchronization

/// A one-line progress bar on standard error for long pulls (a bootstrap): redrawn in place on a
/// terminal, one line per 10% otherwise. Silent for pulls under 5,000 changes. A snapshot download
/// shows bytes (MiB).
final class ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    let state = Mutex<(shown: Bool, lastDecile: Int, snapshot: Bool)>((false, -1, false))

    init(label: String) { self.label = label }

    func show(_ progress: SyncProgress) {
        let percent = Int(progress.fraction * 100)
        let bar = "[\(String(repeating: "#", count: percent / 5))\(String(repeating: ".", count: 20 - percent / 5))] \(percent)%"
        let line: String
        if progress.isSnapshotDownload {
            let mib = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_048_576) }
            line = "downloading the hub's snapshot \(bar) (\(mib(progress.snapshotBytes))/\(mib(progress.snapshotTotalBytes)) MiB)"
        } else {
            guard progress.pulled + progress.remaining >= 5_000 else { return }
            line = "\(label) \(bar) (\(progress.pulled)/\(progress.pulled + progress.remaining) changes)"
        }
        state.withLock { state in
            if progress.isSnapshotDownload != state.snapshot {  // a new bar: the pull after the snapshot
                if state.shown && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
                state.snapshot = progress.isSnapshotDownload
                state.lastDecile = -1
            }
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
