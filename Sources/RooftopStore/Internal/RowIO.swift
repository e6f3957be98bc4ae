import Foundation
import GRDB
import GRDBSQLite
import RooftopModel
import RooftopReplication

/// Reads and writes one entity row with its replication columns.
enum RowIO {
    /// The SQL of each entity, built once.
    struct Statements: Sendable {
        let select: String
        let upsert: String
        /// The upsert's insert, doing nothing when the id is taken.
        let insertIfAbsent: String
    }

    static let statements: [String: Statements] = Dictionary(uniqueKeysWithValues: CRMSchema.entities.map {
        ($0.table, Statements(select: selectSQL($0), upsert: upsertSQL($0), insertIfAbsent: insertIfAbsentSQL($0)))
    })

    static func selectSQL(_ entity: EntitySchema) -> String {
        let columns = entity.fields.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        return "SELECT \(columns), \(replicationColumns) FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?"
    }

    /// The replication columns, in the order ``state(from:entity:offset:)`` reads them.
    static let replicationColumns = "_created, _createdBy, _stamps, _deleted, _deletedBy, _tombstoned"

    /// `INSERT INTO t (id, fields..., replication columns) VALUES (?, ...)`, and the column names.
    /// A customer's derived `_tierRank` (migration v14) is bound last (``tierRank(_:id:tier:)``), not
    /// set by an insert trigger (migration v23).
    private static func insertSQL(_ entity: EntitySchema, conflict: String = "") -> (sql: String, columns: [String]) {
        var names = entity.fields.map(\.name.quotedDatabaseIdentifier) + ["_created", "_createdBy", "_stamps", "_deleted", "_deletedBy", "_tombstoned"]
        if entity.table == CRMSchema.customer.table { names.append("_tierRank") }
        let placeholders = Array(repeating: "?", count: names.count + 1).joined(separator: ", ")
        return ("INSERT \(conflict)INTO \(entity.table.quotedDatabaseIdentifier) (id, \(names.joined(separator: ", "))) VALUES (\(placeholders))", names)
    }

    /// The rank of the tier a customer with this id and stored `loyaltyTier` shows
    /// (``LoyaltyAccount/tierRankSQL``: the higher of the stored tier's and the one its visible ledger
    /// earns; -1 without either), read apart from the insert: a subquery inside an insert makes SQLite
    /// keep a statement journal for it.
    static func tierRank(_ db: Database, id: RowID, tier: FieldValue) throws -> Int64 {
        // Stepped through the handle (every customer insert): GRDB's fetch costs more than the query.
        try DirectBinding.firstRow(db.cachedStatement(sql: tierRankSQL), in: db, bind: {
            $0.bind(id.string)
            $0.bind(tier)
        }) { sqlite3_column_type($0, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64($0, 0) } ?? -1
    }

    /// ``LoyaltyAccount/tierRankSQL`` over `?1` (the id) and `?2` (the stored tier), built once.
    static let tierRankSQL = "SELECT " + LoyaltyAccount.tierRankSQL.replacingOccurrences(of: "customer.loyaltyTier", with: "?2")
        .replacingOccurrences(of: "customer.id", with: "?1")

    static func upsertSQL(_ entity: EntitySchema) -> String {
        let (insert, names) = insertSQL(entity)
        return insert + " ON CONFLICT(id) DO UPDATE SET " + names.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    }

    /// The insert of a row new to the replica. `OR ROLLBACK` (no constraint of an entity table can
    /// fail here but a broken file's) lets SQLite run it without a statement journal: with the
    /// insert triggers only noting rows (migration v23), nothing in it can stop halfway, so SQLite
    /// keeps no copy of the pages it changes, which it otherwise wrote to a temporary file for every
    /// new row (README "Performance").
    static func insertIfAbsentSQL(_ entity: EntitySchema) -> String { insertSQL(entity, conflict: "OR ROLLBACK ").sql + " ON CONFLICT(id) DO NOTHING" }

    /// The row's state, or nil when the table has no row with that id (visible or not).
    ///
    /// Steps the cached statement through the SQLite handle directly (one row by primary key, on
    /// every write and every applied change): GRDB's row cursor costs more than the lookup itself.
    static func load(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> RowState? {
        try DirectBinding.firstRow(db.cachedStatement(sql: statements[entity.table]?.select ?? selectSQL(entity)), in: db,
                                   bind: { $0.bind(id.string) }) { handle in try state(entity: entity) { DirectBinding.column(handle, $0) } }
    }

    /// Decodes a row selected as `fields...` then ``replicationColumns``, starting at `offset`.
    static func state(from row: Row, entity: EntitySchema, offset: Int) throws -> RowState {
        try state(entity: entity) { FieldValue(row[offset + Int($0)] as DatabaseValue) }
    }

    /// Decodes the columns `fields...` then ``replicationColumns`` (column `i` from `column(i)`).
    /// - Parameter stamps: false leaves ``RowState/stamps`` empty without reading the `_stamps` column
    ///   (a row only shown, never merged or tagged: about a tenth of a list's work at a million customers).
    static func state(entity: EntitySchema, stamps: Bool = true, column: (Int32) -> FieldValue) throws -> RowState {
        var state = RowState()
        let count = Int32(entity.fields.count)
        state.values.reserveCapacity(entity.fields.count)
        for (i, field) in entity.fields.enumerated() {
            let value = column(Int32(i))
            if !value.isNull { state.values[field.name] = value }
        }
        if case .integer(let created) = column(count), case .text(let by) = column(count + 1) {
            guard let origin = RooftopID(rawValue: by) else { throw ReplicaError(.corrupt, "bad _createdBy in \(entity.table)") }
            state.created = FieldStamp(hlc: HLC(rawValue: UInt64(bitPattern: created)), origin: origin)
        }
        if stamps {
            switch column(count + 2) {
            case .blob(let stamps): state.stamps = try StampCodec.decode(stamps, entity: entity)
            case .null: break
            default: throw ReplicaError(.corrupt, "unreadable field stamps in \(entity.table)")
            }
        }
        if case .integer(let deleted) = column(count + 3), case .text(let by) = column(count + 4) {
            guard let origin = RooftopID(rawValue: by) else { throw ReplicaError(.corrupt, "bad _deletedBy in \(entity.table)") }
            state.deleted = FieldStamp(hlc: HLC(rawValue: UInt64(bitPattern: deleted)), origin: origin)
        }
        if case .integer(let tombstoned) = column(count + 5) { state.tombstoned = tombstoned != 0 }
        return state
    }

    static func save(_ db: Database, _ entity: EntitySchema, id: RowID, state: RowState) throws {
        // Positional first: one hash per present field, not one per schema field.
        var values = [FieldValue](repeating: .null, count: entity.fields.count)
        for (name, value) in state.values {
            if let index = entity.fieldIndex[name] { values[index] = value }
        }
        try write(db, entity, id: id, values: values, created: state.created, stamps: StampCodec.encode(state.stamps, entity: entity),
                  deleted: state.deleted, tombstoned: state.tombstoned, ifAbsent: false)
    }

    /// Writes a row that does not exist yet from the one insert that creates it: what
    /// `RowState().apply(change)` then ``save(_:_:id:state:)`` write, byte for byte, without
    /// building the state (the common case: a row new to this replica). Writes nothing when the
    /// table holds a row with this id (visible or not); the caller then merges into that row.
    /// - Returns: false when the row was there (nothing written).
    /// - Parameter merges: what the caller knows of merges in the replica (``CustomerMerges/Presence``).
    static func insertNew(_ db: Database, _ entity: EntitySchema, id: RowID, change: RowChange, origin: RooftopID,
                          merges: CustomerMerges.Presence = .assumed) throws -> Bool {
        precondition(change.kind == .insert, "insertNew takes an insert")
        var values = [FieldValue](repeating: .null, count: entity.fields.count)
        var present = [Bool](repeating: false, count: entity.fields.count)
        for field in change.fields {
            // A newer schema's field is kept in the change log only, as RowIO.save drops it.
            guard let index = entity.fieldIndex[field.name] else { continue }
            values[index] = field.value
            present[index] = true
        }
        let stamp = FieldStamp(hlc: change.hlc, origin: origin)
        return try write(db, entity, id: id, values: values, created: stamp, stamps: StampCodec.encode(stamp, positions: present),
                         deleted: nil, tombstoned: false, ifAbsent: true, merges: merges)
    }

    /// Upserts one row: `values` in field order, then the replication columns. A child of a customer
    /// absorbed by a merge is stored under the survivor; a write of a merge record, or of a customer
    /// a merge names, derives the merges' effects again (``CustomerMerges``).
    /// - Returns: false when `ifAbsent` and the id was taken (nothing written).
    @discardableResult
    private static func write(_ db: Database, _ entity: EntitySchema, id: RowID, values: [FieldValue], created: FieldStamp?,
                              stamps: [UInt8], deleted: FieldStamp?, tombstoned: Bool, ifAbsent: Bool,
                              merges: CustomerMerges.Presence = .assumed) throws -> Bool {
        var values = values
        if merges.anyAlias, entity.parentTable == CRMSchema.customer.table, let parentField = entity.parentField, let index = entity.fieldIndex[parentField],
            case .text(let parent) = values[index] {
            values[index] = .text(try CustomerMerges.storedParent(db, entity, id: id, parent: parent))
        }
        let sql = ifAbsent ? statements[entity.table]?.insertIfAbsent ?? insertIfAbsentSQL(entity) : statements[entity.table]?.upsert ?? upsertSQL(entity)
        let statement = try db.cachedStatement(sql: sql)
        try DirectBinding.with(statement) { binding in
            binding.bind(id.string)
            for value in values { binding.bind(value) }
            binding.bind(created.map { Int64(bitPattern: $0.hlc.rawValue) })
            binding.bind(created?.origin.rawValue)
            binding.bind(bytes: stamps)
            binding.bind(deleted.map { Int64(bitPattern: $0.hlc.rawValue) })
            binding.bind(deleted?.origin.rawValue)
            binding.bind(Int64(tombstoned ? 1 : 0))
            if entity.table == CRMSchema.customer.table {
                binding.bind(try tierRank(db, id: id, tier: entity.fieldIndex["loyaltyTier"].map { values[$0] } ?? .null))
            }
            try binding.execute(in: db)
        }
        guard !ifAbsent || sqlite3_changes(db.sqliteConnection) == 1 else { return false }
        if merges.anyMergeRecord || entity.table == CustomerMerges.table { try CustomerMerges.afterWrite(db, entity, id: id, values: values) }
        return true
    }
}
