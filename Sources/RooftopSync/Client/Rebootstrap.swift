import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// What ``SyncClient/rebootstrap(_:sidePath:open:clientFor:)`` did.
public struct RebootstrapReport: Sendable, Equatable {
    /// Changes received from the hub into the new replica.
    public var pulled = 0
    /// This rooftop's unsent changes re-offered: in the new replica's outbox.
    public var reoffered = 0
    /// Unsent changes that could not be re-offered (their row was purged, or their customer
    /// erased, meanwhile): in the review queue.
    public var queued = 0
    /// Re-offered changes the hub accepted in the sync that followed.
    public var pushed = 0
    /// Why that sync failed, if it did (the re-offered changes stay in the outbox for the next one).
    public var pushError: String?
}

extension SyncClient {
    /// Rebuilds a rooftop's replica from the hub after `BEYOND_RETENTION`, atomically, keeping and
    /// re-offering its unsent changes (`sync-protocol/merge-rules.md#retention`).
    ///
    /// 1. Asks the hub what it holds of this rooftop (`hello`); the changes after that are unsent.
    /// 2. Builds a new replica at `sidePath` from the hub (snapshot or changesets, recovering this
    ///    rooftop's own history) and re-offers the unsent changes into it: each is logged as this
    ///    rooftop's own change, or, when its row was purged or its customer erased meanwhile, put in
    ///    the review queue. Nothing is dropped without a trace.
    /// 3. Renames the new file over the old one, once no other process has it open, after moving in
    ///    what was written to the old replica meanwhile. Until then the old replica is untouched: a
    ///    failure at any step (hub down, `CLOCK_SKEW`, another process holding the file) leaves it as
    ///    it was and removes the side file.
    /// 4. Syncs, sending the re-offered changes; a failure there is reported, the changes stay in the outbox.
    /// - Parameters:
    ///   - replica: the rooftop's replica (open in this process only).
    ///   - sidePath: where to build the new replica (removed first if left by an earlier attempt).
    ///   - open: opens a replica file for this rooftop (with the node's settings).
    ///   - clientFor: a sync client for a replica.
    /// - Throws: ``SyncError`` from the hub; ``ReplicaError`` `BUSY` when another process has the
    ///   replica open.
    public static func rebootstrap(_ replica: Replica, sidePath: String, open: @Sendable (String) throws -> Replica,
                                   clientFor: @Sendable (Replica) -> SyncClient) async throws -> RebootstrapReport {
        guard replica.isOpenOnlyHere() else {
            throw ReplicaError(.busy, "another process has \(replica.path) open (a running `rooftop node serve`?): stop it, then run this again; nothing was changed")
        }
        let client = clientFor(replica)
        defer { Task { try? await client.shutdown() } }
        let hello = try await client.hello()
        let acked = hello.versionVector[replica.rooftop]
        var report = RebootstrapReport()
        // Sent, but ignored by the hub (row purged), perhaps in a push whose answer was lost: to the
        // review queue, which the new replica takes over below.
        report.queued += try replica.queueIgnored(namedBy: hello)
        let kept = try replica.changeset(origin: replica.rooftop, after: acked, limit: .max).changes
        let parents = try replica.parentIDs(of: kept)
        Self.removeSideFiles(sidePath)
        let fresh = try open(sidePath)
        let freshClient = clientFor(fresh)
        do {
            report.pulled = try await freshClient.sync().pulled
            try await freshClient.shutdown()
            let (reoffered, queued) = try fresh.reoffer(kept, parents: parents)
            report.reoffered = reoffered
            report.queued += queued
            try replica.replaceFile(with: fresh) { old in
                // Written to the old replica since it was read (another command in this process):
                // nothing can write it now.
                let extra = try old.changeset(origin: old.rooftop, after: kept.last?.hlc ?? acked, limit: .max).changes
                let (reoffered, queued) = try fresh.reoffer(extra, parents: try old.parentIDs(of: extra))
                report.reoffered += reoffered
                report.queued += queued
                try fresh.adoptLocalRecords(from: old)  // the review queue (and re-stamp audit) carry over
            }
        } catch {
            try? await freshClient.shutdown()
            try? fresh.close()
            Self.removeSideFiles(sidePath)
            throw error
        }
        do {
            report.pushed = try await client.sync().pushed
        } catch {
            report.pushError = "\(error)"
        }
        return report
    }

    static func removeSideFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock", ".compact.lock", ".snapshot.part", ".snapshot.etag", ".snapshot.sqlite"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
