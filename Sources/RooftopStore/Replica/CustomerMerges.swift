import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// Duplicate-customer merges inside the replica's transactions (`sync-protocol/customer-merge.md`).
///
/// The replicated state is the `customerMerge` records; everything here is derived from them, the
/// same way on every replica: the live merges join customers into components; each component's
/// survivor is its member created first (earliest creation HLC, then lowest id); `customerAlias`
/// maps every other member to it, `customer._mergedInto` hides them, and every child row naming
/// one is stored under the survivor (its original parent kept in `reparentedRow`, so an unmerge
/// moves it back). Field stamps are never touched: only which customer a child belongs to.
enum CustomerMerges {
    static let table = CRMSchema.customerMerge.table
    /// The entities whose parent field names a customer (derived from the schema).
    static let children = CRMSchema.children(of: CRMSchema.customer.table)
    /// The condition that a merge record joins its two customers.
    static let live = "_created IS NOT NULL AND _deleted IS NULL AND coalesce(unmerged, 0) = 0"

    /// Whether any customer is absorbed (an alias) and whether any merge record exists. With
    /// neither, a write needs no survivor lookup and no re-projection: a local write of many rows
    /// (an import's batch) asks once, ``Replica/write(_:)``, and again after writing a merge record.
    struct Presence {
        var anyAlias: Bool
        var anyMergeRecord: Bool
        /// Assume both (the writes that do not ask).
        static let assumed = Presence(anyAlias: true, anyMergeRecord: true)

        static func current(_ db: Database) throws -> Presence {
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM customerAlias), EXISTS (SELECT 1 FROM \(table.quotedDatabaseIdentifier))"))
            return Presence(anyAlias: row?[0] ?? true, anyMergeRecord: row?[1] ?? true)
        }
    }

    /// The survivor an absorbed customer resolves to; nil when `id` is not absorbed.
    static func survivor(_ db: Database, of id: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT survivorId FROM customerAlias WHERE id = ?"), arguments: [id])
    }

    /// `id`, or its survivor when it was absorbed.
    static func resolve(_ db: Database, _ id: RowID) throws -> RowID {
        try survivor(db, of: id.string).flatMap(RowID.init) ?? id
    }

    /// The ids absorbed into `survivor`, sorted.
    static func absorbed(_ db: Database, into survivor: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM customerAlias WHERE survivorId = ? ORDER BY id"), arguments: [survivor])
    }

    /// True when any merge record names `id` (live or not).
    static func isNamed(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM customerMerge WHERE fromId = ?1 OR intoId = ?1)"),
                          arguments: [id]) ?? false
    }

    /// The customers a live merge joins to `id` directly.
    static func neighbours(_ db: Database, _ id: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: """
            SELECT intoId FROM customerMerge WHERE fromId = ?1 AND intoId IS NOT NULL AND \(live)
            UNION SELECT fromId FROM customerMerge WHERE intoId = ?1 AND fromId IS NOT NULL AND \(live)
            """), arguments: [id])
    }

    /// Every member of `id`'s component as the live merges now join it (`id` included), sorted.
    static func component(_ db: Database, of id: String) throws -> [String] {
        var seen: Set<String> = [id], queue = [id]
        while let next = queue.popLast() {
            for neighbour in try neighbours(db, next) where seen.insert(neighbour).inserted { queue.append(neighbour) }
        }
        return seen.sorted()
    }

    /// The survivor of a component: the member whose customer row was created first (creation
    /// HLC, then id); the lowest id when no member's insert has arrived yet.
    static func chooseSurvivor(_ db: Database, _ members: [String]) throws -> String {
        var best: (hlc: Int64, id: String)?
        for member in members {
            guard let created = try Int64.fetchOne(db.cachedStatement(sql: "SELECT _created FROM customer WHERE id = ?"), arguments: [member])
            else { continue }
            // HLCs are unsigned: compare their bit patterns as UInt64.
            if let current = best, (UInt64(bitPattern: current.hlc), current.id) <= (UInt64(bitPattern: created), member) { continue }
            best = (created, member)
        }
        return best?.id ?? members.min()!
    }

    /// Derives again everything the merges decide for the components that hold `seeds` now or held
    /// them before: aliases, hidden customers, children's parents (folding a moved child again when
    /// a delete is in its or a parent's history) and erasure of a component that holds an erased
    /// customer. Idempotent; called after every write of a merge record, of a customer that a merge
    /// names, and of an erasure.
    static func reproject(_ db: Database, seeds: Set<String>) throws {
        guard !seeds.isEmpty else { return }
        // What the seeds were joined with before: an unmerge can split that.
        var affected = seeds
        for seed in seeds {
            let old = try survivor(db, of: seed) ?? seed
            affected.insert(old)
            affected.formUnion(try absorbed(db, into: old))
        }
        var survivorOf: [String: String] = [:]
        var components: [[String]] = []
        for start in affected.sorted() where survivorOf[start] == nil {
            let members = try component(db, of: start)
            let survivor = try chooseSurvivor(db, members)
            for member in members { survivorOf[member] = survivor }
            components.append(members)
        }
        let everyone = survivorOf.keys.sorted()
        for id in everyone {
            try db.execute(sql: "DELETE FROM customerAlias WHERE id = ?", arguments: [id])
            let target = survivorOf[id]!
            // Erased and purged customers have no alias: they are gone, and nothing may be written to them.
            if target != id, let rowID = RowID(id), try !Erasure.isErased(db, customer: id),
                try !Retention.isPurged(db, table: CRMSchema.customer.table, id: rowID) {
                try db.execute(sql: "INSERT INTO customerAlias (id, survivorId) VALUES (?, ?)", arguments: [id, target])
            }
            try db.execute(sql: "UPDATE customer SET _mergedInto = ? WHERE id = ? AND _mergedInto IS NOT ?",
                           arguments: [target == id ? nil : target, id, target == id ? nil : target])
        }
        for entity in children { try moveChildren(db, entity, of: everyone, to: survivorOf) }
        try spreadErasure(db, from: everyone)
        try spreadPurge(db, from: everyone)
    }

    /// Stores every child of `ids` under the customer its original parent now resolves to.
    private static func moveChildren(_ db: Database, _ entity: EntitySchema, of ids: [String], to survivorOf: [String: String]) throws {
        guard let parentField = entity.parentField?.quotedDatabaseIdentifier else { return }
        let tableName = entity.table.quotedDatabaseIdentifier
        for id in ids {
            // Rows stored under `id`, and rows whose insert named `id` stored elsewhere.
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.id, t.\(parentField), r.originalCustomerId FROM \(tableName) t
                  LEFT JOIN reparentedRow r ON r.tableName = ? AND r.rowId = t.id WHERE t.\(parentField) = ?
                UNION SELECT t.id, t.\(parentField), r.originalCustomerId FROM reparentedRow r
                  JOIN \(tableName) t ON t.id = r.rowId WHERE r.tableName = ? AND r.originalCustomerId = ?
                """, arguments: [entity.table, id, entity.table, id])
            for row in rows {
                let rowID: String = row[0], stored: String = row[1]
                let original: String = row[2] ?? stored
                let target = try survivorOf[original] ?? survivor(db, of: original) ?? original
                if target != original {
                    try db.execute(sql: "INSERT OR REPLACE INTO reparentedRow (tableName, rowId, originalCustomerId) VALUES (?, ?, ?)",
                                   arguments: [entity.table, rowID, original])
                } else if row[2] as String? != nil {
                    try db.execute(sql: "DELETE FROM reparentedRow WHERE tableName = ? AND rowId = ?", arguments: [entity.table, rowID])
                }
                guard target != stored, let childID = RowID(rowID) else { continue }
                try db.execute(sql: "UPDATE \(tableName) SET \(parentField) = ? WHERE id = ?", arguments: [target, rowID])
                // Its lifecycle now follows the new parent's deletes (`customer-merge.md#merge-and-delete`).
                if try needsFold(db, entity, childID, parents: [stored, target]) {
                    let state = try ChildRecords.fold(db, entity, id: childID).state
                    try RowIO.save(db, entity, id: childID, state: state)
                }
            }
        }
    }

    /// True when a delete is in the child's history or in one of the parents'.
    private static func needsFold(_ db: Database, _ entity: EntitySchema, _ id: RowID, parents: [String]) throws -> Bool {
        if try Bool.fetchOne(db, sql: "SELECT _tombstoned FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?", arguments: [id.string]) == true {
            return true
        }
        for parent in parents where try Bool.fetchOne(db, sql: "SELECT _tombstoned FROM customer WHERE id = ?", arguments: [parent]) == true {
            return true
        }
        return false
    }

    /// Every customer joined to `id` by any merge record, live or undone (`id` included), sorted.
    static func everMerged(_ db: Database, with id: String) throws -> [String] {
        var seen: Set<String> = [id], queue = [id]
        while let next = queue.popLast() {
            let joined = try String.fetchAll(db.cachedStatement(sql: """
                SELECT intoId FROM customerMerge WHERE fromId = ?1 AND intoId IS NOT NULL AND _created IS NOT NULL
                UNION SELECT fromId FROM customerMerge WHERE intoId = ?1 AND fromId IS NOT NULL AND _created IS NOT NULL
                """), arguments: [next])
            for other in joined where seen.insert(other).inserted { queue.append(other) }
        }
        return seen.sorted()
    }

    /// An erasure covers every customer a merge ever joined to the erased one, live or undone
    /// (`customer-merge.md#merge-and-erasure`): a merge says they are one person, and an erasure is
    /// terminal, so it cannot depend on whether an unmerge arrived before it. Erases the customers
    /// the merges of `ids` join to an erased one, with that erasure's stamp.
    static func spreadErasure(_ db: Database, from ids: [String]) throws {
        var purged = false
        for id in ids {
            let members = try everMerged(db, with: id)
            guard members.count > 1 else { continue }
            let placeholders = Array(repeating: "?", count: members.count).joined(separator: ",")
            guard let erasure = try Row.fetchOne(db, sql: """
                SELECT erasedBy, hlc FROM erasedCustomer WHERE customerId IN (\(placeholders)) ORDER BY hlc, erasedBy LIMIT 1
                """, arguments: StatementArguments(members)),
                let origin = RooftopID(rawValue: erasure[0]) else { continue }
            let hlc = HLC(rawValue: UInt64(bitPattern: erasure[1]))
            for member in members {
                guard let memberID = RowID(member), try !Erasure.isErased(db, customer: member) else { continue }
                // As an erasure does: full-text rows noted earlier in this transaction are written
                // first, so the person's are deleted below, and the search indexes merged after.
                if !purged { try CustomerSearchDeferral.writeNoted(db) }
                try Erasure.purgePerson(db, customer: memberID, by: origin, hlc: hlc)
                purged = true
            }
        }
        if purged { try Erasure.scrubSearchIndexes(db) }
    }

    /// A purged customer (deleted longer than the retention horizon) takes its live merge component
    /// with it (`customer-merge.md#merge-and-retention`): the others are purged with the purge's stamp,
    /// logging no change. Also run when a merge joins a purged customer, so the order of the purge and
    /// the merge does not matter.
    static func spreadPurge(_ db: Database, from ids: [String]) throws {
        var owner: RooftopID?
        for id in ids {
            let members = try component(db, of: id)
            guard members.count > 1 else { continue }
            let placeholders = Array(repeating: "?", count: members.count).joined(separator: ",")
            guard let purge = try Row.fetchOne(db, sql: """
                SELECT purgedBy, hlc FROM purgedRow WHERE tableName = 'customer' AND rowId IN (\(placeholders)) ORDER BY hlc, purgedBy LIMIT 1
                """, arguments: StatementArguments(members)),
                let origin = RooftopID(rawValue: purge[0]) else { continue }
            let hlc = HLC(rawValue: UInt64(bitPattern: purge[1]))
            if owner == nil {
                owner = try String.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'rooftop'").flatMap(RooftopID.init(rawValue:))
            }
            for member in members {
                guard let memberID = RowID(member), try !Retention.isPurged(db, table: CRMSchema.customer.table, id: memberID) else { continue }
                try Retention.purgeRow(db, CRMSchema.customer, id: memberID, by: origin, hlc: hlc, owner: owner,
                                       now: UInt64(max(0, Date().timeIntervalSince1970 * 1_000)))
            }
            for member in members {
                try db.execute(sql: "DELETE FROM customerAlias WHERE id = ?1 OR survivorId = ?1", arguments: [member])
                try db.execute(sql: "DELETE FROM reparentedRow WHERE originalCustomerId = ?", arguments: [member])
            }
        }
    }

    /// Called by ``RowIO`` after it writes a row: keeps the derived state in step with writes of
    /// merge records and customers. Cheap when no merge names the row.
    static func afterWrite(_ db: Database, _ entity: EntitySchema, id: RowID, values: [FieldValue]) throws {
        if entity.table == table {
            var seeds: Set<String> = []
            for name in ["fromId", "intoId"] {
                if let index = entity.fieldIndex[name], case .text(let text) = values[index] { seeds.insert(text) }
            }
            try reproject(db, seeds: seeds)
        } else if entity.table == CRMSchema.customer.table, try isNamed(db, id.string) {
            // Its creation stamp may change which member survives.
            try reproject(db, seeds: [id.string])
        }
    }

    /// The parent a child row is stored under: its insert's customer, or that customer's survivor
    /// (recorded in `reparentedRow`). Called by ``RowIO`` before it writes a child row.
    static func storedParent(_ db: Database, _ entity: EntitySchema, id: RowID, parent: String) throws -> String {
        guard let target = try survivor(db, of: parent) else { return parent }
        try db.execute(sql: "INSERT OR REPLACE INTO reparentedRow (tableName, rowId, originalCustomerId) VALUES (?, ?, ?)",
                       arguments: [entity.table, id.string, parent])
        return target
    }
}
