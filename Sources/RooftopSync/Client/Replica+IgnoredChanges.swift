import RooftopReplication
import RooftopStore

extension Replica {
    /// Queues for review this rooftop's changes that a `hello` names as ignored by the hub (their
    /// row was purged; perhaps in a push whose answer was lost), then records the newest as the next
    /// `hello?ignoredAfter=` (`sync-protocol/merge-rules.md#retention`). Idempotent.
    /// - Returns: how many changes went to the review queue (the named ones still in the change log,
    ///   and the other unsent changes of their rows).
    /// - Throws: GRDB's `DatabaseError`.
    func queueIgnored(namedBy hello: HubHello) throws -> Int {
        guard let ignored = hello.ignoredChanges, let newest = ignored.max() else { return 0 }
        let queued = try queueIgnoredByHub(ignored.map(HLC.init(rawValue:)))
        try setSyncState([SyncStateKeys.hubIgnoredSeen: String(newest)])
        return queued
    }
}
