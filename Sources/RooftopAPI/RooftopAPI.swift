import Hummingbird
import Logging
import RooftopStore
import RooftopSync

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
        CustomerRoutes(replica: replica).register(on: router)
        InteractionRoutes(replica: replica).register(on: router)
        LoyaltyRoutes(replica: replica).register(on: router)
        SyncStatusRoutes(replica: replica, hubReachable: hubReachable).register(on: router)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }
}
