import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// Data-subject erasure inside the replica's transactions (`sync-protocol/merge-rules.md#erasure`).
enum Erasure {
    /// Child tables whose rows belong to one customer (by `customerId`): derived from the schema, so
    /// a new child entity can never be forgotten.
    static let childEntities: [EntitySchema] = CRMSchema.children(of: CRMSchema.customer.table)

    static func isErased(_ db: Database, customer: String) throws -> Bool {
        // Stepped through the handle: an import asks it of each new keyed row.
        try DirectBinding.firstRow(db.cachedStatement(sql: "SELECT 1 FROM erasedCustomer WHERE customerId = ?"), in: db,
                                   bind: { $0.bind(customer) }) { _ in true } ?? false
    }

    /// The customers erased here (`erasedCustomer` rows): an apply compares it before and after a
    /// changeset with merges, which may spread an erasure (``CustomerMerges/spreadErasure(_:from:)``).
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM erasedCustomer") ?? 0
    }

    /// True when a change is to an erased customer or names one as its `customerId`.
    static func isAboutAnErasedCustomer(_ db: Database, _ entity: EntitySchema, _ change: RowChange) throws -> Bool {
        if entity.table == CRMSchema.customer.table { return try isErased(db, customer: change.rowID.string) }
        // A row an erasure removed (its marker carries the erase's stamp).
        if try Bool.fetchOne(db, sql: """
            SELECT 1 FROM purgedRow p JOIN erasedCustomer e ON e.hlc = p.hlc AND e.erasedBy = p.purgedBy WHERE p.tableName = ? AND p.rowId = ?
            """, arguments: [entity.table, change.rowID.string]) == true { return true }
        if let field = change.fields.first(where: { $0.name == "customerId" }), case .text(let customer) = field.value {
            return try isErased(db, customer: customer)
        }
        guard entity.parentField != nil || entity.field("customerId") != nil else { return false }
        let stored = try String.fetchOne(db, sql: "SELECT customerId FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?",
                                         arguments: [change.rowID.string])
        return try stored.map { try isErased(db, customer: $0) } ?? false
    }

    /// Removes the customer, every row about them (children by `customerId`, and vehicles no other
    /// customer refers to) and all their history, including this replica's unsent changes; keeps
    /// the erase change (to relay: it holds only the id) and markers so nothing comes back.
    ///
    /// `owner`'s own unsent changes about the customer are dropped with the rest (decision 7); when the
    /// erasure came from elsewhere, the review queue records that they were (without their values).
    ///
    /// A merge says its customers are one person: the erasure covers every customer a merge ever
    /// joined to the named one (`sync-protocol/customer-merge.md#merge-and-erasure`), whichever id it named.
    static func erase(_ db: Database, customer: RowID, by origin: RooftopID, change: RowChange, owner: RooftopID, now: UInt64) throws {
        // Rows noted earlier in this transaction get their full-text rows first, as row by row,
        // so the person's are deleted and merged away below with the rest.
        try CustomerSearchDeferral.writeNoted(db)
        let members = try CustomerMerges.everMerged(db, with: customer.string).compactMap(RowID.init)
        for member in members where try !isErased(db, customer: member.string) {
            try purgePerson(db, customer: member, by: origin, hlc: change.hlc, owner: owner, now: now)
        }
        try scrubSearchIndexes(db)
        try ChangeLog.append(db, origin: origin, change: change)
    }

    /// FTS5 keeps a deleted row's terms in older index segments until they merge: merges the search
    /// box's and the VINs' indexes now (FTS5 `optimize`), so no name, city or VIN of an erased person
    /// stays in the file (phones are in a b-tree index, whose deleted entries `secure_delete`
    /// overwrites; the interactions' index is merged by ``purgePerson(_:customer:by:hlc:owner:now:)``).
    /// - Throws: database errors.
    static func scrubSearchIndexes(_ db: Database) throws {
        for index in ["customerSearchText", "vinSearchText"] {
            try db.execute(sql: "INSERT INTO \(index) (\(index)) VALUES ('optimize')")
        }
    }

    /// Removes one customer id's rows and history as ``erase(_:customer:by:change:owner:now:)`` does,
    /// and records the marker with the erasure's stamp; logs no change.
    static func purgePerson(_ db: Database, customer: RowID, by origin: RooftopID, hlc: HLC, owner: RooftopID? = nil, now: UInt64 = 0) throws {
        let owner = try owner ?? String.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'rooftop'").flatMap(RooftopID.init(rawValue:))
        let id = customer.string
        var vehicles = Set(try String.fetchAll(db, sql: "SELECT vehicleId FROM customerVehicle WHERE customerId = ? AND vehicleId IS NOT NULL",
                                               arguments: [id]))
        vehicles.formUnion(try String.fetchAll(db, sql: """
            SELECT relatedToId FROM customerInteraction WHERE customerId = ? AND relatedToType = 'Vehicle' AND relatedToId IS NOT NULL
            """, arguments: [id]))
        var rows: [(EntitySchema, RowID)] = []
        for entity in childEntities {
            for child in try String.fetchAll(db, sql: "SELECT id FROM \(entity.table.quotedDatabaseIdentifier) WHERE customerId = ?", arguments: [id]) {
                if let childID = RowID(child) { rows.append((entity, childID)) }
            }
        }
        rows.append((CRMSchema.customer, customer))
        try ReviewQueue.forget(db, customer: id, rows: rows.map(\.1.string))
        if let owner, origin != owner {
            for (entity, row) in rows { try ReviewQueue.keepUnsent(db, entity, id: row, owner: owner, reason: .customerErased, now: now) }
        }
        for (entity, childID) in rows.dropLast() { try forget(db, entity, id: childID, by: origin, hlc: hlc) }
        for vehicle in vehicles {
            let otherLinks = try Int.fetchOne(db, sql: "SELECT count(*) FROM customerVehicle WHERE vehicleId = ?", arguments: [vehicle]) ?? 0
            let otherLeads = try Int.fetchOne(db, sql: "SELECT count(*) FROM customerInteraction WHERE relatedToId = ?", arguments: [vehicle]) ?? 0
            if otherLinks + otherLeads == 0, let vehicleID = RowID(vehicle) {
                try forget(db, CRMSchema.vehicle, id: vehicleID, by: origin, hlc: hlc)
            }
        }
        try forget(db, CRMSchema.customer, id: customer, by: origin, hlc: hlc)
        if rows.contains(where: { $0.0.table == CRMSchema.customerInteraction.table }) {
            // FTS5 leaves a deleted row's words in older index segments until they merge: merge them
            // now, so nothing the person said stays in the file (with secure_delete, freed pages are zeroed).
            try db.execute(sql: "INSERT INTO customerInteractionText (customerInteractionText) VALUES ('optimize')")
        }
        try db.execute(sql: "INSERT OR IGNORE INTO erasedCustomer (customerId, erasedBy, hlc) VALUES (?, ?, ?)",
                       arguments: [id, origin.rawValue, Int64(bitPattern: hlc.rawValue)])
        try db.execute(sql: "DELETE FROM customerAlias WHERE id = ?1 OR survivorId = ?1", arguments: [id])
        try db.execute(sql: "DELETE FROM reparentedRow WHERE originalCustomerId = ?", arguments: [id])
    }

    /// Removes one row and its history for good (no marker change of its own is logged).
    static func forget(_ db: Database, _ entity: EntitySchema, id: RowID, by origin: RooftopID, hlc: HLC) throws {
        try db.execute(sql: "DELETE FROM changeLog WHERE tableName = ? AND rowId = ? AND kind NOT IN (5, 6)", arguments: [entity.table, id.string])
        try db.execute(sql: "DELETE FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?", arguments: [id.string])
        try db.execute(sql: "INSERT OR IGNORE INTO purgedRow (tableName, rowId, purgedBy, hlc) VALUES (?, ?, ?, ?)",
                       arguments: [entity.table, id.string, origin.rawValue, Int64(bitPattern: hlc.rawValue)])
    }
}

/// A customer erased on a data subject's request, and which rooftops have applied it.
public struct ErasureRecord: Sendable, Equatable, Codable {
    public let customerId: RowID
    /// The rooftop where staff requested it.
    public let erasedBy: RooftopID
    /// When, RFC 3339 UTC.
    public let at: String
    /// The erase change's HLC (raw 64-bit value).
    public let hlc: UInt64
    /// Rooftops known (at the hub) to have applied it; filled by ``Replica/erasures(acknowledgedBy:)``.
    public var acknowledgedBy: [RooftopID]
    /// Rooftops that have not yet.
    public var pending: [RooftopID]
}

extension Replica {
    /// Erases a customer on a data subject's request (decision 7): every row about them and their
    /// whole history leave this replica now (unsent changes included) and every other replica when
    /// the erase reaches it; nothing brings them back; the erase wins over any concurrent edit.
    /// - Returns: the erase change.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when no customer (visible or deleted) has that id.
    @discardableResult
    public func erase(customer id: RowID) throws -> RowChange {
        defer { scrubWriteAheadLog() }
        return try writeTransaction { db in
            guard try RowIO.load(db, CRMSchema.customer, id: id)?.created != nil else {
                let absence = try Self.absence(db, CRMSchema.customer, id: id)
                throw absence.code == .gone ? absence : ReplicaError(.notFound, "no customer with id \(id)")
            }
            var clock = try localClock(db)
            let hlc = clock.tick(wallMilliseconds: wallClock.nowMilliseconds())
            let change = RowChange(table: CRMSchema.customer.table, rowID: id, hlc: hlc, kind: .erase, fields: [])
            try Erasure.erase(db, customer: id, by: rooftop, change: change, owner: rooftop, now: wallClock.nowMilliseconds())
            try storeClock(db, clock)
            try ChangeLog.advance(db, origin: rooftop, to: hlc)
            return change
        }
    }

    /// Checkpoints and truncates the write-ahead log, so earlier page versions holding erased data
    /// do not linger in the `-wal` file. Best effort: skipped while readers hold old snapshots.
    func scrubWriteAheadLog() {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Records a rooftop's version vector at its pull (the hub does), for erasure acknowledgements.
    public func recordProgress(of rooftop: RooftopID, seen: VersionVector) throws {
        try writeTransaction { db in
            try db.execute(sql: """
                INSERT INTO rooftopProgress (rooftop, versionVector, at) VALUES (?, ?, ?)
                ON CONFLICT(rooftop) DO UPDATE SET versionVector = excluded.versionVector, at = excluded.at
                """, arguments: [rooftop.rawValue, Data(seen.encoded()), Int64(wallClock.nowMilliseconds())])
        }
    }

    /// The erasures this replica holds, newest first, with the replicas that have applied each
    /// (at the hub: the hub itself, and each rooftop whose version vector at its last pull covers it;
    /// the requesting rooftop counts at once).
    public func erasures() throws -> [ErasureRecord] {
        try pool.read { db in
            var progress: [RooftopID: VersionVector] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rooftop, versionVector FROM rooftopProgress") {
                if let id = RooftopID(rawValue: row[0]), let vector = VersionVector(encoded: Array(row[1] as Data)) { progress[id] = vector }
            }
            return try Row.fetchAll(db, sql: "SELECT customerId, erasedBy, hlc FROM erasedCustomer ORDER BY hlc DESC").compactMap { row in
                guard let id = RowID(row[0] as String), let by = RooftopID(rawValue: row[1]) else { return nil }
                let hlc = HLC(rawValue: UInt64(bitPattern: row[2]))
                // This replica (at the hub: the hub itself) holds the erasure, so it has applied it.
                let rooftops = Set(progress.keys).union([by, rooftop]).sorted()
                let acknowledged = rooftops.filter { $0 == by || $0 == rooftop || (progress[$0]?[by] ?? .zero) >= hlc }
                return ErasureRecord(customerId: id, erasedBy: by, at: Timestamp.string(milliseconds: hlc.milliseconds), hlc: hlc.rawValue,
                                     acknowledgedBy: acknowledged, pending: rooftops.filter { !acknowledged.contains($0) })
            }
        }
    }
}

extension StoreTransaction {
    /// True when customer `id` was erased (a DSAR erasure applied here: its marker in `erasedCustomer`).
    /// - Throws: database errors.
    public func isErased(customer id: RowID) throws -> Bool {
        try Erasure.isErased(db, customer: id.string)
    }
}
