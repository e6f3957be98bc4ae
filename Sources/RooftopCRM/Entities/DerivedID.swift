import Crypto
import RooftopModel

/// Ids derived from what a row is about, identical on every rooftop (`sync-protocol/merge-rules.md#derived-ids`):
/// a name-based UUIDv8 (RFC 9562 §5.8) of SHA-256 of `"<table>:<key parts joined by ':'>"`. Two
/// rooftops that create "the same" row while partitioned (a campaign's message to one customer, a
/// customer's journey, one answer of a survey) write one row, whose fields merge as LWW registers.
public enum DerivedID {
    /// - Parameters:
    ///   - table: the entity's table (`campaignMessage`).
    ///   - parts: the ids the row is about, in the documented order.
    public static func make(_ table: String, _ parts: RowID...) -> RowID {
        make(key: ([table] + parts.map(\.string)).joined(separator: ":"))
    }

    /// The id of a key text (`"rooftopManager:north"`).
    public static func make(key: String) -> RowID {
        RowID.v8(digest: Array(SHA256.hash(data: Array(key.utf8))))
    }

    /// The outbox message of `campaign` to `customer`.
    public static func campaignMessage(campaign: RowID, customer: RowID) -> RowID { make("campaignMessage", campaign, customer) }
    /// The journey of `customer`.
    public static func journey(customer: RowID) -> RowID { make("customerJourney", customer) }
    /// The answer to `question` in `survey`.
    public static func surveyResponse(survey: RowID, question: RowID) -> RowID { make("surveyResponse", survey, question) }
}
