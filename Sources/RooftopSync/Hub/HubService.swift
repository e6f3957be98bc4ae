import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopWire
import RooftopHTTP

/// The hub's side of the sync exchange, without HTTP: `hello`, `changesets` (push) and `pull` for a
/// caller already identified by its client certificate (`sync-protocol/sync-exchange.md`).
///
/// ``HubRoutes`` serves it over HTTPS with mutual TLS; the convergence soak calls ``respond(to:_:_:contentType:body:)``
/// in process. Both get the same status codes, headers and bytes.
public struct HubService: Sendable {
    /// One answer: the HTTP status, the headers and the body.
    public struct Answer: Sendable {
        public var status: HTTPResponseStatus
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    public let replica: Replica
    let wallClock: any WallClock
    let snapshots: SnapshotStore?
    let logger: Logger
    /// The hub-wide bounds on work per request, shared by every request.
    public let limits: HubLimits

    /// - Parameters:
    ///   - snapshots: discarded when a push erases or purges (nil: no snapshots served).
    ///   - limits: the bounds on work per request; pass the same instance for every request of one hub.
    public init(replica: Replica, wallClock: (any WallClock)? = nil, snapshots: SnapshotStore? = nil, logger: Logger = Logger(label: "rooftop.hub"),
                limits: HubLimits = HubLimits()) {
        self.replica = replica
        self.wallClock = wallClock ?? replica.wallClock
        self.snapshots = snapshots
        self.logger = logger
        self.limits = limits
    }

    /// Answers one request of the exchange from `caller`: `GET hello`, `POST changesets`, `POST pull`
    /// (problems as `application/problem+json`, as over HTTPS).
    public func respond(to caller: RooftopID, _ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]) async -> Answer {
        do {
            let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
            switch (method, parts.first ?? path) {
            case (.GET, "hello"):
                let query = parts.count > 1 ? parts[1] : ""
                let after = query.split(separator: "&").first { $0.hasPrefix("ignoredAfter=") }.flatMap { UInt64($0.dropFirst("ignoredAfter=".count)) }
                return try Self.json(try await hello(caller, ignoredAfter: HLC(rawValue: after ?? 0)))
            case (.POST, "changesets"): return try Self.json(try await push(caller, frame: body))
            case (.POST, "pull"): return try await pull(caller, body: body)
            default: throw ProblemDetails(.notFound, code: "NOT_FOUND", detail: "no such endpoint")
            }
        } catch {
            let problem = ProblemDetails.from(error)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var headers: HTTPHeaders = ["Content-Type": ProblemDetails.mediaType]
            if let retry = problem.retryAfter { headers.add(name: "Retry-After", value: String(retry)) }
            return Answer(status: .init(statusCode: problem.statusCode), headers: headers,
                          body: Array((try? encoder.encode(problem)) ?? Data()))
        }
    }

    /// `GET /sync/v1/hello[?ignoredAfter=<raw HLC>]`: `ignoredChanges` lists the caller's changes the
    /// hub ignored after that HLC (the newest the caller has queued for review).
    public func hello(_ caller: RooftopID, ignoredAfter: HLC = .zero) async throws -> HubHello {
        let (vector, floor, ignored) = try await replica.perform {
            try ($0.versionVector(), $0.retentionFloor(), $0.ignoredChanges(of: caller, after: ignoredAfter))
        }
        return HubHello(rooftop: caller, schemaVersion: CRMSchema.version, formatVersion: ChangesetCodec.formatVersion,
                        serverTimeMs: wallClock.nowMilliseconds(), versionVector: vector, retentionFloor: floor,
                        ignoredChanges: ignored.isEmpty ? nil : ignored.map(\.rawValue))
    }

    /// `POST /sync/v1/changesets`: one changeset frame from `caller`.
    /// - Throws: ``ProblemDetails`` 400 (decoder codes), 403 `ORIGIN_MISMATCH`, 413 `LIMIT_EXCEEDED`
    ///   (more names, changes, fields or value bytes than ``HubLimits/decodingLimits``) and
    ///   `UNKNOWN_SCHEMA_QUOTA` (per push), 422 `CLOCK_SKEW`, `UNKNOWN_SCHEMA`, `UNKNOWN_SCHEMA_QUOTA`
    ///   (per rooftop), `WRONG_ROOFTOP`, `STALE_DELETE` (a delete predating the retention floor),
    ///   429 `TOO_MANY_PUSHES` (with ``ProblemDetails/retryAfter``).
    public func push(_ caller: RooftopID, frame: [UInt8]) async throws -> PushResult {
        try await admittingPush(of: caller) { try await pushAdmitted(caller, frame: frame) }
    }

    /// Runs `body` holding one of `caller`'s push slots (``HubLimits/maxPushesPerRooftop``).
    /// - Throws: ``ProblemDetails`` 429 `TOO_MANY_PUSHES` when none is free; whatever `body` throws.
    func admittingPush<T>(of caller: RooftopID, _ body: () async throws -> T) async throws -> T {
        guard limits.beginPush(caller) else {
            logger.warning("refused push: too many at once", metadata: ["rooftop": "\(caller)"])
            throw ProblemDetails(.tooManyRequests, code: "TOO_MANY_PUSHES", title: "Too many pushes",
                                 detail: "this rooftop already has \(limits.maxPushesPerRooftop) pushes in progress; retry after \(limits.retryAfterSeconds) s",
                                 retryAfter: limits.retryAfterSeconds)
        }
        defer { limits.endPush(caller) }
        return try await body()
    }

    /// ``push(_:frame:)`` once its push slot is held.
    func pushAdmitted(_ caller: RooftopID, frame: [UInt8]) async throws -> PushResult {
        let changeset: Changeset
        do {
            changeset = try await limits.decode(frame)
        } catch {
            if error.code == .limitExceeded {
                logger.warning("refused changeset over the decoding limits", metadata: ["rooftop": "\(caller)"])
                throw ProblemDetails(.contentTooLarge, code: error.code.rawValue, title: "Changeset too large", detail: error.message)
            }
            throw ProblemDetails(.badRequest, code: error.code.rawValue, title: "Invalid changeset", detail: error.message)
        }
        guard changeset.origin == caller else {
            logger.warning("refused changeset claiming another origin", metadata: ["rooftop": "\(caller)", "claimed": "\(changeset.origin)"])
            throw ProblemDetails(.forbidden, code: "ORIGIN_MISMATCH", title: "Origin mismatch",
                                 detail: "the changeset's origin \(changeset.origin) is not \(caller), the rooftop of the client certificate")
        }
        // Changes of a newer schema are kept in the log only (never merged here): bounded per push
        // and per rooftop, so they cannot fill the hub's disk or every pull.
        let seen = try await replica.perform { try $0.versionVector()[caller] }
        let unknown = HubLimits.unknownSchemaBytes(changeset, after: seen)
        let quotaKey = "unknownSchemaBytes.\(caller.rawValue)"
        if unknown > 0 {
            guard unknown <= limits.maxUnknownSchemaBytesPerPush else {
                throw ProblemDetails(.contentTooLarge, code: "UNKNOWN_SCHEMA_QUOTA", title: "Too much of an unknown schema", detail: """
                    the changeset carries \(unknown) bytes of schema \(changeset.schemaVersion) tables and fields this hub (schema \(CRMSchema.version)) \
                    does not know; at most \(limits.maxUnknownSchemaBytesPerPush) are accepted per push: send smaller changesets, or upgrade the hub
                    """)
            }
            let used = try await replica.perform { try $0.syncState(quotaKey).flatMap(Int.init) ?? 0 }
            guard used + unknown <= limits.maxUnknownSchemaBytesPerRooftop else {
                logger.warning("refused changeset: unknown-schema quota", metadata: ["rooftop": "\(caller)", "used": "\(used)"])
                throw ProblemDetails(.unprocessableContent, code: "UNKNOWN_SCHEMA_QUOTA", title: "Too much of an unknown schema", detail: """
                    this rooftop has sent \(used) bytes of schema tables and fields newer than this hub's (schema \(CRMSchema.version)); at most \
                    \(limits.maxUnknownSchemaBytesPerRooftop) are kept per rooftop: upgrade the hub
                    """)
            }
        }
        let outcome: ApplyOutcome
        do {
            outcome = try await replica.perform { try $0.apply(changeset) }
        } catch let skew as ClockSkewError {
            logger.warning("refused changeset: clock skew", metadata: ["rooftop": "\(caller)", "offsetMs": "\(skew.offsetMilliseconds)"])
            throw ProblemDetails(.unprocessableContent, code: ClockSkewError.code, title: "Clock skew", detail: """
                the changeset's newest change is \(skew.offsetMilliseconds) ms (\(ClockSkewError.human(skew.offsetMilliseconds))) ahead of \
                the hub's clock (max drift \(skew.maxDriftMilliseconds) ms): nothing was applied. The sender's clock is probably wrong; \
                its changes stay in its outbox and are re-stamped once its clock is right
                """, offsetMs: skew.offsetMilliseconds)
        } catch let error as ReplicaError where error.code == .unknownSchema || error.code == .wrongRooftop || error.code == .staleDelete {
            // STALE_DELETE: a delete that predates the retention floor could make edits lose whose superseded
            // values were compacted away; the client refreshes such deletes and pushes again (merge-rules.md#retention).
            throw ProblemDetails(.unprocessableContent, code: error.code.rawValue, title: "Changeset not applicable", detail: error.message)
        }
        if unknown > 0 {
            try await replica.perform { replica in
                let used = try replica.syncState(quotaKey).flatMap(Int.init) ?? 0
                try replica.setSyncState([quotaKey: String(used + unknown)])
            }
        }
        if changeset.changes.contains(where: { $0.kind == .erase || $0.kind == .purge }) {
            await snapshots?.discard()  // it holds what was just erased or purged
        }
        logger.info("applied changeset", metadata: [
            "rooftop": "\(caller)", "applied": "\(outcome.applied)", "alreadyApplied": "\(outcome.alreadyApplied)",
        ])
        let vector = try await replica.perform { try $0.versionVector() }
        if outcome.ignored > 0 {
            logger.warning("ignored changes to purged rows", metadata: ["rooftop": "\(caller)", "ignored": "\(outcome.ignored)"])
        }
        return PushResult(applied: outcome.applied, alreadyApplied: outcome.alreadyApplied, versionVector: vector,
                          ignored: outcome.ignored > 0 ? outcome.ignored : nil,
                          ignoredChanges: outcome.ignored > 0 ? outcome.ignoredChanges.map(\.rawValue) : nil)
    }

    /// `POST /sync/v1/pull`: the changes `caller` lacks, as concatenated changeset frames.
    /// - Throws: ``ProblemDetails`` 400 `MALFORMED_JSON`, 410 `BEYOND_RETENTION`.
    public func pull(_ caller: RooftopID, body: [UInt8]) async throws -> Answer {
        let pull: PullRequest
        do { pull = try JSONDecoder().decode(PullRequest.self, from: Data(body)) } catch {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", detail: "expected {\"versionVector\": {...}, \"maxChanges\": n}")
        }
        let budget = max(1, min(pull.maxChanges, 100_000))
        try await replica.perform { try $0.recordProgress(of: caller, seen: pull.appliedVector ?? pull.versionVector) }
        // A rooftop that has data but missed a change dropped with a purged row must re-bootstrap
        // (`sync-protocol/merge-rules.md#retention`); a new, empty rooftop may bootstrap.
        if !pull.versionVector.entries.isEmpty && pull.bootstrapping != true {
            let floor = try await replica.perform { try $0.retentionFloor() }
            if let (origin, hlc) = floor.entries.first(where: { pull.versionVector[$0.key] < $0.value }) {
                throw ProblemDetails(.gone, code: "BEYOND_RETENTION", title: "Beyond retention",
                                     detail: "this rooftop has not seen \(origin)'s changes up to \(hlc), which were compacted after the retention horizon; re-bootstrap it (rooftop node rebootstrap), its unsent changes are kept")
            }
        }
        let (frames, more, left, held) = try await replica.perform { replica in
            try HubRoutes.framesForPull(replica: replica, caller: caller, seen: pull.versionVector, budget: budget)
        }
        var headers: HTTPHeaders = ["Content-Type": SyncProtocol.changesetsMediaType]
        headers.add(name: SyncProtocol.moreHeader, value: more ? "true" : "false")
        headers.add(name: SyncProtocol.remainingHeader, value: String(left))
        headers.add(name: SyncProtocol.vectorHeader, value: more ? "" : String(decoding: try JSONEncoder().encode(held), as: UTF8.self))
        return Answer(status: .ok, headers: headers, body: frames.flatMap { $0 })
    }

    static func json(_ value: some Encodable) throws -> Answer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Answer(status: .ok, headers: ["Content-Type": "application/json"], body: Array(try encoder.encode(value)))
    }
}
