import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// What `send` did.
public struct SurveySending: Sendable, Codable, Equatable {
    public struct Skipped: Sendable, Codable, Equatable {
        public var customerId: String
        /// `doNotContact`, or `notFound` for a customer not visible here.
        public var reason: String
        public init(customerId: String, reason: String) { self.customerId = customerId; self.reason = reason }
    }
    /// The ids of the surveys created, one per customer.
    public var created: [String]
    public var skipped: [Skipped]
}

/// One answer as `response` takes it.
public struct SurveyAnswer: Sendable {
    public var questionId: RowID
    public var fields: [String: FieldValue]
}

extension CRMService {
    /// The overall score at or under which a survey needs a follow-up (0–10 scale: an NPS detractor).
    public static let followUpThreshold = 6
    /// Most customers one `send` reaches.
    public static let maxSurveyRecipients = 10_000

    /// Sends a survey of `surveyType` to each customer (creates one `CustomerSurvey` per customer,
    /// `sentDate` now), leaving out customers with `doNotContact`. Delivery of the invitation is the
    /// communications issue's; the survey records exist so responses can be recorded.
    /// - Parameters:
    ///   - customers: the recipients (at most ``maxSurveyRecipients``), or
    ///   - segment: a segment whose members receive it.
    /// - Throws: ``FieldInputError`` for a bad type or too many recipients; ``ReplicaError`` for a missing segment.
    public func sendSurvey(surveyType: String, customers: [RowID], segment: RowID?, relatedToType: String?, relatedToId: RowID?) throws -> SurveySending {
        guard CRMSchema.surveyTypes.contains(surveyType) else {
            throw FieldInputError(pointer: "/surveyType", reason: "expected one of \(CRMSchema.surveyTypes.joined(separator: ", "))")
        }
        return try replica.transaction { tx in
            var recipients = customers
            if let segment {
                recipients += try SegmentMembers.ids(try tx.visibleRow(CRMSchema.customerSegment, id: segment), tx)
            }
            var seen = Set<RowID>()
            recipients = recipients.filter { seen.insert($0).inserted }
            guard recipients.count <= Self.maxSurveyRecipients else {
                throw FieldInputError(pointer: segment == nil ? "/customerIds" : "/segmentId", reason: "more than \(Self.maxSurveyRecipients) recipients")
            }
            guard !recipients.isEmpty else { throw FieldInputError(pointer: "/customerIds", reason: "name at least one customer (customerIds or segmentId)") }
            var result = SurveySending(created: [], skipped: [])
            var writes: [LocalWrite] = []
            let now = Rules.now(tx)
            let records = Dictionary(uniqueKeysWithValues: try tx.customers(ids: recipients).map { ($0.customer.id, $0) })
            for id in recipients {
                guard let record = records[id] else { result.skipped.append(.init(customerId: id.string, reason: "notFound")); continue }
                if record.customer["doNotContact"] == .integer(1) {
                    result.skipped.append(.init(customerId: id.string, reason: "doNotContact"))
                    continue
                }
                let surveyID = tx.replica.newRowID()
                var values: [String: FieldValue] = ["customerId": .text(id.string), "surveyType": .text(surveyType), "sentDate": now,
                                                    "followUpRequired": .integer(0)]
                if let relatedToType { values["relatedToType"] = .text(relatedToType) }
                if let relatedToId { values["relatedToId"] = .text(relatedToId.string) }
                writes.append(LocalWrite(.insert, CRMSchema.customerSurvey, id: surveyID, values: values))
                result.created.append(surveyID.string)
            }
            try tx.write(writes)
            return result
        }
    }

    /// Records a survey's answers (each validated against its `responseType`: a Rating's score
    /// within 0...`scale` (default 5), an NPS survey's scores 0–10, Boolean as `true`/`false`, Text
    /// and MultiChoice as text), sets `completedDate`, and — when the overall score is at or under
    /// ``followUpThreshold`` — sets `followUpRequired`, `followUpStatus` Pending and schedules a
    /// follow-up call for `followUpAssignedToId` (the request's, else the rooftop manager's).
    /// A survey takes one response (`CONFLICT` once `completedDate` is set). Answers have ids derived
    /// from `(survey, question)`, so two rooftops recording the same response while partitioned write
    /// one row per question (LWW).
    /// - Throws: ``FieldInputError`` naming the answer's JSON Pointer; ``ReplicaError`` `NOT_FOUND`/`GONE`, `CONFLICT`.
    public func recordSurveyResponse(survey id: RowID, answers: [JSONValue], comments: FieldValue?, followUpAssignedTo: RowID?) throws -> EntityDocument {
        try replica.transaction { tx in
            let survey = try tx.visibleRow(CRMSchema.customerSurvey, id: id)
            if case .text(let completed) = survey["completedDate"] {
                throw ReplicaError(.conflict, "survey \(id) was answered at \(completed): a survey takes one response")
            }
            guard !answers.isEmpty else { throw FieldInputError(pointer: "/responses", reason: "at least one answer") }
            guard answers.count <= 200 else { throw FieldInputError(pointer: "/responses", reason: "at most 200 answers") }
            let isNPS = survey["surveyType"].textValue == "NPS"
            var writes: [LocalWrite] = []
            var problems: [FieldInputError] = []
            for (i, answer) in answers.enumerated() {
                do {
                    let pointer = "/responses/\(i)"
                    guard case .object(let object) = answer else { throw FieldInputError(pointer: pointer, reason: "expected an object") }
                    var fields = try CRMSchema.surveyResponse.inputFields(from: object, ignoring: ["id", "surveyId"], pointer: pointer)
                    guard case .text(let questionText) = fields["questionId"] ?? .null, let question = RowID(questionText) else {
                        throw FieldInputError(pointer: "\(pointer)/questionId", reason: "required: the question's UUID")
                    }
                    try Self.checkAnswer(&fields, nps: isNPS, at: pointer)
                    fields["surveyId"] = .text(id.string)
                    fields["customerId"] = survey["customerId"]
                    let responseID = DerivedID.surveyResponse(survey: id, question: question)
                    if try tx.row(CRMSchema.surveyResponse, id: responseID) != nil {
                        fields["customerId"] = nil
                        fields["surveyId"] = nil
                        writes.append(LocalWrite(.update, CRMSchema.surveyResponse, id: responseID, values: fields))
                    } else {
                        writes.append(LocalWrite(.insert, CRMSchema.surveyResponse, id: responseID, values: fields))
                    }
                } catch let error as FieldInputError {
                    problems.append(error)
                }
            }
            if let error = FieldInputError.combining(problems) { throw error }
            try tx.write(writes)
            var surveyChanges: [String: FieldValue] = ["completedDate": Rules.now(tx)]
            if let comments { surveyChanges["comments"] = comments }
            let score = SurveyRules.overallScore(try SurveyRules.responses(survey: id, tx))
            var followUp: [LocalWrite] = []
            if let score, score <= Self.followUpThreshold, survey["followUpRequired"] != .integer(1) {
                let assignee = followUpAssignedTo ?? survey["followUpAssignedToId"].textValue.flatMap(RowID.init)
                    ?? DerivedID.rooftopManager(tx.replica.rooftop)
                surveyChanges["followUpRequired"] = .integer(1)
                surveyChanges["followUpStatus"] = .text("Pending")
                surveyChanges["followUpAssignedToId"] = .text(assignee.string)
                let followUpID = DerivedID.make("surveyFollowUp", id)
                if try !tx.exists(CRMSchema.scheduledInteraction, id: followUpID) {
                    let due = Timestamp.string(milliseconds: tx.replica.wallClock.nowMilliseconds() + 86_400_000)
                    followUp.append(LocalWrite(.insert, CRMSchema.scheduledInteraction, id: followUpID, values: [
                        "customerId": survey["customerId"], "type": .text("Call"), "direction": .text("Outbound"), "scheduledFor": .text(due),
                        "assignedToId": .text(assignee.string), "status": .text("Scheduled"),
                        "subject": .text("Survey follow-up: \(survey["surveyType"].textValue ?? "survey") scored \(score)/10"),
                        "relatedToType": .text("CustomerSurvey"), "relatedToId": .text(id.string),
                    ]))
                }
            }
            try tx.write([LocalWrite(.update, CRMSchema.customerSurvey, id: id, values: surveyChanges)] + followUp)
            return try Self.document(try tx.visibleRow(CRMSchema.customerSurvey, id: id), tx)
        }
    }

    static func checkAnswer(_ fields: inout [String: FieldValue], nps: Bool, at pointer: String) throws {
        let type = fields["responseType"]?.textValue ?? (nps ? "Rating" : nil)
        guard let type else { throw FieldInputError(pointer: "\(pointer)/responseType", reason: "required: one of \(CRMSchema.responseTypes.joined(separator: ", "))") }
        fields["responseType"] = .text(type)
        switch type {
        case "Rating":
            let scale = nps ? 10 : (fields["scale"]?.integerValue ?? 5)
            if nps, let given = fields["scale"]?.integerValue, given != 10 {
                throw FieldInputError(pointer: "\(pointer)/scale", reason: "an NPS answer is on a 0–10 scale")
            }
            fields["scale"] = .integer(scale)
            guard case .integer(let score) = fields["score"] ?? .null else { throw FieldInputError(pointer: "\(pointer)/score", reason: "required for a Rating") }
            guard score <= scale else { throw FieldInputError(pointer: "\(pointer)/score", reason: "expected 0...\(scale)") }
            if (fields["response"] ?? .null).isNull { fields["response"] = .text(String(score)) }
        case "Boolean":
            let answer = fields["response"]?.textValue?.lowercased()
            guard answer == "true" || answer == "false" else { throw FieldInputError(pointer: "\(pointer)/response", reason: "a Boolean answer is \"true\" or \"false\"") }
            fields["response"] = .text(answer!)
            fields["score"] = nil
            fields["scale"] = nil
        default:
            guard !(fields["response"] ?? .null).isNull else { throw FieldInputError(pointer: "\(pointer)/response", reason: "required") }
            if fields["score"] != nil && fields["scale"] == nil { fields["scale"] = .integer(nps ? 10 : 5) }
            if case .integer(let score) = fields["score"] ?? .null, let scale = fields["scale"]?.integerValue, score > scale {
                throw FieldInputError(pointer: "\(pointer)/score", reason: "expected 0...\(scale)")
            }
        }
    }
}

extension DerivedID {
    /// The user id follow-ups are assigned to when no one is named: the rooftop's manager (a
    /// placeholder until staff identity exists), the same on every replica.
    public static func rooftopManager(_ rooftop: RooftopID) -> RowID {
        make(key: "rooftopManager:\(rooftop.rawValue)")
    }
}
