/// A replicated entity: its table, its fields, and where it hangs off a parent.
public struct EntitySchema: Hashable, Sendable {
    /// Table and changeset name: the design document's entity name in camelCase (`customerInteraction`).
    public let table: String
    /// The replicated fields, in column order. New fields are only ever appended.
    public let fields: [FieldSpec]
    /// For child records: the field that references the parent (`customerId`). Set once, by the
    /// child's insert; a delete of the parent covers the child (`sync-protocol/merge-rules.md#deletes-cover-children`).
    public let parentField: String?
    /// For child records: the parent's table (`customer`).
    public let parentTable: String?
    /// How its rows merge.
    public let merge: MergeKind
    /// Its REST collection and CLI command, when it has one of its own.
    public let resource: EntityResource?
    /// The schema version that added the entity.
    public let since: UInt16

    public init(table: String, fields: [FieldSpec], parentField: String? = nil, parentTable: String? = nil,
                merge: MergeKind = .lww, resource: EntityResource? = nil, since: UInt16 = 1) {
        self.table = table
        self.fields = fields
        self.parentField = parentField
        self.parentTable = parentField == nil ? nil : parentTable ?? "customer"
        self.merge = merge
        self.resource = resource
        self.since = since
        var index: [String: Int] = [:]
        for (i, field) in fields.enumerated() { index[field.name] = i }
        self.fieldIndex = index
    }

    /// Field name → position in ``fields``.
    public let fieldIndex: [String: Int]

    /// The spec of a field, or nil when this schema does not know it.
    public func field(_ name: String) -> FieldSpec? { fieldIndex[name].map { fields[$0] } }

    /// The fields schema `version` had (for the migration that created or extended the table then).
    public func fields(asOf version: UInt16) -> [FieldSpec] { fields.filter { $0.since <= version } }

    /// The nested JSON objects of this entity (`communicationPreferences`), in field order.
    public var groups: [String] {
        var seen: [String] = []
        for field in fields { if let group = field.group, !seen.contains(group) { seen.append(group) } }
        return seen
    }
}
