import RooftopModel
import RooftopReplication

/// An edit that lost to a delete it did not know of: kept for review, never applied.
public struct ConflictRecord: Sendable, Hashable, Codable {
    /// The table (`customer`).
    public let table: String
    /// The row.
    public let rowID: RowID
    /// Where: the rooftop that made the losing edit.
    public let origin: RooftopID
    /// When: the losing edit's HLC (raw 64-bit value) and its time, RFC 3339 UTC.
    public let hlc: UInt64
    public let at: String
    /// What: the values the edit would have written (JSON; blobs as base64).
    public let fields: [String: JSONValue]
    /// The delete it lost to: rooftop and time.
    public let deletedBy: RooftopID
    public let deletedAt: String
    /// When the edit was to a child record (a phone, an address, a tag, a loyalty event, an
    /// interaction, a vehicle link) and lost to its parent's delete: the parent's table
    /// (`customer`); nil when it lost to a delete of the row itself.
    public let deletedParent: String?
    /// With ``deletedParent``: the parent's id (the customer whose delete the child edit lost to).
    public let deletedParentId: RowID?

    enum CodingKeys: String, CodingKey {
        case table, rowID = "rowId", origin, hlc, at, fields, deletedBy, deletedAt, deletedParent, deletedParentId
    }

    init(table: String, rowID: RowID, conflict: RowHistory.Conflict, parent: (table: String, id: RowID)? = nil) {
        self.deletedParent = parent?.table
        self.deletedParentId = parent?.id
        self.table = table
        self.rowID = rowID
        self.origin = conflict.edit.origin
        self.hlc = conflict.edit.change.hlc.rawValue
        self.at = Timestamp.string(milliseconds: conflict.edit.change.hlc.milliseconds)
        let entity = CRMSchema.entity(table)
        self.fields = Dictionary(conflict.edit.change.fields.map { field in
            (field.name, entity?.field(field.name)?.type.jsonValue(for: field.value) ?? .string(field.value.description))
        }, uniquingKeysWith: { a, _ in a })
        self.deletedBy = conflict.tombstone.origin
        self.deletedAt = Timestamp.string(milliseconds: conflict.tombstone.hlc.milliseconds)
    }
}
