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
        try pool.write { db in try write(db, writes) }
    }

    /// ``write(_:)`` inside a transaction the caller holds (to read, check and write atomically).
    func write(_ db: Database, _ writes: [LocalWrite]) throws -> [RowChange] {
        var clock = try loadClock(db)
        var changes: [RowChange] = []
        // Most replicas have purged nothing: skip that lookup per insert then.
        let anyPurged = try Retention.anyPurged(db)
        for write in writes {
            if let change = try applyLocal(db, write, clock: &clock, anyPurged: anyPurged) { changes.append(change) }
        }
        if let last = changes.last {
            try storeClock(db, clock)
            try ChangeLog.advance(db, origin: rooftop, to: last.hlc)
        }
        return changes
    }

    private func applyLocal(_ db: Database, _ write: LocalWrite, clock: inout HybridLogicalClock, anyPurged: Bool) throws -> RowChange? {
        let entity = write.entity
        let existing = try RowIO.load(db, entity, id: write.rowID)
        switch write.kind {
        case .insert:
            if existing?.isVisible == true { throw ReplicaError(.alreadyExists, "\(entity.table) \(write.rowID) already exists") }
            if existing == nil, anyPurged, try Retention.isPurged(db, table: entity.table, id: write.rowID) {
                throw ReplicaError(.alreadyExists, "\(entity.table) \(write.rowID) was purged after its retention horizon")
            }
        case .update:
            guard existing?.isVisible == true else { throw ReplicaError(.notFound, "no \(entity.table) with id \(write.rowID)") }
        }
        for (name, value) in write.values {
            // What this replica writes must be what it would accept from any other.
            guard let spec = entity.field(name), spec.type.acceptsStored(value) else {
                throw FieldInputError(pointer: "/\(name)", reason: entity.field(name) == nil
                    ? "\(entity.table) has no field \(name)" : "not a normalised value of this field's type")
            }
        }
        let current = existing?.values ?? [:]
        var fields: [FieldChange] = []
        for field in entity.fields {
            guard let value = write.values[field.name] else { continue }
            if (current[field.name] ?? .null) != value { fields.append(FieldChange(field.name, value)) }
        }
        if write.kind == .update && fields.isEmpty { return nil }
        let hlc = clock.tick(wallMilliseconds: wallClock.nowMilliseconds())
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
        let kind: RowChange.Kind = write.kind == .insert ? .insert : .update
        // (A local write follows everything this replica has seen, so it never loses to a
        // tombstone and the fast LWW path gives what RowHistory.fold would.)
        let change = RowChange(table: entity.table, rowID: write.rowID, hlc: hlc, kind: kind, fields: fields)
        var state = existing ?? RowState()
        state.apply(change, origin: rooftop)
        try RowIO.save(db, entity, id: write.rowID, state: state)
        try ChangeLog.append(db, origin: rooftop, change: change)
        return change
    }
}
