import Foundation
import Synchronization

/// Starts child processes one at a time across the whole test run. Foundation's `Process.run()` on
/// Linux is not safe to call from several threads at once (two suites launching at the same moment
/// crashed the test process in `Process.run()` with a bad pointer); the processes still run in parallel.
public enum ChildProcess {
    static let launching = Mutex(())

    /// `process.run()`, serialised with every other launch through this function.
    /// - Throws: what `Process.run()` throws (the executable cannot be started).
    public static func run(_ process: Process) throws {
        try launching.withLock { _ in try process.run() }
    }

    /// Runs `executable` with `arguments` to its end.
    /// - Returns: its exit status and its standard output and standard error together (UTF-8).
    /// - Throws: what `Process.run()` throws (the executable cannot be started).
    public static func runToEnd(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try run(process)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
