import Dispatch
import Foundation
import NIOCore
import RooftopModel
import RooftopReplication
import RooftopWire
import Synchronization

/// Bounds the work one request can make the hub do, so that one valid rooftop certificate cannot
/// exhaust it (`sync-protocol/sync-exchange.md#request-limits`). One instance is shared by every
/// request of a hub (``HubServer`` makes it; the in-process soak may use its own).
///
/// - Decoding a pushed frame runs on a GCD thread, never on a request's event loop or Swift's
///   cooperative pool, at most ``maxConcurrentDecodes`` at once hub-wide (others wait their turn).
/// - At most ``maxPushesPerRooftop`` pushes of one rooftop are served at once; one more is
///   answered 429 `TOO_MANY_PUSHES` with `Retry-After: ` ``retryAfterSeconds``.
/// - A push may carry at most ``maxUnknownSchemaBytesPerPush`` bytes of changes of a newer, unknown
///   schema (413 `UNKNOWN_SCHEMA_QUOTA`), and a rooftop at most ``maxUnknownSchemaBytesPerRooftop``
///   in all (422 `UNKNOWN_SCHEMA_QUOTA`).
/// - Frames are decoded with ``decodingLimits`` (413 `LIMIT_EXCEEDED`).
/// - Connections idle for ``idleTimeout`` (no request, or a request whose head or body stopped
///   arriving, or a TLS handshake that stalls) are closed.
public final class HubLimits: Sendable {
    /// Most frames decoded at once, hub-wide (default 2).
    public let maxConcurrentDecodes: Int
    /// Most pushes of one rooftop served at once (default 2).
    public let maxPushesPerRooftop: Int
    /// Seconds a refused push is told to wait (`Retry-After`, default 1).
    public let retryAfterSeconds: Int
    /// Most bytes of newer-schema changes (unknown tables and fields, kept in the log only) in one
    /// push, counted as encoded (default 1 MiB).
    public let maxUnknownSchemaBytesPerPush: Int
    /// Most bytes of newer-schema changes the hub keeps from one rooftop in all (default 64 MiB).
    public let maxUnknownSchemaBytesPerRooftop: Int
    /// What the decoder accepts in one pushed frame.
    public let decodingLimits: ChangesetCodec.DecodingLimits
    /// How long a connection may stay idle, or a request's head or body stall, before it is closed
    /// (default 30 s; nil: never).
    public let idleTimeout: TimeAmount?

    let decodes: AsyncLimiter
    let pushes = Mutex<[RooftopID: Int]>([:])

    /// - Parameters: see the properties; the defaults are the documented limits.
    public init(maxConcurrentDecodes: Int = 2, maxPushesPerRooftop: Int = 2, retryAfterSeconds: Int = 1,
                maxUnknownSchemaBytesPerPush: Int = 1 << 20, maxUnknownSchemaBytesPerRooftop: Int = 64 << 20,
                decodingLimits: ChangesetCodec.DecodingLimits = .standard, idleTimeout: TimeAmount? = .seconds(30)) {
        self.maxConcurrentDecodes = max(1, maxConcurrentDecodes)
        self.maxPushesPerRooftop = max(1, maxPushesPerRooftop)
        self.retryAfterSeconds = retryAfterSeconds
        self.maxUnknownSchemaBytesPerPush = maxUnknownSchemaBytesPerPush
        self.maxUnknownSchemaBytesPerRooftop = maxUnknownSchemaBytesPerRooftop
        self.decodingLimits = decodingLimits
        self.idleTimeout = idleTimeout
        self.decodes = AsyncLimiter(self.maxConcurrentDecodes)
    }

    /// Takes one of `rooftop`'s push slots.
    /// - Returns: false when it already has ``maxPushesPerRooftop`` pushes in progress.
    func beginPush(_ rooftop: RooftopID) -> Bool {
        pushes.withLock { running in
            guard running[rooftop, default: 0] < maxPushesPerRooftop else { return false }
            running[rooftop, default: 0] += 1
            return true
        }
    }

    /// Returns a slot taken by ``beginPush(_:)``.
    func endPush(_ rooftop: RooftopID) {
        pushes.withLock { running in
            let left = running[rooftop, default: 1] - 1
            running[rooftop] = left > 0 ? left : nil
        }
    }

    /// Decodes `frame` on a GCD thread, waiting while ``maxConcurrentDecodes`` decodes run.
    /// - Throws: ``ChangesetDecodingError``.
    func decode(_ frame: [UInt8]) async throws(ChangesetDecodingError) -> Changeset {
        await decodes.acquire()
        let limits = decodingLimits
        let result: Result<Changeset, ChangesetDecodingError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(ChangesetDecodingError) in try ChangesetCodec.decode(frame, limits: limits) })
            }
        }
        decodes.release()
        return try result.get()
    }

    /// The bytes of `changeset`'s changes after `seen` that this release does not know (a newer
    /// schema's tables and fields), counted as encoded (name and value). Zero for a changeset of
    /// this schema or older (unknown names are refused whole then).
    static func unknownSchemaBytes(_ changeset: Changeset, after seen: HLC) -> Int {
        guard changeset.schemaVersion > CRMSchema.version else { return 0 }
        var bytes = 0
        for change in changeset.changes where change.hlc > seen {
            let entity = CRMSchema.entity(change.table)
            if entity == nil { bytes += 32 + change.table.utf8.count }
            for field in change.fields where entity?.field(field.name) == nil {
                bytes += field.name.utf8.count + FrameBudget.valueSize(field.value)
            }
        }
        return bytes
    }
}
