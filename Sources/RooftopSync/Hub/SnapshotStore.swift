import Crypto
import Foundation
import RooftopReplication
import RooftopStore
import RooftopWire

/// The hub's current replica snapshot for bootstrapping rooftops: a consistent copy of its file
/// as one zstd frame, kept on disk so interrupted downloads resume with `Range`
/// (`sync-protocol/sync-exchange.md#snapshot-bootstrap`).
///
/// A snapshot is served while it is younger than ``maxAge`` and nothing was erased or purged at
/// the hub since it was taken (it would still hold that data); otherwise a new one is made.
/// ``discard()`` removes the files at once (called when a pushed changeset erases or purges).
public actor SnapshotStore {
    /// One snapshot file.
    public struct Snapshot: Sendable, Equatable {
        /// The zstd frame on disk.
        public var path: String
        /// The frame's size in bytes.
        public var bytes: Int
        /// Lower-case hex SHA-256 of the frame: the strong entity tag (RFC 9110 §8.8.3).
        public var sha256: String
        /// The version vector the snapshot holds.
        public var versionVector: VersionVector
        /// The uncompressed SQLite file's size in bytes.
        public var uncompressedBytes: Int
        /// When it was made, Unix ms.
        public var createdMs: UInt64
        /// ``Replica/removalCount()`` when it was made.
        var removals: Int
    }

    let replica: Replica
    let directory: URL
    let wallClock: any WallClock
    /// How long a snapshot is served, in ms (default 10 minutes).
    public let maxAge: UInt64
    private var current: Snapshot?
    private var making: Task<Snapshot, any Error>?

    /// - Parameters:
    ///   - replica: the hub's replica.
    ///   - directory: where snapshot files are written (created if needed; default: `snapshots/`
    ///     next to the replica file).
    ///   - maxAge: how long one snapshot is served, in ms.
    public init(replica: Replica, directory: URL? = nil, wallClock: any WallClock = SystemWallClock(), maxAge: UInt64 = 600_000) {
        self.replica = replica
        self.directory = directory ?? URL(fileURLWithPath: replica.path).deletingLastPathComponent().appendingPathComponent("snapshots")
        self.wallClock = wallClock
        self.maxAge = maxAge
        // Snapshots of an earlier run may predate erasures: never serve or keep them.
        if let names = try? FileManager.default.contentsOfDirectory(atPath: self.directory.path) {
            for name in names where name.hasPrefix("snapshot-") {
                try? FileManager.default.removeItem(at: self.directory.appendingPathComponent(name))
            }
        }
    }

    /// The snapshot to serve, made now if there is none still valid (concurrent callers share
    /// one making).
    /// - Throws: GRDB or file errors while making one.
    public func snapshot() async throws -> Snapshot {
        for _ in 0..<4 {
            let removals = try await replica.perform { try $0.removalCount() }
            let now = wallClock.nowMilliseconds()
            if let current, current.removals == removals, now &- current.createdMs < maxAge,
                FileManager.default.fileExists(atPath: current.path) {
                return current
            }
            if let making {
                _ = try await making.value
                continue
            }
            let task = Task { try await self.make(now: now) }
            making = task
            let made: Snapshot
            do { made = try await task.value } catch {
                making = nil
                throw error
            }
            making = nil
            // The previous file is removed: a download that already opened it reads on; one whose
            // body was not yet opened fails, and its rooftop asks again.
            if let previous = current, previous.path != made.path { try? FileManager.default.removeItem(atPath: previous.path) }
            current = made
        }
        // Erasures kept landing while snapshots were made: serve none now.
        throw SnapshotUnavailable()
    }

    /// No snapshot could be made that is still current (erasures or purges kept landing).
    public struct SnapshotUnavailable: Error {}

    /// Removes the current snapshot file (after an erasure or a purge it holds data that is gone).
    public func discard() {
        if let current { try? FileManager.default.removeItem(atPath: current.path) }
        current = nil
    }

    private func make(now: UInt64) async throws -> Snapshot {
        try PrivateFiles.createDirectory(directory)
        let base = directory.appendingPathComponent("snapshot-\(now)-\(UInt32.random(in: 0...UInt32.max))")
        let plain = base.appendingPathExtension("sqlite"), frame = base.appendingPathExtension("sqlite.zst")
        return try await replica.perform { replica in
            defer {
                for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: plain.path + suffix) }
            }
            let info = try replica.writeSnapshot(to: plain.path)
            var hasher = SHA256()
            let bytes: Int
            do { bytes = try Zstd.compressFile(at: plain, to: frame, level: 1, workers: 2) { hasher.update(bufferPointer: $0) } } catch {
                try? FileManager.default.removeItem(at: frame)
                throw error
            }
            let sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return Snapshot(path: frame.path, bytes: bytes, sha256: sha256, versionVector: info.versionVector,
                            uncompressedBytes: info.bytes, createdMs: now, removals: info.removals)
        }
    }
}
