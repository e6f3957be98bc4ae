import Hummingbird
import Logging
import RooftopCRM
import RooftopStore
import RooftopHTTP

/// The staff REST API of a rooftop node, served from the local replica whether or not the hub
/// answers. JSON follows the design document's camelCase shapes; errors are RFC 9457
/// `application/problem+json`.
public enum RooftopAPI {
    /// A router with every staff route.
    /// - Parameters:
    ///   - replica: the node's replica.
    ///   - hubReachable: the sync loop's latest knowledge of the hub, for `/api/sync/status`.
    ///   - hosts: the host names this node answers to (``BrowserGuardMiddleware``).
    public static func router(replica: Replica, hosts: APIHostPolicy = APIHostPolicy(),
                              hubReachable: @escaping @Sendable () async -> Bool? = { nil }) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemDetailsMiddleware())
        router.add(middleware: BrowserGuardMiddleware(policy: hosts))
        router.add(middleware: QueryEncodingMiddleware())
        let service = CRMService(replica: replica)
        CustomerRoutes(replica: replica).register(on: router)
        CustomerMergeRoutes(replica: replica).register(on: router)
        DuplicateRoutes(replica: replica).register(on: router)
        CustomerImportRoutes(replica: replica).register(on: router)
        LeadRoutes(replica: replica).register(on: router)
        InteractionRoutes(service: service).register(on: router)
        MarketingRoutes(service: service).register(on: router)
        SurveyRoutes(service: service).register(on: router)
        LoyaltyRoutes(replica: replica).register(on: router)
        EntityRoutes(service: service).register(on: router)
        let document = OpenAPIDocument.bytes
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        SyncStatusRoutes(replica: replica, hubReachable: hubReachable).register(on: router)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }
}
