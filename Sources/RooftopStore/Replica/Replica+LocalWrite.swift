import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Applies local writes in one transaction, stamping only the fields whose value changes.
    ///
    /// Each row write gets its own HLC tick; `createdAt`, `updatedAt` and `homeRooftop` are
    /// set here from that HLC. An update that changes nothing writes nothing and logs nothing.
    /// - Returns: the changes written, as they enter the change log (and later the hub).
    /// - Throws: ``ReplicaError`` `ALREADY_EXISTS` (insert of an existing id), `NOT_FOUND`
    ///   (update of a row that is not visible); ``FieldInputError`` for an unknown field or a value
    ///   that is not normalised for its type (callers normalise with `FieldType.storedValue`);
    ///   nothing is written when any write fails.
    @discardableResult
    public func write(_ writes: [LocalWrite]) throws -> [RowChange] {
        try writeTransaction { db in try write(db, writes) }
    }

    /// ``write(_:)`` inside a transaction the caller holds (to read, check and write atomically).
    func write(_ db: Database, _ writes: [LocalWrite]) throws -> [RowChange] {
        var clock = try localClock(db)
        var changes: [RowChange] = []
        // Most replicas have purged nothing: skip that lookup per insert then.
        let anyPurged = try Retention.anyPurged(db)
        // A child of a deleted parent takes no edit (decision 4); checked only once some parent had a delete.
        let anyTombstonedParent = try ChildRecords.anyTombstonedParent(db)
        // Most replicas hold no merge: skip the survivor lookups then.
        var merges = try CustomerMerges.Presence.current(db)
        // (The full-text rows of new rows are written once, before the commit: `CustomerSearchDeferral`.)
        for var write in writes {
            // A child written for a customer a merge absorbed goes to the survivor (`customer-merge.md`).
            if merges.anyAlias, write.kind == .insert, write.entity.parentTable == CRMSchema.customer.table, let parentField = write.entity.parentField,
                case .text(let parent) = write.values[parentField] ?? .null, let survivor = try CustomerMerges.survivor(db, of: parent) {
                write.values[parentField] = .text(survivor)
            }
            if anyTombstonedParent { try requireVisibleParent(db, write) }
            if let change = try applyLocal(db, write, clock: &clock, anyPurged: anyPurged, merges: merges) { changes.append(change) }
            // A merge record, or a customer one names, may have made an alias.
            if write.entity.table == CustomerMerges.table || (merges.anyMergeRecord && write.entity.table == CRMSchema.customer.table) {
                merges = try CustomerMerges.Presence.current(db)
            }
        }
        if let last = changes.last {
            try storeClock(db, clock)
            try ChangeLog.advance(db, origin: rooftop, to: last.hlc)
        }
        return changes
    }

    /// Refuses a write to a child record whose parent is deleted (`NOT_FOUND`).
    private func requireVisibleParent(_ db: Database, _ write: LocalWrite) throws {
        guard let parentField = write.entity.parentField, let parentTable = write.entity.parentTable else { return }
        let change = RowChange(table: write.entity.table, rowID: write.rowID, hlc: .zero, kind: write.kind == .insert ? .insert : .update,
                               fields: write.values[parentField].map { [FieldChange(parentField, $0)] } ?? [])
        guard let parent = try ChildRecords.parentID(db, write.entity, change) else { return }
        let deleted = try Bool.fetchOne(db.cachedStatement(sql: "SELECT _deleted IS NOT NULL FROM \(parentTable.quotedDatabaseIdentifier) WHERE id = ?"),
                                        arguments: [parent.string]) ?? false
        if deleted { throw ReplicaError(.gone, "\(parentTable) \(parent) is deleted: restore it first") }
    }

    private func applyLocal(_ db: Database, _ write: LocalWrite, clock: inout HybridLogicalClock, anyPurged: Bool,
                            merges: CustomerMerges.Presence) throws -> RowChange? {
        let entity = write.entity
        if write.kind == .update && entity.merge == .appendOnly {
            throw ReplicaError(.invalid, "\(entity.table) rows are append-only events: they are never updated")
        }
        if write.kind == .update, let parentField = entity.parentField, write.values[parentField] != nil {
            throw FieldInputError(pointer: "/\(parentField)", reason: "set once, when the \(entity.table) is created")
        }
        // What this replica writes must be what it would accept from any other. (Thrown after the
        // row's existence errors, as they come first.)
        var invalidField: FieldInputError?
        for (name, value) in write.values {
            guard let spec = entity.field(name), spec.type.acceptsStored(value) else {
                invalidField = FieldInputError(pointer: "/\(name)", reason: entity.field(name) == nil
                    ? "\(entity.table) has no field \(name)" : "not a normalised value of this field's type")
                break
            }
        }
        switch write.kind {
        case .insert:
            if invalidField != nil {
                if try RowIO.load(db, entity, id: write.rowID)?.isVisible == true {
                    throw ReplicaError(.alreadyExists, "\(entity.table) \(write.rowID) already exists")
                }
            }
            // A purged row is gone from its table, so this is checked before the row is looked for.
            if anyPurged, try Retention.isPurged(db, table: entity.table, id: write.rowID) {
                throw ReplicaError(.alreadyExists, "\(entity.table) \(write.rowID) was purged after its retention horizon")
            }
            if let invalidField { throw invalidField }
            let hlc = clock.tick(wallMilliseconds: wallClock.nowMilliseconds())
            // The common case, a new row: written without looking for it first (one B-tree descent, not two).
            let change = localChange(write, current: [:], hlc: hlc)
            if try RowIO.insertNew(db, entity, id: write.rowID, change: change, origin: rooftop, merges: merges) {
                try ChangeLog.append(db, origin: rooftop, change: change)
                return change
            }
            // The row is there: visible (an error), or known here only from updates or a delete.
            guard let existing = try RowIO.load(db, entity, id: write.rowID), !existing.isVisible else {
                throw ReplicaError(.alreadyExists, "\(entity.table) \(write.rowID) already exists")
            }
            return try save(db, entity, localChange(write, current: existing.values, hlc: hlc), onto: existing)
        case .update:
            guard let existing = try RowIO.load(db, entity, id: write.rowID), existing.isVisible else {
                throw ReplicaError(.notFound, "no \(entity.table) with id \(write.rowID)")
            }
            if let invalidField { throw invalidField }
            // What staff see: for a merge survivor, the merged record. A value equal to the survivor's own
            // stored one but not to what the merged record shows (another member's newer value won) is
            // written, with a stamp after the merge, so the correction shows (`customer-merge.md`).
            var shown = existing.values
            if entity.table == CRMSchema.customer.table, !(try CustomerMerges.absorbed(db, into: write.rowID.string)).isEmpty,
               let merged = try Self.plainCustomerRecords(db, ids: [write.rowID]).first {
                shown = merged.customer.values
            }
            // An update that changes nothing writes nothing (and takes no HLC).
            guard write.values.contains(where: { (shown[$0.key] ?? .null) != $0.value }) else { return nil }
            let hlc = clock.tick(wallMilliseconds: wallClock.nowMilliseconds())
            return try save(db, entity, localChange(write, current: shown, hlc: hlc), onto: existing)
        }
    }

    /// Merges a local change into the row's state and logs it. (A local write follows everything
    /// this replica has seen, so it never loses to a tombstone and the fast LWW path gives what
    /// RowHistory.fold would.)
    private func save(_ db: Database, _ entity: EntitySchema, _ change: RowChange, onto existing: RowState) throws -> RowChange {
        var state = existing
        state.apply(change, origin: rooftop)
        try RowIO.save(db, entity, id: change.rowID, state: state)
        try ChangeLog.append(db, origin: rooftop, change: change)
        return change
    }

    /// The change a local write makes to a row holding `current`: the fields whose value
    /// differs, in field order, then `createdAt` and `homeRooftop` (an insert not setting them)
    /// and `updatedAt`, set from `hlc`.
    private func localChange(_ write: LocalWrite, current: [String: FieldValue], hlc: HLC) -> RowChange {
        let entity = write.entity
        // In field order: positions of the written fields (one hash each, not one per schema field).
        var written: [(position: Int, name: String, value: FieldValue)] = []
        written.reserveCapacity(write.values.count + 3)
        for (name, value) in write.values where (current[name] ?? .null) != value {
            if let position = entity.fieldIndex[name] { written.append((position, name, value)) }
        }
        written.sort { $0.position < $1.position }
        var fields = written.map { FieldChange($0.name, $0.value) }
        let now = FieldValue.text(Timestamp.string(milliseconds: hlc.milliseconds))
        func stampSystem(_ name: String, _ value: FieldValue) {
            guard entity.field(name) != nil else { return }
            fields.removeAll { $0.name == name }
            fields.append(FieldChange(name, value))
        }
        if write.kind == .insert {
            if write.values["createdAt"] == nil { stampSystem("createdAt", now) }
            if write.values["homeRooftop"] == nil { stampSystem("homeRooftop", .text(rooftop.rawValue)) }
        }
        stampSystem("updatedAt", now)
        return RowChange(table: entity.table, rowID: write.rowID, hlc: hlc, kind: write.kind == .insert ? .insert : .update, fields: fields)
    }
}
