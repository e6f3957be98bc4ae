import Foundation

/// The lock every open ``Replica`` holds on `<replica>.lock`: a shared open file description lock
/// (Linux OFD lock, `fcntl(F_OFD_SETLK)`), for as long as the replica is open, in any process. A
/// replica adopting a snapshot renames it over the file only while it holds the lock exclusively
/// (nothing else has the file open; new openers wait). Unlike `flock(2)`, a refused upgrade to
/// exclusive keeps the shared lock (POSIX record-lock conversion is atomic).
final class ReplicaOpenLock: Sendable {
    let fd: Int32

    /// Opens (creating) `<path>.lock` and waits for the shared lock (a line on standard error says so
    /// when it has to wait).
    /// - Throws: ``ReplicaError`` `INVALID` when the lock file can be neither created nor opened.
    init(path: String) throws {
        var fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { fd = open(path + ".lock", O_RDONLY | O_CLOEXEC) }  // another user's file: a read lock still works
        guard fd >= 0 else { throw ReplicaError(.invalid, "cannot open \(path).lock: \(String(cString: strerror(errno)))") }
        // Held exclusively only while a snapshot is adopted (a moment) or a bulk load runs
        // (`Replica.bulkLoad`: minutes): say why this process waits.
        if !Self.set(fd, type: F_RDLCK, wait: false), errno == EAGAIN || errno == EACCES {
            FileHandle.standardError.write(Data("waiting for \(path): another process has it to itself (a bulk import, or a snapshot being adopted)\n".utf8))
        }
        guard Self.set(fd, type: F_RDLCK, wait: true) else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ReplicaError(.invalid, "cannot lock \(path).lock: \(reason)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Upgrades to exclusive without waiting; false (still shared) when another open replica holds it.
    func tryExclusive() -> Bool { Self.set(fd, type: F_WRLCK, wait: false) }

    /// Back to shared.
    func share() { _ = Self.set(fd, type: F_RDLCK, wait: true) }

    /// `F_OFD_SETLK` (37) / `F_OFD_SETLKW` (38) on the whole file (Linux ≥ 3.15).
    private static func set(_ fd: Int32, type: Int32, wait: Bool) -> Bool {
        var lock = Glibc.flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        lock.l_pid = 0
        while true {
            if withUnsafeMutablePointer(to: &lock, { fcntl(fd, wait ? 38 : 37, UnsafeMutableRawPointer($0)) }) == 0 { return true }
            if errno != EINTR { return false }
        }
    }
}
