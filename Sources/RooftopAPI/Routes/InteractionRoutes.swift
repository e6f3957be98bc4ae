import Hummingbird
import RooftopModel
import RooftopStore
import RooftopSync

/// `POST /api/crm/interactions`: records a `CustomerInteraction` (design document) for an
/// existing customer; 201 with the interaction and its `Location`. 404 when the customer does
/// not exist, 410 when it was deleted or erased. `GET /api/crm/interactions/{id}`: one interaction; 410 `GONE` when
/// it or its customer was deleted, erased or purged; 404 when never known here.
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
        router.get("api/crm/interactions/:id") { _, context in
            let id = try RequestBody.rowID(context, "id")
            let row = try await replica.run { try $0.visibleRow(CRMSchema.customerInteraction, id: id) }
            return try Response.json(JSONValue.object(row.json))
        }
    }
}
