import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process the tests start with `posix_spawn(3)` (POSIX.1-2008), not Foundation's
/// `Process`: on Linux with Swift 6.3.1, `Process.run()` reads 256 bytes past a `readdir(3)` entry
/// while it lists `/proc/self/fd`, and crashes the whole test run with a bad pointer when that entry
/// ends a page (swift-corelibs-foundation PR 5472, "Process.run() on Linux crashes intermittently";
/// seen here in a full `swift test`).
///
/// Pipes are made close-on-exec (`FD_CLOEXEC`) before any other child starts, so a child never
/// holds another child's pipe open and every reader sees its end of file.
public final class ChildProcess: Sendable {
    /// Where a child's standard output or error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// A pipe the test reads (``standardOutput``, ``standardError``).
        case pipe
        /// Standard error only: where standard output goes (one pipe for both).
        case standardOutput
        /// A file at this path, created or truncated (a server's log).
        case file(String)
    }

    /// How a child ended.
    public enum Termination: Equatable, Sendable {
        /// It exited with this status (0–255).
        case exited(Int32)
        /// A signal ended it (`SIGKILL` is 9).
        case signalled(Int32)
    }

    /// The child's pid.
    public let processIdentifier: pid_t
    /// The read end of the child's standard output when it is ``Output/pipe``.
    public let standardOutput: FileHandle?
    /// The read end of the child's standard error when it is ``Output/pipe``.
    public let standardError: FileHandle?
    private let termination = Mutex<Termination?>(nil)

    private init(pid: pid_t, standardOutput: FileHandle?, standardError: FileHandle?) {
        processIdentifier = pid
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The exit status, once the child has ended (waits for it); for a signal, 128 + its number, as a shell reports it.
    public var terminationStatus: Int32 {
        switch waitUntilExit() {
        case .exited(let status): status
        case .signalled(let signal): 128 + signal
        }
    }

    /// Starts `executable` (a path, not looked up in `PATH`) with `arguments`, in this process's
    /// environment and directory; standard input is `/dev/null`.
    /// - Throws: ``SpawnError`` when the pipes cannot be made or `posix_spawn` fails (no such file, not executable).
    public static func spawn(_ executable: String, _ arguments: [String], standardOutput: Output = .discard,
                             standardError: Output = .discard) throws -> ChildProcess {
        // One spawn at a time: a pipe is close-on-exec only after `fcntl`, and another thread's
        // child must not inherit it in between.
        try spawning.withLock { _ in try spawnAlone(executable, arguments, standardOutput: standardOutput, standardError: standardError) }
    }

    static let spawning = Mutex(())

    private static func spawnAlone(_ executable: String, _ arguments: [String], standardOutput: Output, standardError: Output) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's ends, closed here once it has them; the parent's are owned by their FileHandles.
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func pipeTo(_ target: Int32) throws -> FileHandle {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnError("pipe: " + String(cString: strerror(errno))) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            childEnds.append(fds[1])
            posix_spawn_file_actions_adddup2(&actions, fds[1], target)
            return FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var output: FileHandle?, error: FileHandle?  // the parent's ends, closed with their FileHandles on a throw
        switch standardOutput {
        case .pipe: output = try pipeTo(1)
        case .discard, .standardOutput: posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        switch standardError {
        case .pipe: error = try pipeTo(2)
        case .discard: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 2, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else { throw SpawnError("\(executable): " + String(cString: strerror(code))) }
        return ChildProcess(pid: pid, standardOutput: output, standardError: error)
    }

    /// Waits for the child to end (once; later calls return the same).
    @discardableResult
    public func waitUntilExit() -> Termination {
        termination.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            while waitpid(processIdentifier, &status, 0) == -1 && errno == EINTR {}
            // <sys/wait.h>: the low 7 bits are the signal (0: exited), the next 8 the exit status.
            let ended: Termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
            known = ended
            return ended
        }
    }

    /// Asks the child to stop (`SIGTERM`: a server shuts down gracefully) and waits for it to end.
    @discardableResult
    public func terminate() -> Termination {
        kill(processIdentifier, SIGTERM)
        return waitUntilExit()
    }

    /// Runs `executable` with `arguments` to its end.
    /// - Returns: its exit status and its standard output and standard error together (UTF-8).
    /// - Throws: ``SpawnError`` when it cannot be started.
    public static func runToEnd(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let child = try spawn(executable, arguments, standardOutput: .pipe, standardError: .standardOutput)
        let text = String(decoding: child.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
        return (child.terminationStatus, text)
    }

    /// A child could not be started; the message is one line.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
