import GRDB
import RooftopModel
import RooftopReplication

/// Reads and writes inside one SQLite transaction of a replica, so that a domain rule's
/// read-check-write is atomic (`Replica.transaction(_:)`): no other write, from this process or
/// another sharing the file, can come between the read and the write.
///
/// Valid only inside the closure it is given to. Every write goes through the replica's local
/// write path (HLC stamps, change log); nothing is visible to others until the closure returns.
public struct StoreTransaction {
    let db: Database
    /// The replica this transaction belongs to (its rooftop, clock and `newRowID()`).
    public let replica: Replica

    /// The visible row of `entity` with `id`, or nil. A customer id a merge absorbed gives the
    /// survivor's row (its own id).
    public func row(_ entity: EntitySchema, id: RowID) throws -> StoredRow? {
        try Replica.rowByID(db, entity, id: id)
    }

    /// `id`, or the survivor a merge absorbed it into (`sync-protocol/customer-merge.md`).
    public func survivor(of customer: RowID) throws -> RowID { try CustomerMerges.resolve(db, customer) }

    /// The visible row, whose parent (for a child record) is visible too.
    /// - Throws: ``ReplicaError`` `GONE` or `NOT_FOUND` (see ``Replica/absence(_:id:)``).
    public func visibleRow(_ entity: EntitySchema, id: RowID) throws -> StoredRow {
        if let row = try row(entity, id: id) {
            if let parentField = entity.parentField, let parentTable = entity.parentTable, let parentEntity = CRMSchema.entity(parentTable),
                case .text(let parentText) = row[parentField], let parentID = RowID(parentText), try self.row(parentEntity, id: parentID) == nil {
                let parentAbsence = try Replica.absence(db, parentEntity, id: parentID)
                throw ReplicaError(parentAbsence.code, "\(entity.table) \(id) belongs to \(parentAbsence.message)")
            }
            return row
        }
        throw try Replica.absence(db, entity, id: id)
    }

    /// Visible rows of `entity` matching a parameterised SQL condition (`"campaignId = ?"`),
    /// in `order` (SQL, default `id`), at most `limit`. The condition is code, never input.
    public func rows(_ entity: EntitySchema, where condition: String, arguments: [FieldValue] = [],
                     orderBy order: String = "id", limit: Int? = nil) throws -> [StoredRow] {
        let suffix = "ORDER BY \(order)" + (limit.map { " LIMIT \($0)" } ?? "")
        return try Replica.storedRows(db, entity, where: condition, suffix: suffix,
                                      arguments: StatementArguments(arguments.map(\.databaseValue)))
    }

    /// The first column of each row of a parameterised query, as text.
    public func strings(_ sql: String, arguments: [FieldValue] = []) throws -> [String] {
        try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
    }

    /// ``strings(_:arguments:)`` through the connection's statement cache: for a query run often
    /// with a fixed text (a lookup per new record), not for text that varies.
    public func cachedStrings(_ sql: String, arguments: [FieldValue] = []) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map(\.databaseValue)))
    }

    /// Each row of a parameterised query, streamed (a cursor: rows are not collected first).
    public func forEachRow(_ sql: String, arguments: [FieldValue] = [], _ body: ([FieldValue]) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
        while let row = try rows.next() {
            try body((0..<row.count).map { FieldValue(row[$0] as DatabaseValue) })
        }
    }

    /// ``values(_:arguments:)`` through the connection's statement cache (see ``cachedStrings(_:arguments:)``).
    public func cachedValues(_ sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
            (0..<row.count).map { FieldValue(row[$0] as DatabaseValue) }
        }
    }

    /// One integer from a parameterised query (0 when it returns no row or null).
    public func integer(_ sql: String, arguments: [FieldValue] = []) throws -> Int64 {
        try Int64.fetchOne(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue))) ?? 0
    }

    /// Rows of a parameterised query, each as its columns' values.
    public func values(_ sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
        try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
            (0..<row.count).map { FieldValue(row[$0] as DatabaseValue) }
        }
    }

    /// Runs a parameterised statement on a local, non-replicated table (a segment's refresh).
    public func executeLocal(_ sql: String, arguments: [FieldValue] = []) throws {
        try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
    }

    /// Local writes, as ``Replica/write(_:)``, in this transaction.
    /// - Throws: as ``Replica/write(_:)``.
    @discardableResult
    public func write(_ writes: [LocalWrite]) throws -> [RowChange] { try replica.write(db, writes) }

    /// A tombstone, as ``Replica/delete(_:id:)``, in this transaction.
    @discardableResult
    public func delete(_ entity: EntitySchema, id: RowID) throws -> RowChange { try replica.lifecycle(db, entity, id: id, kind: .delete) }

    /// A restore, as ``Replica/restore(_:id:)``, in this transaction.
    /// - Throws: ``ReplicaError`` `CONFLICT` when the row is not deleted.
    @discardableResult
    public func restore(_ entity: EntitySchema, id: RowID) throws -> RowChange { try replica.lifecycle(db, entity, id: id, kind: .restore) }

    /// Why no visible row has `id` (see ``Replica/absence(_:id:)``).
    public func absence(_ entity: EntitySchema, id: RowID) throws -> ReplicaError { try Replica.absence(db, entity, id: id) }

    /// The visible customers with these ids, with phones, addresses, tags and loyalty events, in the given order.
    public func customers(ids: [RowID]) throws -> [CustomerRecord] { try Replica.customerRecords(db, ids: ids) }

    /// The same records to be shown only (a list page), read without the customers' and tags' field
    /// stamps: the same ``CustomerRecord/json``, no ``CustomerRecord/entityTag``.
    public func customersToShow(ids: [RowID]) throws -> [CustomerRecord] { try Replica.customerRecords(db, ids: ids, stamps: false) }

    /// True when a row with this id is stored in any state (visible, deleted, or known only from updates).
    public func exists(_ entity: EntitySchema, id: RowID) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?", arguments: [id.string]) ?? false
    }

    /// Runs `body` in a savepoint of this transaction (SQLite `SAVEPOINT`): when it throws, what it
    /// wrote is undone and the error rethrown; the transaction goes on. The replica keeps no state
    /// outside its file (clock, version vector and change log are rows), so it stays consistent.
    /// - Throws: what `body` throws, or a database error.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }

    /// A page of a collection (see ``ListQuery``).
    public func list(_ query: ListQuery) throws -> ListPage { try query.run(db) }
}

extension Replica {
    /// Runs `body` in one write transaction: everything it writes commits together, or nothing
    /// does when it throws.
    /// - Throws: whatever `body` throws (then nothing is written).
    public func transaction<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try writeTransaction { db in try body(StoreTransaction(db: db, replica: self)) }
    }

    /// Runs `body` on one read snapshot (its writes throw: SQLite refuses them on a reader).
    public func snapshot<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(StoreTransaction(db: db, replica: self)) }
    }
}
