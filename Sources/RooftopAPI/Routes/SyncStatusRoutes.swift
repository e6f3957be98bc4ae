import RooftopModel
import Hummingbird
import RooftopStore
import RooftopHTTP

/// `GET /api/sync/status` (``SyncStatus``), `GET /api/sync/digest` (per-table digests),
/// `GET /api/sync/conflicts` (edits that lost to a delete: `{"items": [ConflictRecord]}`), and the
/// review queue: `GET /api/sync/review` (`{"items": [ReviewItem]}`), `GET /api/sync/review/{id}`,
/// `POST /api/sync/review/{id}/apply` (applies it again as a new edit; 410 `GONE` when its row no
/// longer exists) and `DELETE /api/sync/review/{id}` (discards it; 204).
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
        // The review queue (`sync-protocol/merge-rules.md#review-queue`).
        router.get("api/sync/review") { _, _ in
            try Response.json(["items": try await replica.run { try $0.reviewItems() }])
        }
        router.get("api/sync/review/:id") { _, context in
            let id = try RequestBody.rowID(context, "id")
            return try Response.json(try await replica.run { try $0.reviewItem(id: id) })
        }
        router.post("api/sync/review/:id/apply") { _, context in
            let id = try RequestBody.rowID(context, "id")
            let changes = try await replica.run { try $0.applyReviewItem(id: id) }
            return try Response.json(["applied": JSONValue.array(changes.map { change in
                .object(["kind": .string(change.kind.name), "table": .string(change.table), "rowId": .string(change.rowID.string)])
            })])
        }
        router.delete("api/sync/review/:id") { _, context in
            let id = try RequestBody.rowID(context, "id")
            try await replica.run { try $0.discardReviewItem(id: id) }
            return Response(status: .noContent)
        }
        router.get("api/sync/conflicts") { request, _ in
            let limit = try RequestBody.integer(request, "limit", default: 200, in: 1...1000)
            return try Response.json(["items": try await replica.run { try $0.conflicts(limit: limit) }])
        }
    }
}
