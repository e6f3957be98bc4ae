import GRDB
import RooftopModel
import RooftopReplication

/// Child records follow their parent's deletes and restores (`sync-protocol/merge-rules.md#deletes-cover-children`),
/// inside the replica's transactions.
///
/// A child (``EntitySchema/parentTable`` set: phones, addresses, tag elements, loyalty events,
/// interactions, vehicle links) is folded with its parent's lifecycle changes: an insert or update
/// of the child made without knowledge of a parent delete loses, is logged as a conflict and is not
/// applied; a restore of the parent does not revive it.
enum ChildRecords {
    /// True when a row of any parent table has a delete in its history (a partial index makes this
    /// one lookup). Most replicas rarely delete: their applies then skip the per-child parent lookup.
    static func anyTombstonedParent(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM customer WHERE _tombstoned = 1 LIMIT 1")) ?? false
    }

    /// The parent of the child row a change is about: the parent field the change sets (an
    /// insert), else the one stored with the row; nil when not known yet (only updates arrived).
    static func parentID(_ db: Database, _ entity: EntitySchema, _ change: RowChange) throws -> RowID? {
        guard let parentField = entity.parentField else { return nil }
        if let field = change.fields.first(where: { $0.name == parentField }) {
            // A child of an absorbed customer belongs to its survivor (`customer-merge.md`).
            if case .text(let text) = field.value, let id = RowID(text) { return try CustomerMerges.resolve(db, id) }
            return nil
        }
        return try storedParentID(db, entity, id: change.rowID)
    }

    /// The parent stored with a child row; nil when the row or its parent field is absent.
    static func storedParentID(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> RowID? {
        guard let parentField = entity.parentField else { return nil }
        let stored = try String.fetchOne(db.cachedStatement(sql: "SELECT \(parentField.quotedDatabaseIdentifier) FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?"),
                                         arguments: [id.string])
        return stored.flatMap(RowID.init)
    }

    /// The parent's deletes and restores when the parent has a delete in its history; empty
    /// otherwise (then nothing of the child can lose to it).
    static func inheritedLifecycle(_ db: Database, _ entity: EntitySchema, parent: RowID) throws -> [RowHistory.Entry] {
        guard let parentTable = entity.parentTable else { return [] }
        let tombstoned = try Bool.fetchOne(db.cachedStatement(sql: "SELECT _tombstoned FROM \(parentTable.quotedDatabaseIdentifier) WHERE id = ?"),
                                           arguments: [parent.string]) ?? false
        guard tombstoned else { return [] }
        return try ChangeLog.history(db, table: parentTable, rowID: parent, lifecycleOnly: true)
    }

    /// Folds one row from its logged history and, for a child, its parent's deletes and restores
    /// (the parent named by the child's earliest insert, or its survivor after a merge).
    static func fold(_ db: Database, _ entity: EntitySchema, id: RowID) throws -> (state: RowState, conflicts: [RowHistory.Conflict]) {
        let history = try ChangeLog.history(db, table: entity.table, rowID: id)
        var parent: [RowHistory.Entry] = []
        if let parentField = entity.parentField, let parentTable = entity.parentTable,
            let insert = history.filter({ $0.change.kind == .insert }).min(by: { $0.stamp < $1.stamp }),
            case .text(let text) = insert.change.fields.first(where: { $0.name == parentField })?.value, let named = RowID(text) {
            // The parent now: the survivor when a merge absorbed the one the insert named.
            let parentID = try CustomerMerges.resolve(db, named)
            parent = try ChangeLog.history(db, table: parentTable, rowID: parentID, lifecycleOnly: true)
        }
        return RowHistory.fold(history, parent: parent, parentField: entity.parentField)
    }

    /// After a delete or restore of a parent row was applied: folds each of its children again, so
    /// child edits the parent's delete did not know lose (or win again once a restore is between).
    static func refold(childrenOf parent: EntitySchema, id: RowID, in db: Database) throws {
        let lifecycle = try ChangeLog.history(db, table: parent.table, rowID: id, lifecycleOnly: true)
        for child in CRMSchema.children(of: parent.table) {
            guard let parentField = child.parentField else { continue }
            let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM \(child.table.quotedDatabaseIdentifier) WHERE \(parentField.quotedDatabaseIdentifier) = ?"),
                                          arguments: [id.string]).compactMap(RowID.init)
            for childID in ids {
                let before = try RowIO.load(db, child, id: childID) ?? RowState()
                let state = RowHistory.fold(try ChangeLog.history(db, table: child.table, rowID: childID), parent: lifecycle,
                                            parentField: parentField).state
                if state != before { try RowIO.save(db, child, id: childID, state: state) }
            }
        }
    }
}
