import Hummingbird
import RooftopStore
import RooftopSync

/// `GET /api/sync/status` (``SyncStatus``), `GET /api/sync/digest` (per-table digests) and
/// `GET /api/sync/conflicts` (edits that lost to a delete: `{"items": [ConflictRecord]}`).
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
        router.get("api/compliance/erasures") { _, _ in
            try Response.json(["items": try await replica.run { try $0.erasures() }])
        }
        router.get("api/sync/conflicts") { request, _ in
            let limit = try RequestBody.integer(request, "limit", default: 200, in: 1...1000)
            return try Response.json(["items": try await replica.run { try $0.conflicts(limit: limit) }])
        }
    }
}
