import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Ids of deleted rows of `entity` (tombstone in force), oldest first.
    public func deletedRowIDs(_ entity: EntitySchema, limit: Int = 1_000) throws -> [RowID] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM \(entity.table.quotedDatabaseIdentifier) WHERE _deleted IS NOT NULL ORDER BY id LIMIT ?",
                                arguments: [limit])
        }.compactMap(RowID.init)
    }

    /// Checks every stored row against the fold of its logged history (``RowHistory/fold(_:)``)
    /// and names the rows that differ (`table/id`). Empty when the incremental merge and the
    /// full merge agree everywhere; used by the convergence simulator and `rooftop sync verify`.
    public func rowsDifferingFromTheirHistory() throws -> [String] {
        try pool.read { db in
            var differing: [String] = []
            for entity in CRMSchema.entities {
                for text in try String.fetchAll(db, sql: "SELECT id FROM \(entity.table.quotedDatabaseIdentifier) ORDER BY id") {
                    guard let id = RowID(text), let stored = try RowIO.load(db, entity, id: id) else { continue }
                    var folded = try ChildRecords.fold(db, entity, id: id).state
                    // Storage reads null as absent and holds only this schema's fields (a newer
                    // schema's are kept in the change log).
                    folded.values = folded.values.filter { !$0.value.isNull && entity.field($0.key) != nil }
                    folded.stamps = folded.stamps.filter { entity.field($0.key) != nil }
                    // A child of a customer a merge absorbed is stored under the survivor (`customer-merge.md`).
                    if entity.parentTable == CRMSchema.customer.table, let parentField = entity.parentField,
                        case .text(let parent)? = folded.values[parentField], let parentID = RowID(parent) {
                        folded.values[parentField] = .text(try CustomerMerges.resolve(db, parentID).string)
                    }
                    if folded != stored { differing.append("\(entity.table)/\(id)") }
                }
            }
            return differing
        }
    }
}

extension Replica {
    /// A row's stored replication state (visible or not), or nil when the table has no such row:
    /// for golden vectors and diagnostics.
    public func storedState(_ entity: EntitySchema, id: RowID) throws -> RowState? {
        try pool.read { db in try RowIO.load(db, entity, id: id) }
    }

    /// The number of rows stored in the entity's table, visible or not (for tests and diagnostics).
    public func storedRowCount(_ entity: EntitySchema) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(entity.table.quotedDatabaseIdentifier)") ?? 0 }
    }
}
