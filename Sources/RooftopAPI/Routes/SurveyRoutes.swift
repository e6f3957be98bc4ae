import Hummingbird
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopHTTP

/// Survey actions (design document "Customer Surveys"); list and read are ``EntityRoutes``.
///
/// - `POST /api/crm/surveys/send` — `{"surveyType", "customerIds": [ids] | "segmentId", "relatedToType", "relatedToId"}`:
///   201 ``SurveySending`` (created survey ids; customers skipped for `doNotContact`).
/// - `POST /api/crm/surveys/{id}/response` — `{"responses": [{questionId, question, responseType, response, score, scale}],
///   "comments", "followUpAssignedToId"}`: the survey with `overallScore`; a score ≤ 6 sets `followUpRequired`
///   and schedules a follow-up call.
/// - `GET /api/crm/surveys/analytics?from=&to=&surveyType=&homeRooftop=&period=day|week|month` — ``SurveyAnalytics``.
struct SurveyRoutes: Sendable {
    let service: CRMService

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("api/crm/surveys/send") { request, _ in
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["surveyType", "customerIds", "segmentId", "relatedToType", "relatedToId"])
            guard case .string(let type) = body["surveyType"] ?? .null else {
                throw ProblemDetails.validation(FieldInputError(pointer: "/surveyType", reason: "required: one of \(CRMSchema.surveyTypes.joined(separator: ", "))"))
            }
            let customers = try RequestBody.ids(body["customerIds"], at: "/customerIds")
            let segment = try RequestBody.optionalID(body["segmentId"], at: "/segmentId")
            let relatedToId = try RequestBody.optionalID(body["relatedToId"], at: "/relatedToId")
            let relatedToType = try CRMSchema.customerSurvey.field("relatedToType")!.type
                .storedValue(for: body["relatedToType"] ?? .null, at: "/relatedToType").textValue
            let sending = try await service.run { try $0.sendSurvey(surveyType: type, customers: customers, segment: segment, relatedToType: relatedToType, relatedToId: relatedToId) }
            return try Response.json(sending, status: .created)
        }
        router.post("api/crm/surveys/:id/response") { request, context in
            let id = try RequestBody.rowID(context, "id")
            let body = try await RequestBody.jsonObject(request)
            try RequestBody.refuseUnknownFields(body, allowed: ["responses", "comments", "followUpAssignedToId"])
            guard case .array(let answers) = body["responses"] ?? .null else {
                throw ProblemDetails.validation(FieldInputError(pointer: "/responses", reason: "required: an array of answers"))
            }
            let comments = try body["comments"].map { try CRMSchema.customerSurvey.field("comments")!.type.storedValue(for: $0, at: "/comments") }
            let assignee = try RequestBody.optionalID(body["followUpAssignedToId"], at: "/followUpAssignedToId")
            return try EntityRoutes.response(try await service.run { try $0.recordSurveyResponse(survey: id, answers: answers, comments: comments, followUpAssignedTo: assignee) })
        }
        router.get("api/crm/surveys/analytics") { request, _ in
            try ListParameters.refuseUnknown(request, allowed: ["from", "to", "surveyType", "homeRooftop", "period"])
            let parameters = request.uri.queryParameters
            let from = try parameters.get("from").map { try ListParameters.value(String($0), .dateTime, name: "from").textValue! }
            let to = try parameters.get("to").map { try ListParameters.value(String($0), .dateTime, name: "to").textValue! }
            let type = try parameters.get("surveyType").map { try ListParameters.value(String($0), .enumeration(CRMSchema.surveyTypes), name: "surveyType").textValue! }
            let rooftop = parameters.get("homeRooftop").map { String($0) }
            let period = try parameters.get("period").map { try ListParameters.value(String($0), .enumeration(SurveyAnalytics.periods), name: "period").textValue! }
            return try Response.json(try await service.run { try $0.surveyAnalytics(from: from, to: to, surveyType: type, rooftop: rooftop, period: period) })
        }
    }
}
