import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// Applies a changeset from another replica atomically and idempotently.
    ///
    /// Checks everything first (schema, value types, clock skew), then in one transaction
    /// merges each new change field by field (LWW by `(HLC, origin)`), appends it to the change
    /// log, advances the version vector for its origin and folds its HLC into this replica's
    /// clock. Changes at or below the version vector's entry for the origin are skipped, so the
    /// same changeset twice changes nothing. See `sync-protocol/sync-exchange.md#apply`.
    /// - Returns: counts of applied and already-applied changes.
    /// - Throws: ``ClockSkewError`` (`CLOCK_SKEW`) when an HLC is beyond the max drift;
    ///   ``ReplicaError`` `UNKNOWN_SCHEMA` for an unknown table or field or a value its type does not
    ///   allow (wrong storage class, out of range, not normalised; see `FieldType.acceptsStored`),
    ///   `INVALID` when HLCs are not strictly increasing or a field repeats,
    ///   `WRONG_ROOFTOP` for a changeset claiming this replica's own origin with unseen changes,
    ///   `STALE_DELETE` (at the hub) for a delete whose context predates the retention floor.
    ///   On any error the replica is untouched.
    /// - Parameter ownHistoryBound: accept changes of this replica's own origin up to this HLC, as a
    ///   rebuilt rooftop does when the hub sends back what its earlier installation pushed
    ///   (default ``HLC/zero``: never).
    @discardableResult
    public func apply(_ changeset: Changeset, acceptingOwnChangesUpTo ownHistoryBound: HLC = .zero) throws -> ApplyOutcome {
        // An erase, or a merge that joins a customer to an erased one (the erasure covers both,
        // ``CustomerMerges/spreadErasure(_:from:)``): earlier page versions holding the person's data
        // leave the write-ahead log after the commit.
        let erases = changeset.changes.contains { $0.kind == .erase }
        let merges = changeset.changes.contains { $0.table == CustomerMerges.table }
        var erasuresSpread = false
        defer { if erases || erasuresSpread { scrubWriteAheadLog() } }
        try check(changeset)
        return try writeTransaction { db in
            let seen = try ChangeLog.versionVector(db)[changeset.origin]
            let fresh = changeset.changes.filter { $0.hlc > seen }
            if changeset.origin == rooftop, let newest = fresh.last, newest.hlc > ownHistoryBound {
                throw ReplicaError(.wrongRooftop, "a changeset claims origin \(rooftop), this replica, with changes it never made")
            }
            if rooftop == .hub {
                // Checked in the apply's own transaction: a compaction raising the floor in between
                // could otherwise let a stale delete through.
                let floor = try Retention.floor(db)
                if !floor.entries.isEmpty, let (index, stale) = fresh.enumerated().first(where: { _, change in
                    change.kind == .delete && floor.entries.contains { change.deleteContext[$0.key] < $0.value }
                }) {
                    throw ReplicaError(.staleDelete, """
                        change \(index): the delete of \(stale.table) \(stale.rowID) predates the hub's retention floor; \
                        refresh its context and push again
                        """)
                }
            }
            var fieldsWritten = 0, ignored: [HLC] = []
            var merger = try ChangeMerger(db, owner: rooftop, now: wallClock.nowMilliseconds())
            let erasedBefore = merges ? try Erasure.count(db) : 0
            // (The full-text rows of new rows are written once, before the commit: `CustomerSearchDeferral`.)
            for change in fresh {
                switch try merger.merge(change, origin: changeset.origin, schemaVersion: changeset.schemaVersion) {
                case .merged(let fields): fieldsWritten += fields
                case .purged: ignored.append(change.hlc)
                case .erased: break  // an erasure wins over every edit (decision 7)
                }
            }
            if merges { erasuresSpread = try Erasure.count(db) > erasedBefore }
            if rooftop == .hub {
                // Remembered, so `hello` names them again if this push's answer is lost.
                for hlc in ignored {
                    try db.execute(sql: "INSERT OR IGNORE INTO ignoredChange (origin, hlc, at) VALUES (?, ?, ?)",
                                   arguments: [changeset.origin.rawValue, Int64(bitPattern: hlc.rawValue), Int64(wallClock.nowMilliseconds())])
                }
            }
            if changeset.schemaVersion > CRMSchema.version {
                try db.execute(sql: """
                    INSERT INTO syncState (key, value) VALUES ('schemaBehind', ?)
                    ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)
                    """, arguments: [Int64(changeset.schemaVersion)])
            }
            if let last = fresh.last {
                try ChangeLog.advance(db, origin: changeset.origin, to: last.hlc)
                var clock = try loadClock(db)
                try clock.receive(last.hlc, wallMilliseconds: wallClock.nowMilliseconds())
                try storeClock(db, clock)
            }
            return ApplyOutcome(origin: changeset.origin, applied: fresh.count,
                                alreadyApplied: changeset.changes.count - fresh.count, fieldsWritten: fieldsWritten,
                                ignoredChanges: ignored)
        }
    }

    /// Checks a changeset as ``apply(_:acceptingOwnChangesUpTo:)`` would, without writing: its
    /// structure, schema and values, and its clock skew.
    /// - Throws: the errors of ``apply(_:acceptingOwnChangesUpTo:)`` other than `WRONG_ROOFTOP`.
    public func check(_ changeset: Changeset) throws {
        try validate(changeset)
        if let maxHLC = changeset.maxHLC {
            try HybridLogicalClock(maxDriftMilliseconds: maxDriftMilliseconds).check(maxHLC, wallMilliseconds: wallClock.nowMilliseconds())
        }
    }

    /// Rejects a changeset this release cannot apply faithfully.
    func validate(_ changeset: Changeset) throws(ReplicaError) {
        do { try changeset.validate() } catch { throw ReplicaError(.invalid, error.description) }
        // A newer schema's tables and fields are kept and forwarded, never refused or nulled
        // (`sync-protocol/changeset-format.md#versions`); from this schema or older they are errors.
        let newer = changeset.schemaVersion > CRMSchema.version
        var last: (table: String, entity: EntitySchema?)? = nil  // runs of changes to one table look it up once
        for (index, change) in changeset.changes.enumerated() {
            if last?.table != change.table { last = (change.table, CRMSchema.entity(change.table)) }
            guard let entity = last?.entity else {
                if newer { continue }
                throw ReplicaError(.unknownSchema, "change \(index): unknown table \(change.table)")
            }
            if entity.merge == .appendOnly && change.kind != .insert && change.kind != .purge {
                throw ReplicaError(.invalid, "change \(index): \(entity.table) rows are append-only events")
            }
            if change.kind == .update, let parentField = entity.parentField, change.fields.contains(where: { $0.name == parentField }) {
                throw ReplicaError(.invalid, "change \(index): a child's \(parentField) is set once, by its insert")
            }
            switch change.kind {
            case .delete:
                guard change.fields.count == 1, change.fields[0].name == RowChange.contextField, case .blob(let bytes) = change.fields[0].value,
                    VersionVector(encoded: bytes) != nil
                else { throw ReplicaError(.invalid, "change \(index): a delete carries exactly one field, its context") }
                continue
            case .erase:
                guard entity.table == CRMSchema.customer.table, change.fields.isEmpty else {
                    throw ReplicaError(.invalid, "change \(index): an erase names a customer and carries no fields")
                }
                continue
            case .restore, .purge:
                guard change.fields.isEmpty else { throw ReplicaError(.invalid, "change \(index): a \(change.kind.name) carries no fields") }
                continue
            case .insert, .update:
                break
            }
            for field in change.fields {
                guard let position = entity.fieldIndex[field.name] else {
                    if newer { continue }
                    throw ReplicaError(.unknownSchema, "change \(index): unknown field \(change.table).\(field.name)")
                }
                guard entity.fields[position].type.acceptsStored(field.value) else {
                    throw ReplicaError(.unknownSchema, "change \(index): \(change.table).\(field.name) holds a value its type does not allow")
                }
            }
        }
    }
}

/// Merges received changes into the rows, one at a time, inside the replica's write transaction:
/// the procedure of `sync-protocol/sync-exchange.md#apply`, step 3.3. Used by ``Replica/apply(_:acceptingOwnChangesUpTo:)``
/// and by ``Replica/reoffer(_:)``.
struct ChangeMerger {
    /// What became of one change.
    enum Outcome: Equatable {
        /// Logged and merged; the number of fields whose value or stamp changed.
        case merged(Int)
        /// Ignored: its row (or its parent) was purged after the retention horizon.
        case purged
        /// Dropped: it is about an erased customer.
        case erased
    }

    let db: Database
    let owner: RooftopID
    let now: UInt64
    // Most replicas have purged, erased or deleted little: those lookups per change are skipped until needed.
    var anyPurged: Bool
    var anyErased: Bool
    var anyTombstonedParent: Bool

    init(_ db: Database, owner: RooftopID, now: UInt64) throws {
        self.db = db
        self.owner = owner
        self.now = now
        anyPurged = try Retention.anyPurged(db)
        anyErased = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM erasedCustomer LIMIT 1")) ?? false
        anyTombstonedParent = try ChildRecords.anyTombstonedParent(db)
    }

    mutating func merge(_ change: RowChange, origin: RooftopID, schemaVersion: UInt16) throws -> Outcome {
        guard let entity = CRMSchema.entity(change.table) else {  // a newer schema's table: kept in the log only
            try ChangeLog.append(db, origin: origin, change: change, schemaVersion: schemaVersion)
            return .merged(0)
        }
        if change.kind == .purge {
            try Retention.purge(db, entity, id: change.rowID, by: origin, change: change, owner: owner, now: now)
            anyPurged = true
            return .merged(0)
        }
        if change.kind == .erase {
            try Erasure.erase(db, customer: change.rowID, by: origin, change: change, owner: owner, now: now)
            anyPurged = true
            anyErased = true
            return .merged(0)
        }
        if anyErased, try Erasure.isAboutAnErasedCustomer(db, entity, change) {
            try Erasure.forget(db, entity, id: change.rowID, by: origin, hlc: change.hlc)
            return .erased
        }
        if anyPurged, try Retention.isPurged(db, table: change.table, id: change.rowID) {
            return .purged  // never resurrected
        }
        if anyPurged, try Retention.isChildOfAPurgedParent(db, entity, change) {
            // As if it had been there when its parent was purged (an update that came first goes too).
            try Erasure.forget(db, entity, id: change.rowID, by: origin, hlc: change.hlc)
            return .purged
        }
        // A child whose parent has a delete in its history is merged with the parent's lifecycle.
        var parentDeleted = false
        if anyTombstonedParent, entity.parentTable != nil, let parent = try ChildRecords.parentID(db, entity, change) {
            parentDeleted = !(try ChildRecords.inheritedLifecycle(db, entity, parent: parent).isEmpty)
        }
        try ChangeLog.append(db, origin: origin, change: change, schemaVersion: schemaVersion)
        // The common case, a row new here: written without looking for it first (nothing to merge with).
        if change.kind == .insert, !parentDeleted, try RowIO.insertNew(db, entity, id: change.rowID, change: change, origin: origin) {
            return .merged(change.fields.count)
        }
        let before = try RowIO.load(db, entity, id: change.rowID) ?? RowState()
        if change.kind.isLifecycle || before.tombstoned || parentDeleted {
            // A delete is (or enters) the row's or its parent's history: merge its whole history.
            let state = try ChildRecords.fold(db, entity, id: change.rowID).state
            if state != before { try RowIO.save(db, entity, id: change.rowID, state: state) }
            if change.kind.isLifecycle, !CRMSchema.children(of: entity.table).isEmpty {
                // Its children follow it (`sync-protocol/merge-rules.md#deletes-cover-children`).
                try ChildRecords.refold(childrenOf: entity, id: change.rowID, in: db)
                anyTombstonedParent = anyTombstonedParent || state.tombstoned
            }
            return .merged(state.stamps.filter { before.stamps[$0.key] != $0.value }.count)
        }
        var state = before
        let won = state.apply(change, origin: origin)
        if !won.isEmpty || state.created != before.created {
            try RowIO.save(db, entity, id: change.rowID, state: state)
        }
        return .merged(won.count)
    }
}
