import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// Reads and writes one entity row with its replication columns.
enum RowIO {
    /// The SQL of each entity, built once.
    struct Statements: Sendable {
        let select: String
        let upsert: String
    }

    static let statements: [String: Statements] = Dictionary(uniqueKeysWithValues: CRMSchema.entities.map {
        ($0.table, Statements(select: selectSQL($0), upsert: upsertSQL($0)))
    })

    static func selectSQL(_ entity: EntitySchema) -> String {
        let columns = entity.fields.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        return "SELECT \(columns), \(replicationColumns) FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?"
    }

    /// The replication columns, in the order ``state(from:entity:offset:)`` reads them.
    static let replicationColumns = "_created, _createdBy, _stamps, _deleted, _deletedBy, _tombstoned"

    static func upsertSQL(_ entity: EntitySchema) -> String {
        let names = entity.fields.map(\.name.quotedDatabaseIdentifier) + ["_created", "_createdBy", "_stamps", "_deleted", "_deletedBy", "_tombstoned"]
        let placeholders = Array(repeating: "?", count: names.count + 1).joined(separator: ", ")
        let updates = names.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(entity.table.quotedDatabaseIdentifier) (id, \(names.joined(separator: ", "))) VALUES (\(placeholders)) ON CONFLICT(id) DO UPDATE SET \(updates)"
    }

    /// The row's state, or nil when the table has no row with that id (visible or not).
    static func load(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> RowState? {
        let statement = try db.cachedStatement(sql: statements[entity.table]?.select ?? selectSQL(entity))
        guard let row = try Row.fetchOne(statement, arguments: [id.string]) else { return nil }
        return try state(from: row, entity: entity, offset: 0)
    }

    /// Decodes a row selected as `fields...` then ``replicationColumns``, starting at `offset`.
    static func state(from row: Row, entity: EntitySchema, offset: Int) throws -> RowState {
        var state = RowState()
        let count = entity.fields.count
        for (i, field) in entity.fields.enumerated() {
            let value = FieldValue(row[offset + i] as DatabaseValue)
            if !value.isNull { state.values[field.name] = value }
        }
        if let created: Int64 = row[offset + count], let by: String = row[offset + count + 1] {
            guard let origin = RooftopID(rawValue: by) else { throw ReplicaError(.corrupt, "bad _createdBy in \(entity.table)") }
            state.created = FieldStamp(hlc: HLC(rawValue: UInt64(bitPattern: created)), origin: origin)
        }
        let stamps: Data = row[offset + count + 2] ?? Data()
        state.stamps = try StampCodec.decode(Array(stamps), entity: entity)
        if let deleted: Int64 = row[offset + count + 3], let by: String = row[offset + count + 4] {
            guard let origin = RooftopID(rawValue: by) else { throw ReplicaError(.corrupt, "bad _deletedBy in \(entity.table)") }
            state.deleted = FieldStamp(hlc: HLC(rawValue: UInt64(bitPattern: deleted)), origin: origin)
        }
        state.tombstoned = (row[offset + count + 5] as Int64? ?? 0) != 0
        return state
    }

    static func save(_ db: Database, _ entity: EntitySchema, id: RowID, state: RowState) throws {
        let statement = try db.cachedStatement(sql: statements[entity.table]?.upsert ?? upsertSQL(entity))
        var values: [DatabaseValue] = [id.string.databaseValue]
        for field in entity.fields { values.append((state.values[field.name] ?? .null).databaseValue) }
        values.append(state.created.map { Int64(bitPattern: $0.hlc.rawValue).databaseValue } ?? .null)
        values.append(state.created.map { $0.origin.rawValue.databaseValue } ?? .null)
        values.append(Data(StampCodec.encode(state.stamps, entity: entity)).databaseValue)
        values.append(state.deleted.map { Int64(bitPattern: $0.hlc.rawValue).databaseValue } ?? .null)
        values.append(state.deleted.map { $0.origin.rawValue.databaseValue } ?? .null)
        values.append((state.tombstoned ? 1 : 0).databaseValue)
        try statement.execute(arguments: StatementArguments(values))
    }
}
