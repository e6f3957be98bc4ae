import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopWire
import RooftopHTTP

/// The hub's sync endpoints (`sync-protocol/sync-exchange.md`). Every route first identifies the
/// caller from its client certificate.
///
/// - `GET  /sync/v1/hello`: ``HubHello``.
/// - `POST /sync/v1/changesets`: one changeset frame from the caller; refused with 403
///   `ORIGIN_MISMATCH` unless its origin is the caller; 422 `CLOCK_SKEW` when an HLC is beyond
///   the max drift; 400 with the decoder's code when the frame is bad; 413 `CONTENT_TOO_LARGE`
///   (body over 16 MiB), `LIMIT_EXCEEDED` (decoder limits), `UNKNOWN_SCHEMA_QUOTA`; 429
///   `TOO_MANY_PUSHES` with `Retry-After` (``HubLimits``). Answers ``PushResult``.
/// - `POST /sync/v1/pull`: ``PullRequest`` in, concatenated changeset frames out: every origin's
///   changes beyond the caller's version vector (its own only when it reports less than the hub holds).
/// - `GET  /sync/v1/snapshot?layout=L&minChanges=N`: the hub's replica file as one zstd frame
///   (``SnapshotStore``), with `ETag`, `Range`/`If-Range` for resuming; 204 when the hub holds
///   fewer than N changes, 409 `LAYOUT_MISMATCH` when L is not its storage layout.
/// - `GET  /sync/v1/digest`: the hub replica's per-table digests.
/// - `GET  /sync/v1/erasures`: every erasure with the rooftops that have applied it (``ErasureRecord``).
/// - `GET  /sync/v1/verify`, `/verify/{table}`, `/verify/{table}/{prefix}`: ``HubDigests``, then
///   bucket digests, then row digests, for `rooftop sync verify`.
public struct HubRoutes: Sendable {
    let replica: Replica
    let wallClock: any WallClock
    let snapshots: SnapshotStore
    let limits: HubLimits

    /// - Parameters:
    ///   - snapshots: the snapshot files for `GET /sync/v1/snapshot` (default: in `snapshots/` next to the replica).
    ///   - limits: the bounds on work per request, shared by all of them.
    public init(replica: Replica, wallClock: any WallClock = SystemWallClock(), snapshots: SnapshotStore? = nil, limits: HubLimits = HubLimits()) {
        self.replica = replica
        self.wallClock = wallClock
        self.snapshots = snapshots ?? SnapshotStore(replica: replica, wallClock: wallClock)
        self.limits = limits
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<HubRequestContext>) {
        let group = router.group(RouterPath(SyncProtocol.prefix))
        group.get("hello") { request, context in try await hello(request, context) }
        group.post("changesets") { request, context in try await push(request, context) }
        group.post("pull") { request, context in try await pull(request, context) }
        group.get("snapshot") { request, context in try await snapshot(request, context) }
        group.get("digest") { _, context in
            _ = try await context.peerRooftop()
            return try Response.json(try await replica.perform { try $0.digest() })
        }
        group.get("erasures") { _, context in
            _ = try await context.peerRooftop()
            return try Response.json(try await replica.perform { try $0.erasures() })
        }
        group.get("verify") { _, context in
            _ = try await context.peerRooftop()
            let (vector, tables) = try await replica.perform { try ($0.versionVector(), $0.digest()) }
            return try Response.json(HubDigests(versionVector: vector, tables: tables))
        }
        group.get("verify/:table") { _, context in
            _ = try await context.peerRooftop()
            let table = context.parameters.get("table") ?? ""
            return try Response.json(try await Self.storeCall { try await replica.perform { try $0.bucketDigests(table: table) } })
        }
        group.get("verify/:table/:prefix") { _, context in
            _ = try await context.peerRooftop()
            let table = context.parameters.get("table") ?? "", prefix = context.parameters.get("prefix") ?? ""
            return try Response.json(try await Self.storeCall { try await replica.perform { try $0.rowDigests(table: table, prefix: prefix) } })
        }
    }

    /// Runs a replica call, answering 400 for its `INVALID` errors (unknown table, bad prefix).
    static func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ReplicaError where error.code == .invalid {
            throw ProblemDetails(.badRequest, code: "VALIDATION", detail: error.message)
        }
    }

    var service: HubService { HubService(replica: replica, wallClock: wallClock, snapshots: snapshots, limits: limits) }

    func hello(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let after = request.uri.queryParameters.get("ignoredAfter").map { UInt64($0) }
        guard let after = after ?? 0 else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", detail: "ignoredAfter must be an HLC (a whole number)")
        }
        return try Response.json(try await service.hello(try await context.peerRooftop(), ignoredAfter: HLC(rawValue: after)))
    }

    func push(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let rooftop = try await context.peerRooftop()
        let service = HubService(replica: replica, wallClock: wallClock, snapshots: snapshots, logger: context.logger, limits: limits)
        // The slot is taken before the body is read: a rooftop cannot hold more than its share of bodies in memory.
        return try await service.admittingPush(of: rooftop) {
            let body = try await request.body.collect(upTo: SyncProtocol.maxPushBytes)
            return try Response.json(try await service.pushAdmitted(rooftop, frame: Array(buffer: body)))
        }
    }

    func pull(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let rooftop = try await context.peerRooftop()
        let body = try await request.body.collect(upTo: 1 << 20)
        let answer = try await service.pull(rooftop, body: Array(buffer: body))
        var fields = HTTPFields()
        for (name, value) in answer.headers { if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) } }
        return Response(status: .init(code: Int(answer.status.code)), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// The changesets a rooftop that has seen `seen` is missing, origin by origin, at most
    /// `budget` changes and about ``SyncProtocol/maxPullBytes`` of decompressed payload in all, each
    /// changeset at most ``SyncProtocol/changesPerChangeset`` changes and
    /// ``SyncProtocol/maxFramePayloadBytes`` of decompressed payload.
    static func framesForPull(replica: Replica, caller: RooftopID, seen: VersionVector, budget: Int)
        throws -> (frames: [[UInt8]], more: Bool, remaining: Int, held: VersionVector)
    {
        let held = try replica.versionVector()
        let (frames, more, sentUpTo) = try collectFrames(replica: replica, seen: seen, budget: budget)
        var left = 0
        if more {
            for (origin, latest) in try replica.versionVector().entries where sentUpTo[origin] ?? seen[origin] < latest {
                left += try replica.changeCount(origin: origin, after: sentUpTo[origin] ?? seen[origin])
            }
        }
        return (frames, more, left, held)
    }

    static func collectFrames(replica: Replica, seen: VersionVector, budget: Int) throws -> ([[UInt8]], Bool, [RooftopID: HLC]) {
        var sentUpTo: [RooftopID: HLC] = [:]
        var frames: [[UInt8]] = []
        var remaining = budget
        var bytes = 0
        let held = try replica.versionVector()
        // The caller's own origin is included only beyond what it reports (a rebuilt rooftop
        // recovering what its earlier installation pushed).
        for (origin, latest) in held.entries.sorted(by: { $0.key < $1.key }) {
            var cursor = seen[origin]
            while cursor < latest {
                if remaining == 0 || bytes >= SyncProtocol.maxPullBytes { return (frames, true, sentUpTo) }
                let changeset = try replica.changeset(origin: origin, after: cursor, limit: min(remaining, SyncProtocol.changesPerChangeset),
                                                      maxPayloadBytes: SyncProtocol.maxFramePayloadBytes)
                guard let last = changeset.maxHLC else { break }
                let payload = try ChangesetCodec.encodePayload(changeset)
                frames.append(try Zstd.compress(payload, level: 3))
                bytes += payload.count
                remaining -= changeset.changes.count
                cursor = last
                sentUpTo[origin] = last
            }
        }
        return (frames, false, sentUpTo)
    }
}
