import Foundation
import RooftopModel
import RooftopReplication

/// A rooftop's sync health, as `rooftop status` and `GET /api/sync/status` show it.
public struct SyncStatus: Codable, Sendable, Equatable {
    public var rooftop: RooftopID
    /// Last successful sync, RFC 3339 UTC; nil if never.
    public var lastSyncAt: String?
    /// Last attempt, RFC 3339 UTC; nil if never.
    public var lastAttemptAt: String?
    /// Local changes the hub has not acknowledged (the outbox).
    public var pendingChanges: Int
    /// Whether the hub answered just now; nil when not checked.
    public var hubReachable: Bool?
    /// Hub clock minus local clock at the last contact, ms.
    public var clockOffsetMs: Int64?
    /// The last failure's code (`HUB_UNREACHABLE`, `CLOCK_SKEW`, ...); nil after a success.
    public var lastErrorCode: String?
    /// The last failure, one line.
    public var lastError: String?
    /// What this replica has seen: origin → HLC (raw 64-bit value).
    public var versionVector: VersionVector
    /// This replica's HLC, `milliseconds.counter`.
    public var hlc: String
    /// The CRM schema version this release knows.
    public var schemaVersion: UInt16
    /// Unsent changes that could not be offered to the hub (their row was purged or their customer
    /// erased), waiting in the review queue (`rooftop review`, `GET /api/sync/review`).
    public var pendingReview: Int = 0
    /// How far this computer's clock is ahead of the hub's now, in ms (negative: behind), estimated
    /// from the last contact with the monotonic clock; nil when unknown (never synced in this boot).
    public var clockLeadMs: Int64?
    /// Set while this computer's clock is more than the max drift ahead of the hub's: local changes
    /// are refused until it is set right (`sync-protocol/hlc.md#a-clock-far-ahead`).
    public var clockWarning: String?
    /// `SCHEMA_BEHIND`: the newest schema version seen in a received changeset, when newer than
    /// ``schemaVersion`` (its unknown fields are kept and forwarded; upgrade to see them).
    public var schemaBehind: UInt16?

    /// Reads the recorded status from the replica (no network).
    public static func read(_ replica: Replica) throws -> SyncStatus {
        func time(_ key: String) throws -> String? {
            try replica.syncState(key).flatMap(UInt64.init).map { Timestamp.string(milliseconds: $0) }
        }
        let acked = HLC(rawValue: try replica.syncState(SyncStateKeys.hubAcked).flatMap(UInt64.init) ?? 0)
        let lead = try replica.clockLead()
        var status = SyncStatus(
            rooftop: replica.rooftop, lastSyncAt: try time(SyncStateKeys.lastSyncAt), lastAttemptAt: try time(SyncStateKeys.lastAttemptAt),
            pendingChanges: try replica.changeCount(origin: replica.rooftop, after: acked), hubReachable: nil,
            clockOffsetMs: try replica.syncState(SyncStateKeys.clockOffsetMs).flatMap(Int64.init),
            lastErrorCode: try replica.syncState(SyncStateKeys.lastErrorCode), lastError: try replica.syncState(SyncStateKeys.lastError),
            versionVector: try replica.versionVector(), hlc: try replica.currentHLC().description, schemaVersion: CRMSchema.version,
            schemaBehind: try replica.syncState("schemaBehind").flatMap(UInt16.init).flatMap { $0 > CRMSchema.version ? $0 : nil })
        status.pendingReview = try replica.reviewCount()
        status.clockLeadMs = lead
        if let lead, lead > Int64(replica.maxDriftMilliseconds) {
            status.clockWarning = "this computer's clock is \(ClockSkewError.human(UInt64(lead))) ahead of the hub's: local changes are refused "
                + "until it is set right; unsent changes are kept and re-stamped then"
        }
        return status
    }
}
