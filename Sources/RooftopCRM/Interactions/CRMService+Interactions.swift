import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// The filters of an interaction search.
public struct InteractionSearch: Sendable {
    /// The customer's interactions only.
    public var customerId: RowID?
    /// One `type` (Call, Email, SMS, In-Person, Web, Social), as stored.
    public var type: String?
    /// Inbound or Outbound.
    public var direction: String?
    /// Recorded by this user.
    public var userId: RowID?
    /// `interactionDate` within `[from, to)` (stored date-times).
    public var from: String?
    public var to: String?
    /// Every tag must be on the interaction.
    public var tags: [String] = []
    /// Words that must all appear in the subject or content (prefixes, any order, case and accents folded: SQLite FTS5).
    public var words: String?
    /// The previous page's `nextCursor`.
    public var cursor: String?
    /// At most this many (1...``CRMService/maxLimit``).
    public var limit: Int = CRMService.defaultLimit

    /// No filter: every visible interaction, newest first.
    public init() {}
}

extension CRMService {
    /// Most interactions one `bulk` records.
    public static let maxBulk = 1_000

    /// Interactions matching every filter given, newest first, with a cursor.
    /// - Throws: ``ReplicaError`` `INVALID` for a bad cursor; ``FieldInputError`` for words that hold no searchable term.
    public func searchInteractions(_ search: InteractionSearch) throws -> (items: [EntityDocument], nextCursor: String?) {
        var query = ListQuery(CRMSchema.customerInteraction, limit: search.limit)
        query.sort = "interactionDate"
        query.descending = true
        query.cursor = search.cursor
        // A customer id a merge absorbed stands for its survivor (its interactions moved there).
        if let id = search.customerId { query.filters.append(.init("customerId", .text(try replica.survivor(of: id).string))) }
        if let type = search.type { query.filters.append(.init("type", .text(type))) }
        if let direction = search.direction { query.filters.append(.init("direction", .text(direction))) }
        if let user = search.userId { query.filters.append(.init("userId", .text(user.string))) }
        for tag in search.tags { query.filters.append(.init("tags", .text(tag))) }
        if search.from != nil || search.to != nil {
            query.ranges.append(.init("interactionDate", from: search.from.map(FieldValue.text), before: search.to.map(FieldValue.text)))
        }
        if let words = search.words {
            guard let match = Self.ftsQuery(words) else { throw FieldInputError(pointer: "/q", reason: "no word to search for") }
            query.conditions.append(.init("id IN (SELECT d.interactionId FROM customerInteractionDoc d WHERE d.docid IN (SELECT rowid FROM customerInteractionText WHERE customerInteractionText MATCH ?))", [.text(match)]))
        }
        return try list(query)
    }

    /// An FTS5 query: every word of `text` as a quoted prefix term, all required; nil when none.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split { !$0.isLetter && !$0.isNumber }.prefix(16).map { "\"\($0)\"*" }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// Records up to ``maxBulk`` interactions atomically: all or none. Every error names its item
    /// as a JSON Pointer (`/interactions/3/type`).
    /// - Returns: the new interactions, in input order.
    /// - Throws: ``FieldInputError`` (every bad item at once), ``ReplicaError``.
    public func recordInteractions(_ items: [JSONValue]) throws -> [EntityDocument] {
        guard !items.isEmpty else { throw FieldInputError(pointer: "/interactions", reason: "at least one interaction") }
        guard items.count <= Self.maxBulk else { throw FieldInputError(pointer: "/interactions", reason: "at most \(Self.maxBulk) interactions") }
        let entity = CRMSchema.customerInteraction
        return try replica.transaction { tx in
            var writes: [LocalWrite] = []
            var problems: [FieldInputError] = []
            var ids: [RowID] = []
            for (i, item) in items.enumerated() {
                let pointer = "/interactions/\(i)"
                do {
                    guard case .object(let object) = item else { throw FieldInputError(pointer: pointer, reason: "expected an object") }
                    var fields = try entity.inputFields(from: object, ignoring: ["id"], pointer: pointer)
                    for name in entity.resource?.required ?? [] where (fields[name] ?? .null).isNull {
                        throw FieldInputError(pointer: "\(pointer)/\(name)", reason: "required")
                    }
                    let customer = RowID(fields["customerId"]!.textValue!)!
                    if try tx.row(CRMSchema.customer, id: customer) == nil {
                        throw FieldInputError(pointer: "\(pointer)/customerId", reason: try tx.absence(CRMSchema.customer, id: customer).message)
                    }
                    let id = tx.replica.newRowID()
                    writes += try InteractionRules().prepareCreate(&fields, id: id, tx) + [LocalWrite(.insert, entity, id: id, values: fields)]
                    ids.append(id)
                } catch let error as FieldInputError {
                    problems.append(error)
                }
            }
            if let error = FieldInputError.combining(problems) { throw error }
            try tx.write(writes)
            return try ids.map { try Self.document(try tx.visibleRow(entity, id: $0), tx) }
        }
    }

    /// A user's follow-ups for one day (`scheduledFor` within the UTC day), Scheduled first, by time.
    public func followUps(assignedTo user: RowID, day: String, includeClosed: Bool) throws -> [EntityDocument] {
        guard let start = Timestamp.normaliseDateTime(day + "T00:00:00Z") else {
            throw FieldInputError(pointer: "/day", reason: "expected a date YYYY-MM-DD")
        }
        let end = Timestamp.string(milliseconds: (Timestamp.milliseconds(start) ?? 0) + 86_400_000)
        var query = ListQuery(CRMSchema.scheduledInteraction, limit: Self.maxLimit)
        query.filters = [.init("assignedToId", .text(user.string))]
        query.ranges = [.init("scheduledFor", from: .text(start), before: .text(end))]
        if !includeClosed { query.filters.append(.init("status", .text("Scheduled"))) }
        query.sort = "scheduledFor"
        return try list(query).items
    }
}
