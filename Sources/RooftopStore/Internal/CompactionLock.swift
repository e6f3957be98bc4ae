import Foundation

/// Held while a compaction runs: an exclusive open file description lock (Linux OFD lock,
/// `fcntl(F_OFD_SETLK)`) on `<replica>.compact.lock`, taken without waiting. Two compactions of one
/// replica file, in one process or several (the node's automatic one and `rooftop compact`), never
/// run together; the lock goes with the object (or the process).
final class CompactionLock {
    let fd: Int32

    /// - Throws: ``ReplicaError`` `BUSY` when another compaction holds it; `INVALID` when the lock
    ///   file cannot be opened.
    init(path: String) throws {
        let fd = open(path + ".compact.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ReplicaError(.invalid, "cannot open \(path).compact.lock: \(String(cString: strerror(errno)))") }
        var lock = Glibc.flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        var result: Int32
        repeat {
            result = withUnsafeMutablePointer(to: &lock) { fcntl(fd, 37 /* F_OFD_SETLK */, UnsafeMutableRawPointer($0)) }
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            close(fd)
            throw ReplicaError(.busy, "another compaction of this replica is running; nothing was done")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
