import Foundation
import RooftopModel
import RooftopStore

/// A lead with its response clock (`sync-protocol/lead-intake.md#the-lead-entity-schema-7`).
public struct LeadSummary: Sendable {
    /// The `lead` row.
    public var lead: StoredRow
    /// The customer's name as it reads now (nil for a quarantined lead).
    public var customerName: String?
    /// The first outbound interaction with the customer at or after the lead arrived (RFC 3339), if any.
    public var firstResponseAt: String?
    /// `receivedAt` to ``firstResponseAt``, ms; nil while nobody has answered.
    public var responseMilliseconds: UInt64?
    /// How long the lead has waited unanswered, ms, as of the query; nil once answered.
    public var waitingMilliseconds: UInt64?

    /// The lead's JSON (the design document's shape) with `customerName`, `firstResponseAt`,
    /// `responseMilliseconds` and `waitingMilliseconds`.
    public var json: JSONValue {
        var object = lead.json
        object["customerName"] = customerName.map(JSONValue.string) ?? .null
        object["firstResponseAt"] = firstResponseAt.map(JSONValue.string) ?? .null
        object["responseMilliseconds"] = responseMilliseconds.map { .number(Double($0)) } ?? .null
        object["waitingMilliseconds"] = waitingMilliseconds.map { .number(Double($0)) } ?? .null
        return .object(object)
    }
}

extension CRMService {
    /// Leads that arrived in `[from, until)` (any time when both are nil), newest first, with their response clock: the time from
    /// arrival to the first outbound interaction with the customer (the number dealers are judged on).
    /// - Parameters:
    ///   - from: RFC 3339 lower bound of `receivedAt` (inclusive), nil for none; `until` the upper bound (exclusive).
    ///   - status: only `Imported` or `Quarantined` leads, when given.
    ///   - limit: at most this many (1...500).
    /// - Throws: database errors.
    public func leads(from: String? = nil, until: String? = nil, status: String? = nil, limit: Int = 100) throws -> [LeadSummary] {
        let now = replica.wallClock.nowMilliseconds()
        return try replica.snapshot { tx in
            var condition = "1 = 1"
            var arguments: [FieldValue] = []
            if let from { condition += " AND receivedAt >= ?"; arguments.append(.text(from)) }
            if let until { condition += " AND receivedAt < ?"; arguments.append(.text(until)) }
            if let status { condition += " AND status = ?"; arguments.append(.text(status)) }
            let rows = try tx.rows(CRMSchema.lead, where: condition, arguments: arguments, orderBy: "receivedAt DESC, id DESC", limit: limit)
            return try rows.map { row in
                var summary = LeadSummary(lead: row)
                guard let customer = row["customerId"].textValue, let customerID = RowID(customer),
                      let received = row["receivedAt"].textValue else { return summary }
                let person = try tx.row(CRMSchema.customer, id: customerID)
                if let person {
                    summary.customerName = [person["firstName"].textValue, person["lastName"].textValue ?? person["businessName"].textValue]
                        .compactMap { $0 }.joined(separator: " ")
                }
                // Interactions moved by a merge name the survivor: look at both ids.
                let ids = Set([customer, person?.id.string].compactMap { $0 })
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
                let first = try tx.values("""
                    SELECT min(interactionDate) FROM customerInteraction WHERE customerId IN (\(marks)) AND direction = 'Outbound'
                      AND interactionDate >= ? AND _created IS NOT NULL AND _deleted IS NULL
                    """, arguments: ids.sorted().map(FieldValue.text) + [.text(received)]).first?.first?.textValue
                let receivedMs = Timestamp.milliseconds(received) ?? now
                if let first, let answeredMs = Timestamp.milliseconds(first) {
                    summary.firstResponseAt = first
                    summary.responseMilliseconds = answeredMs >= receivedMs ? answeredMs - receivedMs : 0
                } else {
                    summary.waitingMilliseconds = now >= receivedMs ? now - receivedMs : 0
                }
                return summary
            }
        }
    }
}

extension LeadSummary {
    init(lead: StoredRow) { self.lead = lead }
}
