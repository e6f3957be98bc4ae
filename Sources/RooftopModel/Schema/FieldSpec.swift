/// One replicated field of an entity: its name in the changeset and the SQLite column, its
/// place in the design document's JSON, and its type.
public struct FieldSpec: Hashable, Sendable {
    /// Column and changeset name, the design document's camelCase leaf name (`preferredMethod`).
    public let name: String
    /// The JSON object that holds it, when nested (`communicationPreferences`); nil at top level.
    public let group: String?
    public let type: FieldType
    /// Set by the system (`createdAt`, `updatedAt`, `customerId` of a child); input ignores it.
    public let isSystem: Bool
    /// The schema version that added the field (``CRMSchema/version`` history): a migration
    /// creating a table for version N takes only the fields with `since <= N`.
    public let since: UInt16
    /// What the field holds, for the OpenAPI description (empty when its name says it).
    public let summary: String

    public init(_ name: String, _ type: FieldType, in group: String? = nil, system: Bool = false, since: UInt16 = 1, _ summary: String = "") {
        self.name = name
        self.group = group
        self.type = type
        self.isSystem = system
        self.since = since
        self.summary = summary
    }
}
