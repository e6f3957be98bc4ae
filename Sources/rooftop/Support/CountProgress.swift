import Foundation

/// A progress bar for long counted work (generating or importing rows) on standard error:
/// `label [#####...............] 27% 270,000/1,000,000 (41,200/s, ETA 18 s)`, redrawn in place at
/// most five times a second on a terminal, one line per 10% otherwise.
final class CountProgress {
    let label: String
    var total: Int
    let unit: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    let started = Date()
    var lastDraw = Date.distantPast
    var lastDecile = -1
    var lastDone = -1

    init(_ label: String, total: Int, unit: String) {
        self.label = label
        self.total = max(0, total)
        self.unit = unit
    }

    func update(_ done: Int, force: Bool = false) {
        let now = Date()
        // A count that was short (a last line without a line break) grows with what was done.
        if done > total { total = done }
        let percent = total == 0 ? 100 : min(100, done * 100 / total)
        if isTerminal {
            guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        } else {
            guard percent / 10 > lastDecile || force else { return }
            lastDecile = percent / 10
        }
        lastDraw = now
        lastDone = done
        let elapsed = max(0.001, now.timeIntervalSince(started))
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Int(Double(total - done) / rate) : 0
        let bar = String(repeating: "#", count: percent / 5) + String(repeating: ".", count: 20 - percent / 5)
        let line = "\(label) [\(bar)] \(percent)% \(Self.grouped(done))/\(Self.grouped(total)) \(unit) (\(Self.grouped(Int(rate)))/s, ETA \(eta) s)"
        FileHandle.standardError.write(Data((isTerminal ? "\r" + line : line + "\n").utf8))
    }

    var finished = false

    /// Draws `done` and ends the bar's line; once (later calls do nothing). `total`: the count the
    /// work turned out to have, when the one it began with was only a bound (a filtered export).
    func finish(_ done: Int, total newTotal: Int? = nil) {
        guard !finished else { return }
        finished = true
        if let newTotal, newTotal != total {
            total = newTotal
            lastDone = -1
        }
        if lastDone != done { update(done, force: true) }
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}
