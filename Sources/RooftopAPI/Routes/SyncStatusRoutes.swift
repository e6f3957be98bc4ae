import Hummingbird
import RooftopStore
import RooftopSync

/// `GET /api/sync/status` (``SyncStatus``) and `GET /api/sync/digest` (per-table digests).
struct SyncStatusRoutes: Sendable {
    let replica: Replica
    /// The node's latest knowledge of the hub (from its sync loop); nil when it runs none.
    let hubReachable: @Sendable () async -> Bool?

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("api/sync/status") { _, _ in
            var status = try await replica.run { try SyncStatus.read($0) }
            status.hubReachable = await hubReachable()
            return try Response.json(status)
        }
        router.get("api/sync/digest") { _, _ in
            try Response.json(try await replica.run { try $0.digest() })
        }
    }
}
