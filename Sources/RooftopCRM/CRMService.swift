import RooftopModel
import RooftopReplication
import RooftopStore

/// The CRM's domain layer, between the replica and the staff surfaces (REST, CLI, imports).
///
/// Every operation runs in one replica transaction (``Replica/transaction(_:)``), so a rule that
/// reads, checks and writes (a redemption against a balance, a campaign status transition) is
/// atomic. Entities are served generically from their declaration (``EntitySchema/resource``) with
/// the rules of ``EntityRules``; the domain actions (segments, campaigns, surveys, journeys,
/// interactions, loyalty) are in extensions of this type.
///
/// Errors: ``ReplicaError`` (`NOT_FOUND`, `GONE`, `ALREADY_EXISTS`, `CONFLICT`,
/// `PRECONDITION_FAILED`, `INVALID`, `INSUFFICIENT_POINTS`) and ``FieldInputError`` (a value, with its
/// JSON Pointer). Nothing is written when one is thrown.
public struct CRMService: Sendable {
    /// The replica every operation reads and writes, in its transactions.
    public let replica: Replica

    /// A service over `replica` (cheap: holds only the reference).
    public init(replica: Replica) { self.replica = replica }

    /// The default and the cap of `limit` for every collection.
    public static let defaultLimit = 50
    public static let maxLimit = 500

    static let rules: [String: any EntityRules] = {
        var all: [String: any EntityRules] = [:]
        for entity in CRMSchema.entities { all[entity.table] = PlainRules(entity: entity) }
        for rules: any EntityRules in [CampaignRules(), SegmentRules(), SurveyRules(), JourneyRules(), ScheduledInteractionRules(),
                                       InteractionRules(), RewardRules(), CustomerVehicleRules()] {
            all[rules.entity.table] = rules
        }
        return all
    }()

    static func rules(_ entity: EntitySchema) -> any EntityRules { rules[entity.table] ?? PlainRules(entity: entity) }

    /// The served form of a row.
    static func document(_ row: StoredRow, _ tx: StoreTransaction) throws -> EntityDocument {
        var json = row.json
        try rules(row.entity).decorate(&json, row: row, tx)
        return EntityDocument(row: row, json: json)
    }

    // MARK: Generic operations

    /// Creates a row from a JSON body in the design document's shape.
    /// - Parameters:
    ///   - object: the body; `id` may name the new row's UUID; derived keys are ignored.
    /// - Returns: the new row as served.
    /// - Throws: ``FieldInputError`` for an unknown field, an invalid value or a missing required
    ///   field; ``ReplicaError`` `NOT_FOUND`/`GONE` when the parent customer is not visible,
    ///   `ALREADY_EXISTS` when the id is taken, `INVALID`/`CONFLICT` from the entity's rules.
    public func create(_ entity: EntitySchema, _ object: [String: JSONValue]) throws -> EntityDocument {
        let rules = Self.rules(entity)
        var fields = try entity.inputFields(from: object, ignoring: rules.derivedKeys.union(["id"]))
        if let parentField = entity.parentField, let value = object[parentField] {
            fields[parentField] = try entity.field(parentField)!.type.storedValue(for: value, at: "/\(parentField)")
        }
        var explicitID: RowID?
        if let idValue = object["id"], idValue != .null {
            guard case .string(let text) = idValue, let id = RowID(text) else { throw FieldInputError(pointer: "/id", reason: "expected a UUID") }
            explicitID = id
        }
        return try create(entity, fields: fields, id: explicitID)
    }

    /// Creates a row from stored values (already normalised: ``FieldType/storedValue(for:at:)``),
    /// with the same rules as ``create(_:_:)``: required fields, a visible parent, the entity's rules.
    /// - Throws: as ``create(_:_:)``.
    public func create(_ entity: EntitySchema, fields: [String: FieldValue], id explicitID: RowID? = nil) throws -> EntityDocument {
        let rules = Self.rules(entity)
        return try replica.transaction { tx in
            var fields = fields
            try Self.requireFields(entity, fields)
            if let parentField = entity.parentField, let parentTable = entity.parentTable, let parentEntity = CRMSchema.entity(parentTable),
                case .text(let parentText) = fields[parentField] ?? .null, let parentID = RowID(parentText) {
                _ = try tx.visibleRow(parentEntity, id: parentID)
            }
            let id = rules.id(for: fields) ?? explicitID ?? tx.replica.newRowID()
            let extra = try rules.prepareCreate(&fields, id: id, tx)
            try tx.write([LocalWrite(.insert, entity, id: id, values: fields)] + extra)
            return try Self.document(try tx.visibleRow(entity, id: id), tx)
        }
    }

    static func requireFields(_ entity: EntitySchema, _ fields: [String: FieldValue]) throws {
        var problems: [FieldInputError] = []
        for name in entity.resource?.required ?? [] where (fields[name] ?? .null).isNull {
            problems.append(FieldInputError(pointer: Rules.pointer(entity, name), reason: "required"))
        }
        if let error = FieldInputError.combining(problems) { throw error }
    }

    /// The visible row as served.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` (never known here) or `GONE` (deleted, erased, purged).
    public func get(_ entity: EntitySchema, id: RowID) throws -> EntityDocument {
        try replica.snapshot { tx in try Self.document(try tx.visibleRow(entity, id: id), tx) }
    }

    /// Updates the fields a JSON body sets (absent keys are kept, `null` clears), stamping only
    /// those whose value changes.
    /// - Parameter ifMatch: when given, the row's current ``StoredRow/entityTag`` must be one of them
    ///   (RFC 9110 §13.1.1), checked in the write's transaction.
    /// - Throws: as ``create(_:_:)``; `PRECONDITION_FAILED` when `ifMatch` does not hold the current tag.
    public func update(_ entity: EntitySchema, id: RowID, _ object: [String: JSONValue], ifMatch: [String]? = nil) throws -> EntityDocument {
        let rules = Self.rules(entity)
        var changes = try entity.inputFields(from: object, ignoring: rules.derivedKeys.union(["id"]))
        if let parentField = entity.parentField, let value = object[parentField], value != .null {
            // The parent is set once: the same value is accepted (a GET sent back), another refused.
            changes[parentField] = try entity.field(parentField)!.type.storedValue(for: value, at: "/\(parentField)")
        }
        return try replica.transaction { tx in
            let current = try tx.visibleRow(entity, id: id)
            if let ifMatch, !ifMatch.contains(current.entityTag) {
                throw ReplicaError(.preconditionFailed, "\(entity.table) \(id) changed since it was read (its entity tag is \(current.entityTag))")
            }
            if let parentField = entity.parentField, let value = changes[parentField] {
                guard value == current[parentField] else {
                    throw FieldInputError(pointer: "/\(parentField)", reason: "set once, when the \(entity.table) is created")
                }
                changes[parentField] = nil
            }
            changes = changes.filter { current[$0.key] != $0.value }
            for name in entity.resource?.required ?? [] where changes[name] == .null {
                throw FieldInputError(pointer: Rules.pointer(entity, name), reason: "required: it cannot be cleared")
            }
            guard !changes.isEmpty else { return try Self.document(current, tx) }
            let extra = try rules.prepareUpdate(&changes, current: current, tx)
            try tx.write([LocalWrite(.update, entity, id: id, values: changes)] + extra)
            return try Self.document(try tx.visibleRow(entity, id: id), tx)
        }
    }

    /// Deletes a row: a tombstone (`sync-protocol/merge-rules.md#tombstones`).
    /// - Parameter ifMatch: when given, the row's current entity tag must be one of them.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE` when it is not visible, `PRECONDITION_FAILED`.
    public func delete(_ entity: EntitySchema, id: RowID, ifMatch: [String]? = nil) throws {
        try replica.transaction { tx in
            let current = try tx.visibleRow(entity, id: id)
            if let ifMatch, !ifMatch.contains(current.entityTag) {
                throw ReplicaError(.preconditionFailed, "\(entity.table) \(id) changed since it was read (its entity tag is \(current.entityTag))")
            }
            _ = try tx.delete(entity, id: id)
        }
    }

    /// Restores a deleted row and answers it.
    /// - Throws: ``ReplicaError`` `CONFLICT` when it is not deleted, `NOT_FOUND` when never known,
    ///   `GONE` when erased or purged.
    public func restore(_ entity: EntitySchema, id: RowID) throws -> EntityDocument {
        try replica.transaction { tx in
            _ = try tx.restore(entity, id: id)
            return try Self.document(try tx.visibleRow(entity, id: id), tx)
        }
    }

    /// A page of a collection, each row as served.
    /// - Throws: ``ReplicaError`` `INVALID` for a cursor this collection did not issue.
    /// Rows of a child entity whose parent is deleted are not listed (a delete covers its children,
    /// `sync-protocol/merge-rules.md#deletes-cover-children`), as `get` answers 410 for them.
    public func list(_ query: ListQuery) throws -> (items: [EntityDocument], nextCursor: String?) {
        var query = query
        if let parentField = query.entity.parentField, let parentTable = query.entity.parentTable {
            // A child of a deleted parent is hidden with it; a child without one (a quarantined lead) is shown.
            query.conditions.append(.init("(\(parentField.quoted) IS NULL OR \(parentField.quoted) IN (SELECT id FROM \(parentTable.quoted) WHERE _created IS NOT NULL AND _deleted IS NULL))"))
        }
        return try replica.snapshot { tx in
            let page = try tx.list(query)
            return (try page.rows.map { try Self.document($0, tx) }, page.nextCursor)
        }
    }
}
