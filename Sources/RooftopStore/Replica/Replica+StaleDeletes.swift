import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

extension Replica {
    /// Records the hub's retention floor as a `hello` announced it: a rooftop compacts only the
    /// superseded values the hub's floor covers (`sync-protocol/merge-rules.md#retention`).
    /// - Throws: GRDB's `DatabaseError`.
    public func recordHubRetentionFloor(_ floor: VersionVector) throws {
        try setSyncState([Retention.hubFloorKey: String(decoding: try JSONEncoder().encode(floor), as: UTF8.self)])
    }

    /// Refreshes this rooftop's unsent deletes whose context is older than the hub's retention floor:
    /// their context is raised to the floor, in one transaction, and the rows they touch are folded
    /// again (`sync-protocol/merge-rules.md#retention`, stale deletes).
    ///
    /// A delete that waited unsent past the horizon would otherwise make edits older than the horizon
    /// lose, whose superseded values replicas may have compacted away. Nobody else has seen an unsent
    /// delete, so rewriting its context changes only this replica; the delete still wins (the row is
    /// deleted), but edits the floor covers count as known to it instead of as conflicts.
    /// - Parameters:
    ///   - floor: the hub's retention floor (`HubHello.retentionFloor`).
    ///   - acked: the hub's acknowledgement of this rooftop's changes; only later ones are rewritten.
    /// - Returns: how many deletes were refreshed.
    /// - Throws: ``ReplicaError`` `CORRUPT` for an unreadable log entry; GRDB's `DatabaseError`.
    @discardableResult
    public func refreshStaleDeletes(floor: VersionVector, after acked: HLC) throws -> Int {
        guard !floor.entries.isEmpty else { return 0 }
        return try writeTransaction { db in
            var refreshed = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT hlc, tableName, rowId, fields FROM changeLog WHERE origin = ? AND hlc > ? AND kind = 3 ORDER BY hlc
                """, arguments: [rooftop.rawValue, Int64(bitPattern: acked.rawValue)]) {
                let fields: [FieldChange]
                do { fields = try FieldListCodec.decode(Array(row[3] as Data)) } catch {
                    throw ReplicaError(.corrupt, "unreadable change log fields: \(error)")
                }
                guard case .blob(let bytes)? = fields.first(where: { $0.name == RowChange.contextField })?.value,
                    let context = VersionVector(encoded: bytes), floor.entries.contains(where: { context[$0.key] < $0.value })
                else { continue }
                var merged = context
                for (origin, hlc) in floor.entries { merged.advance(origin, to: hlc) }
                try db.execute(sql: "UPDATE changeLog SET fields = ? WHERE origin = ? AND hlc = ?",
                               arguments: [Data(FieldListCodec.encode([FieldChange(RowChange.contextField, .blob(merged.encoded()))])),
                                           rooftop.rawValue, row[0] as Int64])
                if let entity = CRMSchema.entity(row[1]), let id = RowID(row[2] as String), let stored = try RowIO.load(db, entity, id: id) {
                    let state = try ChildRecords.fold(db, entity, id: id).state
                    if state != stored { try RowIO.save(db, entity, id: id, state: state) }
                    if !CRMSchema.children(of: entity.table).isEmpty { try ChildRecords.refold(childrenOf: entity, id: id, in: db) }
                }
                refreshed += 1
            }
            return refreshed
        }
    }

    /// The hub's record of `origin`'s pushed changes it ignored because their row was purged, after
    /// `after`, oldest first, at most `limit`: what `hello` names to that rooftop (which sends the
    /// newest it has queued as `after`). Kept for good: one small row per ignored change, and a
    /// rooftop back after months (re-bootstrapping) still learns of its changes the hub ignored.
    /// - Throws: GRDB's `DatabaseError`.
    public func ignoredChanges(of origin: RooftopID, after: HLC = .zero, limit: Int = 10_000) throws -> [HLC] {
        try pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT hlc FROM ignoredChange WHERE origin = ? AND hlc > ? ORDER BY hlc LIMIT ?",
                               arguments: [origin.rawValue, Int64(bitPattern: after.rawValue), limit]).map { HLC(rawValue: UInt64(bitPattern: $0)) }
        }
    }

    /// Puts this rooftop's changes with these HLCs, which the hub ignored because their row had been
    /// purged, in the review queue (`sync-protocol/merge-rules.md#review-queue`), and removes those
    /// rows here as the hub has (a purge is terminal; a row known here only from such a change would
    /// otherwise stay as an orphan the hub does not hold). Idempotent: a change already queued (and
    /// so no longer in the change log) is skipped.
    /// - Returns: how many were queued.
    /// - Throws: GRDB's `DatabaseError`.
    @discardableResult
    public func queueIgnoredByHub(_ hlcs: [HLC]) throws -> Int {
        guard !hlcs.isEmpty else { return 0 }
        return try writeTransaction { db in
            // Every change is read and queued before any row is forgotten: forgetting a row drops its
            // log entries, which later HLCs of the same row would otherwise be looked up in.
            var forget: [(EntitySchema, RowID, HLC)] = []
            var queued = 0
            for hlc in hlcs {
                guard let row = try Row.fetchOne(db, sql: "SELECT tableName, rowId, kind, fields FROM changeLog WHERE origin = ? AND hlc = ?",
                                                 arguments: [rooftop.rawValue, Int64(bitPattern: hlc.rawValue)]),
                    let id = RowID(row[1] as String), let kind = RowChange.Kind(rawValue: UInt8(truncatingIfNeeded: row[2] as Int64))
                else { continue }
                let fields = (try? FieldListCodec.decode(Array(row[3] as Data))) ?? []
                try ReviewQueue.record(db, RowChange(table: row[0], rowID: id, hlc: hlc, kind: kind, fields: fields), origin: rooftop,
                                       reason: .rowPurged, now: wallClock.nowMilliseconds())
                if let entity = CRMSchema.entity(row[0]) { forget.append((entity, id, hlc)) }
                queued += 1
            }
            // The row's other unsent changes (a later frame, or not yet pushed) would be ignored too: queued with it.
            let queuedHLCs = Set(hlcs)
            for (entity, id, _) in forget {
                queued += try ReviewQueue.keepUnsent(db, entity, id: id, owner: rooftop, reason: .rowPurged, now: wallClock.nowMilliseconds(), except: queuedHLCs)
            }
            for (entity, id, hlc) in forget { try Erasure.forget(db, entity, id: id, by: .hub, hlc: hlc) }
            return queued
        }
    }
}
