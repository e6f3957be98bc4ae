import RooftopModel

/// One write to one row, as it travels in a changeset and sits in the change log.
///
/// All fields of one change share its HLC; the writer is the changeset's origin. A local write
/// carries only the fields whose value changed (`sync-protocol/merge-rules.md#lww-register`).
public struct RowChange: Hashable, Sendable {
    /// What the write does to the row's existence.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Creates the row and sets fields. The row becomes visible.
        case insert = 1
        /// Sets fields of an existing row. Never creates a row: if the insert has not arrived
        /// yet, the fields are kept, invisible, until it does.
        case update = 2
        /// Writes a tombstone. Its one field, ``RowChange/contextField``, is the deleter's
        /// version vector (``VersionVector/encoded()``): the edits it knew of. It wins over every
        /// edit it did not know of (`sync-protocol/merge-rules.md#tombstones`).
        case delete = 3
        /// Explicitly brings a deleted row back, with a later HLC than the tombstone. No fields.
        case restore = 4
        /// Removes a row whose tombstone is older than the retention horizon, with its history,
        /// for good: no later change brings it back. Written by the hub's compaction. No fields.
        case purge = 5
        /// A data-subject erasure (GDPR art. 17, CCPA): removes a customer and every row about
        /// them, with their history, on every replica, for good. Terminal; wins over any edit.
        /// Only on `customer` rows; no fields (`sync-protocol/merge-rules.md#erasure`).
        case erase = 6

        /// Delete and restore change whether the row is visible; insert and update set fields.
        public var isLifecycle: Bool { self == .delete || self == .restore }

        /// `insert`, `update`, `delete`, `restore`, `purge` or `erase`.
        public var name: String {
            switch self {
            case .insert: "insert"
            case .update: "update"
            case .delete: "delete"
            case .restore: "restore"
            case .purge: "purge"
            case .erase: "erase"
            }
        }
    }

    /// The name of a delete's only field: the deleter's version vector as a blob.
    public static let contextField = "context"

    /// The version vector a delete carries (empty for other kinds or a malformed context).
    public var deleteContext: VersionVector {
        guard kind == .delete, let field = fields.first(where: { $0.name == Self.contextField }),
            case .blob(let bytes) = field.value
        else { return VersionVector() }
        return VersionVector(encoded: bytes) ?? VersionVector()
    }

    /// The replicated table, for example `customer`.
    public var table: String
    /// The row's id.
    public var rowID: RowID
    /// The write's HLC.
    public var hlc: HLC
    public var kind: Kind
    /// The fields written, each at most once.
    public var fields: [FieldChange]

    public init(table: String, rowID: RowID, hlc: HLC, kind: Kind, fields: [FieldChange]) {
        self.table = table
        self.rowID = rowID
        self.hlc = hlc
        self.kind = kind
        self.fields = fields
    }
}

/// One field set by a ``RowChange``.
public struct FieldChange: Hashable, Sendable {
    /// The field's name, exactly as in the design document (`firstName`, `doNotContact`).
    public var name: String
    public var value: FieldValue

    public init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}
