/// How an entity is served as a REST collection under `/api/crm/` and a `rooftop crm` command:
/// declared once on the schema, read by the generic routes, the CLI and the OpenAPI document.
public struct EntityResource: Hashable, Sendable {
    /// The collection's path segment and CLI name (`campaigns`).
    public let path: String
    /// The schema name in OpenAPI and the title in messages (`Campaign`).
    public let name: String
    /// Fields a create must set (a missing one is a 400 naming its JSON Pointer).
    public let required: [String]
    /// Fields the list filters on by equality (`?status=Draft`); list fields match an element.
    public let filters: [String]
    /// Fields the list sorts by (`?sort=-startDate`); ties are broken by `id`.
    public let sorts: [String]
    /// True when the generic routes may create, update and delete rows; false when only the
    /// domain routes write them (an outbox message is written by `execute`, never by hand).
    public let writable: Bool
    /// One sentence for the OpenAPI description.
    public let summary: String

    public init(path: String, name: String, required: [String] = [], filters: [String] = [], sorts: [String] = [],
                writable: Bool = true, summary: String) {
        self.path = path
        self.name = name
        self.required = required
        self.filters = filters
        self.sorts = sorts
        self.writable = writable
        self.summary = summary
    }
}
