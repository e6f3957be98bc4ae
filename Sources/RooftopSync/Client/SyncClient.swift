import AsyncHTTPClient
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import NIOSSL
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopWire
import RooftopHTTP

/// A rooftop's side of the sync exchange: push this rooftop's changes the hub lacks, then pull
/// every other rooftop's changes this replica lacks (`sync-protocol/sync-exchange.md`).
///
/// ```swift
/// let client = try SyncClient(replica: replica, hub: URL(string: "https://localhost:8443")!, tls: tls)
/// let report = try await client.sync()
/// try await client.shutdown()
/// ```
/// Outcomes are recorded in the replica (`syncState`) for `rooftop status`.
public final class SyncClient: Sendable {
    let replica: Replica
    let hub: URL
    /// How requests reach the hub (HTTPS with mutual TLS, or in-process for the soak).
    let transport: any SyncTransport
    /// The HTTP client, for the snapshot download (streamed to disk); nil for other transports.
    var http: HTTPClient? { (transport as? HTTPSyncTransport)?.http }
    let wallClock: any WallClock
    let progressHandler = Mutex<(@Sendable (SyncProgress) -> Void)?>(nil)
    /// Most changes asked for per pull answer (`maxChanges`; the hub clamps it to 1…100,000).
    public let pageSize: Int
    /// 50,000 changes: a few MiB per answer.
    public static let defaultPageSize = 50_000
    /// A new, empty rooftop bootstraps from the hub's snapshot when the hub holds at least this
    /// many changes (nil: never; it pulls changesets). See `sync-protocol/sync-exchange.md#snapshot-bootstrap`.
    public let snapshotThreshold: Int?
    /// 20,000 changes: below that, replaying changesets takes about a second.
    public static let defaultSnapshotThreshold = 20_000

    /// - Parameters:
    ///   - replica: this rooftop's replica.
    ///   - hub: the hub's base URL (`https://localhost:8443`).
    ///   - tls: from ``TLSSettings/rooftop(_:ca:)``.
    ///   - connectTimeout: how long to wait for the hub to accept a connection.
    ///   - wallClock: this rooftop's clock (default: the replica's), for the offset to the hub's.
    ///   - pageSize: most changes per pull answer.
    ///   - snapshotThreshold: see ``snapshotThreshold``.
    public init(replica: Replica, hub: URL, tls: TLSConfiguration, connectTimeout: TimeAmount = .seconds(3),
                wallClock: (any WallClock)? = nil, pageSize: Int = SyncClient.defaultPageSize,
                snapshotThreshold: Int? = SyncClient.defaultSnapshotThreshold) {
        self.replica = replica
        self.pageSize = pageSize
        self.snapshotThreshold = snapshotThreshold
        self.hub = hub
        self.wallClock = wallClock ?? replica.wallClock
        self.transport = HTTPSyncTransport(hub: hub, tls: tls, connectTimeout: connectTimeout)
    }

    /// A client over another transport (the convergence soak's in-process hub). It bootstraps from
    /// changesets only (the snapshot download needs HTTP).
    public init(replica: Replica, transport: any SyncTransport, hub: URL = URL(string: "https://hub.invalid")!,
                pageSize: Int = SyncClient.defaultPageSize) {
        self.replica = replica
        self.pageSize = pageSize
        self.snapshotThreshold = nil
        self.hub = hub
        self.wallClock = replica.wallClock
        self.transport = transport
    }

    /// Closes the client's connections. Call once when done.
    public func shutdown() async throws { try await transport.shutdown() }

    /// Asks the hub who it thinks we are, its time and its version vector.
    /// - Throws: ``SyncError``.
    public func hello() async throws -> HubHello {
        // Only the changes the hub ignored after the newest this rooftop has already queued.
        let seen = try await replica.perform { try $0.syncState(SyncStateKeys.hubIgnoredSeen) }.flatMap(UInt64.init) ?? 0
        let (status, body, _) = try await send(.GET, seen > 0 ? "hello?ignoredAfter=\(seen)" : "hello", contentType: nil, body: nil)
        guard status == .ok else { throw problem(status, body) }
        return try decode(HubHello.self, body)
    }

    /// One push and pull, recorded in `syncState`.
    /// - Parameter keepFrames: also return the changeset frames exchanged (for `--save-changeset`).
    /// - Returns: what was exchanged.
    /// - Throws: ``SyncError``; the failure is also recorded as `lastError`.
    public func sync(keepFrames: Bool = false, progress: (@Sendable (SyncProgress) -> Void)? = nil) async throws -> SyncReport {
        self.progressHandler.withLock { $0 = progress }
        defer { self.progressHandler.withLock { $0 = nil } }
        let started = wallClock.nowMilliseconds()
        try await replica.perform { try $0.setSyncState([SyncStateKeys.lastAttemptAt: String(started)]) }
        do {
            var report = SyncReport()
            let sent = wallClock.nowMilliseconds()
            let hello = try await hello()
            let received = wallClock.nowMilliseconds()
            guard hello.rooftop == replica.rooftop else {
                throw SyncError(.refused, "the hub knows this certificate as \(hello.rooftop), but this replica is \(replica.rooftop)")
            }
            report.clockOffsetMs = Int64(hello.serverTimeMs) - Int64((sent + received) / 2)
            // The hub's time now, remembered against the monotonic clock: local writes are refused
            // while this computer's clock is far ahead of it, even offline (hlc.md#a-clock-far-ahead).
            let hubNow = UInt64(max(0, Int64(received) + report.clockOffsetMs))
            try await replica.perform { try $0.recordHubClock(hubMilliseconds: hubNow) }
            if hello.schemaVersion > CRMSchema.version {
                try await replica.perform { try $0.setSyncState(["schemaBehind": String(hello.schemaVersion)]) }
            }
            if let floor = hello.retentionFloor {
                let (mine, bootstrapping) = try await replica.perform { try ($0.versionVector(), $0.syncState(SyncStateKeys.lastSyncAt) == nil) }
                if !bootstrapping, let (origin, hlc) = floor.entries.first(where: { mine[$0.key] < $0.value }) {
                    throw SyncError(.refused, """
                        this rooftop has not seen \(origin)'s changes up to \(hlc), compacted at the hub after the retention horizon; \
                        nothing was sent. Re-bootstrap: rooftop node rebootstrap (unsent changes are kept and re-offered)
                        """, problem: ProblemDetails(.gone, code: "BEYOND_RETENTION", detail: "compacted past this rooftop's last sync"))
                }
            }
            if let floor = hello.retentionFloor { try await replica.perform { try $0.recordHubRetentionFloor(floor) } }
            // Ignored by the hub in a push whose answer this rooftop may never have read.
            report.queuedForReview += try await replica.perform { try $0.queueIgnored(namedBy: hello) }
            // A new rooftop starts from the hub's snapshot (when the hub holds enough to make it worth it).
            let snapshot = try await bootstrapFromSnapshot(into: &report)
            let hubHasOfMine = hello.versionVector[replica.rooftop]
            let iHave = try await replica.perform { [rooftop = replica.rooftop] in try $0.versionVector()[rooftop] }
            if hubHasOfMine > iHave {
                // The hub holds changes made as this rooftop that this replica lacks.
                // (A snapshot made before the earlier installation's last push may lack some of it.)
                guard iHave == .zero || snapshot != nil else {
                    throw SyncError(.ownHistoryMissing, """
                        the hub holds changes from rooftop \(replica.rooftop) up to \(hubHasOfMine) that this replica (latest \(iHave)) \
                        never made: another node is running as \(replica.rooftop), or this replica was restored from an old copy; \
                        nothing was sent. Stop the other node, or start this rooftop from a new data directory to recover its history
                        """)
                }
                // A rebuilt rooftop with nothing of its own yet: recover its history first, so its
                // clock moves past it and nothing new is mistaken for already applied.
                try await pull(into: &report, keepFrames: keepFrames, ownHistoryBound: hubHasOfMine)
                try await replica.perform { try $0.adoptOwnHistory(through: hubHasOfMine) }
            }
            // A refused push never blocks the pull (hlc.md#a-clock-far-ahead): its failure is reported after it.
            var pushFailure: SyncError?
            let lead = -report.clockOffsetMs  // how far this computer's clock is ahead of the hub's
            if lead <= Int64(replica.maxDriftMilliseconds),
                let recovery = try await replica.perform({ try $0.recoverClock(hubAcknowledged: hubHasOfMine, hubMilliseconds: hubNow) }) {
                report.restamped = recovery.restamped
            }
            if let floor = hello.retentionFloor {
                _ = try await replica.perform { try $0.refreshStaleDeletes(floor: floor, after: hubHasOfMine) }
            }
            do {
                try await push(from: hubHasOfMine, into: &report, keepFrames: keepFrames)
            } catch let error as SyncError where error.hubAnswered {
                pushFailure = error
                if error.reasonCode == ClockSkewError.code, lead > Int64(replica.maxDriftMilliseconds) {
                    pushFailure = Self.localClockAhead(lead: lead, hubNow: hubNow, received: received, problem: error.problem)
                }
            }
            try await pull(into: &report, keepFrames: keepFrames)
            if let pushFailure { throw pushFailure }
            let finished = wallClock.nowMilliseconds()
            report.durationMs = finished - started
            let offset = report.clockOffsetMs
            try await replica.perform {
                try $0.setSyncState([SyncStateKeys.lastSyncAt: String(finished), SyncStateKeys.lastError: nil,
                                     SyncStateKeys.lastErrorCode: nil, SyncStateKeys.clockOffsetMs: String(offset)])
            }
            return report
        } catch {
            let failure = error as? SyncError ?? SyncError(.localFailure, "\(error)")
            try? await replica.perform {
                try $0.setSyncState([SyncStateKeys.lastError: failure.description, SyncStateKeys.lastErrorCode: failure.reasonCode])
            }
            throw failure
        }
    }

    /// The failure of a push refused because this computer's clock is far ahead of the hub's.
    static func localClockAhead(lead: Int64, hubNow: UInt64, received: UInt64, problem: ProblemDetails?) -> SyncError {
        SyncError(.refused, """
            this computer's clock reads \(Timestamp.string(milliseconds: received)), \(ClockSkewError.human(UInt64(lead))) ahead of the hub's \
            (\(Timestamp.string(milliseconds: hubNow))): the hub refused its changes, which are kept; local changes are refused until the \
            clock is set right, then the unsent ones are re-stamped and sent (changes from other rooftops were still received)
            """, problem: problem)
    }

    /// Compares this replica with the hub: syncs, then compares per-table digests; for a table
    /// that differs, compares its 256 id buckets and then the rows of each differing bucket. Also
    /// checks every local row against the fold of its change log (catches direct edits to the file).
    /// - Throws: ``SyncError`` when the hub cannot be reached.
    public func verify() async throws -> VerifyReport {
        var hub = try await hubDigests()
        var comparable = false
        for _ in 0..<3 {  // other rooftops may push meanwhile: catch up and compare again
            _ = try await sync()
            hub = try await hubDigests()
            if try await replica.perform({ try $0.versionVector() }) == hub.versionVector { comparable = true; break }
        }
        let local = try await replica.perform { try $0.digest() }
        var differences: [VerifyReport.TableDifference] = []
        for (mine, theirs) in zip(local, hub.tables) where mine != theirs {
            var rows: [String] = []
            let myBuckets = try await replica.perform { try $0.bucketDigests(table: mine.table) }
            let hubBuckets: [String: String] = try await get("verify/\(mine.table)")
            for prefix in Set(myBuckets.keys).union(hubBuckets.keys).sorted() where myBuckets[prefix] != hubBuckets[prefix] && rows.count < 100 {
                let myRows = try await replica.perform { try $0.rowDigests(table: mine.table, prefix: prefix) }
                let hubRows: [String: String] = try await get("verify/\(mine.table)/\(prefix)")
                rows += Set(myRows.keys).union(hubRows.keys).sorted().filter { myRows[$0] != hubRows[$0] }
            }
            differences.append(.init(table: mine.table, localRows: mine.rows, hubRows: theirs.rows, rows: Array(rows.prefix(100))))
        }
        let audit = try await replica.perform { try $0.rowsDifferingFromTheirHistory() }
        return VerifyReport(comparable: comparable, differences: differences, rowsNotMatchingTheirHistory: audit,
                            rows: local.reduce(0) { $0 + $1.rows })
    }

    func hubDigests() async throws -> HubDigests { try await get("verify") }

    /// The hub's erasures with their per-rooftop acknowledgement.
    /// - Throws: ``SyncError``.
    public func erasures() async throws -> [ErasureRecord] { try await get("erasures") }

    func get<T: Decodable>(_ path: String) async throws -> T {
        let (status, body, _) = try await send(.GET, path, contentType: nil, body: nil)
        guard status == .ok else { throw problem(status, body) }
        return try decode(T.self, body)
    }

    func push(from hubHas: HLC, into report: inout SyncReport, keepFrames: Bool) async throws {
        var cursor = hubHas  // the hub holds this rooftop's changes up to here
        try await replica.perform { try $0.setSyncState([SyncStateKeys.hubAcked: String(hubHas.rawValue)]) }
        // Pipelined: the next changeset is read and compressed while the hub applies this one.
        var next = Task { [cursor] in try await self.nextPushFrame(after: cursor) }
        defer { next.cancel() }
        while true {
            guard let prepared = try await next.value else { return }
            // An erasure since the frame was read removed this rooftop's unsent changes about the
            // customer: they must not leave in a frame read before it. Read again.
            guard try await replica.perform({ try $0.erasureCount() }) == prepared.erasures else {
                next = Task { [cursor] in try await self.nextPushFrame(after: cursor) }
                continue
            }
            let last = prepared.last
            next = Task { try await self.nextPushFrame(after: last) }
            if keepFrames { report.frames.append(prepared.frame) }
            let (status, body, _) = try await send(.POST, "changesets", contentType: SyncProtocol.changesetMediaType, body: prepared.frame)
            guard status == .ok else { throw problem(status, body) }
            let result = try decode(PushResult.self, body)
            if let ignored = result.ignoredChanges, !ignored.isEmpty {
                // Changes the hub could not apply (their row had been purged): kept for review, not dropped.
                report.queuedForReview += try await replica.perform { try $0.queueIgnoredByHub(ignored.map(HLC.init(rawValue:))) }
            }
            let acked = result.versionVector[replica.rooftop]
            guard acked >= last else { throw SyncError(.badResponse, "the hub acknowledged \(acked) after receiving up to \(last)") }
            report.pushed += result.applied
            cursor = acked
            try await replica.perform { [cursor] in try $0.setSyncState([SyncStateKeys.hubAcked: String(cursor.rawValue)]) }
            if acked > last {  // the hub had more of ours (another process pushed them): skip those
                next.cancel()
                next = Task { [cursor] in try await self.nextPushFrame(after: cursor) }
            }
        }
    }

    /// This rooftop's next changeset after `after`, as a frame of at most 5,000 changes and 8 MiB
    /// of decompressed payload (``ChangesetCodec/maxFramePayloadBytes``), well inside the hub's
    /// decoder and body limits (the batch is also halved while its compressed frame passes half the
    /// body limit), with its last HLC and the number of erasures made here before it was read;
    /// nil when there is none.
    private func nextPushFrame(after: HLC) async throws -> (last: HLC, frame: [UInt8], erasures: Int)? {
        let erasures = try await replica.perform { try $0.erasureCount() }
        var limit = SyncProtocol.changesPerChangeset
        while true {
            let batch = limit
            let changeset = try await replica.perform { [rooftop = replica.rooftop] in
                try $0.changeset(origin: rooftop, after: after, limit: batch, maxPayloadBytes: SyncProtocol.maxFramePayloadBytes)
            }
            guard let last = changeset.maxHLC else { return nil }
            let frame = try ChangesetCodec.encode(changeset)
            if frame.count > SyncProtocol.maxPushBytes / 2 && changeset.changes.count > 1 {
                limit = changeset.changes.count / 2
                continue
            }
            return (last, frame, erasures)
        }
    }

    /// Pulls until the hub has nothing more, one page at a time, fetching and decoding the next
    /// page while the current one is applied (`sync-protocol/sync-exchange.md#pull`). The next
    /// page is asked for with the vector this replica will hold once the current page is applied
    /// (`versionVector`) and the vector it holds now (`appliedVector`, what the hub records as
    /// this rooftop's progress), so nothing is acknowledged before it is committed.
    func pull(into report: inout SyncReport, keepFrames: Bool, ownHistoryBound: HLC = .zero) async throws {
        let (seen, bootstrapping) = try await replica.perform { try ($0.versionVector(), $0.syncState(SyncStateKeys.lastSyncAt) == nil) }
        var page = Task { try await self.fetchPage(PullRequest(versionVector: seen, maxChanges: self.pageSize, bootstrapping: bootstrapping)) }
        var applied = seen
        do {
            while true {
                let answer = try await page.value
                var expected = answer.request.versionVector
                for changeset in answer.changesets {
                    if let last = changeset.maxHLC { expected.advance(changeset.origin, to: last) }
                }
                if answer.more {
                    let request = PullRequest(versionVector: expected, maxChanges: pageSize, bootstrapping: bootstrapping, appliedVector: applied)
                    page = Task { try await self.fetchPage(request) }
                }
                if keepFrames { report.frames.append(contentsOf: answer.frames) }
                var inAnswer = answer.changesets.reduce(0) { $0 + $1.changes.count }
                for changeset in answer.changesets {
                    let outcome: ApplyOutcome
                    do {
                        outcome = try await replica.perform { try $0.apply(changeset, acceptingOwnChangesUpTo: ownHistoryBound) }
                    } catch let skew as ClockSkewError {
                        throw SyncError(.refused, "a pulled changeset from \(changeset.origin) is ahead of this rooftop's clock (is this computer's clock behind?): \(skew)",
                                        problem: ProblemDetails(.unprocessableContent, code: ClockSkewError.code, detail: skew.description,
                                                                offsetMs: skew.offsetMilliseconds))
                    }
                    if let last = changeset.maxHLC { applied.advance(changeset.origin, to: last) }
                    report.pulled += changeset.changes.count
                    report.applied += outcome.applied
                    inAnswer -= changeset.changes.count
                    if let handler = progressHandler.withLock({ $0 }) {
                        handler(SyncProgress(pulled: report.pulled, remaining: answer.remaining + inAnswer))
                    }
                }
                if !answer.more {
                    // After a last page that held changes, one more pull, once they are committed,
                    // tells the hub what was applied: its erasure acknowledgements (`rooftop
                    // erasures`) are current when this sync ends, not after the next one. It
                    // brings what arrived at the hub meanwhile, if anything.
                    if !answer.changesets.isEmpty {
                        let request = PullRequest(versionVector: applied, maxChanges: pageSize, bootstrapping: bootstrapping, appliedVector: applied)
                        page = Task { try await self.fetchPage(request) }
                        continue
                    }
                    if let held = answer.held {
                        try await replica.perform { [rooftop = replica.rooftop] in
                            try $0.advanceVersionVector(to: VersionVector(held.entries.filter { $0.key != rooftop }))
                        }
                    }
                    return
                }
            }
        } catch {
            page.cancel()
            throw error
        }
    }

    /// One pull answer, decoded.
    struct PullPage: Sendable {
        var request: PullRequest
        var frames: [[UInt8]]
        var changesets: [Changeset]
        var more: Bool
        /// Changes the hub still holds for this rooftop beyond this page.
        var remaining: Int
        /// The hub's version vector, on the last page.
        var held: VersionVector?
    }

    func fetchPage(_ pull: PullRequest) async throws -> PullPage {
        let (status, body, headers) = try await sendWithHeaders(.POST, "pull", contentType: "application/json",
                                                                body: Array(try JSONEncoder().encode(pull)))
        guard status == .ok else { throw problem(status, body) }
        let frames: [[UInt8]]
        do { frames = try Zstd.splitFrames(body) } catch { throw SyncError(.badResponse, "pull answer: \(error)") }
        var changesets: [Changeset] = []
        for frame in frames {
            do { changesets.append(try ChangesetCodec.decode(frame)) } catch { throw SyncError(.badResponse, "pulled changeset: \(error)") }
        }
        let more = headers.first(name: SyncProtocol.moreHeader) == "true"
        let held = headers.first(name: SyncProtocol.vectorHeader).flatMap { text in
            text.isEmpty ? nil : try? JSONDecoder().decode(VersionVector.self, from: Data(text.utf8))
        }
        return PullPage(request: pull, frames: frames, changesets: changesets, more: more,
                        remaining: headers.first(name: SyncProtocol.remainingHeader).flatMap(Int.init) ?? 0, held: more ? nil : held)
    }

    func send(_ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]?) async throws -> (HTTPResponseStatus, [UInt8], Bool) {
        let (status, bytes, headers) = try await sendWithHeaders(method, path, contentType: contentType, body: body)
        return (status, bytes, headers.first(name: SyncProtocol.moreHeader) == "true")
    }

    func sendWithHeaders(_ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]?) async throws
        -> (HTTPResponseStatus, [UInt8], HTTPHeaders)
    {
        try await transport.send(method, path, contentType: contentType, body: body)
    }

    static func classify(_ error: any Error, hub: URL) -> SyncError {
        if let error = error as? SyncError { return error }
        let text = String(describing: error)
        if error is NIOSSLError || text.contains("SSL") || text.contains("handshake") || text.contains("certificate") {
            // Without the TLS library's source locations (`at /…/handshake.cc:393`): they say nothing to staff.
            let cleaned = text.replacingOccurrences(of: #" at /[^\]\)\s,]*"#, with: "", options: .regularExpression)
            return SyncError(.tls, "TLS with the hub at \(hub.absoluteString) failed: \(cleaned)")
        }
        let reason: String
        if text.contains("Connection refused") {
            reason = "connection refused"
        } else if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("Timeout") {
            reason = "no answer before the timeout"
        } else if text.contains("NXDOMAIN") || text.contains("resolve") {
            reason = "host name not found"
        } else {
            reason = text.replacingOccurrences(of: "\n", with: " ")
        }
        return SyncError(.hubUnreachable, "the hub at \(hub.absoluteString) did not answer (\(reason))")
    }

    func problem(_ status: HTTPResponseStatus, _ body: [UInt8]) -> SyncError {
        if let problem = try? JSONDecoder().decode(ProblemDetails.self, from: Data(body)) {
            return SyncError(.refused, problem.detail ?? problem.title, problem: problem)
        }
        return SyncError(.badResponse, "the hub answered \(status.code) without a problem document")
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(body)) } catch {
            throw SyncError(.badResponse, "the hub's answer is not a \(T.self)")
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
