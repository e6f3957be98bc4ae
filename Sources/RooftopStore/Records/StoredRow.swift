import RooftopModel
import RooftopReplication

/// A visible row read from the replica, with its replication metadata.
public struct StoredRow: Sendable, Hashable {
    public let entity: EntitySchema
    public let id: RowID
    /// Field name → value (absent: null).
    public var values: [String: FieldValue]
    /// Field name → stamp of the winning write.
    public var stamps: [String: FieldStamp]
    /// The insert's stamp.
    public var created: FieldStamp?

    /// The value of a field, ``FieldValue/null`` when unset.
    public subscript(_ name: String) -> FieldValue { values[name] ?? .null }

    /// The design document's JSON shape of this row.
    public var json: [String: JSONValue] { entity.json(id: id, values: values) }
}
