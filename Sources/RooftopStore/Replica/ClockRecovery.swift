import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

/// What ``Replica/recoverClock(hubAcknowledged:hubMilliseconds:)`` did.
public struct ClockRecovery: Sendable, Equatable, Codable {
    /// Unsent changes of this rooftop given new HLCs (nobody else had seen them).
    public var restamped: Int
    /// The persisted HLC before and after, `milliseconds.counter`.
    public var hlcBefore: String
    public var hlcAfter: String
}

extension Replica {
    /// Brings a clock that ran far ahead back, once this computer's clock is right again, without
    /// losing an edit (`sync-protocol/hlc.md#a-clock-far-ahead`).
    ///
    /// While the clock ran ahead, local writes were stamped in the future and the hub refused them
    /// (`CLOCK_SKEW`); the persisted HLC stayed in the future, so every new write would be too. Those
    /// refused changes are this rooftop's own changes after the hub's acknowledgement: nobody else has
    /// seen them. In one transaction this gives each of them, in order, a new HLC after everything else
    /// this replica holds (a tick of the now correct clock), rewrites the change log (delete contexts and
    /// the `updatedAt`/`createdAt` values taken from the old HLCs follow), rebuilds the rows they touched
    /// from their history, lowers this rooftop's version-vector entry and the persisted HLC, and records
    /// each old → new HLC in `restampedChange`. LWW outcomes do not change: the new stamps keep their
    /// order among themselves and still follow every other stamp.
    ///
    /// Does nothing (nil) when neither the persisted HLC nor any unsent change is more than the max
    /// drift ahead of `hubMilliseconds`, or when this computer's clock is itself still that far ahead.
    /// - Parameters:
    ///   - acked: the hub's version-vector entry for this rooftop (`hello`): changes up to it were accepted.
    ///   - hubMilliseconds: the hub's wall time now, Unix ms.
    /// - Returns: what was re-stamped, or nil.
    /// - Throws: ``ReplicaError`` `CORRUPT` for an unreadable log entry; GRDB's `DatabaseError`.
    public func recoverClock(hubAcknowledged acked: HLC, hubMilliseconds: UInt64) throws -> ClockRecovery? {
        try writeTransaction { db in try recoverClock(db, hubAcknowledged: acked, hubMilliseconds: hubMilliseconds) }
    }

    /// ``recoverClock(hubAcknowledged:hubMilliseconds:)`` inside a write transaction the caller holds.
    func recoverClock(_ db: Database, hubAcknowledged acked: HLC, hubMilliseconds: UInt64) throws -> ClockRecovery? {
        let limit = hubMilliseconds + maxDriftMilliseconds
        let now = wallClock.nowMilliseconds()
        guard now <= limit else { return nil }  // still wrong: re-stamping now would stamp in the future again
        let before = try loadClock(db)
        let own = rooftop.rawValue
        let first = try Int64.fetchOne(db, sql: "SELECT min(hlc) FROM changeLog WHERE origin = ? AND hlc > ? AND (hlc >> 16) > ?",
                                       arguments: [own, Int64(bitPattern: acked.rawValue), Int64(limit)]).map { HLC(rawValue: UInt64(bitPattern: $0)) }
        guard first != nil || before.last.milliseconds > limit else { return nil }
        // Everything this replica holds that keeps its HLC: the new stamps must follow all of it.
        var base = acked
        let keptMax = try Int64.fetchOne(db, sql: "SELECT max(hlc) FROM changeLog WHERE NOT (origin = ? AND hlc >= ?)",
                                         arguments: [own, Int64(bitPattern: (first ?? HLC(rawValue: UInt64(Int64.max))).rawValue)])
        if let keptMax { base = max(base, HLC(rawValue: UInt64(bitPattern: keptMax))) }
        for (origin, hlc) in try ChangeLog.versionVector(db).entries where origin != rooftop { base = max(base, hlc) }
        var clock = HybridLogicalClock(last: base, maxDriftMilliseconds: maxDriftMilliseconds)
        var restamped = 0
        if let first {
            let rows = try Row.fetchAll(db, sql: """
                SELECT hlc, tableName, rowId, kind, fields, schemaVersion FROM changeLog WHERE origin = ? AND hlc >= ? ORDER BY hlc
                """, arguments: [own, Int64(bitPattern: first.rawValue)])
            var mapping: [(old: HLC, new: HLC)] = []
            var touched: [(EntitySchema, RowID)] = []
            var seen = Set<String>()
            for row in rows {
                let old = HLC(rawValue: UInt64(bitPattern: row[0] as Int64))
                let new = clock.tick(wallMilliseconds: now)
                mapping.append((old, new))
                let table: String = row[1], rowID: String = row[2], kind: Int64 = row[3]
                var fields: [FieldChange]
                do { fields = try FieldListCodec.decode(Array(row[4] as Data)) } catch {
                    throw ReplicaError(.corrupt, "unreadable change log fields: \(error)")
                }
                fields = Self.restamped(fields, kind: kind, old: old, new: new, mapping: mapping, rooftop: rooftop)
                try db.execute(sql: "DELETE FROM changeLog WHERE origin = ? AND hlc = ?", arguments: [own, row[0] as Int64])
                try db.execute(sql: """
                    INSERT INTO changeLog (origin, hlc, tableName, rowId, kind, fields, schemaVersion) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [own, Int64(bitPattern: new.rawValue), table, rowID, kind, Data(FieldListCodec.encode(fields)), row[5] as Int64])
                for marker in ["erasedCustomer", "purgedRow"] {
                    let by = marker == "erasedCustomer" ? "erasedBy" : "purgedBy"
                    try db.execute(sql: "UPDATE \(marker) SET hlc = ? WHERE \(by) = ? AND hlc = ?",
                                   arguments: [Int64(bitPattern: new.rawValue), own, row[0] as Int64])
                }
                if let entity = CRMSchema.entity(table), let id = RowID(rowID), seen.insert("\(table)/\(rowID)").inserted {
                    touched.append((entity, id))
                }
                try db.execute(sql: "INSERT OR REPLACE INTO restampedChange (oldHlc, newHlc, at) VALUES (?, ?, ?)",
                               arguments: [row[0] as Int64, Int64(bitPattern: new.rawValue), Int64(now)])
            }
            // The rows, from their rewritten history (children follow a re-stamped delete or restore).
            for (entity, id) in touched {
                guard let stored = try RowIO.load(db, entity, id: id) else { continue }  // erased or purged
                let state = try ChildRecords.fold(db, entity, id: id).state
                if state != stored { try RowIO.save(db, entity, id: id, state: state) }
                if !CRMSchema.children(of: entity.table).isEmpty { try ChildRecords.refold(childrenOf: entity, id: id, in: db) }
            }
            restamped = rows.count
            try db.execute(sql: "UPDATE versionVector SET hlc = ? WHERE origin = ?", arguments: [Int64(bitPattern: clock.last.rawValue), own])
        } else {
            // Never below what the hub holds of this rooftop: its newest own change may be gone from
            // the log here (erased, purged, or queued for review after a re-bootstrap), and an entry
            // below the hub's would read as OWN_HISTORY_MISSING at the next sync (soak seed 583).
            let ownLatest = try Int64.fetchOne(db, sql: "SELECT max(hlc) FROM changeLog WHERE origin = ?", arguments: [own])
                .map { HLC(rawValue: UInt64(bitPattern: $0)) } ?? .zero
            try db.execute(sql: "UPDATE versionVector SET hlc = ? WHERE origin = ?", arguments: [Int64(bitPattern: max(ownLatest, acked).rawValue), own])
        }
        try storeClock(db, clock)
        return ClockRecovery(restamped: restamped, hlcBefore: before.last.description, hlcAfter: clock.last.description)
    }

    /// A re-stamped change's fields: a delete's context entry for this rooftop follows the mapping
    /// (it names the last own change the deleter knew), and system timestamps taken from the old
    /// HLC are taken from the new one.
    static func restamped(_ fields: [FieldChange], kind: Int64, old: HLC, new: HLC, mapping: [(old: HLC, new: HLC)], rooftop: RooftopID) -> [FieldChange] {
        let oldTime = FieldValue.text(Timestamp.string(milliseconds: old.milliseconds))
        let newTime = FieldValue.text(Timestamp.string(milliseconds: new.milliseconds))
        return fields.map { field in
            if field.name == RowChange.contextField, kind == Int64(RowChange.Kind.delete.rawValue),
                case .blob(let bytes) = field.value, let context = VersionVector(encoded: bytes),
                let remap = mapping.last(where: { $0.old <= context[rooftop] }) {
                var entries = context.entries
                entries[rooftop] = remap.new
                return FieldChange(field.name, .blob(VersionVector(entries).encoded()))
            }
            if (field.name == "updatedAt" || field.name == "createdAt") && field.value == oldTime {
                return FieldChange(field.name, newTime)
            }
            return field
        }
    }
}

extension Replica {
    /// Every re-stamp this replica made (old HLC → new HLC), oldest first (`restampedChange`; for
    /// audit and the convergence soak's accounting of edits).
    /// - Throws: GRDB's `DatabaseError`.
    public func restampedChanges() throws -> [(old: HLC, new: HLC)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT oldHlc, newHlc FROM restampedChange ORDER BY at, newHlc").map {
                (HLC(rawValue: UInt64(bitPattern: $0[0] as Int64)), HLC(rawValue: UInt64(bitPattern: $0[1] as Int64)))
            }
        }
    }
}
