import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process run to completion and measured: wall time (s) and peak resident set size
/// (its `VmHWM`, KiB), its standard output optionally sent to a file.
struct MeasuredProcess {
    let seconds: Double
    let peakRSSKiB: Int
    let status: Int32

    /// Runs `arguments[0]` with the rest; standard output goes to `stdout` (a path) or here, standard
    /// error is appended to `stderr` (a path) or comes here;
    /// the working directory is this process's.
    /// - Throws: `POSIXError` when the process cannot be started.
    static func run(_ arguments: [String], stdout: String? = nil, stderr: String? = nil) throws -> MeasuredProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        if let stderr { posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644) }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let start = DispatchTime.now()
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        // The peak is the child's own VmHWM, read every 20 ms until it exits: wait4's ru_maxrss is
        // not, as Linux carries the spawning process's high-water mark into the child at exec.
        var status: Int32 = 0
        var peak = 0
        while true {
            peak = max(peak, Int(residentMB(pid: pid).peak * 1e6 / 1024))
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) { break }
            usleep(20_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return MeasuredProcess(seconds: seconds, peakRSSKiB: peak, status: (status >> 8) & 0xFF)
    }

    /// Peak RSS in MB (10^6 bytes).
    var peakMB: Double { Double(peakRSSKiB) * 1024 / 1e6 }
}

/// `VmRSS` and `VmHWM` (peak) of a running process from `/proc/<pid>/status`, in MB.
func residentMB(pid: Int32) -> (current: Double, peak: Double) {
    let split = residentSplitMB(pid: pid)
    return (split.current, split.peak)
}

/// A process's resident set (MB): all of it, its peak, and of it the private (anonymous) memory and
/// the mapped file pages (the binary, its libraries; shared, given back under memory pressure).
func residentSplitMB(pid: Int32) -> (current: Double, peak: Double, anonymous: Double, file: Double) {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0, 0, 0) }
    func value(_ key: String) -> Double {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024 / 1e6
    }
    return (value("VmRSS"), value("VmHWM"), value("RssAnon"), value("RssFile"))
}
