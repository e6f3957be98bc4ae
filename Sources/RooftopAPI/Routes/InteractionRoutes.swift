import Hummingbird
import RooftopModel
import RooftopStore
import RooftopSync

/// `POST /api/crm/interactions`: records a `CustomerInteraction` (design document) for an
/// existing customer; 201 with the interaction. 404 when the customer does not exist.
struct InteractionRoutes: Sendable {
    let replica: Replica

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("api/crm/interactions") { request, _ in
            let fields = try CRMSchema.customerInteraction.inputFields(from: try await RequestBody.jsonObject(request), ignoring: ["id", "tags"])
            let id = try await replica.run { try $0.addInteraction(fields) }
            guard let row = try await replica.run({ try $0.row(CRMSchema.customerInteraction, id: id) }) else {
                throw ProblemDetails(.internalServerError, code: "INTERNAL", detail: "the interaction was not stored")
            }
            var response = try Response.json(JSONValue.object(row.json), status: .created)
            response.headers[.location] = "/api/crm/interactions/\(id)"
            return response
        }
    }
}
