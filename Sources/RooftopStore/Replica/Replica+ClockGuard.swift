import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// The hub's time as this rooftop last measured it, against its own monotonic clock: how a
/// rooftop knows, offline, that its wall clock is far ahead of the hub's
/// (`sync-protocol/hlc.md#a-clock-far-ahead`).
public struct HubClockReference: Sendable, Equatable {
    /// The hub's wall time at the measurement, Unix ms.
    public var hubMilliseconds: UInt64
    /// This computer's monotonic clock at the measurement, ms (``WallClock/monotonicMilliseconds()``).
    public var monotonicMilliseconds: UInt64
    /// The boot the monotonic reading belongs to (``WallClock/bootID``).
    public var bootID: String

    /// `syncState` value: `hubMs monotonicMs bootID`.
    var encoded: String { "\(hubMilliseconds) \(monotonicMilliseconds) \(bootID)" }

    init?(encoded: String) {
        let parts = encoded.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, let hub = UInt64(parts[0]), let monotonic = UInt64(parts[1]) else { return nil }
        self.init(hubMilliseconds: hub, monotonicMilliseconds: monotonic, bootID: String(parts[2]))
    }

    public init(hubMilliseconds: UInt64, monotonicMilliseconds: UInt64, bootID: String) {
        self.hubMilliseconds = hubMilliseconds
        self.monotonicMilliseconds = monotonicMilliseconds
        self.bootID = bootID
    }

    /// The hub's time now, estimated from the reference and the monotonic time elapsed since;
    /// nil when the monotonic clock is not comparable (another boot).
    func hubNow(_ clock: any WallClock) -> UInt64? {
        guard clock.bootID == bootID, let now = clock.monotonicMilliseconds(), now >= monotonicMilliseconds else { return nil }
        return hubMilliseconds + (now - monotonicMilliseconds)
    }
}

extension Replica {
    /// The `syncState` key of the ``HubClockReference``.
    static let hubClockKey = "hubClock"

    /// Records the hub's wall time as measured now (at a `hello`), so local writes can be refused
    /// while this computer's clock is far ahead of it, even offline. Does nothing when the wall
    /// clock has no monotonic companion.
    /// - Parameter hubMilliseconds: the hub's time now, Unix ms.
    /// - Throws: GRDB's `DatabaseError`.
    public func recordHubClock(hubMilliseconds: UInt64) throws {
        guard let monotonic = wallClock.monotonicMilliseconds(), let boot = wallClock.bootID else { return }
        try setSyncState([Self.hubClockKey: HubClockReference(hubMilliseconds: hubMilliseconds, monotonicMilliseconds: monotonic, bootID: boot).encoded])
    }

    /// How far this computer's wall clock is ahead of the hub's now, in ms (negative: behind), as
    /// estimated from the last ``recordHubClock(hubMilliseconds:)``; nil when unknown (never
    /// measured, or measured before a reboot).
    public func clockLead() throws -> Int64? {
        try pool.read { db in try clockLead(db) }
    }

    func clockLead(_ db: Database) throws -> Int64? {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT CAST(value AS TEXT) FROM syncState WHERE key = ?"),
                                             arguments: [Self.hubClockKey]),
            let reference = HubClockReference(encoded: text), let hubNow = reference.hubNow(wallClock)
        else { return nil }
        return Int64(wallClock.nowMilliseconds()) - Int64(hubNow)
    }

    /// The persisted clock, for stamping a local write: refused while this computer's clock is
    /// more than the max drift ahead of the hub's, so nothing is stamped in the future.
    /// - Throws: ``ReplicaError`` `CLOCK_SKEW`.
    func localClock(_ db: Database) throws -> HybridLogicalClock {
        let clock = try loadClock(db)
        guard let lead = try clockLead(db) else { return clock }
        if lead <= Int64(maxDriftMilliseconds) {
            // The clock is right (again) but the persisted HLC is still far ahead: bring it back
            // now, re-stamping the unsent changes stamped in the future, before stamping this write.
            let hubNow = UInt64(max(0, Int64(wallClock.nowMilliseconds()) - lead))
            if clock.last.milliseconds > hubNow + maxDriftMilliseconds {
                let acked = try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM syncState WHERE key = 'hubAcked'").flatMap(UInt64.init)
                _ = try recoverClock(db, hubAcknowledged: HLC(rawValue: acked ?? 0), hubMilliseconds: hubNow)
                return try loadClock(db)
            }
            return clock
        }
        let now = wallClock.nowMilliseconds()
        throw ReplicaError(.clockSkew, """
            this computer's clock reads \(Timestamp.string(milliseconds: now)), \(ClockSkewError.human(UInt64(lead))) ahead of the hub's \
            (\(Timestamp.string(milliseconds: now - UInt64(lead)))); changes are refused so that nothing is stamped in the future. \
            Set the clock right (NTP), then sync: changes made before are kept and sent
            """)
    }
}
