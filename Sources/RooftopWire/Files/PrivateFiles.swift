import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files that hold personal data (replicas, snapshots, saved changesets) or keys are private to
/// their owner from the moment they exist: created `0600` in folders created `0700`, never created
/// world-readable and narrowed afterwards. Existing files and folders keep their mode.
public enum PrivateFiles {
    /// `rw-------`.
    public static let fileMode: mode_t = 0o600
    /// `rwx------`.
    public static let directoryMode: mode_t = 0o700

    /// Creates a folder and its missing parents `0700` (existing ones are left as they are).
    /// - Throws: Foundation's file errors.
    public static func createDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: Int(directoryMode)])
    }

    /// Creates an empty file `0600` when none exists at `path` (`O_CREAT | O_EXCL`); an existing
    /// one is left as it is. SQLite gives a database's `-wal` and `-shm` files the mode of the
    /// database file, so a replica created this way keeps all three private.
    /// - Throws: `CocoaError(.fileWriteUnknown)` with the `errno` text when the file cannot be created.
    public static func createIfAbsent(atPath path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd >= 0 { close(fd); return }
        if errno == EEXIST { return }
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }

    /// Writes `data` to `url` atomically: a new temporary file beside it, created `0600` (or
    /// `mode`), written and synced, then renamed over `url`. Nobody else can read it at any moment.
    /// - Throws: `CocoaError(.fileWriteUnknown)` with the `errno` text.
    public static func write(_ data: Data, to url: URL, mode: mode_t = fileMode) throws {
        let temporary = url.path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error(temporary) }
        var failed = false
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 { if errno == EINTR { continue }; failed = true; return }
                offset += written
            }
        }
        if failed || fsync(fd) != 0 {
            let thrown = error(temporary)
            close(fd)
            unlink(temporary)
            throw thrown
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else {
            let thrown = error(url.path)
            unlink(temporary)
            throw thrown
        }
    }

    static func error(_ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
}
