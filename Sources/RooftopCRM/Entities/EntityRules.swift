import RooftopModel
import RooftopReplication
import RooftopStore

/// The domain rules of one entity, applied by ``CRMService`` around the generic create, update
/// and read: defaults, validation beyond field types, state transitions, the writes that go with
/// a change (a journey's stage event), and derived values shown with a row (a campaign's metrics).
/// Plain CRUD entities use the defaults.
protocol EntityRules: Sendable {
    var entity: EntitySchema { get }
    /// JSON keys a row shows that are derived (never stored): accepted in a body and ignored, so a
    /// GET sent back as a PUT is valid.
    var derivedKeys: Set<String> { get }
    /// The id of a new row when it is derived from the row's content (nil: a new UUIDv7).
    func id(for fields: [String: FieldValue]) -> RowID?
    /// Sets defaults and checks a create; returns extra writes made with it.
    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite]
    /// Checks an update of `current` (the fields that change) and returns extra writes made with it.
    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite]
    /// Adds derived values to a row's JSON.
    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws
}

extension EntityRules {
    var derivedKeys: Set<String> { [] }
    func id(for fields: [String: FieldValue]) -> RowID? { nil }
    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] { [] }
    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] { [] }
    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws {}
}

/// An entity with no rules beyond its declaration.
struct PlainRules: EntityRules {
    let entity: EntitySchema
}

/// A row as served: its JSON (with derived values) and entity tag.
public struct EntityDocument: Sendable {
    public let row: StoredRow
    public let json: [String: JSONValue]
    public var entityTag: String { row.entityTag }
}

/// Small helpers the rules share.
enum Rules {
    /// Now, as a stored date-time.
    static func now(_ tx: StoreTransaction) -> FieldValue {
        .text(Timestamp.string(milliseconds: tx.replica.wallClock.nowMilliseconds()))
    }

    /// The JSON Pointer of a field in its entity's JSON (`/content/subject`).
    static func pointer(_ entity: EntitySchema, _ field: String) -> String {
        guard let group = entity.field(field)?.group else { return "/\(field)" }
        return "/\(group)/\(field)"
    }

    /// A field value or the stored one when the change does not set it.
    static func value(_ name: String, _ changes: [String: FieldValue], _ current: StoredRow?) -> FieldValue {
        changes[name] ?? current?[name] ?? .null
    }
}
