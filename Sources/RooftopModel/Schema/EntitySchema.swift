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

    public init(table: String, fields: [FieldSpec], parentField: String? = nil, parentTable: String? = nil) {
        self.table = table
        self.fields = fields
        self.parentField = parentField
        self.parentTable = parentField == nil ? nil : parentTable ?? "customer"
        var index: [String: Int] = [:]
        for (i, field) in fields.enumerated() { index[field.name] = i }
        self.fieldIndex = index
    }

    /// Field name → position in ``fields``.
    public let fieldIndex: [String: Int]

    /// The spec of a field, or nil when this schema does not know it.
    public func field(_ name: String) -> FieldSpec? { fieldIndex[name].map { fields[$0] } }
}
