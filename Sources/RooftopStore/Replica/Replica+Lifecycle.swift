import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Deletes a visible row: writes a tombstone that carries this replica's version vector (the
    /// edits it knows of). The tombstone wins over every edit made without knowledge of it
    /// (`sync-protocol/merge-rules.md#tombstones`); restoring is explicit (``restore(_:id:)``).
    /// - Returns: the delete as it enters the change log.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when no visible row has that id.
    @discardableResult
    public func delete(_ entity: EntitySchema, id: RowID) throws -> RowChange {
        try lifecycle(entity, id: id, kind: .delete)
    }

    /// Removes one phone (`customerPhone`) or address (`customerAddress`) of a customer: a tombstone
    /// like ``delete(_:id:)``, and one for each other row of the customer with the same number or
    /// place (a merged customer shows those once: `MergedCustomer.oneEach`). No other child becomes
    /// primary by itself (mark one with an update).
    /// - Returns: the delete of `id` as it enters the change log.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when the customer has no visible child with that id;
    ///   `INVALID` for another entity.
    @discardableResult
    public func removeChild(_ entity: EntitySchema, id: RowID, ofCustomer customer: RowID) throws -> RowChange {
        let isPhone = entity.table == CRMSchema.customerPhone.table
        guard isPhone || entity.table == CRMSchema.customerAddress.table else {
            throw ReplicaError(.invalid, "only phones and addresses are removed one by one, not \(entity.table)")
        }
        _ = try visibleRow(CRMSchema.customer, id: customer)
        guard let state = try storedState(entity, id: id), state.values["customerId"] == .text(customer.string) else {
            throw ReplicaError(.notFound, "customer \(customer) has no \(entity.table) with id \(id)")
        }
        guard state.isVisible else { throw try absence(entity, id: id) }
        func key(_ row: StoredRow) -> String { isPhone ? MergedCustomer.phoneKey(row) : MergedCustomer.addressKey(row) }
        return try writeTransaction { db -> RowChange in
            let siblings: [StoredRow] = try Self.storedRows(db, entity, where: "customerId = ?", suffix: "ORDER BY id", arguments: StatementArguments([customer.string]))
            guard let removed = siblings.first(where: { $0.id == id }) else { throw ReplicaError(.notFound, "customer \(customer) has no \(entity.table) with id \(id)") }
            let change = try lifecycle(db, entity, id: id, kind: .delete)
            for sibling in siblings where sibling.id != id && key(sibling) == key(removed) {
                _ = try lifecycle(db, entity, id: sibling.id, kind: .delete)
            }
            return change
        }
    }

    /// Restores a deleted row with a later HLC than its tombstone. Edits that lost to the delete
    /// stay in the conflict log; they are not re-applied.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when the row does not exist or is not deleted.
    @discardableResult
    public func restore(_ entity: EntitySchema, id: RowID) throws -> RowChange {
        try lifecycle(entity, id: id, kind: .restore)
    }

    private func lifecycle(_ entity: EntitySchema, id: RowID, kind: RowChange.Kind) throws -> RowChange {
        try writeTransaction { db in try lifecycle(db, entity, id: id, kind: kind) }
    }

    /// A delete or restore inside a write transaction the caller holds.
    func lifecycle(_ db: Database, _ entity: EntitySchema, id: RowID, kind: RowChange.Kind) throws -> RowChange {
        // A customer id a merge absorbed stands for its survivor (`sync-protocol/customer-merge.md`).
        let id = entity.table == CRMSchema.customer.table ? try CustomerMerges.resolve(db, id) : id
        // The clock first: bringing back a clock that ran ahead re-stamps and re-folds rows, this one too.
        var clock = try localClock(db)
        guard var state = try RowIO.load(db, entity, id: id), state.created != nil else {
            throw try Self.absence(db, entity, id: id)
        }
        if kind == .delete && !state.isVisible { throw try Self.absence(db, entity, id: id) }
        if kind == .restore && state.isVisible { throw ReplicaError(.conflict, "\(entity.table) \(id) is not deleted: there is nothing to restore") }
        let hlc = clock.tick(wallMilliseconds: wallClock.nowMilliseconds())
        let fields = kind == .delete
            ? [FieldChange(RowChange.contextField, .blob(try ChangeLog.versionVector(db).encoded()))] : []
        let change = RowChange(table: entity.table, rowID: id, hlc: hlc, kind: kind, fields: fields)
        // Everything applied here is in this replica's version vector, so no edit loses to a
        // local delete, and a local restore follows every change seen: no fold is needed.
        state.deleted = kind == .delete ? FieldStamp(hlc: hlc, origin: rooftop) : nil
        state.tombstoned = true
        try RowIO.save(db, entity, id: id, state: state)
        try ChangeLog.append(db, origin: rooftop, change: change)
        try storeClock(db, clock)
        try ChangeLog.advance(db, origin: rooftop, to: hlc)
        return change
    }

    /// Edits that lost to a delete they did not know of, across all tables, oldest first: who
    /// (the origin rooftop), when (the edit's HLC), the losing values, and the tombstone.
    /// Derived from the change log, so every replica that has seen the same changes lists the
    /// same conflicts.
    public func conflicts(limit: Int = 1_000) throws -> [ConflictRecord] {
        try pool.read { db in
            var records: [ConflictRecord] = []
            for entity in CRMSchema.entities {
                let table = entity.table.quotedDatabaseIdentifier
                // Rows with a delete in their history, and children of parents with one.
                var condition = "_tombstoned = 1"
                if let parentField = entity.parentField, let parentTable = entity.parentTable {
                    condition += " OR \(parentField.quotedDatabaseIdentifier) IN (SELECT id FROM \(parentTable.quotedDatabaseIdentifier) WHERE _tombstoned = 1)"
                }
                let parentColumn = entity.parentField.map { ", " + $0.quotedDatabaseIdentifier } ?? ", NULL"
                for row in try Row.fetchAll(db, sql: "SELECT id\(parentColumn) FROM \(table) WHERE \(condition) ORDER BY id") {
                    guard let id = RowID(row[0] as String) else { continue }
                    let parent = (row[1] as String?).flatMap(RowID.init).flatMap { id in entity.parentTable.map { ($0, id) } }
                    for conflict in try ChildRecords.fold(db, entity, id: id).conflicts {
                        records.append(ConflictRecord(table: entity.table, rowID: id, conflict: conflict, parent: conflict.byParent ? parent : nil))
                    }
                }
            }
            return Array(records.sorted { ($0.hlc, $0.origin) < ($1.hlc, $1.origin) }.prefix(limit))
        }
    }
}
