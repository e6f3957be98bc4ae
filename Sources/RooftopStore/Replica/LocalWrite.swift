import RooftopModel

/// A write made at this rooftop by staff, an import or the CLI.
public struct LocalWrite: Sendable {
    public enum Kind: Sendable {
        /// Creates a row with a new id.
        case insert
        /// Changes fields of a visible row; never creates one.
        case update
    }

    public var entity: EntitySchema
    public var rowID: RowID
    public var kind: Kind
    /// The fields to set (normalised stored values). Fields absent here are left as they are.
    public var values: [String: FieldValue]

    public init(_ kind: Kind, _ entity: EntitySchema, id: RowID, values: [String: FieldValue]) {
        self.entity = entity
        self.rowID = id
        self.kind = kind
        self.values = values
    }
}
