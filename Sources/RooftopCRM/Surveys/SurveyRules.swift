import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `CustomerSurvey`: `responses` are ``CRMSchema/surveyResponse`` rows; `overallScore` derived.
struct SurveyRules: EntityRules {
    var entity: EntitySchema { CRMSchema.customerSurvey }
    var derivedKeys: Set<String> { ["responses", "overallScore"] }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if (fields["sentDate"] ?? .null).isNull { fields["sentDate"] = Rules.now(tx) }
        if (fields["followUpRequired"] ?? .null).isNull { fields["followUpRequired"] = .integer(0) }
        return []
    }

    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws {
        let responses = try Self.responses(survey: row.id, tx)
        json["responses"] = .array(responses.map { response in
            var item = response.json
            item["id"] = nil
            item["customerId"] = nil
            item["surveyId"] = nil
            return .object(item)
        })
        json["overallScore"] = Self.overallScore(responses).map { .number(Double($0)) } ?? .null
    }

    static func responses(survey: RowID, _ tx: StoreTransaction) throws -> [StoredRow] {
        try tx.rows(CRMSchema.surveyResponse, where: "surveyId = ?", arguments: [.text(survey.string)], orderBy: "createdAt, id")
    }

    /// The survey's score on 0–10: the mean of its scored answers, each as `score / scale × 10`,
    /// rounded half up (an NPS answer is its own score); nil while nothing is scored.
    static func overallScore(_ responses: [StoredRow]) -> Int? {
        let scored = responses.compactMap { row -> Double? in
            guard case .integer(let score) = row["score"] else { return nil }
            let scale = row["scale"].integerValue ?? 10
            return Double(score) / Double(max(scale, 1)) * 10
        }
        guard !scored.isEmpty else { return nil }
        return Int((scored.reduce(0, +) / Double(scored.count) + 0.5).rounded(.down))
    }
}
